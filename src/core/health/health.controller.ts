import { MikroORM } from '@mikro-orm/core';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { ArchiveTarget, ResultSinkBinding, SigningProvider } from '../connectors/ports';
import { HUB_QUEUES, HubQueues } from '../queue/queues';
import { ARCHIVE_TARGET, RESULT_SINKS, SIGNING_PROVIDER } from '../tokens';

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

async function timed(name: string, fn: () => Promise<string | void>): Promise<Check> {
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('timed out after 3 s')), 3000).unref(),
      ),
    ]);
    return { name, ok: true, ...(detail ? { detail } : {}) };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_QUEUES) private readonly queues: HubQueues,
    @Inject(SIGNING_PROVIDER) private readonly signingProvider: SigningProvider,
    @Inject(ARCHIVE_TARGET) private readonly archiveTarget: ArchiveTarget,
    @Inject(RESULT_SINKS) private readonly resultSinks: ResultSinkBinding[],
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready = database, Redis, at least one worker per queue, and every connector answers. */
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    const checks = await Promise.all([
      timed('database', async () => {
        await this.orm.em.fork().getConnection().execute('select 1');
      }),
      timed('redis', async () => {
        const client = (await this.queues.documents.client) as unknown as { ping(): Promise<string> };
        await client.ping();
      }),
      // Readiness fails when any queue of the job catalogue has no worker: its jobs would wait forever.
      ...Object.values(this.queues).map((queue) =>
        timed(`workers:${queue.name}`, async () => {
          const workers = await queue.getWorkers();
          if (workers.length === 0) throw new Error('no worker is consuming this queue');
          return `${workers.length} worker(s)`;
        }),
      ),
      ...[this.signingProvider, this.archiveTarget, ...this.resultSinks.map((b) => b.sink)].map((connector) =>
        timed(`connector:${connector.name}`, async () => {
          const result = await connector.checkConnection();
          if (!result.ok) throw new Error(result.detail ?? 'not reachable');
          return result.detail;
        }),
      ),
    ]);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'unavailable', checks });
  }
}
