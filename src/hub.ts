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
import { HubMetrics } from './core/metrics/hub-metrics';
import { startWorkerMetricsServer } from './core/metrics/worker-metrics-server';

export interface RunningHub {
  app: INestApplicationContext;
  /** Base URL when the api role listens, e.g. http://127.0.0.1:3000 */
  url?: string;
  /** Worker role: base URL of its /metrics + /health/live server, when enabled. */
  metricsUrl?: string;
  metrics: HubMetrics;
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
    throw new Error(
      `Cannot reach Redis at ${url}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Migrations run once, by the api role (or the CLI), never raced by workers. */
export async function migrateDatabase(config: HubConfig, logger?: Logger): Promise<void> {
  const orm = await MikroORM.init(
    buildOrmOptions(config.database.url, false, (message) => logger?.info({ context: 'database' }, message)),
  );
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
  const metrics = new HubMetrics({ labels: { role: config.role } });
  const module = AppModule.forRoot(config, connectors, { metrics });
  const nestLogger = new PinoNestLogger(logger);

  if (!runsApi(config.role)) {
    const app = await NestFactory.createApplicationContext(module, { logger: nestLogger });
    // SIGTERM: workers stop taking jobs, finish (or release) active ones, then connections close.
    app.enableShutdownHooks();
    const port = config.metrics.workerPort;
    const server =
      port === null ? undefined : await startWorkerMetricsServer(metrics, port, config.metrics.workerHost);
    const host =
      config.metrics.workerHost === '0.0.0.0' || config.metrics.workerHost === '::'
        ? '127.0.0.1'
        : config.metrics.workerHost;
    return {
      app,
      metrics,
      metricsUrl: server ? `http://${host}:${server.port}` : undefined,
      close: async () => {
        await server?.close();
        await app.close();
      },
    };
  }
  const app = await NestFactory.create<NestExpressApplication>(module, {
    logger: nestLogger,
    bodyParser: false,
  });
  // strict: false so a JSON null or number reaches validation and gets a 422 with a pointer, not a parse error.
  app.useBodyParser('json', {
    limit: '5mb',
    strict: false,
    type: ['application/json', 'application/*+json'],
  });
  app.set('trust proxy', config.http.trustProxy);
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  await app.listen(config.http.port, config.http.host);
  const address = app.getHttpServer().address() as { port: number };
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  return { app, metrics, url: `http://${host}:${address.port}`, close: () => app.close() };
}
