import { DynamicModule, Global, Module } from '@nestjs/common';
import type { HubRole } from '../core/config/config.schema';
import { JobHandlerRegistry } from './job-handlers';
import { OutboxDispatcher } from './outbox.dispatcher';
import { ArchiveProcessor, DocumentsProcessor, SigningProcessor } from './processors';

/** Job catalogue plumbing: handlers registry and outbox dispatcher everywhere, processors only in workers. */
@Global()
@Module({})
export class WorkflowModule {
  static forRoot(role: HubRole): DynamicModule {
    const runsWorker = role === 'worker' || role === 'all';
    return {
      module: WorkflowModule,
      providers: [
        JobHandlerRegistry,
        OutboxDispatcher,
        ...(runsWorker ? [DocumentsProcessor, SigningProcessor, ArchiveProcessor] : []),
      ],
      exports: [JobHandlerRegistry, OutboxDispatcher],
    };
  }
}
