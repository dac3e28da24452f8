/** Signed-webhook ResultSink connector: public surface. */
export { webhookSinkConfigSchema, type WebhookSinkConfig } from './config';
export {
  WebhookResultSink,
  createWebhookSink,
  signWebhook,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  IDEMPOTENCY_HEADER,
  TIMESTAMP_HEADER,
} from './webhook-sink';
export { startWebhookReceiver, type WebhookReceiver, type ReceivedWebhook } from './receiver';
