import type { EntityManager } from '@mikro-orm/core';
import { JobName, JobPayloads, jobIdFor } from './job-catalogue';
import { OutboxMessage } from './outbox.entity';

/**
 * Asks for a workflow step inside the caller's transaction: the step is due exactly when the
 * state change that made it due commits.
 */
export function requestStep<N extends JobName>(
  em: EntityManager,
  name: N,
  payload: JobPayloads[N],
  options: {
    delayMs?: number;
    retryRound?: number;
    /** exact job id (the reconciler re-sending a lost job) */ jobId?: string;
  } = {},
): OutboxMessage {
  const baseId = jobIdFor(name, payload);
  const message = em.create(OutboxMessage, {
    jobName: name,
    jobId: options.jobId ?? (options.retryRound ? `${baseId}-r${options.retryRound}` : baseId),
    payload: payload as unknown as Record<string, string | number>,
    availableAt: new Date(Date.now() + (options.delayMs ?? 0)),
  });
  em.persist(message);
  return message;
}
