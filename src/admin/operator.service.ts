import { FilterQuery, MikroORM } from '@mikro-orm/core';
import { Delivery, deliveryView } from '../archive/delivery.entities';
import { CatalogEvent, eventView } from '../audit/catalog-event.entity';
import { EventActor, recordEvent } from '../audit/events';
import type { CatalogStatus } from '../catalogs/catalog-state';
import { TERMINAL_STATUSES } from '../catalogs/catalog-state';
import { Catalog } from '../catalogs/catalog.entities';
import { transition } from '../catalogs/catalog-transitions';
import type { HubConfig } from '../core/config/config.schema';
import { Problem } from '../core/http/problem';
import type { HubQueues } from '../core/queue/queues';
import { JOB_CATALOGUE, JobName } from '../workflow/job-catalogue';
import { requestStep } from '../workflow/outbox';
import { catalogJobId, stuckLimits } from '../workflow/reconciler';
import { isUuid } from '../core/ids';

/** Which catalogs an operator may see: an admin API client's municipality and units; the CLI sees all. */
export interface OperatorScope {
  municipalityCode: string;
  schoolUnits: readonly string[];
}

export interface FailedCatalog {
  id: string;
  externalId: string;
  municipalityCode: string;
  schoolUnitCode: string;
  failedStep: string | null;
  reason: string | null;
  failedAt: string;
  retryable: boolean;
}

export interface StuckCatalog {
  id: string;
  externalId: string;
  status: CatalogStatus;
  since: string;
  waitingMs: number;
  limitMs: number;
  reported: boolean;
}

export interface RetryResult {
  catalogId: string;
  ok: boolean;
  step?: string;
  status?: CatalogStatus;
  jobId?: string;
  error?: string;
}

/**
 * What an operator does with failed and stuck catalogs: list them, retry a failed step, read a
 * catalog's full timeline. Plain class over the ORM (and optionally the queues) so the admin API
 * and the CLI share it; a retry only writes the database (state + outbox), the running hub's
 * dispatcher sends the job.
 */
export class OperatorService {
  constructor(
    private readonly orm: MikroORM,
    private readonly config: HubConfig,
    private readonly queues?: HubQueues,
  ) {}

  private scoped(scope: OperatorScope | undefined, filter: FilterQuery<Catalog>): FilterQuery<Catalog> {
    if (!scope) return filter;
    const unit = scope.schoolUnits.includes('*') ? {} : { schoolUnitCode: { $in: [...scope.schoolUnits] } };
    return { $and: [filter, { municipalityCode: scope.municipalityCode, ...unit }] };
  }

  async listFailed(scope?: OperatorScope, limit = 500): Promise<FailedCatalog[]> {
    const rows = await this.orm.em.fork().find(Catalog, this.scoped(scope, { status: 'FAILED' }), {
      orderBy: { statusChangedAt: 'asc', id: 'asc' },
      limit,
    });
    return rows.map((c) => ({
      id: c.id,
      externalId: c.externalId,
      municipalityCode: c.municipalityCode,
      schoolUnitCode: c.schoolUnitCode,
      failedStep: c.failedStep ?? null,
      reason: c.failureReason ?? null,
      failedAt: c.statusChangedAt.toISOString(),
      retryable: Boolean(c.failedStep && JOB_CATALOGUE[c.failedStep as JobName]?.dueIn),
    }));
  }

  /** Catalogs waiting longer than the configured limit in a non-terminal status. */
  async listStuck(scope?: OperatorScope, now = new Date(), limit = 500): Promise<StuckCatalog[]> {
    const em = this.orm.em.fork();
    const out: StuckCatalog[] = [];
    for (const [status, limitMs] of stuckLimits(this.config)) {
      const rows = await em.find(
        Catalog,
        this.scoped(scope, { status, statusChangedAt: { $lt: new Date(now.getTime() - limitMs) } }),
        { orderBy: { statusChangedAt: 'asc' }, limit },
      );
      for (const c of rows) {
        out.push({
          id: c.id,
          externalId: c.externalId,
          status,
          since: c.statusChangedAt.toISOString(),
          waitingMs: now.getTime() - c.statusChangedAt.getTime(),
          limitMs,
          reported: Boolean(c.stuckReportedAt),
        });
      }
    }
    return out;
  }

