import { z } from 'zod';
import { bankIdConnectorConfigSchema } from '../../../connectors/bankid/config';
import { folderArchiveConfigSchema } from '../../../connectors/folder-archive/config';
import { webhookSinkConfigSchema } from '../../../connectors/webhook-sink/config';

export const HUB_ROLES = ['api', 'worker', 'all'] as const;
export type HubRole = (typeof HUB_ROLES)[number];

export const API_ROLES = ['sas', 'approver', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

const apiClientSchema = z
  .object({
    id: z.string().min(1),
    /** SHA-256 (hex) of the API key; the key itself is never stored. */
    keySha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters (SHA-256 of the key)'),
    municipalityCode: z.string().regex(/^\d{4}$/, 'must be a 4-digit SCB kommunkod'),
    /** School unit codes this client may act for; ["*"] = all of the municipality. */
    schoolUnits: z.array(z.string().regex(/^(\*|\d{8})$/, 'must be an 8-digit skolenhetskod or "*"')).min(1),
    roles: z.array(z.enum(API_ROLES)).min(1),
    /** Display name used in the audit trail (e.g. the SAS product or the approver's team). */
    displayName: z.string().optional(),
  })
  .strict();
export type ApiClientConfig = z.infer<typeof apiClientSchema>;

/** Signing and approval rules; every key optional so a municipality can override some of them. */
const signingRulesFields = {
  /** PARALLEL: the signers sign in any order; SEQUENTIAL: in the catalog's order (teachers, then rektor). */
  order: z.enum(['PARALLEL', 'SEQUENTIAL']),
  /** KOMVUX_THESIS: rektor signs komvuxarbete catalogs (the law); ALWAYS: rektor signs every catalog that names one. */
  principalSigns: z.enum(['KOMVUX_THESIS', 'ALWAYS']),
  /** The handläggare's decision must itself be BankID-signed (signer = APPROVER). */
  approvalRequiresBankId: z.boolean(),
  /** Minutes after submission by which every signer must have signed; unset = no deadline. */
  deadlineMinutes: z.number().positive().nullable(),
  /** Reminders to the SAS, in minutes after submission, while signatures are missing. */
  reminderMinutes: z.array(z.number().positive()),
};
const signingRulesSchema = z
  .object({
    order: signingRulesFields.order.default('PARALLEL'),
    principalSigns: signingRulesFields.principalSigns.default('KOMVUX_THESIS'),
    approvalRequiresBankId: signingRulesFields.approvalRequiresBankId.default(false),
    deadlineMinutes: signingRulesFields.deadlineMinutes.default(null),
    reminderMinutes: signingRulesFields.reminderMinutes.default([]),
    /** How often the deadline/reminder scan runs (worker role). */
    scanIntervalMs: z.number().int().positive().default(60_000),
    /** Per-municipality overrides, keyed by SCB kommunkod. */
    municipalities: z
      .record(
        z.string().regex(/^\d{4}$/, 'must be a 4-digit SCB kommunkod'),
        z.object(signingRulesFields).partial().strict(),
      )
      .default({}),
  })
  .strict();
export type SigningRulesConfig = z.infer<typeof signingRulesSchema>;
export type SigningRules = Omit<SigningRulesConfig, 'municipalities' | 'scanIntervalMs'>;

/** The effective rules for one municipality. */
export function signingRulesFor(
  config: { signingRules: SigningRulesConfig },
  municipalityCode: string,
): SigningRules {
  const { municipalities, scanIntervalMs: _scan, ...global } = config.signingRules;
  return { ...global, ...(municipalities[municipalityCode] ?? {}) };
}

export const hubConfigSchema = z
  .object({
    role: z.enum(HUB_ROLES).default('all'),
    http: z
      .object({
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(3000),
        /** Trust X-Forwarded-For from these proxies (express "trust proxy" setting). */
        trustProxy: z.union([z.boolean(), z.string()]).default(false),
      })
      .strict()
      .default({}),
    database: z
      .object({
        /** sqlite:<file> (embedded default) or postgres://user@host:port/db */
        url: z.string().regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://'),
        debug: z.boolean().default(false),
      })
      .strict(),
    redis: z
      .object({
        url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
        /** Key prefix for every queue; lets several hubs share one Redis. */
        prefix: z.string().min(1).default('gch'),
      })
      .strict(),
    apiClients: z.array(apiClientSchema).default([]),
    workflow: z
      .object({
        collectIntervalMs: z.number().int().positive().default(2000),
        outboxPollMs: z.number().int().positive().default(500),
        concurrency: z
          .object({
            documents: z.number().int().positive().default(2),
            signing: z.number().int().positive().default(8),
            archive: z.number().int().positive().default(2),
            maintenance: z.number().int().positive().default(1),
          })
          .strict()
          .default({}),
        /** A job whose worker stops renewing its lock for this long is stalled and handed to another worker. */
        lockDurationMs: z.number().int().min(1000).default(30_000),
        /** How often each worker looks for stalled jobs. */
        stalledIntervalMs: z.number().int().min(1000).default(30_000),
        /** Stalls tolerated before BullMQ fails a job (the reconciler then re-enqueues it). */
        maxStalledCount: z.number().int().min(0).default(3),
        /** On SIGTERM, active jobs get this long to finish before they are released to other workers. */
        shutdownGraceMs: z.number().int().min(0).default(25_000),
        reconciler: z
          .object({
            /** How often the repeatable reconcile job runs (0 = never: not recommended). */
            intervalMs: z.number().int().min(0).default(60_000),
            /** A step is only "lost" when its catalog has not changed for this long (lets the outbox dispatch first). */
            graceMs: z.number().int().min(0).default(120_000),
            /** Page size when the reconciler examines due catalogs (it pages through all of them). */
            batchSize: z.number().int().positive().default(500),
          })
          .strict()
          .default({}),
        /** Catalogs waiting longer than this in a status are reported (metric, timeline event, webhook). */
        stuck: z
          .object({
            receivedMs: z
              .number()
              .int()
              .positive()
              .default(60 * 60 * 1000),
            awaitingSignatureMs: z
              .number()
              .int()
              .positive()
              .default(14 * 24 * 3600 * 1000),
            awaitingApprovalMs: z
              .number()
              .int()
              .positive()
              .default(5 * 24 * 3600 * 1000),
            deliveringMs: z
              .number()
              .int()
              .positive()
              .default(24 * 3600 * 1000),
            /** Optional: POSTed a JSON list of stuck catalog ids (no personal data). */
            webhookUrl: z.string().url().optional(),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    metrics: z
      .object({
        /** The worker role has no HTTP API; it serves GET /metrics and /health/live on this port (null = off). */
        workerPort: z.number().int().min(0).max(65535).nullable().default(9464),
        workerHost: z.string().default('0.0.0.0'),
      })
      .strict()
      .default({}),
    signing: z
      .object({
        /** Connector instance name (shown in health, events and the admin API). */
        name: z.string().min(1).default('bankid'),
        bankid: bankIdConnectorConfigSchema,
      })
      .strict(),
    signingRules: signingRulesSchema.default({}),
    /** Where the SAS is told what happened (DESIGN.md §3 ResultSink); none = events only in the timeline. */
    resultSinks: z.array(webhookSinkConfigSchema).default([]),
    archive: z
      .object({
        folder: folderArchiveConfigSchema,
        submissionAgreement: z.string().min(1),
        archivalCreator: z
          .object({ name: z.string().min(1), organisationNumber: z.string().regex(/^\d{10}$/) })
          .strict(),
        /** native xmllint is ~15x faster than the wasm build; auto = native when on PATH. */
        validatorEngine: z.enum(['auto', 'native', 'wasm']).default('auto'),
      })
      .strict(),
  })
  .strict();

export type HubConfig = z.infer<typeof hubConfigSchema>;
