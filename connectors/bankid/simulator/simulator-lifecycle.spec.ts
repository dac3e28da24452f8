import { BankIdClient } from '../bankid.client';
import { startBankIdSimulator, type BankIdSimulator } from './index';

// Timing behaviour with a controllable clock (BankID: 30 s start, 3 min order, 3/5 min retention).
describe('BankID simulator order lifecycle over time', () => {
  let simulator: BankIdSimulator;
  let client: BankIdClient;
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    simulator = await startBankIdSimulator({ now: () => clock, autoCompleteAfterCollects: Infinity });
    client = new BankIdClient({
      baseUrl: simulator.url,
      pfx: simulator.client.pfx,
      passphrase: simulator.client.passphrase,
      caPem: simulator.ca.certPem,
    });
  });
  afterAll(async () => {
    client.close();
    await simulator.close();
  });

  const startOrder = () =>
    client.sign({ endUserIp: '192.0.2.1', userVisibleData: Buffer.from('x').toString('base64') });

  it('startFailed when the app is not started (no collect) within 30 s', async () => {
    const order = await startOrder();
    clock += 30_001;
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({
      status: 'failed',
      hintCode: 'startFailed',
    });
  });

  it('expiredTransaction when a started order is not completed within 3 min', async () => {
    const order = await startOrder();
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({
      status: 'pending',
      hintCode: 'outstandingTransaction',
    });
    clock += 60_000;
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({
      status: 'pending',
      hintCode: 'userSign',
    });
    clock += 120_001;
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({
      status: 'failed',
      hintCode: 'expiredTransaction',
    });
    // A failed order stays collectable for 5 min, then BankID no longer knows it.
    clock += 299_000;
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({ status: 'failed' });
    clock += 2_000;
    await expect(client.collect(order.orderRef)).rejects.toMatchObject({ code: 'bankid.invalidParameters' });
  });

  it('a complete order is collectable for 3 min, then invalidParameters', async () => {
    const order = await startOrder();
    await client.collect(order.orderRef);
    const response = await fetchControl(simulator, order.orderRef, { action: 'sign' });
    expect(response).toMatchObject({ status: 'complete' });
    clock += 179_000;
    await expect(client.collect(order.orderRef)).resolves.toMatchObject({ status: 'complete' });
    clock += 2_000;
    await expect(client.collect(order.orderRef)).rejects.toMatchObject({ code: 'bankid.invalidParameters' });
  });
});

async function fetchControl(simulator: BankIdSimulator, orderRef: string, body: object): Promise<unknown> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${simulator.controlUrl}/orders/${orderRef}`,
      {
        method: 'POST',
        ca: simulator.ca.certPem,
        pfx: simulator.client.pfx,
        passphrase: simulator.client.passphrase,
        headers: { 'Content-Type': 'application/json' },
        agent: false,
      },
      (response) => {
        let text = '';
        response.on('data', (chunk) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text)));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
