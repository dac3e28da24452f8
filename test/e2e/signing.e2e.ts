import { MikroORM } from '@mikro-orm/core';
import { createHash } from 'node:crypto';
import { BankIdClient } from '../../connectors/bankid/bankid.client';
import { startWebhookReceiver, WebhookReceiver } from '../../connectors/webhook-sink';
import { recordEvent } from '../../src/audit/events';
import { ApiError, HubApi, sleep } from '../../src/demo/sas-driver';
import { bulkManifest } from '../../src/signing/signing.service';
import { SimulatorControl } from '../support/bankid-control';
import { SECOND_TEACHER, TEACHER, validSubmission } from '../support/fixtures';
import { startTestHub, TestHub, waitForStatus } from '../support/test-hub';

/**
 * Signing, decline/withdraw, approval rules, the hash-chained audit log and SAS writeback,
 * against the BankID simulator over real mTLS (orders complete only when the test says so).
 */

const SECRET = 'test-webhook-secret-0123456789';
const PERSONAL_NUMBER = /(19|20)\d{10}/;

interface View {
  sessionId: string;
  catalogIds: string[];
  status: string;
  hintCode: string | null;
  message: { code: string; text: string };
  qrData: string | null;
  autoStartToken: string | null;
}

interface CatalogBody {
  id: string;
  status: string;
  documentSha256: string;
  signers: { personalNumber: string; signed: boolean }[];
  deliveries: { kind: string; key: string }[];
  signing: { overdue: boolean; deadline: string | null };
  timeline: {
    seq: number;
    type: string;
    prevHash: string;
    hash: string;
    data: Record<string, unknown> | null;
  }[];
}

