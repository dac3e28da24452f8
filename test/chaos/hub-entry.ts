/**
 * One hub process of the chaos run: `node -r ts-node/register/transpile-only test/chaos/hub-entry.ts <api|worker>`.
 * Configuration comes from $HUB_CONFIG (written by the chaos driver); the archive connector is
 * wrapped with FaultyArchiveTarget per the CHAOS_* environment variables. Prints "READY <url>".
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { buildConnectors } from '../../src/connectors';
import { loadConfig } from '../../src/core/config/config.loader';
import type { HubRole } from '../../src/core/config/config.schema';
import { createRootLogger } from '../../src/core/logging/logger';
import { startHub } from '../../src/hub';
import { FaultyArchiveTarget } from './faulty-archive-target';

async function main(): Promise<void> {
  const role = (process.argv[2] ?? 'worker') as HubRole;
  // demo.yaml (archive metadata, no real BankID) + the driver's file; not default.yaml's BankID test certificate.
  const config = loadConfig({
    files: [resolve(__dirname, '../../config/demo.yaml'), process.env.HUB_CONFIG!],
    overrides: { role },
  });
  const connectors = buildConnectors(config);
  connectors.archiveTarget = new FaultyArchiveTarget(connectors.archiveTarget, {
    failRate: Number(process.env.CHAOS_FAIL_RATE ?? 0),
    failAfterDepositRate: Number(process.env.CHAOS_FAIL_AFTER_DEPOSIT_RATE ?? 0),
    dieAfterDepositRate: Number(process.env.CHAOS_DIE_AFTER_DEPOSIT_RATE ?? 0),
    permanentFile: process.env.CHAOS_PERMANENT_FILE,
  });
  const hub = await startHub({
    config,
    connectors,
    logger: createRootLogger(process.env.LOG_LEVEL ?? 'error'),
  });
  process.stdout.write(`READY ${hub.url ?? '-'}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
