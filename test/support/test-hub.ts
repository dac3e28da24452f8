import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  startDemoEnvironment,
  DemoEnvironment,
  DemoEnvironmentOptions,
} from '../../src/demo/demo-environment';
import { HubApi } from '../../src/demo/sas-driver';
import { createTestDatabase, TestDatabase, TEST_REDIS_URL, uniqueRedisPrefix } from './test-database';

export interface TestHub extends DemoEnvironment {
  db: TestDatabase;
  archiveDir: string;
  sas: HubApi;
  approver: HubApi;
  admin: HubApi;
  stop(): Promise<void>;
}

/** The whole hub (role all) on a fresh PostgreSQL database and Redis prefix, with the BankID simulator. */
export async function startTestHub(
  label: string,
  overrides: Partial<DemoEnvironmentOptions> = {},
): Promise<TestHub> {
  const db = await createTestDatabase();
  const workDir = mkdtempSync(join(tmpdir(), `gch-${label}-`));
  const archiveDir = join(workDir, 'archive');
  const env = await startDemoEnvironment({
    archiveDir,
    workDir,
    redisUrl: TEST_REDIS_URL,
    databaseUrl: db.url,
    redisPrefix: uniqueRedisPrefix(label),
    collectIntervalMs: 300,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...overrides,
  });
  return {
    ...env,
    db,
    archiveDir,
    sas: new HubApi(env.url, env.keys.sas),
    approver: new HubApi(env.url, env.keys.approver),
    admin: new HubApi(env.url, env.keys.admin),
    stop: async () => {
      await env.close();
      await db.drop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the catalog reaches one of the statuses (or fails the test after the timeout). */
export async function waitForStatus(
  api: HubApi,
  catalogId: string,
  statuses: string[],
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    last = (await api.call<Record<string, unknown>>('GET', `/api/v1/catalogs/${catalogId}`)).body;
    if (statuses.includes(String(last.status))) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`catalog ${catalogId} stayed ${String(last.status)}; wanted ${statuses.join('|')}`);
}
