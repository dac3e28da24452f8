import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/core';
import { Logger } from '@nestjs/common';
import { Queue, Worker } from 'bullmq';
import { Catalog } from '../../src/catalogs/catalog.entities';
import { transition } from '../../src/catalogs/catalog-transitions';
import type { HubConfig } from '../../src/core/config/config.schema';
import { buildOrmOptions } from '../../src/core/database/orm-options';
import { HubMetrics } from '../../src/core/metrics/hub-metrics';
import type { HubQueues } from '../../src/core/queue/queues';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { QUEUE_NAMES } from '../../src/workflow/job-catalogue';
import { JobHandlerRegistry } from '../../src/workflow/job-handlers';
import { OutboxDispatcher } from '../../src/workflow/outbox.dispatcher';
import { Reconciler } from '../../src/workflow/reconciler';
import {
  createTestDatabase,
  TestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from '../support/test-database';

describe('reconciler rounds and paging (PostgreSQL + Redis, no hub)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let queues: HubQueues;
  let prefix: string;
  let reconciler: Reconciler;
  let dispatcher: OutboxDispatcher;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    orm = await MikroORM.init(buildOrmOptions(db.url));
    await orm.getMigrator().up();
    prefix = uniqueRedisPrefix('rounds');
    const connection = redisConnectionOptions(TEST_REDIS_URL);
    queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]),
    ) as HubQueues;
    const config = {
      database: { url: db.url },
      workflow: {
        outboxPollMs: 60_000,
        reconciler: { intervalMs: 0, graceMs: 0, batchSize: 2 }, // pages of 2: five catalogs need three pages
        stuck: { receivedMs: 1e9, awaitingSignatureMs: 1e9, awaitingApprovalMs: 1e9, deliveringMs: 1e9 },
      },
    } as unknown as HubConfig;
    const metrics = new HubMetrics({ defaultMetrics: false });
    dispatcher = new OutboxDispatcher(orm, config, queues, metrics);
    reconciler = new Reconciler(orm, config, queues, new JobHandlerRegistry(), dispatcher, metrics);
  });
  afterAll(async () => {
    for (const queue of Object.values(queues ?? {})) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await orm?.close();
    await db?.drop();
  });

  it('re-requests every lost step across pages, leaves live jobs alone, and opens a new round when the old job finished', async () => {
    const em = orm.em.fork();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const catalog = em.create(Catalog, {
        clientId: 't',
        idempotencyKey: `k${i}`,
        requestHash: '0'.repeat(64),
        externalId: `e${i}`,
        municipalityCode: '2281',
        schoolUnitCode: '21822811',
        courseCode: 'MATMAT01a',
        header: {} as Catalog['header'],
        entryCount: 0,
      });
      for (const to of ['AWAITING_SIGNATURE', 'AWAITING_APPROVAL', 'DELIVERING'] as const)
        transition(em, catalog, to, { actor: 't' });
      ids.push(catalog.id);
    }
    await em.flush();
    const later = () => new Date(Date.now() + 1000);

    // Nothing in Redis: every DELIVERING catalog's archive step is lost.
    const first = await reconciler.reconcile(later());
    expect(
      first.requeued
        .filter((r) => r.job === 'catalog.archive')
        .map((r) => r.jobId)
        .sort(),
    ).toEqual(ids.map((id) => `${id}-archive-1`).sort());
    expect(first.requeued.every((r) => r.reason === 'missing')).toBe(true);
    await dispatcher.drain();

    // Now live (waiting) jobs cover them: nothing to do.
    expect((await reconciler.reconcile(later())).requeued).toEqual([]);

    // The jobs run but the catalogs stay DELIVERING (e.g. the step's result was lost): a new round, a new id.
    const worker = new Worker('archive', async () => undefined, {
      connection: redisConnectionOptions(TEST_REDIS_URL),
      prefix,
    });
    const deadline = Date.now() + 10_000;
    while ((await queues.archive.getJobCountByTypes('completed')) < 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    await worker.close();
    const third = await reconciler.reconcile(later());
    expect(third.requeued.map((r) => r.jobId).sort()).toEqual(ids.map((id) => `${id}-archive-1-r1`).sort());
    expect(third.requeued.every((r) => r.reason === 'completed')).toBe(true);
    const rounds = await orm.em.fork().find(Catalog, { id: { $in: ids } });
    expect(rounds.map((c) => c.workflowRound)).toEqual([1, 1, 1, 1, 1]);
    await dispatcher.drain();
    expect(await queues.archive.getJobState(`${ids[0]}-archive-1-r1`)).toBe('waiting');
  });
});
