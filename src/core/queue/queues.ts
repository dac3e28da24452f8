import { getQueueToken } from '@nestjs/bullmq';
import type { Provider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { QUEUE_NAMES, QueueName } from '../../workflow/job-catalogue';

/** Every queue of the job catalogue by name, so code iterates over queues instead of injecting each. */
export const HUB_QUEUES = Symbol('HUB_QUEUES');
export type HubQueues = Record<QueueName, Queue>;

export const hubQueuesProvider: Provider = {
  provide: HUB_QUEUES,
  useFactory: (...queues: Queue[]): HubQueues =>
    Object.fromEntries(QUEUE_NAMES.map((name, index) => [name, queues[index]])) as HubQueues,
  inject: QUEUE_NAMES.map((name) => getQueueToken(name)),
};

/** Job states in which a job will still run (or is running): "a live job covers this step". */
export const LIVE_JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

export function isLiveJobState(state: string): boolean {
  return (LIVE_JOB_STATES as readonly string[]).includes(state);
}
