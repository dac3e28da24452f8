import { createServer, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from './webhook-sink';

export interface ReceivedWebhook {
  idempotencyKey: string;
  signatureValid: boolean;
  body: Record<string, unknown>;
  duplicate: boolean;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answer the next n requests with this status (e.g. 503 to exercise retries). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/**
 * A loopback SAS webhook receiver (simulator of the peer): verifies the HMAC, deduplicates on
 * the idempotency key (a repeat gets 200 again and is marked duplicate), records everything.
 */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  let failures = 0;
  let failureStatus = 503;
  const read = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    if (req.method === 'HEAD') return void res.writeHead(204).end();
    read(req).then(
      (raw) => {
        if (failures > 0) {
          failures--;
          return void res.writeHead(failureStatus).end();
        }
        const header = (name: string) => req.headers[name.toLowerCase()] as string | undefined;
        const key = header(IDEMPOTENCY_HEADER) ?? '';
        const signatureValid = verifyWebhookSignature(
          secret,
          header(TIMESTAMP_HEADER) ?? '',
          raw,
          header(SIGNATURE_HEADER),
        );
        const duplicate = seen.has(key);
        seen.add(key);
        received.push({
          idempotencyKey: key,
          signatureValid,
          body: JSON.parse(raw.toString('utf8')) as Record<string, unknown>,
          duplicate,
        });
        res.writeHead(signatureValid ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/grade-catalog`,
    received,
    failNext: (n, status = 503) => {
      failures = n;
      failureStatus = status;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
