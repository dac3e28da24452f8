import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { BankIdSimulator, startBankIdSimulator } from '../../connectors/bankid/simulator';
import { buildConnectors } from '../../src/connectors';
import { DeepPartial, loadConfig } from '../../src/core/config/config.loader';
import type { HubConfig } from '../../src/core/config/config.schema';
import type { HubConnectors } from '../../src/core/connectors/connectors.module';
import { generateApiKeys, roleApiClients, simulatorSigningConfig } from '../../src/demo/demo-environment';
import { HubApi } from '../../src/demo/sas-driver';
import { RunningHub, startHub } from '../../src/hub';
import { createTestDatabase, TestDatabase, TEST_REDIS_URL, uniqueRedisPrefix } from './test-database';

export interface WorkflowHub {
  hub: RunningHub;
  url: string;
  config: HubConfig;
  db: TestDatabase;
  archiveDir: string;
  simulator: BankIdSimulator;
  sas: HubApi;
  approver: HubApi;
  admin: HubApi;
  keys: { sas: string; approver: string; admin: string };
  /** Closes the hub only (the database and simulator stay, e.g. to start another hub on them). */
  closeHub(): Promise<void>;
  stop(): Promise<void>;
}

export interface WorkflowHubOptions {
  redisUrl?: string;
  workflow?: DeepPartial<HubConfig['workflow']>;
  /** Wrap or replace connectors (e.g. a slow or failing archive) — test seams around the ports. */
  wrapConnectors?: (connectors: HubConnectors) => HubConnectors;
  role?: HubConfig['role'];
}

/**
 * The hub on a fresh PostgreSQL database and Redis prefix with the BankID simulator, like
 * startTestHub, but with workflow settings and connector wrappers for workflow tests.
 */
export async function startWorkflowHub(
  label: string,
  options: WorkflowHubOptions = {},
): Promise<WorkflowHub> {
  const db = await createTestDatabase();
  const workDir = mkdtempSync(join(tmpdir(), `gch-${label}-`));
  const archiveDir = join(workDir, 'archive');
  mkdirSync(archiveDir, { recursive: true });
  const simulator = await startBankIdSimulator({ autoCompleteAfterCollects: 1 });
  const keys = generateApiKeys();
  const config = loadConfig({
    files: [resolve(__dirname, '../../config/demo.yaml')],
    env: {},
    overrides: {
      role: options.role ?? 'all',
      http: { host: '127.0.0.1', port: 0 },
      database: { url: db.url },
      redis: { url: options.redisUrl ?? TEST_REDIS_URL, prefix: uniqueRedisPrefix(label) },
      apiClients: roleApiClients('wf', keys),
      workflow: { collectIntervalMs: 200, outboxPollMs: 100, ...options.workflow },
      metrics: { workerPort: 0 },
      signing: simulatorSigningConfig(simulator, join(workDir, 'bankid')),
      archive: { folder: { name: 'wf-archive', directory: archiveDir } },
    },
  });
  const connectors = buildConnectors(config, {});
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  let hub: RunningHub;
  try {
    hub = await startHub({
      config,
      logger,
      connectors: options.wrapConnectors ? options.wrapConnectors(connectors) : connectors,
    });
  } catch (error) {
    await simulator.close();
    await db.drop();
    throw error;
  }
  let hubClosed = false;
  const closeHub = async () => {
    if (hubClosed) return;
    hubClosed = true;
    await hub.close();
  };
  return {
    hub,
    url: hub.url ?? '',
    config,
    db,
    archiveDir,
    simulator,
    keys,
    sas: new HubApi(hub.url ?? '', keys.sas),
    approver: new HubApi(hub.url ?? '', keys.approver),
    admin: new HubApi(hub.url ?? '', keys.admin),
    closeHub,
    stop: async () => {
      await closeHub();
      await simulator.close();
      await db.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Submit → sign → approve: the catalog is DELIVERING (or beyond) when this returns. */
export async function driveToApproval(
  hub: WorkflowHub,
  body: Record<string, unknown>,
  waitFor: (id: string, statuses: string[]) => Promise<unknown>,
): Promise<string> {
  const { body: created } = await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', body);
  await waitFor(created.id, ['AWAITING_SIGNATURE']);
  const detail = await hub.sas.call<{ signers: { personalNumber: string }[] }>(
    'GET',
    `/api/v1/catalogs/${created.id}`,
  );
  const { signAs } = await import('../../src/demo/sas-driver');
  for (const signer of detail.body.signers) await signAs(hub.sas, created.id, signer.personalNumber, 100);
  await waitFor(created.id, ['AWAITING_APPROVAL']);
  return created.id;
}

export async function approve(hub: WorkflowHub, catalogId: string): Promise<void> {
  await hub.approver.call('POST', `/api/v1/catalogs/${catalogId}/approval`, {
    decision: 'APPROVE',
    approver: { name: 'Handläggare Test' },
    comment: 'ok',
  });
}
