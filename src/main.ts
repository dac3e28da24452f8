import { HUB_ROLES, HubRole } from './core/config/config.schema';
import { ConfigError, loadConfig } from './core/config/config.loader';
import { createRootLogger } from './core/logging/logger';
import { startHub } from './hub';

/** `node dist/src/main.js [api|worker|all]` — the role may also come from HUB_ROLE or the config. */
async function main(): Promise<void> {
  const logger = createRootLogger();
  const roleArg = process.argv[2];
  if (roleArg && !HUB_ROLES.includes(roleArg as HubRole)) {
    throw new ConfigError(`Unknown role "${roleArg}": use one of ${HUB_ROLES.join(', ')}.`);
  }
  const config = loadConfig({ overrides: roleArg ? { role: roleArg as HubRole } : undefined });
  const hub = await startHub({ config, logger });
  logger.info({ role: config.role, url: hub.url }, 'grade-catalog hub started');
}

main().catch((error: unknown) => {
  // Configuration errors name file, key and problem: print them plainly, no stack.
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