describe('signing and approval (PostgreSQL + Redis + BankID simulator over mTLS)', () => {
  let hub: TestHub;
  let sim: SimulatorControl;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    process.env.TEST_WEBHOOK_SECRET = SECRET;
    receiver = await startWebhookReceiver(SECRET);
    hub = await startTestHub('signing', {
      simulatorCollectsBeforeComplete: Infinity,
      configOverrides: {
        resultSinks: [
          {
            name: 'sas-webhook',
            municipalityCode: '*',
            url: receiver.url,
            secretEnv: 'TEST_WEBHOOK_SECRET',
            timeoutMs: 5000,
          },
        ],
      },
    });
    sim = new SimulatorControl(hub.simulator);
  });
  afterAll(async () => {
    sim?.close();
    await hub?.stop();
    await receiver?.close();
  });

  async function newCatalog(overrides: Record<string, unknown> = {}): Promise<CatalogBody> {
    const { body } = await hub.sas.call<{ id: string }>(
      'POST',
      '/api/v1/catalogs',
      validSubmission(overrides),
    );
    return (await waitForStatus(hub.sas, body.id, ['AWAITING_SIGNATURE'])) as unknown as CatalogBody;
  }
  const catalog = async (id: string) =>
    (await hub.sas.call<CatalogBody>('GET', `/api/v1/catalogs/${id}`)).body;
  const start = (id: string, body: Record<string, unknown> = {}) =>
    hub.sas.call<View>('POST', `/api/v1/catalogs/${id}/signing-sessions`, {
      signerPersonalNumber: TEACHER.personalNumber,
      endUserIp: '192.0.2.10',
      ...body,
    });
  const session = async (id: string) =>
    (await hub.sas.call<View>('GET', `/api/v1/signing-sessions/${id}`)).body;
  const orderRef = async (sessionId: string) =>
    (
      await hub.db.query<{ order_ref: string }>('select order_ref from signing_sessions where id = $1', [
        sessionId,
      ])
    )[0].order_ref;
  async function until(sessionId: string, done: (v: View) => boolean, timeoutMs = 15_000): Promise<View> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await session(sessionId);
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`session stayed ${view.status}/${view.hintCode}`);
      await sleep(100);
    }
  }
  const failedWith = (problem: Promise<unknown>) =>
    problem.then(
      () => {
        throw new Error('expected an error');
      },
      (e: ApiError) => e,
    );

  it('start → QR, RFA messages along outstandingTransaction → userSign → complete; what BankID receives is exact', async () => {
    const c = await newCatalog();
    const started = (await start(c.id, { endUserIp: '::ffff:192.0.2.10' })).body;
    expect(started.status).toBe('PENDING');
    expect(started.qrData).toMatch(/^bankid\.[0-9a-f-]{36}\.\d+\.[0-9a-f]{64}$/);
    expect(started.message).toEqual({ code: 'RFA1', text: 'Starta BankID-appen.' });
    const ref = await orderRef(started.sessionId);
    const order = await sim.order(ref);
    expect(order.endUserIp).toBe('192.0.2.10'); // IPv4-mapped IPv6 normalised
    expect(order.requiredPersonalNumber).toBe(TEACHER.personalNumber);
    expect(Buffer.from(order.userNonVisibleData!, 'base64').toString('hex')).toBe(c.documentSha256);
    const visible = Buffer.from(order.userVisibleData!, 'base64').toString('utf8');
    expect(visible).toContain('Matematik 1a');
    expect(visible).toContain('*Antal elever:* 3');
    expect(visible).toContain('A: 1, C: 1, F: 1');
    expect(visible).toContain(c.documentSha256.slice(0, 16));

    await until(started.sessionId, (v) => v.hintCode === 'outstandingTransaction');
    await sim.act(ref, 'scan');
    const scanning = await until(started.sessionId, (v) => v.hintCode === 'userSign');
    expect(scanning.message.code).toBe('RFA9');
    await sim.act(ref, 'sign');
    const done = await until(started.sessionId, (v) => v.status !== 'PENDING');
    expect(done).toMatchObject({ status: 'COMPLETE', qrData: null, message: { code: 'COMPLETE' } });
    await waitForStatus(hub.sas, c.id, ['AWAITING_APPROVAL']);
    const [signature] = await hub.db.query<{
      verification: { valid: boolean; checks: { name: string; ok: boolean }[] };
    }>('select verification from signatures where catalog_id = $1', [c.id]);
    expect(signature.verification.valid).toBe(true);
    expect(signature.verification.checks.map((x) => x.name)).toEqual(
      expect.arrayContaining([
        'xmldsig',
        'certificateChain',
        'funcId',
        'usrVisibleData',
        'usrNonVisibleData',
        'signer.personalNumber',
        'ocspResponse',
        'completion.user',
      ]),
    );
  });

  it.each([
    ['cancel', 'userCancel', 'RFA6'],
    ['expire', 'expiredTransaction', 'RFA8'],
    ['fail', 'startFailed', 'RFA17B'],
  ])(
    'failed order (%s → %s) ends the session with %s; the catalog stays open for a new session',
    async (action, hint, rfa) => {
      const c = await newCatalog();
      const started = (await start(c.id)).body;
      await sim.act(await orderRef(started.sessionId), action);
      const failed = await until(started.sessionId, (v) => v.status !== 'PENDING');
      expect(failed).toMatchObject({
        status: 'FAILED',
        hintCode: hint,
        message: { code: rfa },
        qrData: null,
      });
      expect((await catalog(c.id)).status).toBe('AWAITING_SIGNATURE');
      // The person is free again.
      const again = (await start(c.id)).body;
      await hub.sas.call('DELETE', `/api/v1/signing-sessions/${again.sessionId}`);
      const cancelled = await session(again.sessionId);
      expect(cancelled).toMatchObject({ status: 'FAILED', hintCode: 'cancelled', message: { code: 'RFA3' } });
      expect((await sim.order(await orderRef(again.sessionId))).hintCode).toBe('cancelled');
    },
  );

  it('every pending hint maps to its RFA message (unknown pending stays pending), every failed hint ends the session', async () => {
    const c = await newCatalog();
    const started = (await start(c.id)).body;
    const ref = await orderRef(started.sessionId);
    for (const [hint, rfa] of [
      ['noClient', 'RFA1'],
      ['started', 'RFA15A'],
      ['userMrtd', 'RFA23'],
      ['userCallConfirm', 'RFA21'],
      ['someFutureHint', 'RFA21'],
      ['userSign', 'RFA9'],
    ]) {
      await sim.act(ref, 'hint', { hintCode: hint });
      const view = await until(started.sessionId, (v) => v.hintCode === hint);
      expect([view.status, view.message.code]).toEqual(['PENDING', rfa]);
    }
    await hub.sas.call('DELETE', `/api/v1/signing-sessions/${started.sessionId}`);
    for (const [hint, rfa] of [
      ['certificateErr', 'RFA16'],
      ['userDeclinedCall', 'RFA6'],
      ['notSupportedByUserApp', 'RFA22'],
      ['transactionRiskBlocked', 'RFA22'],
      ['someFutureFailure', 'RFA22'],
    ]) {
      const s = (await start(c.id)).body;
      await sim.act(await orderRef(s.sessionId), 'fail', { hintCode: hint });
      const view = await until(s.sessionId, (v) => v.status !== 'PENDING');
      expect([view.status, view.hintCode, view.message.code]).toEqual(['FAILED', hint, rfa]);
    }
    expect((await catalog(c.id)).status).toBe('AWAITING_SIGNATURE');
  });

  it('same device: returnUrl reaches BankID, autoStartToken is returned and the texts are the same-device ones', async () => {
    const c = await newCatalog();
    const started = (
      await start(c.id, { sameDevice: true, returnUrl: 'https://sas.example.se/betyg/retur?x=1' })
    ).body;
    expect(started.autoStartToken).toMatch(/^[0-9a-f-]{36}$/);
    expect(started.message.code).toBe('RFA13');
    expect((await sim.order(await orderRef(started.sessionId))).returnUrl).toBe(
      'https://sas.example.se/betyg/retur?x=1',
    );
    await expect(failedWith(start(c.id, { returnUrl: 'javascript:alert(1)' }))).resolves.toMatchObject({
      status: 422,
    });
    await hub.sas.call('DELETE', `/api/v1/signing-sessions/${started.sessionId}`);
  });

  it('one pending BankID order per person: concurrent starts are serialised, the loser gets a clear 409', async () => {
    const [a, b] = await Promise.all([newCatalog(), newCatalog()]);
    const results = await Promise.allSettled([start(a.id), start(b.id)]);
    const ok = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ body: View }>[];
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0].reason).toMatchObject({
      status: 409,
      body: { detail: expect.stringContaining('already in progress') },
    });
    expect(JSON.stringify(refused[0].reason.body)).not.toMatch(PERSONAL_NUMBER);
    // The winner's order was not disturbed (BankID would cancel both on a second order).
    const winner = ok[0].value.body;
    expect((await sim.order(await orderRef(winner.sessionId))).status).toBe('pending');
    await hub.sas.call('DELETE', `/api/v1/signing-sessions/${winner.sessionId}`);
  });

  it('alreadyInProgress from BankID (an order outside the hub) → 409, and the person is released', async () => {
    const c = await newCatalog();
    const outside = new BankIdClient({
      baseUrl: hub.simulator.url,
      pfx: hub.simulator.client.pfx,
      passphrase: hub.simulator.client.passphrase,
      caPem: hub.simulator.ca.certPem,
    });
    await outside.sign({
      endUserIp: '192.0.2.99',
      userVisibleData: Buffer.from('annan tjänst').toString('base64'),
      requirement: { personalNumber: TEACHER.personalNumber },
    });
    outside.close();
    const error = await failedWith(start(c.id));
    expect(error).toMatchObject({
      status: 409,
      body: { detail: expect.stringContaining('BankID already has an order in progress') },
    });
    const retried = (await start(c.id)).body; // both orders were cancelled by BankID: a new try works
    expect(retried.status).toBe('PENDING');
    await hub.sas.call('DELETE', `/api/v1/signing-sessions/${retried.sessionId}`);
  });

  it('503 maintenance and 429 on collect are retried with backoff; 503 on sign is a 503 to the SAS and releases the person', async () => {
    const c = await newCatalog();
    await sim.fault('sign', 503, 'maintenance');
    await expect(failedWith(start(c.id))).resolves.toMatchObject({
      status: 503,
      body: { detail: expect.stringContaining('bankid.maintenance') },
    });
    const started = (await start(c.id)).body;
    const ref = await orderRef(started.sessionId);
    await sim.fault('collect', 503, 'maintenance');
    await sim.fault('collect', 429, 'tooManyRequests');
    await sleep(1500);
    await sim.act(ref, 'sign');
    expect((await until(started.sessionId, (v) => v.status !== 'PENDING', 20_000)).status).toBe('COMPLETE');
    await waitForStatus(hub.sas, c.id, ['AWAITING_APPROVAL']);
  });

  it('wrong signer: BankID refuses another person; evidence from a peer that ignores the requirement is rejected', async () => {
    const c = await newCatalog();
    const started = (await start(c.id)).body;
    const ref = await orderRef(started.sessionId);
    const refused = await sim.act(ref, 'sign', { personalNumber: SECOND_TEACHER.personalNumber });
    expect(refused.status).toBe(409);
    expect((await session(started.sessionId)).status).toBe('PENDING');
    expect((await catalog(c.id)).status).toBe('AWAITING_SIGNATURE');

    // A misbehaving peer completes as someone else anyway: the hub's verification must say no.
    expect(
      (await sim.act(ref, 'sign', { personalNumber: SECOND_TEACHER.personalNumber, ignoreRequirement: true }))
        .status,
    ).toBe(200);
    const failed = await until(started.sessionId, (v) => v.status !== 'PENDING');
    expect(failed.hintCode).toBe('verificationFailed');
    const after = await catalog(c.id);
    expect(after.status).toBe('AWAITING_SIGNATURE');
    expect(after.signers.every((s) => !s.signed)).toBe(true);
    expect(await hub.db.query('select id from signatures where catalog_id = $1', [c.id])).toHaveLength(0);
    const rejected = await hub.db.query<{ verification: { checks: { name: string; ok: boolean }[] } }>(
      'select r.verification from rejected_evidence r where r.session_id = $1',
      [started.sessionId],
    );
    expect(rejected[0].verification.checks.filter((x) => !x.ok).map((x) => x.name)).toEqual(
      expect.arrayContaining(['signer.personalNumber', 'completion.user']),
    );
    const event = after.timeline.find((e) => e.type === 'signing.evidenceRejected');
    expect(event?.data).toMatchObject({ failedChecks: expect.arrayContaining(['signer.personalNumber']) });
  });

  it('two teachers must both sign the same document hash (any order by default)', async () => {
    const c = await newCatalog({
      gradingTeachers: [
        { ...TEACHER, legitimated: true },
        { ...SECOND_TEACHER, legitimated: false },
      ],
    });
    const second = (await start(c.id, { signerPersonalNumber: SECOND_TEACHER.personalNumber })).body;
    await sim.act(await orderRef(second.sessionId), 'sign');
    await until(second.sessionId, (v) => v.status === 'COMPLETE');
    expect((await catalog(c.id)).status).toBe('AWAITING_SIGNATURE');
    await expect(
      failedWith(start(c.id, { signerPersonalNumber: SECOND_TEACHER.personalNumber })),
    ).resolves.toMatchObject({ status: 409 });
    const first = (await start(c.id)).body;
    await sim.act(await orderRef(first.sessionId), 'sign');
    await until(first.sessionId, (v) => v.status === 'COMPLETE');
    await waitForStatus(hub.sas, c.id, ['AWAITING_APPROVAL']);
    const rows = await hub.db.query<{ document_sha256: string }>(
      'select document_sha256 from signatures where catalog_id = $1',
      [c.id],
    );
    expect(rows.map((r) => r.document_sha256)).toEqual([c.documentSha256, c.documentSha256]);
  });

  it('bulk: 10 catalogs of one teacher in one BankID order over a manifest of their hashes', async () => {
    const catalogs = await Promise.all(Array.from({ length: 10 }, () => newCatalog()));
    const ids = catalogs.map((c) => c.id);
    const started = (
      await hub.sas.call<View>('POST', '/api/v1/signing-sessions', {
        catalogIds: ids,
        signerPersonalNumber: TEACHER.personalNumber,
        endUserIp: '192.0.2.10',
      })
    ).body;
    expect(started.catalogIds.sort()).toEqual([...ids].sort());
    const manifest = bulkManifest(
      catalogs.map((c) => ({ catalogId: c.id, documentSha256: c.documentSha256 })),
    );
    const manifestSha256 = createHash('sha256').update(manifest).digest('hex');
    const ref = await orderRef(started.sessionId);
    const order = await sim.order(ref);
    expect(Buffer.from(order.userNonVisibleData!, 'base64').toString('hex')).toBe(manifestSha256);
    const visible = Buffer.from(order.userVisibleData!, 'base64').toString('utf8');
    expect(visible).toContain('# 10 betygskataloger');
    expect(visible.split('\n').filter((l) => /^\d+\. MATMAT01a/.test(l))).toHaveLength(10);
    await sim.act(ref, 'sign');
    await until(started.sessionId, (v) => v.status === 'COMPLETE');
    for (const id of ids) await waitForStatus(hub.sas, id, ['AWAITING_APPROVAL']);
    const rows = await hub.db.query<{
      catalog_id: string;
      document_sha256: string;
      manifest_sha256: string;
      manifest: string;
    }>(
      'select catalog_id, document_sha256, manifest_sha256, manifest from signatures where session_id = $1',
      [started.sessionId],
    );
    expect(rows).toHaveLength(10);
    for (const row of rows) {
      expect(row.manifest_sha256).toBe(manifestSha256);
      expect(JSON.parse(row.manifest).documents).toContainEqual({
        catalogId: row.catalog_id,
        documentSha256: row.document_sha256,
      });
    }
  });

  it('bulk: refuses more than 50, duplicates, and catalogs the teacher cannot sign (pointing at each)', async () => {
    const ids = Array.from(
      { length: 51 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    );
    await expect(
      failedWith(
        hub.sas.call('POST', '/api/v1/signing-sessions', {
          catalogIds: ids,
          signerPersonalNumber: TEACHER.personalNumber,
          endUserIp: '192.0.2.10',
        }),
      ),
    ).resolves.toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ pointer: '/catalogIds', code: 'too_many' })] },
    });
    const mine = await newCatalog();
    const other = await newCatalog({ gradingTeachers: [{ ...SECOND_TEACHER, legitimated: true }] });
    const error = await failedWith(
      hub.sas.call('POST', '/api/v1/signing-sessions', {
        catalogIds: [mine.id, other.id],
        signerPersonalNumber: TEACHER.personalNumber,
        endUserIp: '192.0.2.10',
      }),
    );
    expect(error).toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ pointer: '/catalogIds/1', code: 'not_a_signer' })] },
    });
  });

  it('decline: the teacher refuses with a reason → DECLINED, pending order cancelled, the SAS is told (signed webhook, no personal numbers)', async () => {
    const c = await newCatalog();
    const started = (await start(c.id)).body;
    await expect(
      failedWith(
        hub.sas.call('POST', `/api/v1/catalogs/${c.id}/decline`, {
          signerPersonalNumber: TEACHER.personalNumber,
        }),
      ),
    ).resolves.toMatchObject({ status: 422 });
    const declined = await hub.sas.call<{ status: string }>('POST', `/api/v1/catalogs/${c.id}/decline`, {
      signerPersonalNumber: TEACHER.personalNumber,
      reason: 'Betyget för en elev är fel; SAS måste rätta.',
    });
    expect(declined.body.status).toBe('DECLINED');
    expect((await session(started.sessionId)).hintCode).toBe('cancelled');
    expect((await sim.order(await orderRef(started.sessionId))).status).toBe('failed');
    const hook = await waitForWebhook(c.id, 'catalog.declined');
    expect(hook.signatureValid).toBe(true);
    expect(hook.body).toMatchObject({
      catalogId: c.id,
      status: 'DECLINED',
      reason: 'Betyget för en elev är fel; SAS måste rätta.',
      signerRole: 'GRADING_TEACHER',
    });
    expect(JSON.stringify(hook.body)).not.toMatch(PERSONAL_NUMBER);
    const after = await waitForDelivery(c.id, hook.idempotencyKey);
    expect(after.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['catalog.status', 'signing.cancelled', 'result.delivered']),
    );
    await expect(failedWith(start(c.id))).resolves.toMatchObject({ status: 409 });
  });

  it('withdraw before signing → WITHDRAWN and the SAS gets a receipt-backed event; not after', async () => {
    const c = await newCatalog();
    receiver.failNext(2); // the SAS is down for a moment: delivery is retried, delivered once
    const withdrawn = await hub.sas.call<{ status: string }>('POST', `/api/v1/catalogs/${c.id}/withdraw`, {
      reason: 'Fel kurstillfälle',
    });
    expect(withdrawn.body.status).toBe('WITHDRAWN');
    const hook = await waitForWebhook(c.id, 'catalog.withdrawn', 20_000);
    expect(hook.body).toMatchObject({ reason: 'Fel kurstillfälle', status: 'WITHDRAWN' });
    await waitForDelivery(c.id, hook.idempotencyKey);
    expect(
      receiver.received.filter((r) => r.idempotencyKey === hook.idempotencyKey && !r.duplicate),
    ).toHaveLength(1);
    await expect(
      failedWith(hub.sas.call('POST', `/api/v1/catalogs/${c.id}/withdraw`, {})),
    ).resolves.toMatchObject({ status: 409 });
  });

  it('approval: approver ≠ signer; REJECT needs a comment and goes back to the SAS with it', async () => {
    const c = await newCatalog();
    const s = (await start(c.id)).body;
    await sim.act(await orderRef(s.sessionId), 'sign');
    await waitForStatus(hub.sas, c.id, ['AWAITING_APPROVAL']);
    await expect(
      failedWith(
        hub.approver.call('POST', `/api/v1/catalogs/${c.id}/approval`, {
          decision: 'APPROVE',
          approver: { name: TEACHER.name, personalNumber: TEACHER.personalNumber },
        }),
      ),
    ).resolves.toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ code: 'approver_is_signer' })] },
    });
    await expect(
      failedWith(
        hub.sas.call('POST', `/api/v1/catalogs/${c.id}/approval`, {
          decision: 'APPROVE',
          approver: { name: 'X' },
        }),
      ),
    ).resolves.toMatchObject({ status: 403 });
    await expect(
      failedWith(
        hub.approver.call('POST', `/api/v1/catalogs/${c.id}/approval`, {
          decision: 'REJECT',
          approver: { name: 'Handläggare' },
        }),
      ),
    ).resolves.toMatchObject({
      status: 422,
      body: { errors: [expect.objectContaining({ pointer: '/comment' })] },
    });
    const decided = await hub.approver.call<{ decision: string }>(
      'POST',
      `/api/v1/catalogs/${c.id}/approval`,
      {
        decision: 'REJECT',
        approver: { name: 'Handläggare Test' },
        comment: 'Prövningen är inte markerad för elev 2.',
      },
    );
    expect(decided).toMatchObject({ status: 201, body: { decision: 'REJECT' } });
    expect((await catalog(c.id)).status).toBe('REJECTED');
    const hook = await waitForWebhook(c.id, 'catalog.rejected');
    expect(hook.body).toMatchObject({
      status: 'REJECTED',
      reason: 'Prövningen är inte markerad för elev 2.',
    });
  });

  it('writeback: an approved catalog is archived and the SAS gets catalog.completed with the archive reference', async () => {
    const c = await newCatalog();
    const s = (await start(c.id)).body;
    await sim.act(await orderRef(s.sessionId), 'sign');
    await waitForStatus(hub.sas, c.id, ['AWAITING_APPROVAL']);
    await hub.approver.call('POST', `/api/v1/catalogs/${c.id}/approval`, {
      decision: 'APPROVE',
      approver: { name: 'Handläggare Test' },
    });
    const done = await waitForStatus(hub.sas, c.id, ['COMPLETED']);
    const archiveReference = (
      done.deliveries as { kind: string; receipt: { archiveReference: string } }[]
    ).find((d) => d.kind === 'ARCHIVE')!.receipt.archiveReference;
    const hook = await waitForWebhook(c.id, 'catalog.completed');
    expect(hook.body).toMatchObject({ status: 'COMPLETED', catalogId: c.id, archiveReference });
    expect(JSON.stringify(hook.body)).not.toContain(TEACHER.personalNumber);
  });

  it('audit: the timeline is hash-chained; verify detects a changed row and a deleted last row; concurrent appends do not fork', async () => {
    const c = await newCatalog();
    const body = await catalog(c.id);
    body.timeline.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      expect(e.prevHash).toBe(i === 0 ? '0'.repeat(64) : body.timeline[i - 1].hash);
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
    });

    // 20 concurrent writers append to one catalog's chain.
    const orm = hub.hub.app.get(MikroORM);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        orm.em
          .fork()
          .transactional(async (tx) => recordEvent(tx, c.id, 'test.concurrent', { actor: 'test' }, { i })),
      ),
    );
    const verify = (id?: string) =>
      hub.admin.call<{ ok: boolean; eventsChecked: number; problems: { problem: string; seq: number }[] }>(
        'GET',
        `/admin/audit/verify${id ? `?catalogId=${id}` : ''}`,
      );
    const clean = (await verify(c.id)).body;
    expect(clean).toMatchObject({ ok: true, problems: [] });
    expect(clean.eventsChecked).toBe(body.timeline.length + 20);
    expect((await verify()).body.ok).toBe(true);

    await hub.db.query(`update catalog_events set data = '{"i": 999}' where catalog_id = $1 and seq = 5`, [
      c.id,
    ]);
    const tampered = (await verify(c.id)).body;
    expect(tampered.ok).toBe(false);
    expect(tampered.problems).toContainEqual(expect.objectContaining({ seq: 5, problem: 'hash_mismatch' }));
    expect((await verify()).body.ok).toBe(false);

    const other = await newCatalog();
    await hub.db.query(
      'delete from catalog_events where catalog_id = $1 and seq = (select max(seq) from catalog_events where catalog_id = $1)',
      [other.id],
    );
    expect((await verify(other.id)).body.problems).toContainEqual(
      expect.objectContaining({ problem: 'head_mismatch' }),
    );
  });

  async function waitForWebhook(catalogId: string, type: string, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = receiver.received.find((r) => r.body.catalogId === catalogId && r.body.type === type);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no ${type} webhook for ${catalogId}`);
      await sleep(100);
    }
  }

  async function waitForDelivery(catalogId: string, key: string, timeoutMs = 10_000): Promise<CatalogBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = await catalog(catalogId);
      if (body.deliveries.some((d) => d.kind === 'WRITEBACK' && d.key === key)) return body;
      if (Date.now() > deadline) throw new Error(`no WRITEBACK delivery ${key}`);
      await sleep(100);
    }
  }
});

export type { HubApi };
