import { z } from 'zod';
import { bankIdConnectorConfigSchema } from '../../../connectors/bankid/config';
import { folderArchiveConfigSchema } from '../../../connectors/folder-archive/config';

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
          })
          .strict()
          .default({}),
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
