import { EntityManager, MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { recordEvent } from '../audit/events';
import type { CatalogStatus } from '../catalogs/catalog-state';
import { Catalog } from '../catalogs/catalog.entities';
import type { HubConfig } from '../core/config/config.schema';
import { HubMetrics } from '../core/metrics/hub-metrics';
import { HUB_QUEUES, HubQueues, isLiveJobState } from '../core/queue/queues';
import { HUB_CONFIG } from '../core/tokens';
import { SigningSession } from '../signing/signing.entities';
import { JOB_CATALOGUE, jobIdFor, JobName, JobPayloads } from './job-catalogue';
import { JobHandlerRegistry } from './job-handlers';
import { requestStep } from './outbox';
import { OutboxDispatcher } from './outbox.dispatcher';
import { transition } from '../catalogs/catalog-transitions';

export const RECONCILER_ACTOR = { actor: 'reconciler' };

/** A step the database says is due, and the job id that would cover it now. */
export interface DueStep<N extends JobName = JobName> {
  job: N;
  payload: JobPayloads[N];
  jobId: string;
  /** Called when the job with `jobId` exists but finished (completed/failed): re-request under a fresh id. */
  requeueFinished(em: EntityManager): Promise<{ jobId: string } | null>;
  catalogId?: string;
}

/**
 * Modules whose steps are due because of rows they own (e.g. a pending signing session, an
 * undelivered notification) register a source; catalog steps are found from JOB_CATALOGUE.dueIn.
 */
export type DueStepSource = (em: EntityManager, cutoff: Date, limit: number) => Promise<DueStep[]>;

export interface ReconcileReport {
  examined: number;
  requeued: { job: JobName; jobId: string; reason: string }[];
  stuck: { catalogId: string; status: CatalogStatus; since: string }[];
  failed: { catalogId: string; step: string }[];
}

/** Waiting-too-long limits per status, from config. */
export function stuckLimits(config: HubConfig): [CatalogStatus, number][] {
  const s = config.workflow.stuck;
  return [
    ['RECEIVED', s.receivedMs],
    ['AWAITING_SIGNATURE', s.awaitingSignatureMs],
    ['AWAITING_APPROVAL', s.awaitingApprovalMs],
    ['DELIVERING', s.deliveringMs],
  ];
}

/** A catalog whose step was re-requested this many times is failed rather than retried forever (poison job). */
const MAX_ROUNDS = 20;
/** Upper bound of catalogs examined per status and run (each costs one Redis lookup). */
const MAX_EXAMINED = 20_000;

/**
 * The database is the truth, Redis the transport (DESIGN.md §3). Runs as the repeatable
 * `workflow.reconcile` job: finds steps that are due but that no live job covers (Redis flushed,
 * job removed, worker died and BullMQ gave up on the stalled job) and asks for them again through
 * the outbox; reports catalogs waiting too long in a status.
 */
@Injectable()
export class Reconciler implements OnModuleInit {
  private readonly logger = new Logger(Reconciler.name);
  private readonly sources: DueStepSource[] = [];

  constructor(
    private readonly orm: MikroORM,
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(HUB_QUEUES) private readonly queues: HubQueues,
    private readonly jobs: JobHandlerRegistry,
    private readonly dispatcher: OutboxDispatcher,
    private readonly metrics: HubMetrics,
  ) {
    this.registerSource((em, cutoff, limit) => this.pendingSigningSessions(em, cutoff, limit));
  }

  onModuleInit(): void {
    this.jobs.register('workflow.reconcile', {
      handle: async () => {
        await this.reconcile();
      },
      onGiveUp: async () => undefined,
    });
  }

  registerSource(source: DueStepSource): void {
    this.sources.push(source);
  }

  async reconcile(now = new Date()): Promise<ReconcileReport> {
    const report: ReconcileReport = { examined: 0, requeued: [], stuck: [], failed: [] };
    try {
      const { graceMs, batchSize } = this.config.workflow.reconciler;
      const cutoff = new Date(now.getTime() - graceMs);
      const due: DueStep[] = [...(await this.dueCatalogSteps(cutoff, batchSize, report))];
      for (const source of this.sources) due.push(...(await source(this.orm.em.fork(), cutoff, batchSize)));
      report.examined = due.length;
      for (const step of due) {
        try {
          await this.ensureCovered(step, report);
        } catch (error) {
          this.logger.warn(`reconcile ${step.job} ${step.jobId}: ${String(error)}`);
        }
      }
      await this.reportStuck(now, report);
      if (report.requeued.length > 0) this.dispatcher.nudge();
      this.metrics.reconcilerRuns.inc({ outcome: 'ok' });
      if (report.requeued.length > 0 || report.stuck.length > 0 || report.failed.length > 0) {
        this.logger.log(
          `reconciled: ${report.requeued.length} step(s) re-enqueued, ${report.stuck.length} newly stuck, ${report.failed.length} failed after too many rounds`,
        );
      }
      return report;
    } catch (error) {
      this.metrics.reconcilerRuns.inc({ outcome: 'error' });
      throw error;
    }
  }

  private async ensureCovered(step: DueStep, report: ReconcileReport): Promise<void> {
    const queue = this.queues[JOB_CATALOGUE[step.job].queue];
    const state = await queue.getJobState(step.jobId);
    if (isLiveJobState(state)) return;
    const reason = state === 'unknown' ? 'missing' : state;
    const em = this.orm.em.fork();
    let requestedId: string | null = null;
    await em.transactional(async (tx) => {
      if (state === 'unknown') {
        // Same deterministic id: harmless even if the outbox is about to send it too.
        requestStep(tx, step.job, step.payload, { jobId: step.jobId });
        requestedId = step.jobId;
      } else {
        requestedId = (await step.requeueFinished(tx))?.jobId ?? null;
      }
      if (requestedId && step.catalogId) {
        recordEvent(tx, step.catalogId, 'workflow.requeued', RECONCILER_ACTOR, {
          step: step.job,
          jobId: requestedId,
          reason,
        });
      }
    });
    if (requestedId) {
      report.requeued.push({ job: step.job, jobId: requestedId, reason });
      this.metrics.reconcilerRequeued.inc({ job: step.job, reason });
    }
  }

  /** Catalog steps: a catalog sitting in a step's `dueIn` status needs that step's job. */
  private async dueCatalogSteps(cutoff: Date, limit: number, report: ReconcileReport): Promise<DueStep[]> {
    const due: DueStep[] = [];
    const em = this.orm.em.fork();
    for (const [job, spec] of Object.entries(JOB_CATALOGUE) as [JobName, (typeof JOB_CATALOGUE)[JobName]][]) {
      if (!spec.dueIn) continue;
      const catalogs = await this.findAllPaged(em, spec.dueIn, cutoff, limit);
      for (const catalog of catalogs) {
        const catalogId = catalog.id;
        const round = catalog.workflowRound;
        const payload = { catalogId } as JobPayloads[JobName];
        due.push({
          job,
          payload,
          catalogId,
          jobId: catalogJobId(job, catalogId, round),
          requeueFinished: async (tx) => {
            // The job for this round ran and finished, yet the catalog still needs it: new round, new id.
            const current = await tx.findOne(Catalog, catalogId);
            if (!current || current.status !== spec.dueIn || current.workflowRound !== round) return null;
            if (round + 1 > MAX_ROUNDS) {
              // A poison step (e.g. it crashes its worker every time): stop and tell an operator.
              const reason = `step ${job} was re-enqueued ${round} times without finishing`;
              transition(tx, current, 'FAILED', RECONCILER_ACTOR, {
                step: job,
                code: 'workflow.too_many_rounds',
                reason,
              });
              current.failedStep = job;
              current.failureReason = `workflow.too_many_rounds: ${reason}`;
              report.failed.push({ catalogId, step: job });
              return null;
            }
            current.workflowRound = round + 1;
            return { jobId: requestStep(tx, job, payload, { retryRound: round + 1 }).jobId };
          },
        });
      }
    }
    return due;
  }

  /**
   * Every catalog in `status` unchanged since `cutoff`, oldest first, in pages of `pageSize` (keyset
   * on updatedAt, id) up to MAX_EXAMINED: after a flush with many lost steps one run re-requests
   * them all, not just the first page again and again.
   */
  private async findAllPaged(
    em: EntityManager,
    status: CatalogStatus,
    cutoff: Date,
    pageSize: number,
  ): Promise<Pick<Catalog, 'id' | 'status' | 'workflowRound' | 'updatedAt'>[]> {
    const out: Pick<Catalog, 'id' | 'status' | 'workflowRound' | 'updatedAt'>[] = [];
    let after: { updatedAt: Date; id: string } | undefined;
    while (out.length < MAX_EXAMINED) {
      const page = await em.find(
        Catalog,
        {
          status,
          updatedAt: { $lt: cutoff },
          ...(after
            ? {
                $or: [
                  { updatedAt: { $gt: after.updatedAt } },
                  { updatedAt: after.updatedAt, id: { $gt: after.id } },
                ],
              }
            : {}),
        },
        {
          orderBy: { updatedAt: 'asc', id: 'asc' },
          limit: pageSize,
          fields: ['id', 'status', 'workflowRound', 'updatedAt'],
        },
      );
      out.push(...page);
      if (page.length < pageSize) break;
      const last = page[page.length - 1];
      after = { updatedAt: last.updatedAt, id: last.id };
    }
    return out;
  }

  /** A PENDING signing session needs its next collect poll. */
  private async pendingSigningSessions(em: EntityManager, cutoff: Date, limit: number): Promise<DueStep[]> {
    const sessions = await em.find(
      SigningSession,
      { status: 'PENDING', createdAt: { $lt: cutoff } },
      { orderBy: { createdAt: 'asc' }, limit, fields: ['id', 'collectCount', 'catalog'] },
    );
    return sessions.map((session) => {
      const payload = { sessionId: session.id, poll: session.collectCount + 1 };
      return {
        job: 'signing.collect' as const,
        payload,
        catalogId: session.catalog?.id,
        jobId: jobIdFor('signing.collect', payload),
        requeueFinished: async (tx: EntityManager) => {
          // The poll ran but the session did not move on (e.g. its give-up was never recorded): poll again.
          const current = await tx.findOne(SigningSession, session.id);
          if (!current || current.status !== 'PENDING' || current.collectCount !== session.collectCount)
            return null;
          const retryRound = Math.floor(Date.now() / 1000);
          return { jobId: requestStep(tx, 'signing.collect', payload, { retryRound }).jobId };
        },
      };
    });
  }

  /** Catalogs waiting too long: a timeline event and an optional webhook, once per stay in a status. */
  private async reportStuck(now: Date, report: ReconcileReport): Promise<void> {
    const em = this.orm.em.fork();
    for (const [status, limitMs] of stuckLimits(this.config)) {
      const since = new Date(now.getTime() - limitMs);
      const rows = await em.find(
        Catalog,
        { status, statusChangedAt: { $lt: since }, stuckReportedAt: null },
        { limit: this.config.workflow.reconciler.batchSize, fields: ['id', 'status', 'statusChangedAt'] },
      );
      for (const row of rows) {
        await em.fork().transactional(async (tx) => {
          // A native update: no version bump, so a user's concurrent write to the catalog is not refused.
          const updated = await tx.nativeUpdate(
            Catalog,
            { id: row.id, status, stuckReportedAt: null },
            { stuckReportedAt: now },
          );
          if (updated === 0) return;
          recordEvent(tx, row.id, 'catalog.stuck', RECONCILER_ACTOR, {
            status,
            since: row.statusChangedAt.toISOString(),
            limitMs,
          });
          report.stuck.push({ catalogId: row.id, status, since: row.statusChangedAt.toISOString() });
        });
      }
    }
    const url = this.config.workflow.stuck.webhookUrl;
    if (url && report.stuck.length > 0) {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'catalogs.stuck', at: now.toISOString(), catalogs: report.stuck }),
          signal: AbortSignal.timeout(5000),
        });
        if (!response.ok) this.logger.warn(`stuck-catalog webhook answered ${response.status}`);
      } catch (error) {
        this.logger.warn(`stuck-catalog webhook failed: ${String(error)}`);
      }
    }
  }
}

/** The job id covering a catalog step in a given round (round 0 = the id the normal flow uses). */
export function catalogJobId(job: JobName, catalogId: string, round: number): string {
  const base = jobIdFor(job, { catalogId } as JobPayloads[JobName]);
  return round > 0 ? `${base}-r${round}` : base;
}
