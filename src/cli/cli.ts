import 'reflect-metadata';
import { MikroORM, TableNotFoundException } from '@mikro-orm/core';
import { Queue } from 'bullmq';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { buildConnectors } from '../connectors';
import { ConfigError, loadConfig } from '../core/config/config.loader';
import type { HubConfig } from '../core/config/config.schema';
import type { HubConnectors } from '../core/connectors/connectors.module';
import { buildOrmOptions } from '../core/database/orm-options';
import { Problem } from '../core/http/problem';
import { redisConnectionOptions } from '../core/queue/redis';
import type { HubQueues } from '../core/queue/queues';
import { QUEUE_NAMES } from '../workflow/job-catalogue';
import { CliCommand, CliContext, UsageError } from './command';
import { COMMANDS } from './commands';

export interface RunCliOptions {
  env?: NodeJS.ProcessEnv;
  print?: (line: string) => void;
  printError?: (line: string) => void;
  /** Tests: use this configuration instead of loading files. */
  config?: HubConfig;
}

function usage(commands: CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'Usage: npm run cli -- [--config FILE] [--json] <command>',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.description}`),
    '',
    'Configuration: config/default.yaml, then the file in $HUB_CONFIG (or --config), then DATABASE_URL, REDIS_URL, ...',
  ].join('\n');
}

/** Finds the command whose words are the longest prefix of argv. */
function match(argv: string[]): { command: CliCommand; args: string[] } | null {
  const candidates = COMMANDS.filter((c) => c.words.every((w, i) => argv[i] === w)).sort(
    (a, b) => b.words.length - a.words.length,
  );
  return candidates[0] ? { command: candidates[0], args: argv.slice(candidates[0].words.length) } : null;
}

export async function runCli(argv: string[], options: RunCliOptions = {}): Promise<number> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const printError = options.printError ?? ((line: string) => process.stderr.write(`${line}\n`));
  const env = { ...(options.env ?? process.env) };
  const rest: string[] = [];
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--config') {
      const file = argv[++i];
      if (!file) {
        printError('--config needs a file');
        return 2;
      }
      env.HUB_CONFIG = resolve(file);
    } else if (argv[i] === '--help' || argv[i] === '-h' || (argv[i] === 'help' && rest.length === 0)) {
      print(usage(COMMANDS));
      return 0;
    } else rest.push(argv[i]);
  }
  const found = match(rest);
  if (!found) {
    printError(rest.length ? `Unknown command: ${rest.join(' ')}\n` : '');
    printError(usage(COMMANDS));
    return 2;
  }

  let config: HubConfig | undefined = options.config;
  let orm: MikroORM | undefined;
  let queues: HubQueues | undefined;
  let connectors: HubConnectors | undefined;
  const ctx: CliContext = {
    json,
    print,
    actor: `cli:${safeUser()}`,
    config: () => (config ??= loadConfig({ env })),
    orm: async () => (orm ??= await MikroORM.init(buildOrmOptions(ctx.config().database.url))),
    queues: () => {
      if (!queues) {
        const c = ctx.config();
        const connection = { ...redisConnectionOptions(c.redis.url), maxRetriesPerRequest: 1 };
        queues = Object.fromEntries(
          QUEUE_NAMES.map((name) => {
            const queue = new Queue(name, { connection, prefix: c.redis.prefix });
            queue.on('error', (error) => printError(`redis: ${error.message}`));
            return [name, queue];
          }),
        ) as HubQueues;
      }
      return queues;
    },
    connectors: () => (connectors ??= buildConnectors(ctx.config(), env)),
  };
  try {
    return await found.command.run(found.args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      printError(`${error.message}\nUsage: npm run cli -- ${found.command.usage}`);
      return 2;
    }
    if (error instanceof ConfigError) printError(error.message);
    else if (error instanceof Problem) {
      printError(`${error.title}: ${error.detail}`);
      for (const e of error.errors ?? []) printError(`  ${e.pointer}: ${e.detail}`);
    } else if (error instanceof TableNotFoundException) {
      printError('The database has no hub schema, or an older one: run `npm run cli -- migrate` first.');
    } else printError(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    // Closing a queue whose connection is still initialising makes BullMQ emit an error with no
    // listener left (an unhandled 'Connection is closed'): let it finish connecting first.
    await Promise.all(
      Object.values(queues ?? {}).map((q) =>
        q
          .waitUntilReady()
          .catch(() => undefined)
          .then(() => q.close())
          .catch(() => undefined),
      ),
    );
    await orm?.close();
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
