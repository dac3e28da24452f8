import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BankIdClient, mapHttpError, unpackPkcs12 } from './bankid.client';
import { startBankIdSimulator, type BankIdSimulator } from './simulator';

describe('BankID client error mapping', () => {
  it.each([
    [
      400,
      { errorCode: 'alreadyInProgress', details: 'Order already in progress for pno' },
      'permanent',
      'bankid.alreadyInProgress',
    ],
    [
      400,
      { errorCode: 'invalidParameters', details: 'Invalid orderRef' },
      'permanent',
      'bankid.invalidParameters',
    ],
    [401, { errorCode: 'unauthorized', details: '' }, 'permanent', 'bankid.unauthorized'],
    [403, { errorCode: 'unauthorized', details: '' }, 'permanent', 'bankid.unauthorized'],
    [404, { errorCode: 'notFound', details: '' }, 'permanent', 'bankid.notFound'],
    [408, { errorCode: 'requestTimeout', details: '' }, 'retryable', 'bankid.requestTimeout'],
    [415, { errorCode: 'unsupportedMediaType', details: '' }, 'permanent', 'bankid.unsupportedMediaType'],
    [429, { errorCode: 'tooManyRequests', details: '' }, 'retryable', 'bankid.tooManyRequests'],
    [500, { errorCode: 'internalError', details: '' }, 'retryable', 'bankid.internalError'],
    [503, { errorCode: 'maintenance', details: '' }, 'retryable', 'bankid.maintenance'],
  ])('HTTP %i %o → %s %s', (status, body, kind, code) => {
    expect(mapHttpError(status, JSON.stringify(body))).toMatchObject({ kind, code });
  });

  it('maps non-JSON error bodies by status', () => {
    expect(mapHttpError(503, '<html>down</html>')).toMatchObject({
      kind: 'retryable',
      code: 'bankid.maintenance',
    });
    expect(mapHttpError(502, '')).toMatchObject({ kind: 'retryable', code: 'bankid.http502' });
  });
});

describe('BankID client transport failures', () => {
  let simulator: BankIdSimulator;
  beforeAll(async () => {
    simulator = await startBankIdSimulator();
  });
  afterAll(() => simulator.close());

  it('a server that accepts TCP but never answers → retryable bankid.timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const client = new BankIdClient({
      baseUrl: `https://127.0.0.1:${(silent.address() as AddressInfo).port}/rp/v6.0`,
      pfx: simulator.client.pfx,
      passphrase: simulator.client.passphrase,
      caPem: simulator.ca.certPem,
      timeoutMs: 300,
    });
    try {
      await expect(client.collect('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
        kind: 'retryable',
        code: 'bankid.timeout',
      });
    } finally {
      client.close();
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('connection refused → retryable bankid.network', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const client = new BankIdClient({
      baseUrl: `https://127.0.0.1:${port}/rp/v6.0`,
      pfx: simulator.client.pfx,
      passphrase: simulator.client.passphrase,
      caPem: simulator.ca.certPem,
    });
    try {
      await expect(client.collect('x')).rejects.toMatchObject({ kind: 'retryable', code: 'bankid.network' });
    } finally {
      client.close();
    }
  });

  it('sends PEM credentials too, and rejects a wrong pfx passphrase at construction', () => {
    expect(
      () =>
        new BankIdClient({
          baseUrl: simulator.url,
          pfx: simulator.client.pfx,
          passphrase: 'wrong',
          caPem: simulator.ca.certPem,
        }),
    ).toThrow(/PKCS#12/);
    expect(() => new BankIdClient({ baseUrl: simulator.url, caPem: simulator.ca.certPem })).toThrow(/either/);
  });

  it("unpacks BankID's public test RP certificate (PBES2/AES-256 PKCS#12)", () => {
    const { certPem, keyPem } = unpackPkcs12(
      readFileSync(join(__dirname, 'certs', 'FPTestcert5_20240610.p12')),
      'qwerty123',
    );
    expect(certPem).toContain('BEGIN CERTIFICATE');
    expect(keyPem).toContain('PRIVATE KEY');
  });
});
