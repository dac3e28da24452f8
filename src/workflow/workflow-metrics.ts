import { MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { CATALOG_STATUSES } from '../catalogs/catalog-state';
import { Catalog } from '../catalogs/catalog.entities';
import type { HubConfig } from '../core/config/config.schema';
import { HubMetrics } from '../core/metrics/hub-metrics';
import { HUB_QUEUES, HubQueues } from '../core/queue/queues';
import { HUB_CONFIG } from '../core/tokens';
import { stuckLimits } from './reconciler';

const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed', 'paused'] as const;

/** Scrape-time sources of the workflow gauges: catalogs by status, stuck catalogs, queue depth. */
@Injectable()
export class WorkflowMetrics implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(HUB_QUEUES) private readonly queues: HubQueues,
    private readonly metrics: HubMetrics,
  ) {}

  onModuleInit(): void {
    this.metrics.setCollector('hub_catalogs', async (gauge) => {
      const rows = await this.orm.em
        .fork()
        .getConnection()
        .execute<{ status: string; n: number | string }[]>(
          'select status, count(*) as n from catalogs group by status',
        );
      gauge.reset();
      for (const status of CATALOG_STATUSES) gauge.set({ status }, 0);
      for (const row of rows) gauge.set({ status: row.status }, Number(row.n));
    });
    this.metrics.setCollector('hub_catalogs_stuck', async (gauge) => {
      const em = this.orm.em.fork();
      const now = Date.now();
      for (const [status, limitMs] of stuckLimits(this.config)) {
        gauge.set(
          { status },
          await em.count(Catalog, { status, statusChangedAt: { $lt: new Date(now - limitMs) } }),
        );
      }
    });
    this.metrics.setCollector('hub_queue_jobs', async (gauge) => {
      for (const [name, queue] of Object.entries(this.queues)) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) gauge.set({ queue: name, state }, counts[state] ?? 0);
      }
    });
  }
}
