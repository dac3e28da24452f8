import { createServer, Server } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { redisConnectionOptions } from '../../src/core/queue/redis';
import { PrivateRedis, startPrivateRedis } from '../../src/demo/private-redis';
import { validSubmission } from '../support/fixtures';
import { approve, driveToApproval, startWorkflowHub, WorkflowHub } from '../support/workflow-hub';
import { waitForStatus } from '../support/test-hub';

interface Detail {
  status: string;
  timeline: { type: string; data: Record<string, unknown> | null }[];
}

describe('reconciler: a flushed Redis delays work, never loses it (PostgreSQL + private Redis)', () => {
  let redis: PrivateRedis;
  let hub: WorkflowHub;
  let webhook: Server;
  const webhookBodies: { catalogs: { catalogId: string; status: string }[] }[] = [];

  const waitFor = async (id: string, statuses: string[], timeoutMs = 30_000): Promise<Detail> =>
    (await waitForStatus(hub.admin, id, statuses, timeoutMs)) as unknown as Detail;
  const queue = (name: string) =>
    new Queue(name, { connection: redisConnectionOptions(redis.url), prefix: hub.config.redis.prefix });

  beforeAll(async () => {
    redis = await startPrivateRedis(); // FLUSHALL must not touch anyone else's Redis
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        webhookBodies.push(JSON.parse(body) as (typeof webhookBodies)[number]);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', () => r()));
    const port = (webhook.address() as { port: number }).port;
    hub = await startWorkflowHub('reconcile', {
      redisUrl: redis.url,
      workflow: {
        reconciler: { intervalMs: 1000, graceMs: 500 },
        stuck: { awaitingApprovalMs: 1500, webhookUrl: `http://127.0.0.1:${port}/stuck` },
      },
    });
  });
  afterAll(async () => {
    await hub?.stop();
    await redis?.stop();
    webhook?.close();
  });

  it('re-enqueues render, collect and archive steps lost in a FLUSHALL, and the repeatable job survives it', async () => {
    const documents = queue('documents');
    const signing = queue('signing');
    const archive = queue('archive');
    try {
      // A: approved while the archive queue is paused → its deposit job sits in Redis.
      const a = await driveToApproval(hub, validSubmission(), waitFor);
      await archive.pause();
      await approve(hub, a);
      await waitFor(a, ['DELIVERING']);
      // B: waits for signing; its BankID collect poll sits in the paused signing queue.
      const b = (await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission())).body.id;
      await waitFor(b, ['AWAITING_SIGNATURE']);
      await signing.pause();
      const detailB = await hub.sas.call<{ signers: { personalNumber: string }[] }>(
        'GET',
        `/api/v1/catalogs/${b}`,
      );
      const session = await hub.sas.call<{ sessionId: string }>(
        'POST',
        `/api/v1/catalogs/${b}/signing-sessions`,
        {
          signerPersonalNumber: detailB.body.signers[0].personalNumber,
          endUserIp: '192.0.2.10',
        },
      );
      // C: just submitted; its render job sits in the paused documents queue.
      await documents.pause();
      const c = (await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission())).body.id;

      // Live (waiting) jobs cover every step: the reconciler leaves them alone.
      await new Promise((r) => setTimeout(r, 2500));
      expect((await waitFor(a, ['DELIVERING'])).timeline.map((e) => e.type)).not.toContain(
        'workflow.requeued',
      );

      // Redis loses everything: jobs, the paused flags, the reconcile schedule.
      const client = new Redis(redis.url);
      await client.flushall();
      client.disconnect();

      const doneA = await waitFor(a, ['COMPLETED', 'FAILED'], 45_000);
      expect(doneA.status).toBe('COMPLETED');
      expect(doneA.timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'workflow.requeued',
            data: expect.objectContaining({ step: 'catalog.archive', reason: 'missing' }),
          }),
        ]),
      );
      await waitFor(b, ['AWAITING_APPROVAL'], 45_000);
      const sessionView = await hub.sas.call<{ status: string }>(
        'GET',
        `/api/v1/signing-sessions/${session.body.sessionId}`,
      );
      expect(sessionView.body.status).toBe('COMPLETE');
      await waitFor(c, ['AWAITING_SIGNATURE'], 45_000);

      // Exactly one package for A.
      const packages = readdirSync(hub.archiveDir).filter((d) => !d.startsWith('.') && d.includes(a));
      expect(packages).toHaveLength(1);
      expect(existsSync(`${hub.archiveDir}/${packages[0]}/METS.xml`)).toBe(true);
    } finally {
      await Promise.all([documents.close(), signing.close(), archive.close()]);
    }
  });

  it('reports a catalog waiting too long: timeline event, admin list, metric and webhook — once', async () => {
    const id = await driveToApproval(hub, validSubmission(), waitFor);
    const deadline = Date.now() + 20_000;
    while (!webhookBodies.some((b) => b.catalogs.some((c) => c.catalogId === id)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const reported = webhookBodies.flatMap((b) => b.catalogs).filter((c) => c.catalogId === id);
    expect(reported).toEqual([expect.objectContaining({ catalogId: id, status: 'AWAITING_APPROVAL' })]);
    const detail = await waitFor(id, ['AWAITING_APPROVAL']);
    expect(detail.timeline.filter((e) => e.type === 'catalog.stuck')).toHaveLength(1);
    const stuck = await hub.admin.call<{ items: { id: string; status: string; reported: boolean }[] }>(
      'GET',
      '/admin/catalogs/stuck',
    );
    expect(stuck.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id, status: 'AWAITING_APPROVAL', reported: true })]),
    );
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_catalogs_stuck\{status="AWAITING_APPROVAL"[^}]*\} [1-9]/);
    // Another few runs do not report it again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(webhookBodies.flatMap((b) => b.catalogs).filter((c) => c.catalogId === id)).toHaveLength(1);
  });
});
