import { ConnectorError } from '../../src/core/errors';
import { webhookSinkConfigSchema } from './config';
import { startWebhookReceiver, WebhookResultSink, signWebhook, verifyWebhookSignature } from './index';

const event = {
  type: 'catalog.declined',
  catalogId: 'c-1',
  externalId: 'ext-1',
  status: 'DECLINED',
  reason: 'fel',
  occurredAt: '2026-12-01T10:00:00.000Z',
};

describe('signed webhook ResultSink (loopback receiver)', () => {
  it('signs the body with HMAC-SHA256 over "<timestamp>.<body>" and sends the idempotency key', async () => {
    const receiver = await startWebhookReceiver('s3cret');
    try {
      const sink = new WebhookResultSink({ name: 'hook', url: receiver.url, secret: 's3cret' });
      const receipt = await sink.notify(event, 'c-1-v1-catalog.declined');
      expect(receipt).toMatchObject({
        idempotencyKey: 'c-1-v1-catalog.declined',
        acknowledgement: 'HTTP 200',
      });
      expect(receiver.received).toEqual([
        expect.objectContaining({
          idempotencyKey: 'c-1-v1-catalog.declined',
          signatureValid: true,
          body: expect.objectContaining(event),
        }),
      ]);
      // The receiver sees a repeat as a duplicate and still acknowledges it: a retry is harmless.
      await sink.notify(event, 'c-1-v1-catalog.declined');
      expect(receiver.received[1].duplicate).toBe(true);
      // Wrong secret → the receiver refuses (401) → permanent.
      const wrong = new WebhookResultSink({ name: 'hook', url: receiver.url, secret: 'other' });
      await expect(wrong.notify(event, 'k2')).rejects.toMatchObject({
        kind: 'permanent',
        code: 'webhook.http401',
      });
    } finally {
      await receiver.close();
    }
  });

  it('maps 5xx/429 to retryable, an unreachable receiver to retryable', async () => {
    const receiver = await startWebhookReceiver('s');
    try {
      const sink = new WebhookResultSink({ name: 'hook', url: receiver.url, secret: 's' });
      receiver.failNext(1, 503);
      await expect(sink.notify(event, 'k')).rejects.toMatchObject({
        kind: 'retryable',
        code: 'webhook.http503',
      });
      receiver.failNext(1, 429);
      await expect(sink.notify(event, 'k')).rejects.toMatchObject({ kind: 'retryable' });
      receiver.failNext(1, 400);
      await expect(sink.notify(event, 'k')).rejects.toMatchObject({ kind: 'permanent' });
    } finally {
      await receiver.close();
    }
    const gone = new WebhookResultSink({ name: 'hook', url: receiver.url, secret: 's', timeoutMs: 1000 });
    const error = await gone.notify(event, 'k').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ kind: 'retryable', code: 'webhook.network' });
  });

  it('verifies signatures in constant time and rejects tampering', () => {
    const header = signWebhook('k', '1700000000', '{"a":1}');
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('k', '1700000000', '{"a":1}', header)).toBe(true);
    expect(verifyWebhookSignature('k', '1700000000', '{"a":2}', header)).toBe(false);
    expect(verifyWebhookSignature('k', '1700000001', '{"a":1}', header)).toBe(false);
    expect(verifyWebhookSignature('k', '1700000000', '{"a":1}', undefined)).toBe(false);
  });

  it('config: https only (http to loopback), secret by env-var name', () => {
    expect(
      webhookSinkConfigSchema.parse({ url: 'https://sas.example.se/hook', secretEnv: 'SAS_HOOK_SECRET' }),
    ).toMatchObject({ municipalityCode: '*', name: 'webhook-sink' });
    expect(
      webhookSinkConfigSchema.safeParse({ url: 'http://sas.example.se/hook', secretEnv: 'X' }).success,
    ).toBe(false);
    expect(
      webhookSinkConfigSchema.safeParse({ url: 'http://127.0.0.1:8080/hook', secretEnv: 'X' }).success,
    ).toBe(true);
    expect(webhookSinkConfigSchema.safeParse({ url: 'https://a.se/', secretEnv: 'not-a-name' }).success).toBe(
      false,
    );
  });
});
