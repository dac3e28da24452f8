import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { BankIdClientOptions } from './bankid.client';
import { BankIdClient } from './bankid.client';
import { BankIdSigningProvider } from './bankid.signing-provider';

/**
 * Configuration of one BankID connector instance (YAML under `connectors.<name>`).
 * Secrets are never in the file: the PKCS#12 / key passphrase is read from the environment
 * variable named by `passphraseEnv`.
 */
export const bankIdConnectorConfigSchema = z
  .object({
    /** API root incl. version: prod `https://appapi2.bankid.com/rp/v6.0`, test `https://appapi2.test.bankid.com/rp/v6.0`. */
    baseUrl: z
      .string()
      .url()
      .refine((value) => value.startsWith('https://'), 'baseUrl must be https'),
    /** RP certificate as PKCS#12 (what BankID issues) ... */
    pfxPath: z.string().min(1).optional(),
    /** ... or as PEM certificate + key. */
    certPath: z.string().min(1).optional(),
    keyPath: z.string().min(1).optional(),
    /** Name of the environment variable holding the pfx/key passphrase, e.g. `BANKID_PFX_PASSPHRASE`. */
    passphraseEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'passphraseEnv is the NAME of an environment variable')
      .optional(),
    /** PEM of the CA that issued BankID's TLS server certificate (pinned). */
    caPath: z.string().min(1),
    timeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /** PEM file(s) of the CA(s) the signature certificate chain must lead to (verification trust anchor). */
    trustedRootPath: z.union([z.string().min(1), z.array(z.string().min(1)).nonempty()]),
  })
  .strict()
  .superRefine((config, context) => {
    const hasPfx = config.pfxPath !== undefined;
    const hasPem = config.certPath !== undefined || config.keyPath !== undefined;
    if (hasPfx === hasPem) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'set either pfxPath or certPath + keyPath',
        path: ['pfxPath'],
      });
    }
    if (hasPem && (config.certPath === undefined || config.keyPath === undefined)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'certPath and keyPath go together',
        path: ['certPath'],
      });
    }
  });

export type BankIdConnectorConfig = z.infer<typeof bankIdConnectorConfigSchema>;

/** Reads the files and the passphrase named by a validated config into client options. */
export function loadBankIdClientOptions(
  config: BankIdConnectorConfig,
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): BankIdClientOptions {
  let passphrase: string | undefined;
  if (config.passphraseEnv) {
    passphrase = env[config.passphraseEnv];
    if (passphrase === undefined) {
      throw new Error(`BankID connector: environment variable ${config.passphraseEnv} is not set`);
    }
  }
  const common = {
    baseUrl: config.baseUrl,
    caPem: readFile(config.caPath).toString('utf8'),
    timeoutMs: config.timeoutMs,
    passphrase,
  };
  if (config.pfxPath) {
    return { ...common, pfx: readFile(config.pfxPath) };
  }
  return {
    ...common,
    clientCertPem: readFile(config.certPath!).toString('utf8'),
    clientKeyPem: readFile(config.keyPath!).toString('utf8'),
  };
}

/** Trust anchors for signature verification, as PEM strings. */
export function loadTrustedRoots(
  config: BankIdConnectorConfig,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): string[] {
  const paths = Array.isArray(config.trustedRootPath) ? config.trustedRootPath : [config.trustedRootPath];
  return paths.map((path) => readFile(path).toString('utf8'));
}

/** Parses raw config and builds a provider instance named `name`. */
export function createBankIdSigningProvider(
  name: string,
  rawConfig: unknown,
  env: NodeJS.ProcessEnv = process.env,
): BankIdSigningProvider {
  const config = bankIdConnectorConfigSchema.parse(rawConfig);
  return new BankIdSigningProvider(name, new BankIdClient(loadBankIdClientOptions(config, env)), {
    trustedRootPem: loadTrustedRoots(config),
  });
}
