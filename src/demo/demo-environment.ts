import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBankIdSimulator, BankIdSimulator } from '../../connectors/bankid/simulator';
import { sha256Hex } from '../core/hashing';
import type { ApiClientConfig, ApiRole, HubConfig } from '../core/config/config.schema';
import { deepMerge, loadConfig, DeepPartial } from '../core/config/config.loader';
import { startHub, RunningHub } from '../hub';
import type { Logger } from 'pino';
import { DEMO_MUNICIPALITY } from './catalog-generator';

export interface DemoKeys {
  sas: string;
  approver: string;
  admin: string;
}

export interface DemoEnvironment {
  hub: RunningHub;
  url: string;
  keys: DemoKeys;
  simulator: BankIdSimulator;
  config: HubConfig;
  close(): Promise<void>;
}

export interface DemoEnvironmentOptions {
  /** Where archive packages land. */
  archiveDir: string;
  /** Scratch folder for the simulator's generated certificates and the SQLite file. */
  workDir: string;
  redisUrl: string;
  databaseUrl?: string;
  port?: number;
  host?: string;
  /** Defaults to a fresh per-run prefix so an earlier run's jobs never mix in. */
  redisPrefix?: string;
  simulatorCollectsBeforeComplete?: number;
  collectIntervalMs?: number;
  logger?: Logger;
  configOverrides?: DeepPartial<HubConfig>;
  /** More API clients next to the three demo ones (tests use a second SAS). */
  extraApiClients?: ApiClientConfig[];
}

export function clientConfig(id: string, key: string, roles: ApiRole[]) {
  return {
    id,
    keySha256: sha256Hex(key),
    municipalityCode: DEMO_MUNICIPALITY.code,
    schoolUnits: ['*'],
    roles,
    displayName: id,
  };
}

/** Fresh random API keys, one per role (only their SHA-256 goes into the configuration). */
export function generateApiKeys(): DemoKeys {
  return {
    sas: `sas-${randomBytes(18).toString('base64url')}`,
    approver: `approver-${randomBytes(18).toString('base64url')}`,
    admin: `admin-${randomBytes(18).toString('base64url')}`,
  };
}

/** One API client per role for the demo municipality, named `<prefix>-sas` etc. */
export function roleApiClients(prefix: string, keys: DemoKeys): ApiClientConfig[] {
  return [
    clientConfig(`${prefix}-sas`, keys.sas, ['sas']),
    clientConfig(`${prefix}-approver`, keys.approver, ['approver']),
    clientConfig(`${prefix}-admin`, keys.admin, ['admin']),
  ];
}

/**
 * Writes the simulator's TLS and signing certificates into `certDir` and returns the hub's
 * `signing` section pointing at them: the hub reaches the simulator exactly as it would BankID.
 */
export function simulatorSigningConfig(simulator: BankIdSimulator, certDir: string): HubConfig['signing'] {
  mkdirSync(certDir, { recursive: true });
  writeFileSync(join(certDir, 'server-ca.pem'), simulator.ca.certPem);
  writeFileSync(join(certDir, 'rp-client.pem'), simulator.client.certPem);
  writeFileSync(join(certDir, 'rp-client.key'), simulator.client.keyPem, { mode: 0o600 });
  writeFileSync(join(certDir, 'signing-root.pem'), simulator.signingRootCertPem);
  return {
    name: 'bankid-simulator',
    bankid: {
      baseUrl: simulator.url,
      certPath: join(certDir, 'rp-client.pem'),
      keyPath: join(certDir, 'rp-client.key'),
      caPath: join(certDir, 'server-ca.pem'),
      trustedRootPath: join(certDir, 'signing-root.pem'),
      timeoutMs: 10_000,
    },
  };
}

/** The hub (role all) wired to the BankID simulator and a folder archive, with one API key per role. */
export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const workDir = resolve(options.workDir);
  mkdirSync(resolve(options.archiveDir), { recursive: true });
  const simulator = await startBankIdSimulator({
    autoCompleteAfterCollects: options.simulatorCollectsBeforeComplete ?? 1,
  });
  const keys = generateApiKeys();
  const overrides: DeepPartial<HubConfig> = {
    role: 'all',
    http: { port: options.port ?? 0, host: options.host ?? '127.0.0.1' },
    database: { url: options.databaseUrl ?? `sqlite:${join(workDir, 'hub.sqlite')}` },
    redis: { url: options.redisUrl, prefix: options.redisPrefix ?? `gch-demo-${Date.now().toString(36)}` },
    apiClients: [...roleApiClients('demo', keys), ...(options.extraApiClients ?? [])],
    workflow: { collectIntervalMs: options.collectIntervalMs ?? 2000 },
    signing: simulatorSigningConfig(simulator, join(workDir, 'bankid-simulator')),
    archive: { folder: { name: 'demo-folder-archive', directory: resolve(options.archiveDir) } },
  };
  const config = loadConfig({
    files: [resolve(__dirname, '../../config/demo.yaml')],
    env: {},
    overrides: deepMerge(overrides, options.configOverrides ?? {}) as DeepPartial<HubConfig>,
  });
  try {
    const hub = await startHub({ config, logger: options.logger });
    return {
      hub,
      url: hub.url!,
      keys,
      simulator,
      config,
      close: async () => {
        await hub.close();
        await simulator.close();
      },
    };
  } catch (error) {
    await simulator.close();
    throw error;
  }
}
