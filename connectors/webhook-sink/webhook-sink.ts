import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  ConnectionCheck,
  ResultEvent,
  ResultReceipt,
  ResultSink,
} from '../../src/core/connectors/ports';
import { ConnectorError } from '../../src/core/errors';
import type { WebhookSinkConfig } from './config';

export const SIGNATURE_HEADER = 'X-Hub-Signature-256';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const TIMESTAMP_HEADER = 'X-Hub-Timestamp';

/** `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: binds the body to a time (replay window). */
export function signWebhook(secret: string, timestamp: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** For receivers (and tests): constant-time check of the signature header. */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string,
  body: string | Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface WebhookSinkOptions {
  name: string;
  url: string;
  secret: string;
  timeoutMs?: number;
  now?: () => Date;
}

/**
 * ResultSink over a signed webhook: POST JSON with an HMAC-SHA256 signature and an idempotency
 * key. 2xx = delivered (also 409 "already have it"); 408/429/5xx/network = retryable; other 4xx =
 * permanent (the receiver refuses this event: retrying cannot help).
 */
export class WebhookResultSink implements ResultSink {
  readonly name: string;

  constructor(private readonly options: WebhookSinkOptions) {
    this.name = options.name;
    if (!options.secret) throw new Error(`webhook sink ${options.name}: empty secret`);
  }

  async checkConnection(): Promise<ConnectionCheck> {
    try {
      const response = await fetch(this.options.url, {
        method: 'HEAD',
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      return {
        ok: response.status < 500,
        detail: `HEAD ${new URL(this.options.url).origin} → ${response.status}`,
      };
    } catch (error) {
      return { ok: false, detail: `unreachable: ${(error as Error).message}` };
    }
  }

  async notify(event: ResultEvent, idempotencyKey: string): Promise<ResultReceipt> {
    const body = JSON.stringify({ ...event, idempotencyKey });
    const timestamp = String(Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000));
    let response: Response;
    try {
      response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIGNATURE_HEADER]: signWebhook(this.options.secret, timestamp, body),
          [TIMESTAMP_HEADER]: timestamp,
          [IDEMPOTENCY_HEADER]: idempotencyKey,
          'user-agent': 'grade-catalog-hub/0.1',
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      throw ConnectorError.retryable(
        'webhook.network',
        `webhook ${this.name}: ${(error as Error).name}`,
        error,
      );
    }
    if (response.ok || response.status === 409) {
      return {
        idempotencyKey,
        acknowledgement: `HTTP ${response.status}`,
        deliveredAt: new Date().toISOString(),
      };
    }
    const message = `webhook ${this.name} answered HTTP ${response.status}`;
    if (response.status === 408 || response.status === 429 || response.status >= 500) {
      throw ConnectorError.retryable(`webhook.http${response.status}`, message);
    }
    throw ConnectorError.permanent(`webhook.http${response.status}`, message);
  }
}

export function createWebhookSink(
  config: WebhookSinkConfig,
  env: NodeJS.ProcessEnv = process.env,
): WebhookResultSink {
  const secret = env[config.secretEnv];
  if (!secret)
    throw new Error(`webhook sink ${config.name}: environment variable ${config.secretEnv} is not set`);
  return new WebhookResultSink({ name: config.name, url: config.url, secret, timeoutMs: config.timeoutMs });
}
