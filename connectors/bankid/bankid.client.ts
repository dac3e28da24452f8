import https from 'node:https';
import { randomUUID } from 'node:crypto';
import forge from 'node-forge';
import { ConnectorError } from '../../src/core/errors';
import type {
  BankIdAuthRequest,
  BankIdCollectResponse,
  BankIdErrorBody,
  BankIdOrderResponse,
  BankIdSignRequest,
} from './bankid.types';

export interface BankIdClientOptions {
  /** API root including the version, e.g. `https://appapi2.test.bankid.com/rp/v6.0`. */
  baseUrl: string;
  /** RP client certificate as PEM (with `clientKeyPem`) ... */
  clientCertPem?: string;
  clientKeyPem?: string;
  /** ... or as PKCS#12 (the form BankID hands out). */
  pfx?: Buffer;
  passphrase?: string;
  /** The CA(s) to trust for BankID's TLS server certificate: pinned, the system store is NOT used. */
  caPem: string | string[];
  /** Per-request timeout (connect + response). Default 10 s. */
  timeoutMs?: number;
}

/** Result of a low-level call: the parsed JSON body. */
type JsonObject = Record<string, unknown>;

/**
 * TLS errors that mean our configuration is wrong (the pinned CA does not match, the certificate
 * is expired, or the peer refused our client certificate). Retrying cannot fix those.
 */
const PERMANENT_TLS_ERROR_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_OSSL_PEM_BAD_BASE64_DECODE',
  'ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE',
]);

/**
 * BankID RP API v6.0 client over mutual TLS (Node `https`, one keep-alive agent per client).
 *
 * Every call is `POST` with `Content-Type: application/json` (no charset: BankID is strict about
 * that). Errors are mapped to {@link ConnectorError}s whose `kind` decides whether the workflow
 * retries; codes are `bankid.<errorCode>`. Nothing from the request body (personal numbers!)
 * is ever put into an error message.
 */
export class BankIdClient {
  private readonly agent: https.Agent;
  private readonly apiRoot: URL;
  private readonly timeoutMs: number;

