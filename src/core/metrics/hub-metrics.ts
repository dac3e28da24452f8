import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Collects a gauge's value at scrape time (e.g. a database count); errors leave the gauge empty. */
export type GaugeCollector = (gauge: Gauge<string>) => Promise<void>;

/**
 * Prometheus metrics of one process, on a registry of its own (no global state, so several hubs
 * in one test process don't collide). Labels carry job names, statuses and error codes only —
 * never ids or personal data.
 */
export class HubMetrics {
  readonly registry = new Registry();
  readonly catalogs: Gauge<'status'>;
  readonly catalogsStuck: Gauge<'status'>;
  readonly queueJobs: Gauge<'queue' | 'state'>;
  readonly stepDuration: Histogram<'job' | 'outcome'>;
  readonly stepRetries: Counter<'job'>;
  readonly stepFailures: Counter<'job' | 'code'>;
  readonly reconcilerRequeued: Counter<'job' | 'reason'>;
  readonly reconcilerRuns: Counter<'outcome'>;
  readonly outboxDispatched: Counter<'queue'>;
  private readonly collectors = new Map<string, GaugeCollector>();

  constructor(options: { defaultMetrics?: boolean; labels?: Record<string, string> } = {}) {
    if (options.labels) this.registry.setDefaultLabels(options.labels);
    if (options.defaultMetrics !== false)
      collectDefaultMetrics({ register: this.registry, prefix: 'hub_process_' });
    const collectorFor = (name: string) =>
      async function (this: Gauge<string>) {
        // `this` is the gauge; the collector is looked up late so it can be set after construction.
        await (metrics.collectors.get(name)?.(this) ?? Promise.resolve());
      };
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const metrics = this;
    this.catalogs = new Gauge({
      name: 'hub_catalogs',
      help: 'Catalogs by status (from the database, at scrape time)',
      labelNames: ['status'],
      registers: [this.registry],
      collect: collectorFor('hub_catalogs'),
    });
    this.catalogsStuck = new Gauge({
      name: 'hub_catalogs_stuck',
      help: 'Catalogs waiting longer than the configured limit in their status',
      labelNames: ['status'],
      registers: [this.registry],
      collect: collectorFor('hub_catalogs_stuck'),
    });
    this.queueJobs = new Gauge({
      name: 'hub_queue_jobs',
      help: 'BullMQ jobs by queue and state (queue depth)',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      collect: collectorFor('hub_queue_jobs'),
    });
    this.stepDuration = new Histogram({
      name: 'hub_step_duration_seconds',
      help: 'Duration of one attempt of a workflow step',
      labelNames: ['job', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [this.registry],
    });
    this.stepRetries = new Counter({
      name: 'hub_step_retries_total',
      help: 'Step attempts that failed with a retryable error and will be retried',
      labelNames: ['job'],
      registers: [this.registry],
    });
    this.stepFailures = new Counter({
      name: 'hub_step_failures_total',
      help: 'Steps given up (permanent error or attempts used up), by error code',
      labelNames: ['job', 'code'],
      registers: [this.registry],
    });
    this.reconcilerRequeued = new Counter({
      name: 'hub_reconciler_requeued_total',
      help: 'Steps the reconciler found due with no live job and enqueued again',
      labelNames: ['job', 'reason'],
      registers: [this.registry],
    });
    this.reconcilerRuns = new Counter({
      name: 'hub_reconciler_runs_total',
      help: 'Reconciler runs',
      labelNames: ['outcome'],
      registers: [this.registry],
    });
    this.outboxDispatched = new Counter({
      name: 'hub_outbox_dispatched_total',
      help: 'Outbox rows moved onto BullMQ',
      labelNames: ['queue'],
      registers: [this.registry],
    });
  }

  /** Registers the scrape-time source of a collected gauge (hub_catalogs, hub_catalogs_stuck, hub_queue_jobs). */
  setCollector(
    name: 'hub_catalogs' | 'hub_catalogs_stuck' | 'hub_queue_jobs',
    collector: GaugeCollector,
  ): void {
    this.collectors.set(name, collector);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Error code for metrics and the timeline: ConnectorError/PermanentStepError code, else the error's name. */
export function errorCode(error: unknown): string {
  if (
    error &&
    typeof error === 'object' &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'string'
  ) {
    return (error as { code: string }).code;
  }
  return error instanceof Error ? error.name : 'unknown';
}
