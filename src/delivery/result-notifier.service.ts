import { EntityManager, MikroORM } from '@mikro-orm/core';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { Delivery } from '../archive/delivery.entities';
import { recordEvent, WORKER_ACTOR } from '../audit/events';
import { Catalog } from '../catalogs/catalog.entities';
import type { ResultEvent, ResultSink, ResultSinkBinding } from '../core/connectors/ports';
import { RESULT_SINKS } from '../core/tokens';
import { JobHandlerRegistry } from '../workflow/job-handlers';
import { requestStep } from '../workflow/outbox';
import { jobIdFor } from '../workflow/job-catalogue';
import { Reconciler } from '../workflow/reconciler';
import { ResultNotification } from './result-notification.entity';

/**
 * Tells the SAS what happened through the ResultSink of the catalog's municipality. `enqueue`
 * runs inside the caller's transaction (the notification is due exactly when the change
 * commits); the `result.notify` job delivers it with retries and stores the receipt as a
 * WRITEBACK delivery. Without a configured sink the event stays in the timeline only.
 */
@Injectable()
export class ResultNotifier implements OnModuleInit {
  private readonly logger = new Logger(ResultNotifier.name);

  constructor(
    private readonly orm: MikroORM,
    @Inject(RESULT_SINKS) private readonly sinks: ResultSinkBinding[],
    private readonly jobs: JobHandlerRegistry,
    private readonly reconciler: Reconciler,
  ) {}

  onModuleInit(): void {
    this.jobs.register('result.notify', {
      handle: ({ notificationId }) => this.deliver(notificationId),
      onGiveUp: ({ notificationId }, error) => this.giveUp(notificationId, error),
    });
    // A notification the database says is undelivered but no live job covers (Redis flushed) is sent again.
    this.reconciler.registerSource(async (em, cutoff, limit) => {
      const pending = await em.find(
        ResultNotification,
        { deliveredAt: null, failedAt: null, createdAt: { $lt: cutoff } },
        { orderBy: { createdAt: 'asc' }, limit, fields: ['id', 'catalog'] },
      );
      return pending.map((notification) => {
        const payload = { notificationId: notification.id };
        return {
          job: 'result.notify' as const,
          payload,
          catalogId: notification.catalog?.id,
          jobId: jobIdFor('result.notify', payload),
          requeueFinished: async (tx: EntityManager) => {
            const current = await tx.findOne(ResultNotification, notification.id);
            if (!current || current.deliveredAt || current.failedAt) return null;
            return {
              jobId: requestStep(tx, 'result.notify', payload, { retryRound: Math.floor(Date.now() / 1000) })
                .jobId,
            };
          },
        };
      });
    });
  }

  sinkFor(municipalityCode: string): ResultSink | undefined {
    return (
      this.sinks.find((b) => b.municipalityCode === municipalityCode) ??
      this.sinks.find((b) => b.municipalityCode === '*')
    )?.sink;
  }

  /**
   * Queues an event for the SAS in the caller's transaction. `discriminator` makes the
   * idempotency key unique when the same type can happen more than once (reminder 1, 2, …).
   * Never pass personal numbers in `extra`.
   */
  enqueue(
    tx: EntityManager,
    catalog: Catalog,
    type: string,
    extra: { reason?: string; discriminator?: string | number; status?: string; [key: string]: unknown } = {},
  ): ResultNotification | null {
    const sink = this.sinkFor(catalog.municipalityCode);
    if (!sink) return null;
    const { discriminator, status, ...rest } = extra;
    const idempotencyKey = `${catalog.id}-v1-${type}${discriminator !== undefined ? `-${discriminator}` : ''}`;
    const event: ResultEvent = {
      type,
      catalogId: catalog.id,
      externalId: catalog.externalId,
      status: status ?? catalog.status,
      occurredAt: new Date().toISOString(),
      ...rest,
    };
    const notification = tx.create(ResultNotification, {
      catalog,
      type,
      event,
      idempotencyKey,
      target: sink.name,
    });
    requestStep(tx, 'result.notify', { notificationId: notification.id });
    return notification;
  }

  async deliver(notificationId: string): Promise<void> {
    const em = this.orm.em.fork();
    const notification = await em.findOne(ResultNotification, notificationId, { populate: ['catalog'] });
    if (!notification || notification.deliveredAt) return;
    const sink = this.sinkFor(notification.catalog.municipalityCode);
    if (!sink)
      throw new Error(
        `no result sink configured any more for municipality ${notification.catalog.municipalityCode}`,
      );
    // A retried step first asks "did this already happen?": a stored receipt means yes.
    const recorded = await em.findOne(Delivery, { deliveryKey: notification.idempotencyKey });
    const receipt = recorded
      ? null
      : await sink.notify(notification.event as ResultEvent, notification.idempotencyKey);
    await em.fork().transactional(async (tx) => {
      const current = await tx.findOneOrFail(ResultNotification, notificationId);
      if (current.deliveredAt) return;
      current.deliveredAt = new Date();
      current.target = sink.name;
      current.attempts += 1;
      if (receipt && !(await tx.findOne(Delivery, { deliveryKey: current.idempotencyKey }))) {
        tx.create(Delivery, {
          catalog: tx.getReference(Catalog, notification.catalog.id),
          kind: 'WRITEBACK',
          target: sink.name,
          deliveryKey: current.idempotencyKey,
          receipt: { ...receipt, type: current.type },
        });
      }
      recordEvent(tx, notification.catalog.id, 'result.delivered', WORKER_ACTOR, {
        type: current.type,
        target: sink.name,
        key: current.idempotencyKey,
      });
    });
  }

  /** The SAS could not be told: recorded for operators; the catalog itself is not failed by it. */
  private async giveUp(notificationId: string, error: Error): Promise<void> {
    this.logger.warn(`result notification ${notificationId} gave up: ${error.message}`);
    await this.orm.em.fork().transactional(async (tx) => {
      const current = await tx.findOne(ResultNotification, notificationId, { populate: ['catalog'] });
      if (!current || current.deliveredAt) return;
      current.failedAt = new Date();
      current.lastError = error.message.slice(0, 500);
      recordEvent(tx, current.catalog.id, 'result.failed', WORKER_ACTOR, {
        type: current.type,
        reason: error.message.slice(0, 200),
      });
    });
  }
}
