import https from 'node:https';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { ConnectorError } from '../../src/core/errors';
import { BankIdClient } from './bankid.client';
import { BankIdSigningProvider } from './bankid.signing-provider';
import { startBankIdSimulator, type BankIdSimulator } from './simulator';
import { verifyBankIdSignature } from './signature-verifier';
import { inspectOcspResponse } from './ocsp-inspector';

// Skatteverket test personal numbers (data/testpersonnummer).
const STUDENT_TEACHER = '189001019802';
const OTHER_PERSON = '189001029819';

/** Raw HTTPS POST through the simulator's mTLS, for protocol-level assertions. */
function rawRequest(
  simulator: BankIdSimulator,
  path: string,
  options: { method?: string; body?: string; contentType?: string } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies are asserted with matchers
): Promise<{ status: number; body: any }> {
  const url = new URL(path, simulator.url.replace(/\/rp\/v6\.0$/, '/'));
  return new Promise((resolve, reject) => {
    const request = https.request(
      url,
      {
        method: options.method ?? 'POST',
        ca: simulator.ca.certPem,
        cert: simulator.client.certPem,
        key: simulator.client.keyPem,
        headers:
          options.contentType === undefined
            ? { 'Content-Type': 'application/json' }
            : { 'Content-Type': options.contentType },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    request.on('error', reject);
    request.end(options.body ?? '');
  });
}

describe('BankID connector against the simulator (real mTLS)', () => {
  let simulator: BankIdSimulator;
  let client: BankIdClient;
  let provider: BankIdSigningProvider;

  beforeAll(async () => {
    simulator = await startBankIdSimulator({ names: { [STUDENT_TEACHER]: 'Tolvan Tölvansson' } });
    client = new BankIdClient({
      baseUrl: simulator.url,
      pfx: simulator.client.pfx,
      passphrase: simulator.client.passphrase,
      caPem: simulator.ca.certPem,
      timeoutMs: 5000,
    });
    provider = new BankIdSigningProvider('bankid', client, { trustedRootPem: simulator.signingRootCertPem });
  });

  afterAll(async () => {
    client.close();
    await simulator.close();
  });

  it('checkConnection succeeds over mTLS', async () => {
    await expect(provider.checkConnection()).resolves.toEqual(expect.objectContaining({ ok: true }));
  });

  it('signs: start → pending (outstandingTransaction, userSign) → complete with verifiable evidence', async () => {
    const documentHash = Buffer.from(
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'hex',
    );
    const visibleText = 'Betygskatalog **Svenska 1**, Sundsvall – 25 elever';
    const order = await provider.startSign({
      personalNumber: STUDENT_TEACHER,
      endUserIp: '::ffff:192.0.2.10',
      userVisibleData: visibleText,
      userNonVisibleData: documentHash,
    });
    expect(order.orderRef).toMatch(/^[0-9a-f-]{36}$/);
    expect(provider.qrData(order, 0)).toMatch(
      new RegExp(`^bankid\\.${order.qrStartToken}\\.0\\.[0-9a-f]{64}$`),
    );

    await expect(provider.collect(order.orderRef)).resolves.toEqual({
      status: 'pending',
      hintCode: 'outstandingTransaction',
    });
    await expect(provider.collect(order.orderRef)).resolves.toEqual({
      status: 'pending',
      hintCode: 'userSign',
    });
    const result = await provider.collect(order.orderRef);
    if (result.status !== 'complete') throw new Error(`expected complete, got ${result.status}`);
    const { completion } = result;
    expect(completion).toEqual(
      expect.objectContaining({
        personalNumber: STUDENT_TEACHER,
        name: 'Tolvan Tölvansson',
        givenName: 'Tolvan',
        surname: 'Tölvansson',
        deviceIpAddress: '192.0.2.10',
      }),
    );
    expect(completion.bankIdIssueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const verification = await provider.verifyCompletion(completion, {
      personalNumber: STUDENT_TEACHER,
      userVisibleData: visibleText,
      userNonVisibleData: documentHash,
    });
    expect(verification.checks.filter((check) => !check.ok)).toEqual([]);
    expect(verification.valid).toBe(true);
    expect(verification.checks.map((check) => check.name)).toEqual(
      expect.arrayContaining(['xmldsig', 'certificateChain', 'ocspResponse', 'completion.user']),
    );

    // The same evidence does not verify for another expected signer or another document.
    const wrongSigner = await provider.verifyCompletion(completion, {
      personalNumber: OTHER_PERSON,
      userVisibleData: visibleText,
      userNonVisibleData: documentHash,
    });
    expect(wrongSigner.valid).toBe(false);
    const wrongDocument = await provider.verifyCompletion(completion, {
      personalNumber: STUDENT_TEACHER,
      userVisibleData: visibleText,
      userNonVisibleData: Buffer.alloc(32),
    });
    expect(wrongDocument.valid).toBe(false);

    // OCSP: a real RFC 6960 response, good, for the signer's certificate.
    const ocsp = inspectOcspResponse(completion.ocspResponseBase64);
    expect(ocsp.certStatus).toBe('good');
    expect(ocsp.producedAt).toBeInstanceOf(Date);

    // A complete order can still be collected (within the retention window).
    await expect(provider.collect(order.orderRef)).resolves.toEqual(
      expect.objectContaining({ status: 'complete' }),
    );
  });

  it('refuses a client whose certificate the simulator does not trust, at TLS level', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const forgeKey = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
    const rogue = forge.pki.createCertificate();
    rogue.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
    rogue.serialNumber = '01';
    rogue.validity.notBefore = new Date(Date.now() - 3600_000);
    rogue.validity.notAfter = new Date(Date.now() + 3600_000);
    rogue.setSubject([{ name: 'commonName', value: 'Rogue RP' }]);
    rogue.setIssuer([{ name: 'commonName', value: 'Rogue RP' }]);
    rogue.sign(forgeKey, forge.md.sha256.create());
    const rogueClient = new BankIdClient({
      baseUrl: simulator.url,
      clientCertPem: forge.pki.certificateToPem(rogue),
      clientKeyPem: privateKey,
      caPem: simulator.ca.certPem,
      timeoutMs: 5000,
    });
    try {
      const attempt = rogueClient.collect('00000000-0000-0000-0000-000000000000');
      await expect(attempt).rejects.toBeInstanceOf(ConnectorError);
      await expect(attempt).rejects.toMatchObject({ code: expect.stringMatching(/^bankid\.(tls|network)$/) });
    } finally {
      rogueClient.close();
    }
    // And with no client certificate at all: the handshake fails (no HTTP status ever arrives).
    await expect(
      new Promise((resolve, reject) => {
        const request = https.request(
          new URL('collect', `${simulator.url}/`),
          {
            method: 'POST',
            ca: simulator.ca.certPem,
            agent: false,
            headers: { 'Content-Type': 'application/json' },
          },
          resolve,
        );
        request.on('error', reject);
        request.end('{"orderRef":"x"}');
      }),
    ).rejects.toThrow();
  });

  it('refuses a server that is not the pinned CA', async () => {
    const wrongCaClient = new BankIdClient({
      baseUrl: simulator.url,
      pfx: simulator.client.pfx,
      passphrase: simulator.client.passphrase,
      caPem: simulator.signingRootCertPem,
    });
    try {
      await expect(wrongCaClient.collect('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
        kind: 'permanent',
        code: 'bankid.tls',
      });
    } finally {
      wrongCaClient.close();
    }
  });

  it('alreadyInProgress: a second order for the same person cancels both', async () => {
    const request = {
      personalNumber: OTHER_PERSON,
      endUserIp: '192.0.2.11',
      userVisibleData: 'Första',
      userNonVisibleData: Buffer.from('a'),
    };
    const first = await provider.startSign(request);
    await expect(provider.startSign({ ...request, userVisibleData: 'Andra' })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'bankid.alreadyInProgress',
    });
    await expect(provider.collect(first.orderRef)).resolves.toEqual({
      status: 'failed',
      hintCode: 'cancelled',
    });
    // The person is free again afterwards.
    const third = await provider.startSign(request);
    await provider.cancel(third.orderRef);
  });

  it('control endpoint: another person cannot sign an order that requires a personal number', async () => {
    const order = await provider.startSign({
      personalNumber: STUDENT_TEACHER,
      endUserIp: '192.0.2.12',
      userVisibleData: 'Katalog',
      userNonVisibleData: Buffer.from('h'),
    });
    const refused = await rawRequest(simulator, `/_simulator/orders/${order.orderRef}`, {
      body: JSON.stringify({ action: 'sign', personalNumber: OTHER_PERSON }),
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({
      errorCode: 'requirementMismatch',
      details: expect.stringContaining('requirement.personalNumber'),
    });
    await expect(provider.collect(order.orderRef)).resolves.toEqual({
      status: 'pending',
      hintCode: 'outstandingTransaction',
    });

    const signed = await rawRequest(simulator, `/_simulator/orders/${order.orderRef}`, {
      body: JSON.stringify({ action: 'sign', personalNumber: STUDENT_TEACHER }),
    });
    expect(signed.status).toBe(200);
    await expect(provider.collect(order.orderRef)).resolves.toEqual(
      expect.objectContaining({ status: 'complete' }),
    );
    const listing = await rawRequest(simulator, '/_simulator/orders', { method: 'GET' });
    expect(listing.body.orders).toEqual(
      expect.arrayContaining([expect.objectContaining({ orderRef: order.orderRef, status: 'complete' })]),
    );
  });

  it.each([
    ['cancel', 'userCancel'],
    ['expire', 'expiredTransaction'],
    ['fail', 'startFailed'],
  ])('control endpoint action %s → failed/%s', async (action, hintCode) => {
    const order = await provider.startSign({
      personalNumber: STUDENT_TEACHER,
      endUserIp: '192.0.2.13',
      userVisibleData: 'x',
      userNonVisibleData: Buffer.from('h'),
    });
    const response = await rawRequest(simulator, `/_simulator/orders/${order.orderRef}`, {
      body: JSON.stringify({ action }),
    });
    expect(response.status).toBe(200);
    await expect(provider.collect(order.orderRef)).resolves.toEqual({ status: 'failed', hintCode });
  });

  it('cancel by the RP: the order collects as failed/cancelled', async () => {
    const order = await provider.startSign({
      personalNumber: STUDENT_TEACHER,
      endUserIp: '192.0.2.14',
      userVisibleData: 'x',
      userNonVisibleData: Buffer.from('h'),
    });
    await provider.cancel(order.orderRef);
    await expect(provider.collect(order.orderRef)).resolves.toEqual({
      status: 'failed',
      hintCode: 'cancelled',
    });
  });

  it('validates requests like BankID', async () => {
    const valid = {
      endUserIp: '192.0.2.1',
      userVisibleData: Buffer.from('hej').toString('base64'),
      requirement: { personalNumber: '189001039800' },
    };
    const bad = async (body: object) =>
      (await rawRequest(simulator, '/rp/v6.0/sign', { body: JSON.stringify(body) })).body;
    await expect(bad({ ...valid, requirement: { personalNumber: '9001019802' } })).resolves.toEqual({
      errorCode: 'invalidParameters',
      details: expect.any(String),
    });
    await expect(bad({ ...valid, userVisibleData: 'not base64!' })).resolves.toEqual(
      expect.objectContaining({ errorCode: 'invalidParameters' }),
    );
    await expect(bad({ userVisibleData: valid.userVisibleData })).resolves.toEqual(
      expect.objectContaining({ errorCode: 'invalidParameters' }),
    );
    await expect(bad({ endUserIp: valid.endUserIp })).resolves.toEqual(
      expect.objectContaining({ errorCode: 'invalidParameters' }),
    );

    const wrongType = await rawRequest(simulator, '/rp/v6.0/sign', {
      body: JSON.stringify(valid),
      contentType: 'application/json; charset=utf-8',
    });
    expect(wrongType).toEqual({
      status: 415,
      body: expect.objectContaining({ errorCode: 'unsupportedMediaType' }),
    });
    expect((await rawRequest(simulator, '/rp/v6.0/sign', { method: 'GET' })).status).toBe(405);
    expect((await rawRequest(simulator, '/rp/v6.0/nope', { body: '{}' })).body).toEqual(
      expect.objectContaining({ errorCode: 'notFound' }),
    );
    expect(
      await rawRequest(simulator, '/rp/v6.0/collect', {
        body: '{"orderRef":"00000000-0000-0000-0000-000000000000"}',
      }),
    ).toEqual({
      status: 400,
      body: expect.objectContaining({ errorCode: 'invalidParameters' }),
    });
    await expect(client.collect('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      kind: 'permanent',
      code: 'bankid.invalidParameters',
    });
  });

  it('produces signatures that the verifier and xmlsec1 accept, and modifications are rejected', async () => {
    const order = await client.sign({
      endUserIp: '192.0.2.15',
      userVisibleData: Buffer.from('Signera betygskatalog').toString('base64'),
      userVisibleDataFormat: 'simpleMarkdownV1',
      userNonVisibleData: Buffer.from('document-sha256').toString('base64'),
      requirement: { personalNumber: STUDENT_TEACHER },
    });
    await rawRequest(simulator, `/_simulator/orders/${order.orderRef}`, {
      body: JSON.stringify({ action: 'sign' }),
    });
    const collected = await client.collect(order.orderRef);
    const signatureXml = Buffer.from(collected.completionData!.signature, 'base64').toString('utf8');
    const expected = {
      personalNumber: STUDENT_TEACHER,
      userVisibleDataBase64: Buffer.from('Signera betygskatalog').toString('base64'),
      userNonVisibleDataBase64: Buffer.from('document-sha256').toString('base64'),
    };
    const result = verifyBankIdSignature({
      signatureXml,
      trustedRootPem: simulator.signingRootCertPem,
      expected,
      ocspResponseBase64: collected.completionData!.ocspResponse,
    });
    expect(result.signedAt).toBeInstanceOf(Date);
    expect(result.checks.filter((check) => !check.ok)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(result.signer).toEqual({ personalNumber: STUDENT_TEACHER, name: 'Tolvan Tölvansson' });

    const tampered = signatureXml.replace(
      expected.userNonVisibleDataBase64,
      Buffer.from('other-document').toString('base64'),
    );
    expect(tampered).not.toBe(signatureXml);
    const tamperedResult = verifyBankIdSignature({
      signatureXml: tampered,
      trustedRootPem: simulator.signingRootCertPem,
      expected,
    });
    expect(tamperedResult.valid).toBe(false);
    expect(tamperedResult.checks.find((check) => check.name === 'xmldsig')?.ok).toBe(false);
    // Not trusted under another root.
    expect(
      verifyBankIdSignature({ signatureXml, trustedRootPem: simulator.ca.certPem, expected }).valid,
    ).toBe(false);

    const directory = mkdtempSync(join(tmpdir(), 'bankid-sig-'));
    try {
      const signaturePath = join(directory, 'signature.xml');
      const rootPath = join(directory, 'root.pem');
      const ocspPath = join(directory, 'ocsp.der');
      writeFileSync(signaturePath, signatureXml);
      writeFileSync(rootPath, simulator.signingRootCertPem);
      writeFileSync(ocspPath, Buffer.from(collected.completionData!.ocspResponse, 'base64'));
      const output = execFileSync('xmlsec1', ['--verify', '--trusted-pem', rootPath, signaturePath], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(output).toBeDefined();
      const ocspText = execFileSync('openssl', ['ocsp', '-respin', ocspPath, '-resp_text', '-noverify'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      expect(ocspText).toContain('Cert Status: good');
      writeFileSync(signaturePath, tampered);
      expect(() =>
        execFileSync('xmlsec1', ['--verify', '--trusted-pem', rootPath, signaturePath], { stdio: 'pipe' }),
      ).toThrow();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