  constructor(options: BankIdClientOptions) {
    const hasPem = Boolean(options.clientCertPem && options.clientKeyPem);
    const hasPfx = Boolean(options.pfx);
    if (hasPem === hasPfx) {
      throw new Error('BankIdClient needs either clientCertPem + clientKeyPem or pfx (exactly one of them)');
    }
    if (!options.caPem || (Array.isArray(options.caPem) && options.caPem.length === 0)) {
      throw new Error('BankIdClient needs caPem: the BankID TLS CA is pinned, the system store is not used');
    }
    // A trailing slash makes `new URL('sign', root)` append instead of replacing the last segment.
    this.apiRoot = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    if (this.apiRoot.protocol !== 'https:') {
      throw new Error('BankIdClient baseUrl must be https');
    }
    this.timeoutMs = options.timeoutMs ?? 10_000;
    // Node adds CA certificates found in a PKCS#12 to the trusted set, which would undo the pin:
    // unpack the pfx to key + certificate chain (sent to the server, never trusted).
    const credentials = options.pfx
      ? unpackPkcs12(options.pfx, options.passphrase ?? '')
      : { certPem: options.clientCertPem!, keyPem: options.clientKeyPem! };
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 16,
      ca: options.caPem,
      cert: credentials.certPem,
      key: credentials.keyPem,
      passphrase: options.pfx ? undefined : options.passphrase,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    });
  }

  sign(request: BankIdSignRequest): Promise<BankIdOrderResponse> {
    return this.post('sign', request).then((body) => parseOrderResponse(body));
  }

  auth(request: BankIdAuthRequest): Promise<BankIdOrderResponse> {
    return this.post('auth', request).then((body) => parseOrderResponse(body));
  }

  collect(orderRef: string): Promise<BankIdCollectResponse> {
    return this.post('collect', { orderRef }).then((body) => parseCollectResponse(body, orderRef));
  }

  async cancel(orderRef: string): Promise<void> {
    await this.post('cancel', { orderRef });
  }

  /**
   * Proves that TLS, our client certificate and the API path work without creating an order:
   * collecting a random orderRef must give `400 invalidParameters` (BankID has no ping endpoint).
   */
  async ping(): Promise<void> {
    try {
      await this.collect(randomUUID());
    } catch (error) {
      if (error instanceof ConnectorError && error.code === 'bankid.invalidParameters') {
        return;
      }
      throw error;
    }
  }

  /** Closes pooled keep-alive sockets (tests, shutdown). */
  close(): void {
    this.agent.destroy();
  }

  private post(endpoint: string, payload: unknown): Promise<JsonObject> {
    const url = new URL(endpoint, this.apiRoot);
    const body = Buffer.from(JSON.stringify(payload), 'utf8');
    return new Promise<JsonObject>((resolve, reject) => {
      let settled = false;
      const fail = (error: ConnectorError): void => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      const request = https.request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': String(body.length),
            Accept: 'application/json',
          },
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(mapTransportError(error, endpoint)));
          response.on('end', () => {
            if (settled) return;
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            if (status >= 200 && status < 300) {
              try {
                const parsed: unknown = text.length > 0 ? JSON.parse(text) : {};
                if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
                  throw new Error('not a JSON object');
                }
                settled = true;
                resolve(parsed as JsonObject);
              } catch (error) {
                fail(
                  ConnectorError.retryable(
                    'bankid.badResponse',
                    `BankID ${endpoint}: unreadable response body`,
                    error,
                  ),
                );
              }
              return;
            }
            fail(mapHttpError(status, text, endpoint));
          });
        },
      );
      // `timeout` only fires on socket inactivity; a hard deadline covers slow trickles too.
      const deadline = setTimeout(() => {
        request.destroy(Object.assign(new Error('BankID request deadline exceeded'), { code: 'ETIMEDOUT' }));
      }, this.timeoutMs + 50);
      deadline.unref();
      request.on('timeout', () => {
        request.destroy(Object.assign(new Error('BankID request timed out'), { code: 'ETIMEDOUT' }));
      });
      request.on('error', (error) => fail(mapTransportError(error, endpoint)));
      request.on('close', () => clearTimeout(deadline));
      request.end(body);
    });
  }
}

/** PKCS#12 → PEM key + certificate chain (client certificate first). */
export function unpackPkcs12(pfx: Buffer, passphrase: string): { certPem: string; keyPem: string } {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(pfx.toString('binary')), passphrase);
  } catch (error) {
    throw new Error(
      `BankIdClient: cannot open the PKCS#12 (wrong passphrase or unsupported format): ${(error as Error).message}`,
    );
  }
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag] ?? []),
  ];
  const key = keyBags.find((bag) => bag.key)?.key;
  const certificates = (p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag] ?? [])
    .map((bag) => bag.cert)
    .filter((cert): cert is forge.pki.Certificate => Boolean(cert));
  if (!key || certificates.length === 0) {
    throw new Error('BankIdClient: the PKCS#12 must contain a private key and its certificate');
  }
  // The client certificate is the one whose public key matches the private key.
  const privateKey = key as forge.pki.rsa.PrivateKey;
  const leafIndex = certificates.findIndex((cert) =>
    (cert.publicKey as forge.pki.rsa.PublicKey).n?.equals(privateKey.n),
  );
  const ordered =
    leafIndex > 0
      ? [certificates[leafIndex], ...certificates.filter((_, index) => index !== leafIndex)]
      : certificates;
  return {
    certPem: ordered.map((cert) => forge.pki.certificateToPem(cert)).join(''),
    keyPem: forge.pki.privateKeyToPem(privateKey),
  };
}