  /** FAILED → the status where the failed step runs, with a fresh job id; the dispatcher sends it. */
  async retry(catalogId: string, actor: EventActor, scope?: OperatorScope): Promise<RetryResult> {
    if (!isUuid(catalogId))
      throw Problem.validation([
        { pointer: '/catalogId', code: 'invalid_id', detail: 'catalogId must be a UUID.' },
      ]);
    return this.orm.em.fork().transactional(async (tx) => {
      const catalog = await tx.findOne(Catalog, this.scoped(scope, { id: catalogId }));
      if (!catalog) throw Problem.notFound('No such catalog.');
      if (catalog.status !== 'FAILED')
        throw Problem.conflict(`The catalog is ${catalog.status}; only a FAILED catalog can be retried.`);
      const step = catalog.failedStep as JobName | undefined;
      const resumeIn = step ? JOB_CATALOGUE[step]?.dueIn : undefined;
      if (!step || !resumeIn) {
        throw Problem.conflict(
          `The failed step "${catalog.failedStep ?? 'unknown'}" cannot be retried from here; see the timeline.`,
        );
      }
      const previousReason = catalog.failureReason;
      transition(tx, catalog, resumeIn, actor, { retryOf: step });
      catalog.workflowRound += 1;
      const message = requestStep(tx, step, { catalogId } as never, { retryRound: catalog.workflowRound });
      recordEvent(tx, catalogId, 'operator.retry', actor, { step, jobId: message.jobId, previousReason });
      return { catalogId, ok: true, step, status: resumeIn, jobId: message.jobId };
    });
  }

  /** Retries every FAILED catalog (in scope); one refusal never stops the others. */
  async retryAllFailed(actor: EventActor, scope?: OperatorScope): Promise<RetryResult[]> {
    const results: RetryResult[] = [];
    for (const failed of await this.listFailed(scope, 10_000)) {
      try {
        results.push(await this.retry(failed.id, actor, scope));
      } catch (error) {
        results.push({
          catalogId: failed.id,
          ok: false,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return results;
  }

  /** Status, failure, deliveries, every timeline event and (with Redis) the job that covers the current step. */
  async timeline(catalogId: string, scope?: OperatorScope): Promise<Record<string, unknown>> {
    if (!isUuid(catalogId))
      throw Problem.validation([
        { pointer: '/catalogId', code: 'invalid_id', detail: 'catalogId must be a UUID.' },
      ]);
    const em = this.orm.em.fork();
    const catalog = await em.findOne(Catalog, this.scoped(scope, { id: catalogId }));
    if (!catalog) throw Problem.notFound('No such catalog.');
    const [events, deliveries] = await Promise.all([
      em.find(CatalogEvent, { catalogId }, { orderBy: { at: 'asc', id: 'asc' } }),
      em.find(Delivery, { catalog: catalogId }, { orderBy: { createdAt: 'asc' } }),
    ]);
    const jobs: { job: string; jobId: string; state: string }[] = [];
    if (this.queues && !TERMINAL_STATUSES.includes(catalog.status)) {
      for (const [job, spec] of Object.entries(JOB_CATALOGUE) as [
        JobName,
        (typeof JOB_CATALOGUE)[JobName],
      ][]) {
        if (spec.dueIn !== catalog.status) continue;
        const jobId = catalogJobId(job, catalogId, catalog.workflowRound);
        jobs.push({ job, jobId, state: await this.queues[spec.queue].getJobState(jobId) });
      }
    }
    return {
      id: catalog.id,
      externalId: catalog.externalId,
      status: catalog.status,
      statusChangedAt: catalog.statusChangedAt.toISOString(),
      workflowRound: catalog.workflowRound,
      failure:
        catalog.status === 'FAILED'
          ? { step: catalog.failedStep ?? null, reason: catalog.failureReason ?? null }
          : null,
      jobs,
      deliveries: deliveries.map(deliveryView),
      timeline: events.map(eventView),
    };
  }
}
