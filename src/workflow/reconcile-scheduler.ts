import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import type { HubConfig } from '../core/config/config.schema';
import { HUB_QUEUES, HubQueues } from '../core/queue/queues';
import { HUB_CONFIG } from '../core/tokens';

export const RECONCILE_SCHEDULER_ID = 'workflow-reconcile';

/**
 * Keeps the repeatable `workflow.reconcile` job scheduled (worker role). BullMQ runs each
 * occurrence on one worker only, however many processes there are. The scheduler lives in Redis,
 * so a flushed or replaced Redis loses it too: every worker checks it is still there and puts it
 * back — the one piece of state the reconciler cannot restore from the database itself.
 */
@Injectable()
export class ReconcileScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReconcileScheduler.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    @Inject(HUB_QUEUES) private readonly queues: HubQueues,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.workflow.reconciler.intervalMs;
    if (every === 0) {
      this.logger.warn('workflow.reconciler.intervalMs is 0: lost steps will not be recovered automatically');
      return;
    }
    void this.ensureScheduled();
    this.timer = setInterval(() => void this.ensureScheduled(), Math.max(1000, Math.min(every, 60_000)));
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async ensureScheduled(): Promise<void> {
    const queue = this.queues.maintenance;
    try {
      const existing = await queue.getJobScheduler(RECONCILE_SCHEDULER_ID);
      if (existing && Number(existing.every) === this.config.workflow.reconciler.intervalMs) return;
      await queue.upsertJobScheduler(
        RECONCILE_SCHEDULER_ID,
        { every: this.config.workflow.reconciler.intervalMs },
        {
          name: 'workflow.reconcile',
          data: {},
          opts: { attempts: 1, removeOnComplete: 50, removeOnFail: 200 },
        },
      );
      if (existing === undefined || existing === null) this.logger.log('reconcile job scheduled');
    } catch (error) {
      this.logger.warn(`could not check the reconcile schedule: ${String(error)}`);
    }
  }
}
