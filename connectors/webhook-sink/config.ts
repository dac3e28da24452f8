import { z } from 'zod';

/**
 * One signed-webhook ResultSink instance: the hub POSTs each event as JSON to `url`, signed with
 * HMAC-SHA256 under a shared secret read from the environment variable named by `secretEnv`.
 */
export const webhookSinkConfigSchema = z
  .object({
    /** Instance name, e.g. "sas-webhook-sundsvall" (events, deliveries and health show it). */
    name: z.string().min(1).default('webhook-sink'),
    /** Municipality (SCB kommunkod) whose events go here; "*" = every municipality without its own sink. */
    municipalityCode: z
      .string()
      .regex(/^(\*|\d{4})$/, 'must be a 4-digit SCB kommunkod or "*"')
      .default('*'),
    /** Receiver URL; https in production (http is accepted for a loopback receiver). */
    url: z
      .string()
      .url()
      .refine(
        (u) => u.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(u),
        'url must be https (http only to loopback)',
      ),
    /** NAME of the environment variable holding the HMAC secret. */
    secretEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'secretEnv is the NAME of an environment variable'),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
  })
  .strict();

export type WebhookSinkConfig = z.infer<typeof webhookSinkConfigSchema>;
