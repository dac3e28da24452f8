import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isIP } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { createSimulatorPki } from './pki';
import { buildSignatureXml } from './signature-xml';
import { buildOcspResponse } from './ocsp';
import type { BankIdCompletionData } from '../bankid.types';

export interface BankIdSimulatorTimings {
  /** No collect ("app start") within this time → failed/startFailed. BankID: 30 s. */
  startTimeoutMs: number;
  /** A started order not completed within this time → failed/expiredTransaction. BankID: 3 min. */
  orderLifetimeMs: number;
  /** A complete order can be collected this long, then invalidParameters. BankID: 3 min. */
  completedRetentionMs: number;
  /** A failed order can be collected this long, then invalidParameters. BankID: 5 min. */
  failedRetentionMs: number;
}

export interface BankIdSimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** The order completes on the collect after this many pending collects (default 2). Infinity = only via the control endpoint. */
  autoCompleteAfterCollects?: number;
  /** Display names by personal number ("Given Surname"); default "Test Testsson". */
  names?: Record<string, string>;
  /** Who signs an order that has no requirement.personalNumber (a Skatteverket test number). */
  defaultPersonalNumber?: string;
  timings?: Partial<BankIdSimulatorTimings>;
  /** Clock for the timings (tests); default Date.now. */
  now?: () => number;
}

export interface BankIdSimulator {
  /** RP API root: `https://127.0.0.1:PORT/rp/v6.0`. */
  url: string;
  /** Control API root: `https://127.0.0.1:PORT/_simulator` (same mTLS). */
  controlUrl: string;
  /** CA of the simulator's TLS server certificate: pin this in the client. */
  ca: { certPem: string };
  /** An RP client certificate the simulator trusts, as PEM and as PKCS#12. */
  client: { certPem: string; keyPem: string; pfx: Buffer; passphrase: string };
  /** Root of the simulated BankID signing chain: the trust anchor for signature verification. */
  signingRootCertPem: string;
  close(): Promise<void>;
}

type OrderStatus = 'pending' | 'failed' | 'complete';

interface SimulatedOrder {
  orderRef: string;
  kind: 'sign' | 'auth';
  requiredPersonalNumber?: string;
  endUserIp: string;
  userVisibleData?: string;
  userNonVisibleData?: string;
  status: OrderStatus;
  hintCode?: string;
  collectCount: number;
  createdAt: number;
  /** When the status became failed/complete. */
  finishedAt?: number;
  completionData?: BankIdCompletionData;
  qrStartToken: string;
  qrStartSecret: string;
  autoStartToken: string;
  returnUrl?: string;
  /** Set by the control API's `hint` action: collect reports this pending hint until it changes. */
  pinnedHint?: string;
}

/** Fault injection (control API): the next `count` calls to `endpoint` answer with this error. */
interface Fault {
  endpoint: string;
  status: number;
  errorCode: string;
  remaining: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    readonly details: string,
  ) {
    super(details);
  }
}

const DEFAULT_TIMINGS: BankIdSimulatorTimings = {
  startTimeoutMs: 30_000,
  orderLifetimeMs: 180_000,
  completedRetentionMs: 180_000,
  failedRetentionMs: 300_000,
};

const RP_ENDPOINTS = new Set(['sign', 'auth', 'collect', 'cancel']);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const MAX_BODY_BYTES = 1_000_000;

