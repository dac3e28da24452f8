import { DynamicModule, Global, Module } from '@nestjs/common';
import type { HubRole } from '../core/config/config.schema';
import { HUB_QUEUES, hubQueuesProvider } from '../core/queue/queues';
import { JobHandlerRegistry } from './job-handlers';
import { OutboxDispatcher } from './outbox.dispatcher';
import { PROCESSORS } from './processors';
import { ReconcileScheduler } from './reconcile-scheduler';
import { Reconciler } from './reconciler';
import { WorkflowMetrics } from './workflow-metrics';

/**
 * Job catalogue plumbing: handler registry, outbox dispatcher and reconciler everywhere (the api
 * role can reconcile on an operator's request); processors and the reconcile schedule only in workers.
 */
@Global()
@Module({})
export class WorkflowModule {
  static forRoot(role: HubRole): DynamicModule {
    const runsWorker = role === 'worker' || role === 'all';
    return {
      module: WorkflowModule,
      providers: [
        hubQueuesProvider,
        JobHandlerRegistry,
        OutboxDispatcher,
        Reconciler,
        WorkflowMetrics,
        ...(runsWorker ? [...PROCESSORS, ReconcileScheduler] : []),
      ],
      exports: [HUB_QUEUES, JobHandlerRegistry, OutboxDispatcher, Reconciler],
    };
  }
}
