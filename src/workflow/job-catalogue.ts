/**
 * The one typed list of jobs (DESIGN.md §3): name → queue, payload (ids only) and retry policy.
 * Start-up fails when a job here has no registered handler.
 */
import type { CatalogStatus } from '../catalogs/catalog-state';

export const QUEUE_NAMES = ['documents', 'signing', 'archive', 'maintenance'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface RetryPolicy {
  attempts: number;
  /** First retry delay; doubles each attempt, with ±50 % jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface JobPayloads {
  /** Render the catalog PDF and open it for signing. */
  'catalog.render': { catalogId: string };
  /** Poll BankID for one signing session (a delayed job every 2 s while pending). */
  'signing.collect': { sessionId: string; poll: number };
  /** Build, validate and deposit the archive package. */
  'catalog.archive': { catalogId: string };
  /** Repeatable: re-enqueue steps the database says are due but no live job covers; report stuck catalogs. */
  'workflow.reconcile': Record<string, never>;
  /** Tell the SAS about an event through its ResultSink (signed webhook); ids only. */
  'result.notify': { notificationId: string };
}
export type JobName = keyof JobPayloads;

export interface JobSpec {
  queue: QueueName;
  retry: RetryPolicy;
  /**
   * Catalog steps only (payload `{ catalogId }`): the status the catalog must be in for this step to
   * be due. The reconciler re-enqueues the step for catalogs sitting in it, and an operator retry of a
   * FAILED catalog whose failedStep is this job moves it back here.
   */
  dueIn?: CatalogStatus;
}

export const JOB_CATALOGUE: { [N in JobName]: JobSpec } = {
  'catalog.render': {
    queue: 'documents',
    retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 60_000 },
    dueIn: 'RECEIVED',
  },
  'signing.collect': { queue: 'signing', retry: { attempts: 8, baseDelayMs: 1000, maxDelayMs: 30_000 } },
  'catalog.archive': {
    queue: 'archive',
    retry: { attempts: 10, baseDelayMs: 2000, maxDelayMs: 300_000 },
    dueIn: 'DELIVERING',
  },
  'workflow.reconcile': { queue: 'maintenance', retry: { attempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 } },
  'result.notify': { queue: 'archive', retry: { attempts: 12, baseDelayMs: 2000, maxDelayMs: 600_000 } },
};

export const JOB_NAMES = Object.keys(JOB_CATALOGUE) as JobName[];

/** Exponential backoff with jitter, so retries of many jobs don't arrive at a peer in lockstep. */
export function backoffDelay(policy: RetryPolicy, attemptsMade: number, random = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attemptsMade - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

/** Deterministic job ids (BullMQ refuses ':' in custom ids). */
export function jobIdFor<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'catalog.render':
      return `${(payload as JobPayloads['catalog.render']).catalogId}-render-1`;
    case 'catalog.archive':
      return `${(payload as JobPayloads['catalog.archive']).catalogId}-archive-1`;
    case 'signing.collect': {
      const p = payload as JobPayloads['signing.collect'];
      return `${p.sessionId}-collect-${p.poll}`;
    }
    case 'workflow.reconcile':
      return 'reconcile';
    case 'result.notify':
      return `${(payload as JobPayloads['result.notify']).notificationId}-notify-1`;
    default:
      throw new Error(`No job id rule for ${String(name)}`);
  }
}
