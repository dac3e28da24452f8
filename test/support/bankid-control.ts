import https from 'node:https';
import type { BankIdSimulator } from '../../connectors/bankid/simulator';

export interface SimulatedOrderView {
  orderRef: string;
  status: string;
  hintCode?: string;
  requiredPersonalNumber?: string;
  signerPersonalNumber?: string;
  endUserIp: string;
  returnUrl?: string;
  userVisibleData?: string;
  userNonVisibleData?: string;
}

/** Drives the BankID simulator's control API over the same mTLS as the RP API. */
export class SimulatorControl {
  private readonly agent: https.Agent;

  constructor(private readonly sim: BankIdSimulator) {
    this.agent = new https.Agent({ ca: sim.ca.certPem, cert: sim.client.certPem, key: sim.client.keyPem });
  }

  request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const url = new URL(`${this.sim.controlUrl}${path}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as T,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  async orders(): Promise<SimulatedOrderView[]> {
    return (await this.request<{ orders: SimulatedOrderView[] }>('GET', '/orders')).body.orders;
  }

  /** The simulator order behind a hub session (orderRef read from the hub's database). */
  async order(orderRef: string): Promise<SimulatedOrderView> {
    const found = (await this.orders()).find((o) => o.orderRef === orderRef);
    if (!found) throw new Error(`no simulator order ${orderRef}`);
    return found;
  }

  act(orderRef: string, action: string, extra: Record<string, unknown> = {}) {
    return this.request<Record<string, unknown>>('POST', `/orders/${orderRef}`, { action, ...extra });
  }

  fault(endpoint: string, status: number, errorCode: string, count = 1) {
    return this.request('POST', '/faults', { endpoint, status, errorCode, count });
  }

  close(): void {
    this.agent.destroy();
  }
}
