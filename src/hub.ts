import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AppModule, HubConnectors, runsApi } from './app.module';
import type { HubConfig } from './core/config/config.schema';
import { createRootLogger, PinoNestLogger } from './core/logging/logger';
import { buildConnectors } from './connectors';
import { buildOrmOptions } from './core/database/orm-options';

export interface RunningHub {
  app: INestApplicationContext;
  /** Base URL when the api role listens, e.g. http://127.0.0.1:3000 */
  url?: string;
  close(): Promise<void>;
}

export interface StartHubOptions {
  config: HubConfig;
  connectors?: HubConnectors;
  logger?: Logger;
}

/** BullMQ needs every key kept: with eviction Redis may silently drop jobs. */
export async function assertRedisSafe(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 3000 });
  try {
    await redis.connect();
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy && policy !== 'noeviction') {
      throw new Error(
        `Redis at ${url} has maxmemory-policy=${policy}; the hub needs "noeviction" so queued jobs are never evicted. ` +
          'Set "maxmemory-policy noeviction" in redis.conf.',
      );
    }
  } catch (error) {
    if (error instanceof Error && error.message.includes('maxmemory-policy')) throw error;
    throw new Error(`Cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    redis.disconnect();
  }
}

/** Migrations run once, by the api role (or the CLI), never raced by workers. */
export async function migrateDatabase(config: HubConfig, logger?: Logger): Promise<void> {
  const orm = await MikroORM.init(buildOrmOptions(config.database.url, false, (message) => logger?.info({ context: 'database' }, message)));
  try {
    await orm.getMigrator().up();
  } finally {
    await orm.close();
  }
}

export async function startHub(options: StartHubOptions): Promise<RunningHub> {
  const { config } = options;
  const logger = options.logger ?? createRootLogger();
  await assertRedisSafe(config.redis.url);
  if (runsApi(config.role)) await migrateDatabase(config, logger);
  const connectors = options.connectors ?? buildConnectors(config);
  const module = AppModule.forRoot(config, connectors);
  const nestLogger = new PinoNestLogger(logger);

  if (!runsApi(config.role)) {
    const app = await NestFactory.createApplicationContext(module, { logger: nestLogger });
    app.enableShutdownHooks();
    return { app, close: () => app.close() };
  }
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: nestLogger, bodyParser: false });
  app.useBodyParser('json', { limit: '5mb', type: ['application/json', 'application/*+json'] });
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return { app, url: `http://${host}:${address.port}`, close: () => app.close() };
}
