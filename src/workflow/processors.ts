import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job, MinimalJob, UnrecoverableError } from 'bullmq';
import type { HubConfig } from '../core/config/config.schema';
import { ConnectorError } from '../core/errors';
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
  return (error instanceof ConnectorError && error.kind === 'permanent') || error instanceof PermanentStepError;
}

const workerSettings = {
  settings: {
    backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: MinimalJob) =>
      backoffDelay(JOB_CATALOGUE[(job?.name ?? 'catalog.render') as JobName].retry, attemptsMade),
  },
  autorun: false,
};

/** Thin: route a job to its handler and turn typed errors into BullMQ's retry semantics. */
abstract class HubProcessor extends WorkerHost implements OnApplicationBootstrap {
  protected abstract readonly queueName: QueueName;
  private readonly logger = new Logger('worker');

  constructor(
    private readonly registry: JobHandlerRegistry,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = this.registry.missing(JOB_NAMES);
    if (missing.length > 0) throw new Error(`Start-up refused: no handler for job(s) ${missing.join(', ')}`);
    this.worker.concurrency = this.config.workflow.concurrency[this.queueName];
    void this.worker.run();
  }

  async process(job: Job): Promise<void> {
    const name = job.name as JobName;
    const handler = this.registry.get(name);
    try {
      await handler.handle(job.data, job.attemptsMade + 1);
    } catch (caught) {
      const error = caught instanceof Error ? caught : new Error(String(caught));
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const permanent = isPermanent(error);
      this.logger.warn(`${name} ${job.id} attempt ${job.attemptsMade + 1} failed (${permanent ? 'permanent' : 'retryable'}): ${error.message}`);
      if (permanent || lastAttempt) {
        await handler.onGiveUp(job.data, error);
        throw new UnrecoverableError(error.message);
      }
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