function parseOrderResponse(body: JsonObject): BankIdOrderResponse {
  const { orderRef, autoStartToken, qrStartToken, qrStartSecret } = body;
  if (
    typeof orderRef !== 'string' ||
    typeof autoStartToken !== 'string' ||
    typeof qrStartToken !== 'string' ||
    typeof qrStartSecret !== 'string'
  ) {
    throw ConnectorError.permanent('bankid.badResponse', 'BankID order response lacks orderRef/tokens');
  }
  return { orderRef, autoStartToken, qrStartToken, qrStartSecret };
}

function parseCollectResponse(body: JsonObject, requestedOrderRef: string): BankIdCollectResponse {
  const status = body.status;
  if (status !== 'pending' && status !== 'failed' && status !== 'complete') {
    throw ConnectorError.retryable('bankid.badResponse', 'BankID collect response has an unknown status');
  }
  const orderRef = typeof body.orderRef === 'string' ? body.orderRef : requestedOrderRef;
  const hintCode = typeof body.hintCode === 'string' ? body.hintCode : undefined;
  if (status === 'complete') {
    const completionData = body.completionData as BankIdCollectResponse['completionData'];
    if (
      !completionData ||
      typeof completionData.signature !== 'string' ||
      typeof completionData.ocspResponse !== 'string' ||
      typeof completionData.user?.personalNumber !== 'string'
    ) {
      throw ConnectorError.permanent(
        'bankid.badResponse',
        'BankID completion lacks signature, OCSP response or user',
      );
    }
    return { orderRef, status, hintCode, completionData };
  }
  return { orderRef, status, hintCode };
}

function readErrorBody(text: string): BankIdErrorBody | undefined {
  try {
    const parsed = JSON.parse(text) as Partial<BankIdErrorBody>;
    if (parsed && typeof parsed.errorCode === 'string') {
      return {
        errorCode: parsed.errorCode,
        details: typeof parsed.details === 'string' ? parsed.details : '',
      };
    }
  } catch {
    // not JSON: fall through to the status-based mapping
  }
  return undefined;
}

/** Maps an HTTP error status (+ BankID error body) to a typed ConnectorError. */
export function mapHttpError(status: number, responseText: string, endpoint = 'call'): ConnectorError {
  const errorBody = readErrorBody(responseText);
  const fallbackCodeByStatus: Record<number, string> = {
    400: 'invalidParameters',
    401: 'unauthorized',
    403: 'unauthorized',
    404: 'notFound',
    405: 'methodNotAllowed',
    408: 'requestTimeout',
    415: 'unsupportedMediaType',
    429: 'tooManyRequests',
    500: 'internalError',
    503: 'maintenance',
  };
  const errorCode = errorBody?.errorCode ?? fallbackCodeByStatus[status] ?? `http${status}`;
  // BankID's `details` are fixed English texts about the request, not user data; keep them short.
  const details = errorBody?.details ? `: ${errorBody.details.slice(0, 200)}` : '';
  const message = `BankID ${endpoint} failed with HTTP ${status} ${errorCode}${details}`;
  const code = `bankid.${errorCode}`;
  const retryableStatuses = new Set([408, 429, 500, 502, 503, 504]);
  if (retryableStatuses.has(status) || status >= 500) {
    return ConnectorError.retryable(code, message);
  }
  // 400 alreadyInProgress/invalidParameters, 401/403, 404, 405, 415 and anything else 4xx:
  // the same request will fail the same way.
  return ConnectorError.permanent(code, message);
}

function mapTransportError(error: Error & { code?: string }, endpoint: string): ConnectorError {
  const errorCode = error.code ?? 'UNKNOWN';
  if (PERMANENT_TLS_ERROR_CODES.has(errorCode)) {
    return ConnectorError.permanent(
      'bankid.tls',
      `BankID ${endpoint}: TLS verification failed (${errorCode})`,
      error,
    );
  }
  if (errorCode === 'ETIMEDOUT' || errorCode === 'ESOCKETTIMEDOUT') {
    return ConnectorError.retryable('bankid.timeout', `BankID ${endpoint}: request timed out`, error);
  }
  return ConnectorError.retryable(
    'bankid.network',
    `BankID ${endpoint}: network error (${errorCode})`,
    error,
  );
}
