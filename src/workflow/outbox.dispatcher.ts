import { EntityManager, LockMode, MikroORM } from '@mikro-orm/core';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import type { HubConfig } from '../core/config/config.schema';
import { databaseKind } from '../core/database/orm-options';
import { HubMetrics } from '../core/metrics/hub-metrics';
import { HUB_QUEUES, HubQueues } from '../core/queue/queues';
import { HUB_CONFIG } from '../core/tokens';
import { JOB_CATALOGUE, JobName, QueueName } from './job-catalogue';
import { OutboxMessage } from './outbox.entity';

const BATCH_SIZE = 200;

/**
 * Moves committed outbox rows onto BullMQ. Runs in every process; on PostgreSQL rows are
 * claimed with FOR UPDATE SKIP LOCKED so several dispatchers never block or double-send, and a
 * double send would be harmless anyway (deterministic job ids).
 */
@Injectable()
export class OutboxDispatcher
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(OutboxDispatcher.name);
  private readonly skipLocked: boolean;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(HUB_QUEUES) private readonly queues: HubQueues,
    private readonly metrics: HubMetrics,
  ) {
    this.skipLocked = databaseKind(config.database.url) === 'postgresql';
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), this.config.workflow.outboxPollMs);
    this.timer.unref();
    this.nudge();
  }

  /** Stops before the database and Redis connections close (they close in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.onApplicationShutdown();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Dispatch soon; coalesces concurrent calls into one drain loop. */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.warn(`outbox dispatch failed, will retry: ${String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          this.nudge();
        }
      });
  }

  /** Dispatches until the outbox is empty; returns how many rows went out. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const sent = await this.dispatchBatch();
      total += sent;
      if (sent < BATCH_SIZE || this.stopped) return total;
    }
  }

  private async dispatchBatch(): Promise<number> {
    const em = this.orm.em.fork();
    return em.transactional(async (tx: EntityManager) => {
      const rows = await tx.find(
        OutboxMessage,
        { dispatchedAt: null },
        {
          orderBy: { createdAt: 'asc' },
          limit: BATCH_SIZE,
          ...(this.skipLocked ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {}),
        },
      );
      if (rows.length === 0) return 0;
      const now = Date.now();
      const byQueue = new Map<QueueName, OutboxMessage[]>();
      for (const row of rows) {
        const spec = JOB_CATALOGUE[row.jobName as JobName];
        if (!spec) throw new Error(`Outbox row ${row.id} names unknown job ${row.jobName}`);
        byQueue.set(spec.queue, [...(byQueue.get(spec.queue) ?? []), row]);
      }
      for (const [queueName, queueRows] of byQueue) {
        await this.queues[queueName].addBulk(
          queueRows.map((row) => {
            const spec = JOB_CATALOGUE[row.jobName as JobName];
            return {
              name: row.jobName,
              data: row.payload,
              opts: {
                jobId: row.jobId,
                delay: Math.max(0, row.availableAt.getTime() - now),
                attempts: spec.retry.attempts,
                backoff: { type: 'jittered' },
                removeOnComplete: { age: 3600, count: 5000 },
                removeOnFail: { age: 14 * 24 * 3600 },
              },
            };
          }),
        );
        this.metrics.outboxDispatched.inc({ queue: queueName }, queueRows.length);
      }
      // Sent rows are deleted: the catalog's status, not the outbox, is the record of what is due.
      tx.remove(rows);
      return rows.length;
    });
  }
}
