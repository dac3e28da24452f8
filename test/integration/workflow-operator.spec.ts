import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../src/cli/cli';
import { STUDENTS, TEACHER, validSubmission } from '../support/fixtures';
import { approve, driveToApproval, startWorkflowHub, WorkflowHub } from '../support/workflow-hub';
import { waitForStatus } from '../support/test-hub';

interface Detail {
  status: string;
  failure: { step: string; reason: string } | null;
  timeline: { type: string; actor: string; data: Record<string, unknown> | null }[];
}

/** The value of the sample of `name` whose labels include `labels` (label order does not matter). */
function metric(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...match[2].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('permanent failures and operator tools: admin API, CLI, metrics, readiness (PostgreSQL + Redis)', () => {
  let hub: WorkflowHub;

  const waitFor = async (id: string, statuses: string[], timeoutMs = 30_000): Promise<Detail> =>
    (await waitForStatus(hub.admin, id, statuses, timeoutMs)) as unknown as Detail;
  const cli = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, {
      config: hub.config,
      print: (l) => out.push(l),
      printError: (l) => err.push(l),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(async () => {
    hub = await startWorkflowHub('operator');
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('fails a catalog the archive refuses permanently, keeps the others flowing, and lets an operator retry it', async () => {
    const refused = await driveToApproval(hub, validSubmission(), waitFor);
    const other = await driveToApproval(hub, validSubmission(), waitFor);
    // A folder without a deposit receipt where the package must go: the folder archive refuses (never overwrites).
    const blocker = join(hub.archiveDir, `betygskatalog-${refused}-v1`);
    mkdirSync(blocker);
    await Promise.all([approve(hub, refused), approve(hub, other)]);

    const failed = await waitFor(refused, ['FAILED', 'COMPLETED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.failure).toEqual({
      step: 'catalog.archive',
      reason: expect.stringContaining('archive.conflict'),
    });
    expect((await waitFor(other, ['COMPLETED', 'FAILED'])).status).toBe('COMPLETED');

    // Admin API: the failed list with reasons; only admins may see it.
    const list = await hub.admin.call<{
      items: { id: string; failedStep: string; reason: string; retryable: boolean }[];
    }>('GET', '/admin/catalogs/failed');
    expect(list.body.items).toEqual([
      expect.objectContaining({
        id: refused,
        failedStep: 'catalog.archive',
        retryable: true,
        reason: expect.stringContaining('archive.conflict'),
      }),
    ]);
    await expect(hub.sas.call('GET', '/admin/catalogs/failed')).rejects.toMatchObject({ status: 403 });
    const timeline = await hub.admin.call<{
      status: string;
      timeline: { type: string; data: Record<string, unknown> | null }[];
    }>('GET', `/admin/catalogs/${refused}/timeline`);
    expect(timeline.body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'catalog.status',
          data: expect.objectContaining({ to: 'FAILED', step: 'catalog.archive', code: 'archive.conflict' }),
        }),
      ]),
    );

    // Bad input is a problem naming the field; retrying what has not failed is a conflict.
    await expect(hub.admin.call('POST', '/admin/catalogs/not-a-uuid/retry')).rejects.toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ pointer: '/catalogId' })] },
    });
    await expect(hub.admin.call('POST', `/admin/catalogs/${other}/retry`)).rejects.toMatchObject({
      status: 409,
    });

    // CLI: list, then retry after the fault is removed.
    const failedList = await cli('failed', 'list', '--json');
    expect(failedList.code).toBe(0);
    expect(JSON.parse(failedList.out)).toEqual([expect.objectContaining({ id: refused })]);
    rmSync(blocker, { recursive: true });
    const retried = await cli('retry', refused);
    expect(retried).toMatchObject({ code: 0 });
    expect(retried.out).toContain('1 retried');
    const done = await waitFor(refused, ['COMPLETED', 'FAILED']);
    expect(done.status).toBe('COMPLETED');
    expect(done.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'operator.retry', actor: expect.stringMatching(/^cli:/) }),
      ]),
    );
    expect(readdirSync(hub.archiveDir).filter((d) => d.includes(refused))).toHaveLength(1);

    const cliTimeline = await cli('timeline', refused);
    expect(cliTimeline.code).toBe(0);
    expect(cliTimeline.out).toContain('operator.retry');
    expect((await cli('retry', '--all-failed')).out).toContain('0 retried');
    expect((await cli('retry')).code).toBe(2);
    expect((await cli('no-such-command')).code).toBe(2);

    // Prometheus: failures by code, catalogs by status, queue depth, step durations.
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(
      metric(metrics, 'hub_step_failures_total', { job: 'catalog.archive', code: 'archive.conflict' }),
    ).toBe(1);
    expect(metric(metrics, 'hub_catalogs', { status: 'COMPLETED' })).toBe(2);
    expect(metric(metrics, 'hub_catalogs', { status: 'FAILED' })).toBe(0);
    expect(
      metric(metrics, 'hub_queue_jobs', { queue: 'archive', state: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      metric(metrics, 'hub_step_duration_seconds_count', { job: 'catalog.render', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(2);
    for (const person of [TEACHER, ...STUDENTS])
      expect(metrics).not.toContain(person.personalNumber.slice(2)); // no personal data
  });

  it('lists and checks connectors, and reports readiness per queue', async () => {
    const connectors = await hub.admin.call<{ items: { port: string; name: string }[] }>(
      'GET',
      '/admin/connectors',
    );
    expect(connectors.body.items).toEqual(
      expect.arrayContaining([
        { port: 'ArchiveTarget', name: 'wf-archive' },
        { port: 'SigningProvider', name: 'bankid-simulator' },
      ]),
    );
    const check = await hub.admin.call<{ ok: boolean }>('POST', '/admin/connectors/check');
    expect(check.body.ok).toBe(true);
    const ready = await fetch(`${hub.url}/health/ready`);
    const body = (await ready.json()) as { checks: { name: string; ok: boolean }[] };
    expect(ready.status).toBe(200);
    expect(body.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'database',
        'redis',
        'workers:documents',
        'workers:signing',
        'workers:archive',
        'workers:maintenance',
      ]),
    );
    expect((await fetch(`${hub.url}/health/live`)).status).toBe(200);
  });

  it('serves the BullMQ board under /admin/queues to admins only', async () => {
    expect((await fetch(`${hub.url}/admin/queues`)).status).toBe(401);
    expect(
      (await fetch(`${hub.url}/admin/queues`, { headers: { authorization: `Bearer ${hub.keys.sas}` } }))
        .status,
    ).toBe(403);
    const board = await fetch(`${hub.url}/admin/queues`, {
      headers: { authorization: `Bearer ${hub.keys.admin}` },
    });
    expect(board.status).toBe(200);
    expect(board.headers.get('content-type')).toContain('text/html');
    const basic = Buffer.from(`admin:${hub.keys.admin}`).toString('base64');
    const api = await fetch(`${hub.url}/admin/queues/api/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(api.status).toBe(200);
    const queues = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name);
    expect(queues).toEqual(expect.arrayContaining(['documents', 'signing', 'archive', 'maintenance']));
  });

  it('is not ready when a queue has no worker (an api process alone)', async () => {
    const apiOnly = await startWorkflowHub('api-only', { role: 'api' });
    try {
      const ready = await fetch(`${apiOnly.url}/health/ready`);
      const body = (await ready.json()) as { checks: { name: string; ok: boolean; detail?: string }[] };
      expect(ready.status).toBe(503);
      expect(body.checks.find((c) => c.name === 'workers:archive')).toMatchObject({
        ok: false,
        detail: 'no worker is consuming this queue',
      });
    } finally {
      await apiOnly.stop();
    }
  });
});
