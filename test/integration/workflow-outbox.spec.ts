import 'reflect-metadata';
import { MikroORM, OptimisticLockError } from '@mikro-orm/core';
import { Queue } from 'bullmq';
import { CatalogEvent } from '../../src/audit/catalog-event.entity';
import { IllegalTransitionError } from '../../src/catalogs/catalog-state';
import { Catalog } from '../../src/catalogs/catalog.entities';
import { transition } from '../../src/catalogs/catalog-transitions';
import type { HubConfig } from '../../src/core/config/config.schema';
import { buildOrmOptions } from '../../src/core/database/orm-options';
import { HubMetrics } from '../../src/core/metrics/hub-metrics';
import type { HubQueues } from '../../src/core/queue/queues';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { QUEUE_NAMES } from '../../src/workflow/job-catalogue';
import { requestStep } from '../../src/workflow/outbox';
import { OutboxMessage } from '../../src/workflow/outbox.entity';
import { OutboxDispatcher } from '../../src/workflow/outbox.dispatcher';
import {
  createTestDatabase,
  TestDatabase,
  TEST_REDIS_URL,
  uniqueRedisPrefix,
} from '../support/test-database';

const ACTOR = { actor: 'test' };

describe('state machine on the catalog row and the transactional outbox (PostgreSQL + Redis)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let queues: HubQueues;
  let config: HubConfig;

  const newDispatcher = () =>
    new OutboxDispatcher(orm, config, queues, new HubMetrics({ defaultMetrics: false }));

  async function newCatalog(): Promise<string> {
    const em = orm.em.fork();
    const catalog = em.create(Catalog, {
      clientId: 'test',
      idempotencyKey: `k-${Math.random()}`,
      requestHash: '0'.repeat(64),
      externalId: `ext-${Math.random()}`,
      municipalityCode: '2281',
      schoolUnitCode: '21822811',
      courseCode: 'MATMAT01a',
      header: {} as Catalog['header'],
      entryCount: 0,
    });
    await em.flush();
    return catalog.id;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await MikroORM.init(buildOrmOptions(db.url));
    await orm.getMigrator().up();
    const prefix = uniqueRedisPrefix('outbox');
    const connection = redisConnectionOptions(TEST_REDIS_URL);
    queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix })]),
    ) as HubQueues;
    config = { database: { url: db.url }, workflow: { outboxPollMs: 60_000 } } as unknown as HubConfig;
  });
  afterAll(async () => {
    for (const queue of Object.values(queues ?? {})) {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
    }
    await orm?.close();
    await db?.drop();
  });

  it('refuses an illegal transition with a typed error and writes nothing', async () => {
    const id = await newCatalog();
    await expect(
      orm.em.fork().transactional(async (tx) => {
        const catalog = await tx.findOneOrFail(Catalog, id);
        transition(tx, catalog, 'COMPLETED', ACTOR);
      }),
    ).rejects.toBeInstanceOf(IllegalTransitionError);
    const after = await orm.em.fork().findOneOrFail(Catalog, id);
    expect(after.status).toBe('RECEIVED');
    expect(await orm.em.fork().count(CatalogEvent, { catalogId: id })).toBe(0);
  });

  it('lets only one of two concurrent writers of a catalog win (optimistic lock on rowVersion)', async () => {
    const id = await newCatalog();
    const first = orm.em.fork();
    const second = orm.em.fork();
    const a = await first.findOneOrFail(Catalog, id);
    const b = await second.findOneOrFail(Catalog, id);
    transition(first, a, 'AWAITING_SIGNATURE', ACTOR);
    await first.flush();
    transition(second, b, 'WITHDRAWN', ACTOR);
    await expect(second.flush()).rejects.toBeInstanceOf(OptimisticLockError);
    expect((await orm.em.fork().findOneOrFail(Catalog, id)).status).toBe('AWAITING_SIGNATURE');
  });

  it('commits a state change and its next-step request together, or neither', async () => {
    const id = await newCatalog();
    await expect(
      orm.em.fork().transactional(async (tx) => {
        const catalog = await tx.findOneOrFail(Catalog, id);
        transition(tx, catalog, 'AWAITING_SIGNATURE', ACTOR);
        requestStep(tx, 'catalog.render', { catalogId: id });
        await tx.flush();
        throw new Error('crash inside the transaction');
      }),
    ).rejects.toThrow('crash inside the transaction');
    expect((await orm.em.fork().findOneOrFail(Catalog, id)).status).toBe('RECEIVED');
    expect(await orm.em.fork().count(OutboxMessage, { jobId: `${id}-render-1` })).toBe(0);
  });

  it('loses nothing when the process dies between the commit and the enqueue: the next dispatcher sends it', async () => {
    const id = await newCatalog();
    await orm.em.fork().transactional(async (tx) => {
      requestStep(tx, 'catalog.render', { catalogId: id });
    });
    // No dispatcher ran ("crashed" right after the commit). A dispatcher of any process picks it up.
    expect(await queues.documents.getJob(`${id}-render-1`)).toBeUndefined();
    const sent = await newDispatcher().drain();
    expect(sent).toBeGreaterThanOrEqual(1);
    const job = await queues.documents.getJob(`${id}-render-1`);
    expect(job?.name).toBe('catalog.render');
    expect(job?.data).toEqual({ catalogId: id }); // ids only, no personal data in Redis
    expect(await orm.em.fork().count(OutboxMessage, {})).toBe(0);
  });

  it('makes a re-dispatch harmless: the same deterministic job id is enqueued once', async () => {
    const id = await newCatalog();
    await orm.em.fork().transactional(async (tx) => {
      requestStep(tx, 'catalog.archive', { catalogId: id });
      requestStep(tx, 'catalog.archive', { catalogId: id });
    });
    await newDispatcher().drain();
    await orm.em.fork().transactional(async (tx) => {
      requestStep(tx, 'catalog.archive', { catalogId: id });
    });
    await newDispatcher().drain();
    const jobs = await queues.archive.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.filter((j) => j.data.catalogId === id).map((j) => j.id)).toEqual([`${id}-archive-1`]);
  });

  it('lets several dispatchers drain one outbox concurrently without double sends (FOR UPDATE SKIP LOCKED)', async () => {
    const ids = await Promise.all(Array.from({ length: 60 }, () => newCatalog()));
    await orm.em.fork().transactional(async (tx) => {
      for (const id of ids)
        for (let poll = 1; poll <= 5; poll++) requestStep(tx, 'signing.collect', { sessionId: id, poll });
    });
    const before = await queues.signing.getJobCountByTypes('waiting', 'delayed', 'prioritized');
    const [a, b, c] = await Promise.all([
      newDispatcher().drain(),
      newDispatcher().drain(),
      newDispatcher().drain(),
    ]);
    expect(a + b + c).toBe(300);
    expect(await queues.signing.getJobCountByTypes('waiting', 'delayed', 'prioritized')).toBe(before + 300);
    expect(await orm.em.fork().count(OutboxMessage, {})).toBe(0);
  });
});