function luhnValid(tenDigits: string): boolean {
  let sum = 0;
  for (let i = 0; i < tenDigits.length; i++) {
    let digit = Number(tenDigits[i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function isValidPersonalNumber(value: unknown): value is string {
  return typeof value === 'string' && /^\d{12}$/.test(value) && luhnValid(value.slice(2));
}

function splitName(fullName: string): { givenName: string; surname: string } {
  const lastSpace = fullName.lastIndexOf(' ');
  return lastSpace > 0
    ? { givenName: fullName.slice(0, lastSpace), surname: fullName.slice(lastSpace + 1) }
    : { givenName: fullName, surname: fullName };
}

/**
 * Starts a BankID RP API v6.0 simulator: a real HTTPS server on loopback that requires and
 * verifies client certificates (mutual TLS), validates requests like BankID, runs the order
 * lifecycle, and returns real XMLDSig signatures and OCSP responses from a generated test PKI.
 */
export async function startBankIdSimulator(options: BankIdSimulatorOptions = {}): Promise<BankIdSimulator> {
  const host = options.host ?? '127.0.0.1';
  const autoCompleteAfterCollects = options.autoCompleteAfterCollects ?? 2;
  const timings: BankIdSimulatorTimings = { ...DEFAULT_TIMINGS, ...options.timings };
  const now = options.now ?? (() => Date.now());
  const names = options.names ?? {};
  const defaultPersonalNumber = options.defaultPersonalNumber ?? '189001019802';
  const pki = createSimulatorPki();
  const orders = new Map<string, SimulatedOrder>();
  const faults: Fault[] = [];
  const rpDn =
    'cn=FP Testcert Simulated,name=Simulated Relying Party,serialNumber=5566304928,o=Simulated Relying Party,c=SE';

  /** Applies the clock: start timeout, expiry, and retention (forgetting the order). */
  function refresh(order: SimulatedOrder): SimulatedOrder | undefined {
    const current = now();
    if (order.status === 'pending') {
      if (order.collectCount === 0 && current - order.createdAt > timings.startTimeoutMs) {
        finish(order, 'failed', 'startFailed', order.createdAt + timings.startTimeoutMs);
      } else if (current - order.createdAt > timings.orderLifetimeMs) {
        finish(order, 'failed', 'expiredTransaction', order.createdAt + timings.orderLifetimeMs);
      }
    }
    if (order.finishedAt !== undefined) {
      const retention =
        order.status === 'complete' ? timings.completedRetentionMs : timings.failedRetentionMs;
      if (current - order.finishedAt > retention) {
        orders.delete(order.orderRef);
        return undefined;
      }
    }
    return order;
  }

  function finish(
    order: SimulatedOrder,
    status: 'failed' | 'complete',
    hintCode: string | undefined,
    at = now(),
  ): void {
    order.status = status;
    order.hintCode = hintCode;
    order.finishedAt = at;
  }

  function complete(order: SimulatedOrder, signerPersonalNumber: string): void {
    const fullName = names[signerPersonalNumber] ?? 'Test Testsson';
    const { givenName, surname } = splitName(fullName);
    const userCert = pki.userCertificate(signerPersonalNumber, givenName, surname);
    const deviceUhi = randomBytes(18).toString('base64');
    const signatureXml = buildSignatureXml({
      funcId: order.kind === 'sign' ? 'Signing' : 'Identification',
      userVisibleDataBase64: order.userVisibleData,
      userNonVisibleDataBase64: order.userNonVisibleData,
      relyingPartyDn: rpDn,
      relyingPartyDisplayName: 'Simulated Relying Party',
      deviceUhi,
      chain: [userCert, pki.signingIntermediate, pki.signingRoot],
      signer: userCert,
    });
    const signatureBytes = Buffer.from(signatureXml, 'utf8');
    const ocsp = buildOcspResponse(userCert, pki.signingIntermediate, new Date(now()), signatureBytes);
    const issued = userCert.cert.validity.notBefore;
    order.completionData = {
      user: { personalNumber: signerPersonalNumber, name: fullName, givenName, surname },
      device: { ipAddress: order.endUserIp, uhi: deviceUhi },
      bankIdIssueDate: issued.toISOString().slice(0, 10),
      stepUp: { mrtd: false },
      signature: signatureBytes.toString('base64'),
      ocspResponse: ocsp.toString('base64'),
    };
    finish(order, 'complete', undefined);
  }

  function startOrder(kind: 'sign' | 'auth', body: Record<string, unknown>): object {
    const { endUserIp, userVisibleData, userVisibleDataFormat, userNonVisibleData, requirement, returnUrl } =
      body;
    if (typeof endUserIp !== 'string' || isIP(endUserIp) === 0) {
      throw new HttpError(400, 'invalidParameters', 'Invalid endUserIp');
    }
    if (kind === 'sign' && userVisibleData === undefined) {
      throw new HttpError(400, 'invalidParameters', 'userVisibleData is required');
    }
    if (
      userVisibleData !== undefined &&
      (typeof userVisibleData !== 'string' ||
        userVisibleData.length === 0 ||
        userVisibleData.length > 40_000 ||
        !BASE64.test(userVisibleData))
    ) {
      throw new HttpError(400, 'invalidParameters', 'Invalid userVisibleData');
    }
    if (
      userNonVisibleData !== undefined &&
      (typeof userNonVisibleData !== 'string' ||
        userNonVisibleData.length === 0 ||
        userNonVisibleData.length > 200_000 ||
        !BASE64.test(userNonVisibleData))
    ) {
      throw new HttpError(400, 'invalidParameters', 'Invalid userNonVisibleData');
    }
    if (userVisibleDataFormat !== undefined && userVisibleDataFormat !== 'simpleMarkdownV1') {
      throw new HttpError(400, 'invalidParameters', 'Invalid userVisibleDataFormat');
    }
    if (returnUrl !== undefined && (typeof returnUrl !== 'string' || !/^https?:\/\//.test(returnUrl))) {
      throw new HttpError(400, 'invalidParameters', 'Invalid returnUrl');
    }
    let requiredPersonalNumber: string | undefined;
    if (requirement !== undefined) {
      if (typeof requirement !== 'object' || requirement === null || Array.isArray(requirement)) {
        throw new HttpError(400, 'invalidParameters', 'Invalid requirement');
      }
      const personalNumber = (requirement as Record<string, unknown>).personalNumber;
      if (personalNumber !== undefined) {
        if (!isValidPersonalNumber(personalNumber)) {
          throw new HttpError(400, 'invalidParameters', 'Invalid personalNumber');
        }
        requiredPersonalNumber = personalNumber;
      }
    }
    if (requiredPersonalNumber) {
      // BankID: a second order for the same person cancels the first and creates none.
      for (const existing of orders.values()) {
        if (
          refresh(existing)?.status === 'pending' &&
          existing.requiredPersonalNumber === requiredPersonalNumber
        ) {
          finish(existing, 'failed', 'cancelled');
          throw new HttpError(400, 'alreadyInProgress', 'Order already in progress for pno');
        }
      }
    }
    const order: SimulatedOrder = {
      orderRef: randomUUID(),
      kind,
      requiredPersonalNumber,
      endUserIp,
      userVisibleData: userVisibleData as string | undefined,
      userNonVisibleData: userNonVisibleData as string | undefined,
      status: 'pending',
      hintCode: 'outstandingTransaction',
      collectCount: 0,
      createdAt: now(),
      qrStartToken: randomUUID(),
      qrStartSecret: randomUUID(),
      autoStartToken: randomUUID(),
      returnUrl: returnUrl as string | undefined,
    };
    orders.set(order.orderRef, order);
    return {
      orderRef: order.orderRef,
      autoStartToken: order.autoStartToken,
      qrStartToken: order.qrStartToken,
      qrStartSecret: order.qrStartSecret,
    };
  }

  function findOrder(body: Record<string, unknown>): SimulatedOrder {
    const orderRef = body.orderRef;
    if (typeof orderRef !== 'string' || orderRef.length === 0) {
      throw new HttpError(400, 'invalidParameters', 'Invalid orderRef');
    }
    const order = orders.get(orderRef);
    const live = order ? refresh(order) : undefined;
    if (!live) {
      throw new HttpError(400, 'invalidParameters', 'No such order');
    }
    return live;
  }

  function collect(body: Record<string, unknown>): object {
    const order = findOrder(body);
    if (order.status === 'pending') {
      order.collectCount += 1;
      if (order.collectCount > autoCompleteAfterCollects) {
        complete(order, order.requiredPersonalNumber ?? defaultPersonalNumber);
      } else {
        // First collect: waiting for the app; afterwards the user has the order open.
        order.hintCode =
          order.pinnedHint ?? (order.collectCount === 1 ? 'outstandingTransaction' : 'userSign');
      }
    }
    const response: Record<string, unknown> = { orderRef: order.orderRef, status: order.status };
    if (order.hintCode !== undefined && order.status !== 'complete') response.hintCode = order.hintCode;
    if (order.status === 'complete') response.completionData = order.completionData;
    return response;
  }

  function cancel(body: Record<string, unknown>): object {
    const order = findOrder(body);
    if (order.status === 'pending') {
      finish(order, 'failed', 'cancelled');
    }
    return {};
  }

  function control(orderRef: string, body: Record<string, unknown>): object {
    const order = orders.get(orderRef);
    const live = order ? refresh(order) : undefined;
    if (!live) throw new HttpError(404, 'notFound', 'No such order');
    if (live.status !== 'pending') throw new HttpError(409, 'orderNotPending', `Order is ${live.status}`);
    switch (body.action) {
      case 'sign': {
        const personalNumber = body.personalNumber;
        if (personalNumber !== undefined && !isValidPersonalNumber(personalNumber)) {
          throw new HttpError(400, 'invalidParameters', 'Invalid personalNumber');
        }
        if (
          live.requiredPersonalNumber &&
          personalNumber !== undefined &&
          personalNumber !== live.requiredPersonalNumber &&
          // Fault injection only: a misbehaving peer that ignores the requirement, so tests can show
          // that the relying party's own verification still rejects the evidence.
          body.ignoreRequirement !== true
        ) {
          // BankID enforces requirement.personalNumber: another person's app never gets the order.
          throw new HttpError(
            409,
            'requirementMismatch',
            'requirement.personalNumber does not match the signing user: the order cannot be completed by another person',
          );
        }
        live.collectCount = Math.max(live.collectCount, 1); // counts as started
        complete(
          live,
          (personalNumber as string | undefined) ?? live.requiredPersonalNumber ?? defaultPersonalNumber,
        );
        break;
      }
      case 'scan':
        live.collectCount = Math.max(live.collectCount, 1);
        live.hintCode = 'userSign';
        live.pinnedHint = undefined;
        break;
      case 'hint': {
        // Any pending hint code, documented or not (noClient, started, userMrtd, userCallConfirm, …).
        if (typeof body.hintCode !== 'string' || !/^[A-Za-z]{1,60}$/.test(body.hintCode)) {
          throw new HttpError(400, 'invalidParameters', 'hintCode must be a word');
        }
        live.collectCount = Math.max(live.collectCount, 1);
        live.hintCode = body.hintCode;
        live.pinnedHint = body.hintCode;
        break;
      }
      case 'cancel':
        finish(live, 'failed', 'userCancel');
        break;
      case 'expire':
        finish(live, 'failed', 'expiredTransaction');
        break;
      case 'fail': {
        // Default startFailed; any failed hint code (certificateErr, userDeclinedCall, …) on request.
        const hintCode =
          typeof body.hintCode === 'string' && /^[A-Za-z]{1,60}$/.test(body.hintCode)
            ? body.hintCode
            : 'startFailed';
        finish(live, 'failed', hintCode);
        break;
      }
      default:
        throw new HttpError(
          400,
          'invalidParameters',
          "action must be 'sign', 'scan', 'hint', 'cancel', 'expire' or 'fail'",
        );
    }
    return describe(live);
  }

  function describe(order: SimulatedOrder): object {
    return {
      orderRef: order.orderRef,
      kind: order.kind,
      status: order.status,
      hintCode: order.hintCode,
      collectCount: order.collectCount,
      createdAt: new Date(order.createdAt).toISOString(),
      requiredPersonalNumber: order.requiredPersonalNumber,
      signerPersonalNumber: order.completionData?.user.personalNumber,
      endUserIp: order.endUserIp,
      returnUrl: order.returnUrl,
      userVisibleData: order.userVisibleData,
      userNonVisibleData: order.userNonVisibleData,
    };
  }

  async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY_BYTES) throw new HttpError(400, 'invalidParameters', 'Request body too large');
      chunks.push(chunk as Buffer);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      throw new HttpError(400, 'invalidParameters', 'Invalid JSON in request body');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new HttpError(400, 'invalidParameters', 'Request body must be a JSON object');
    }
    return parsed as Record<string, unknown>;
  }

  function send(response: ServerResponse, status: number, body: unknown): void {
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
    response.end(payload);
  }

  async function handle(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(request.url ?? '/', 'https://simulator').pathname;
    const rpMatch = /^\/rp\/v6\.0\/([a-zA-Z]+)$/.exec(path);
    const controlMatch = /^\/_simulator\/orders(?:\/([0-9a-f-]+))?$/.exec(path);
    if (path === '/_simulator/faults') {
      if (request.method !== 'POST') throw new HttpError(405, 'methodNotAllowed', 'Use POST');
      const body = await readJson(request);
      const endpoint = String(body.endpoint ?? '');
      const status = Number(body.status);
      if (!RP_ENDPOINTS.has(endpoint) || !Number.isInteger(status) || status < 400 || status > 599) {
        throw new HttpError(
          400,
          'invalidParameters',
          'endpoint must be sign|auth|collect|cancel and status a 4xx/5xx code',
        );
      }
      faults.push({
        endpoint,
        status,
        errorCode: String(body.errorCode ?? 'internalError'),
        remaining: Number(body.count ?? 1),
      });
      return { status: 200, body: { faults: faults.length } };
    }
    if (controlMatch) {
      if (!controlMatch[1]) {
        if (request.method !== 'GET') throw new HttpError(405, 'methodNotAllowed', 'Use GET');
        return {
          status: 200,
          body: {
            orders: [...orders.values()]
              .map((o) => refresh(o))
              .filter((o): o is SimulatedOrder => !!o)
              .map(describe),
          },
        };
      }
      if (request.method !== 'POST') throw new HttpError(405, 'methodNotAllowed', 'Use POST');
      return { status: 200, body: control(controlMatch[1], await readJson(request)) };
    }
    if (!rpMatch || !RP_ENDPOINTS.has(rpMatch[1])) {
      throw new HttpError(404, 'notFound', 'No such endpoint');
    }
    if (request.method !== 'POST') {
      throw new HttpError(405, 'methodNotAllowed', 'Method not allowed');
    }
    // BankID wants exactly `application/json` (no charset parameter).
    const contentType = (request.headers['content-type'] ?? '').trim().toLowerCase();
    if (contentType !== 'application/json') {
      throw new HttpError(415, 'unsupportedMediaType', 'Content-Type must be application/json');
    }
    const body = await readJson(request);
    const fault = faults.find((f) => f.endpoint === rpMatch[1] && f.remaining > 0);
    if (fault) {
      fault.remaining -= 1;
      const details: Record<string, string> = {
        maintenance: 'Service unavailable due to maintenance',
        tooManyRequests: 'Too many requests',
        internalError: 'Internal error',
        requestTimeout: 'Request timed out',
      };
      throw new HttpError(fault.status, fault.errorCode, details[fault.errorCode] ?? fault.errorCode);
    }
    switch (rpMatch[1]) {
      case 'sign':
        return { status: 200, body: startOrder('sign', body) };
      case 'auth':
        return { status: 200, body: startOrder('auth', body) };
      case 'collect':
        return { status: 200, body: collect(body) };
      default:
        return { status: 200, body: cancel(body) };
    }
  }

  const server = https.createServer(
    {
      key: pki.tlsServer.keys.privateKeyPem,
      cert: pki.tlsServer.certPem,
      ca: [pki.tlsCa.certPem],
      requestCert: true,
      rejectUnauthorized: true,
    },
    (request, response) => {
      handle(request).then(
        ({ status, body }) => send(response, status, body),
        (error: unknown) => {
          if (error instanceof HttpError) {
            send(response, error.status, { errorCode: error.errorCode, details: error.details });
          } else {
            send(response, 500, { errorCode: 'internalError', details: 'Internal error' });
          }
        },
      );
    },
  );
  // Idle keep-alive sockets must not keep close() waiting.
  server.keepAliveTimeout = 2_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `https://${host}:${port}`;

  return {
    url: `${origin}/rp/v6.0`,
    controlUrl: `${origin}/_simulator`,
    ca: { certPem: pki.tlsCa.certPem },
    client: {
      certPem: pki.rpClient.certPem,
      keyPem: pki.rpClient.keys.privateKeyPem,
      pfx: pki.rpClientPfx,
      passphrase: pki.rpClientPassphrase,
    },
    signingRootCertPem: pki.signingRoot.certPem,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
