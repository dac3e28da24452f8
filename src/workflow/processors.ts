import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, MinimalJob, UnrecoverableError } from 'bullmq';
import type { HubConfig } from '../core/config/config.schema';
import { ConnectorError } from '../core/errors';
import { errorCode, HubMetrics } from '../core/metrics/hub-metrics';
import { describeErrorForLog } from '../core/logging/logger';
import { HUB_CONFIG } from '../core/tokens';
import { backoffDelay, JOB_CATALOGUE, JOB_NAMES, JobName, QueueName } from './job-catalogue';
import { JobHandlerRegistry } from './job-handlers';

/** A business rule says this step can never succeed as things are (e.g. invalid package). */
export class PermanentStepError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentStepError';
  }
}

export function isPermanent(error: unknown): boolean {
  return (
    (error instanceof ConnectorError && error.kind === 'permanent') || error instanceof PermanentStepError
  );
}

const workerSettings = {
  settings: {
    backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: MinimalJob) =>
      backoffDelay(
        JOB_CATALOGUE[(job?.name ?? 'catalog.render') as JobName]?.retry ??
          JOB_CATALOGUE['catalog.render'].retry,
        attemptsMade,
      ),
  },
  autorun: false,
};

/** Thin: route a job to its handler and turn typed errors into BullMQ's retry semantics. */
abstract class HubProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected abstract readonly queueName: QueueName;
  private readonly logger = new Logger('worker');

  constructor(
    private readonly registry: JobHandlerRegistry,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly metrics: HubMetrics,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = this.registry.missing(JOB_NAMES);
    if (missing.length > 0) throw new Error(`Start-up refused: no handler for job(s) ${missing.join(', ')}`);
    const workflow = this.config.workflow;
    this.worker.concurrency =
      (workflow.concurrency as Partial<Record<QueueName, number>>)[this.queueName] ?? 1;
    // Read by the worker when it runs (the decorator's options are static; these come from config).
    Object.assign(this.worker.opts, {
      lockDuration: workflow.lockDurationMs,
      stalledInterval: workflow.stalledIntervalMs,
      maxStalledCount: workflow.maxStalledCount,
    });
    void this.worker
      .run()
      .catch((error: unknown) => this.logger.error(`worker ${this.queueName} stopped: ${String(error)}`));
  }

  /**
   * Graceful shutdown (SIGTERM): stop taking jobs and let active ones finish — before the database
   * and Redis connections close in onApplicationShutdown. Jobs still running after the grace period
   * are released: their lock lapses and another worker takes them over as stalled.
   */
  async beforeApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const grace = this.config.workflow.shutdownGraceMs;
    let timer: NodeJS.Timeout | undefined;
    // pause() stops fetching at once and resolves when the active jobs have finished.
    const finished = await Promise.race([
      worker.pause().then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), grace);
      }),
    ]);
    if (timer) clearTimeout(timer);
    if (!finished) {
      this.logger.warn(
        `${this.queueName}: active jobs did not finish within ${grace} ms; releasing them to other workers`,
      );
    }
    // Forced close does not wait: a still-active job's lock is no longer renewed, so it stalls and
    // another worker takes it over (every step is idempotent). Later close() calls return this one.
    await worker.close(!finished);
  }

  async process(job: Job): Promise<void> {
    const name = job.name as JobName;
    const handler = this.registry.get(name);
    const stopTimer = this.metrics.stepDuration.startTimer({ job: name });
    try {
      await handler.handle(job.data, job.attemptsMade + 1);
      stopTimer({ outcome: 'ok' });
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const permanent = isPermanent(error);
      stopTimer({ outcome: permanent ? 'permanent' : 'retryable' });
      this.logger.warn(
        `${name} ${job.id} attempt ${job.attemptsMade + 1} failed (${permanent ? 'permanent' : 'retryable'}): ${describeErrorForLog(error)}`,
      );
      if (permanent || lastAttempt) {
        this.metrics.stepFailures.inc({ job: name, code: errorCode(error) });
        try {
          await handler.onGiveUp(job.data, error);
        } catch (giveUpError) {
          // The catalog stays where it was; the reconciler finds the failed job and runs the step again.
          this.logger.error(
            `${name} ${job.id}: recording the failure failed: ${describeErrorForLog(giveUpError)}`,
          );
        }
        throw new UnrecoverableError(error.message);
      }
      this.metrics.stepRetries.inc({ job: name });
      throw error;
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.logger.error(`worker error on ${this.queueName}: ${error.message}`);
  }
}

@Processor('documents', workerSettings)
export class DocumentsProcessor extends HubProcessor {
  protected readonly queueName = 'documents' as const;
}

@Processor('signing', workerSettings)
export class SigningProcessor extends HubProcessor {
  protected readonly queueName = 'signing' as const;
}

@Processor('archive', workerSettings)
export class ArchiveProcessor extends HubProcessor {
  protected readonly queueName = 'archive' as const;
}

@Processor('maintenance', workerSettings)
export class MaintenanceProcessor extends HubProcessor {
  protected readonly queueName = 'maintenance' as const;
}

/** One processor class per queue of the catalogue. */
export const PROCESSORS = [DocumentsProcessor, SigningProcessor, ArchiveProcessor, MaintenanceProcessor];
