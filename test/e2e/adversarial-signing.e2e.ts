/**
 * Adversarial tests for signing, decline/withdraw, approval, the admin API and data leaks
 * (DESIGN.md §4, README API overview, DOMAIN.md BankID section).
 *
 * Every test asserts the CORRECT behaviour. A failing test is a bug (see
 * /tmp/adversarial-signing-report.md); none is skipped.
 *
 * Personal numbers: only Skatteverket's test numbers (/work/shared/data/testpersonnummer).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import { startWebhookReceiver, WebhookReceiver } from '../../connectors/webhook-sink';
import { clientConfig } from '../../src/demo/demo-environment';
import { sleep } from '../../src/demo/sas-driver';
import { SimulatorControl } from '../support/bankid-control';
import { PRINCIPAL, STUDENTS, validSubmission } from '../support/fixtures';
import { startTestHub, TestHub } from '../support/test-hub';

const SECRET = 'adversarial-signing-webhook-secret-0123';
const OTHER_SAS_KEY = `other-sas-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;

/** Skatteverket test personal numbers (CC0), one fresh teacher per scenario so BankID's one-order-per-person rule never couples tests. */
const TEACHER_POOL = [
  '198101012386', '198101012394', '198101022393', '198101032392', '198101032384', '198101042383',
  '198101042391', '198101052390', '198101052382', '198101062399', '198101062381', '198101072380',
  '198101079294', '198101072398', '198101082389', '198101082397', '198101092388', '198101092396',
  '198101102385', '198101102393', '198101112392', '198101112384', '198101122391', '198101122383',
  '198101132382', '198101132390', '198101142399', '198101142381', '198101152398', '198101152380',
  '198101162397', '198101162389', '198101172388', '198101172396', '198101182395', '198101182387',
  '198101192394', '198101199282', '198101192386', '198101202383', '198101202391', '198101212382',
  '198101212390', '198101222381', '198101222399', '198101232380', '198101232398', '198101242397',
  '198101242389', '198101252396', '198101252388', '198101262395', '198101262387', '198101272394',
  '198101272386', '198101282385', '198101282393', '198101292384', '198101292392', '198101302399',
  '198101302381', '198101312398', '198101312380', '198102012385', '198102012393', '198102022384',
  '198102022392', '198102032383', '198102032391', '198102042382', '198102042390', '198102052399',
  '198102052381', '198102062380', '198102062398', '198102072389', '198102072397', '198102082388',
  '198102082396', '198102092387', '198102092395', '198102102392', '198102102384', '198102112391',
  '198102112383', '198102122382', '198102122390', '198102132381', '198102132399', '198102142398',
  '198102142380', '198102152397', '198102152389', '198102162388', '198102162396', '198102172387',
  '198102179291', '198102172395', '198102182394', '198102182386', '198102192393', '198102192385',
  '198102202390', '198102202382', '198102212399', '198102212381', '198102222398', '198102222380',
  '198102232397', '198102232389', '198102242388', '198102242396', '198102252387', '198102259267',
  '198102252395', '198102262386', '198102262394', '198102272393', '198102272385', '198102282384',
]; // prettier-ignore
let nextTeacher = 0;
function freshTeacher(): string {
  const pn = TEACHER_POOL[nextTeacher++];
  if (!pn) throw new Error('teacher pool exhausted');
  return pn;
}

/** 12 digits (or YYMMDD-NNNN) that look like a personal number, outside UUIDs and hex digests. */
const PERSONAL_NUMBER_LIKE = /(?<![0-9a-f])(?:(?:19|20)\d{10}|\d{6}[-+]\d{4})(?![0-9a-f])/i;
function scrub(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/[0-9a-f]{32,}/gi, '<hex>')
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, '<time>');
}

interface Raw {
  status: number;
  contentType: string;
  text: string;
  body: any;
}

interface ProblemError {
  pointer: string;
  code: string;
  detail: string;
}

describe('adversarial signing, approval and admin (PostgreSQL + Redis + BankID simulator over mTLS)', () => {
  let hub: TestHub;
  let sim: SimulatorControl;
  let receiver: WebhookReceiver;
  /** Every response text seen by a test, for the "never return qrStartSecret" check. */
  const seenTexts: string[] = [];

  beforeAll(async () => {
    process.env.ADV_SIGNING_WEBHOOK_SECRET = SECRET;
    receiver = await startWebhookReceiver(SECRET);
    hub = await startTestHub('adv-signing', {
      simulatorCollectsBeforeComplete: Infinity,
      extraApiClients: [clientConfig('other-sas', OTHER_SAS_KEY, ['sas'])],
      configOverrides: {
        resultSinks: [
          {
            name: 'sas-webhook',
            municipalityCode: '*',
            url: receiver.url,
            secretEnv: 'ADV_SIGNING_WEBHOOK_SECRET',
            timeoutMs: 5000,
          },
        ],
      },
    });
    sim = new SimulatorControl(hub.simulator);
  }, 120_000);

  /** A test that wrongly got a session started must not leave it pending (faults and BankID orders are shared). */
  afterEach(async () => {
    const pending = await hub.db.query<{ id: string; client_id: string }>(
      "select id, client_id from signing_sessions where status = 'PENDING'",
    );
    for (const row of pending)
      await req(
        'DELETE',
        `/api/v1/signing-sessions/${row.id}`,
        undefined,
        row.client_id === 'other-sas' ? OTHER_SAS_KEY : hub.keys.sas,
      );
  });

  afterAll(async () => {
    sim?.close();
    await hub?.stop();
    await receiver?.close();
  });

  // ------------------------------------------------------------------ helpers

  async function req(
    method: string,
    path: string,
    body?: unknown,
    key: string | null = hub.keys.sas,
    headers: Record<string, string> = {},
  ): Promise<Raw> {
    const response = await fetch(`${hub.url}${path}`, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    seenTexts.push(text);
    return {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      text,
      body: parsed,
    };
  }

  const pointersOf = (r: Raw) =>
    ((r.body?.errors ?? []) as ProblemError[]).map((e) => `${e.pointer} ${e.code}`).sort();

  /** "label → status pointers" unless the response is a problem+json with this status and (if given) these pointers. */
  function mismatch(label: string, r: Raw, status: number, pointers?: string[]): string | null {
    const problemJson = /^application\/problem\+json/.test(r.contentType);
    const found = ((r.body?.errors ?? []) as ProblemError[]).map((e) => e.pointer).sort();
    const pointerOk = !pointers || found.join() === [...pointers].sort().join();
    if (r.status === status && problemJson && pointerOk) return null;
    return `${label} → ${r.status} ${problemJson ? '' : `(${r.contentType}) `}${found.join()} ${
      r.status >= 500 ? String(r.body?.detail ?? '') : ''
    }`.trim();
  }

  async function catalogBody(id: string, key = hub.keys.sas): Promise<any> {
    const r = await req('GET', `/api/v1/catalogs/${id}`, undefined, key);
    if (r.status !== 200) throw new Error(`GET catalog ${id} → ${r.status}`);
    return r.body;
  }

  async function waitStatus(id: string, statuses: string[], key = hub.keys.sas, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = await catalogBody(id, key);
      if (statuses.includes(body.status)) return body;
      if (Date.now() > deadline)
        throw new Error(`catalog ${id} stayed ${body.status}; wanted ${statuses.join('|')}`);
      await sleep(100);
    }
  }

  async function newCatalog(
    teachers: string[],
    key = hub.keys.sas,
    overrides: Record<string, unknown> = {},
  ): Promise<any> {
    const r = await req(
      'POST',
      '/api/v1/catalogs',
      validSubmission({
        gradingTeachers: teachers.map((personalNumber, i) => ({
          personalNumber,
          name: `Lärare ${i + 1}`,
          legitimated: i === 0,
        })),
        ...overrides,
      }),
      key,
    );
    if (r.status !== 201) throw new Error(`submit → ${r.status} ${r.text}`);
    return waitStatus(r.body.id, ['AWAITING_SIGNATURE'], key);
  }

  const start = (catalogId: string, signer: string | undefined, key = hub.keys.sas, extra = {}) =>
    req(
      'POST',
      `/api/v1/catalogs/${catalogId}/signing-sessions`,
      { endUserIp: '192.0.2.10', ...(signer ? { signerPersonalNumber: signer } : {}), ...extra },
      key,
    );

  const bulk = (body: unknown, key = hub.keys.sas) => req('POST', '/api/v1/signing-sessions', body, key);

  async function orderRef(sessionId: string): Promise<string> {
    const rows = await hub.db.query<{ order_ref: string }>(
      'select order_ref from signing_sessions where id = $1',
      [sessionId],
    );
    return rows[0]?.order_ref ?? '';
  }

  async function session(sessionId: string, key = hub.keys.sas): Promise<any> {
    return (await req('GET', `/api/v1/signing-sessions/${sessionId}`, undefined, key)).body;
  }

  async function untilSession(sessionId: string, done: (v: any) => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await session(sessionId);
      if (done(view)) return view;
      if (Date.now() > deadline) throw new Error(`session stayed ${view.status}/${view.hintCode}`);
      await sleep(100);
    }
  }

  async function pendingFor(personalNumber: string): Promise<number> {
    const [row] = await hub.db.query<{ n: number }>(
      "select count(*)::int as n from signing_sessions where personal_number = $1 and status = 'PENDING'",
      [personalNumber],
    );
    return Number(row.n);
  }

  async function simOrdersFor(personalNumber: string) {
    return (await sim.orders()).filter((o) => o.requiredPersonalNumber === personalNumber);
  }

  /** A catalog of a fresh teacher brought to AWAITING_APPROVAL through a real BankID signature. */
  async function signedCatalog(): Promise<{ id: string; teacher: string }> {
    const teacher = freshTeacher();
    const c = await newCatalog([teacher]);
    const s = await start(c.id, teacher);
    expect(s.status).toBe(201);
    await sim.act(await orderRef(s.body.sessionId), 'sign');
    await waitStatus(c.id, ['AWAITING_APPROVAL']);
    return { id: c.id, teacher };
  }

  async function signaturesOf(catalogId: string): Promise<number> {
    const [row] = await hub.db.query<{ n: number }>(
      'select count(*)::int as n from signatures where catalog_id = $1',
      [catalogId],
    );
    return Number(row.n);
  }

  // ================================================================== 1. signing API

  describe('signing-session API: scoping and states', () => {
    it("another client's catalog, unknown and non-UUID ids: 404 problem+json on start; never 500", async () => {
      const teacher = freshTeacher();
      const foreign = await newCatalog([teacher], OTHER_SAS_KEY);
      const wrong: string[] = [];
      for (const [label, id] of [
        ["other client's catalog", foreign.id],
        ['unknown uuid', '00000000-0000-4000-8000-000000000000'],
        ['not a uuid', 'not-a-uuid'],
        ['uppercase unknown', 'ABCDEFAB-CDEF-4BCD-8FAB-CDEFABCDEFAB'],
      ]) {
        const m = mismatch(label, await start(id, teacher), 404);
        if (m) wrong.push(m);
      }
      expect(wrong).toEqual([]);
      expect(await pendingFor(teacher)).toBe(0);
      expect(await simOrdersFor(teacher)).toHaveLength(0);
    });

    it("GET/DELETE another client's session (and an approver's read of a SAS session) → 404, and the session is untouched", async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const s = await start(c.id, teacher);
      expect(s.status).toBe(201);
      const id = s.body.sessionId;
      const wrong: string[] = [];
      for (const [label, method, key] of [
        ['GET other sas', 'GET', OTHER_SAS_KEY],
        ['DELETE other sas', 'DELETE', OTHER_SAS_KEY],
        ['GET approver', 'GET', hub.keys.approver],
        ['DELETE approver', 'DELETE', hub.keys.approver],
      ] as const) {
        const m = mismatch(label, await req(method, `/api/v1/signing-sessions/${id}`, undefined, key), 404);
        if (m) wrong.push(m);
      }
      for (const [label, method, key] of [
        ['GET admin', 'GET', hub.keys.admin],
        ['DELETE admin', 'DELETE', hub.keys.admin],
        ['GET no key', 'GET', null],
      ] as const) {
        const r = await req(method, `/api/v1/signing-sessions/${id}`, undefined, key);
        const expected = key === null ? 401 : 403;
        const m = mismatch(label, r, expected);
        if (m) wrong.push(m);
      }
      for (const odd of ['not-a-uuid', '-'.repeat(36), '%00', 'x'.repeat(500)]) {
        const m = mismatch(
          `GET ${odd.slice(0, 20)}`,
          await req('GET', `/api/v1/signing-sessions/${odd}`),
          404,
        );
        if (m) wrong.push(m);
      }
      expect(wrong).toEqual([]);
      expect((await session(id)).status).toBe('PENDING');
      expect((await sim.order(await orderRef(id))).status).toBe('pending');
      await req('DELETE', `/api/v1/signing-sessions/${id}`);
    });

    it('start refuses catalogs that are not AWAITING_SIGNATURE with 409 and starts no BankID order', async () => {
      const teacher = freshTeacher();
      const withdrawn = await newCatalog([teacher]);
      expect((await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, {})).status).toBe(200);
      const signed = await signedCatalog();
      const wrong: string[] = [];
      for (const [label, r] of [
        ['WITHDRAWN', await start(withdrawn.id, teacher)],
        ['AWAITING_APPROVAL', await start(signed.id, signed.teacher)],
        ['AWAITING_APPROVAL, no signer given', await start(signed.id, undefined)],
      ] as const) {
        const m = mismatch(label, r, 409);
        if (m) wrong.push(m);
      }
      expect(wrong).toEqual([]);
      expect((await simOrdersFor(teacher)).filter((o) => o.status === 'pending')).toHaveLength(0);
    });

    it('DELETE of a COMPLETE session does not turn it into FAILED/cancelled, and a repeated DELETE is harmless', async () => {
      const signed = await signedCatalog();
      const [row] = await hub.db.query<{ id: string }>(
        "select id from signing_sessions where catalog_id = $1 and status = 'COMPLETE'",
        [signed.id],
      );
      const first = await req('DELETE', `/api/v1/signing-sessions/${row.id}`);
      const second = await req('DELETE', `/api/v1/signing-sessions/${row.id}`);
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.body.status).toBe('COMPLETE');
      expect((await catalogBody(signed.id)).status).toBe('AWAITING_APPROVAL');
      expect(await signaturesOf(signed.id)).toBe(1);
    });

    it('start bodies: wrong types, huge strings and control characters → 422 naming the field; no order started', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const cases: [string, unknown, string[]][] = [
        ['sameDevice as string', { endUserIp: '192.0.2.10', signerPersonalNumber: teacher, sameDevice: 'true' }, ['/sameDevice']],
        ['returnUrl http', { endUserIp: '192.0.2.10', signerPersonalNumber: teacher, returnUrl: 'http://sas.example.se/' }, ['/returnUrl']],
        ['returnUrl huge', { endUserIp: '192.0.2.10', signerPersonalNumber: teacher, returnUrl: `https://a.se/${'x'.repeat(5000)}` }, ['/returnUrl']],
        ['returnUrl with newline', { endUserIp: '192.0.2.10', signerPersonalNumber: teacher, returnUrl: 'https://a.se/\r\nX-Evil: 1' }, ['/returnUrl']],
        ['endUserIp huge', { endUserIp: '1'.repeat(100_000), signerPersonalNumber: teacher }, ['/endUserIp']],
        ['endUserIp object', { endUserIp: { ip: '192.0.2.10' }, signerPersonalNumber: teacher }, ['/endUserIp']],
        ['signer as number', { endUserIp: '192.0.2.10', signerPersonalNumber: Number(teacher) }, ['/signerPersonalNumber']],
        ['signer huge', { endUserIp: '192.0.2.10', signerPersonalNumber: '1'.repeat(100_000) }, ['/signerPersonalNumber']],
        ['signer with NUL', { endUserIp: '192.0.2.10', signerPersonalNumber: `${teacher}\u0000` }, ['/signerPersonalNumber']],
        ['signer null', { endUserIp: '192.0.2.10', signerPersonalNumber: null }, ['/signerPersonalNumber']],
        ['unknown field', { endUserIp: '192.0.2.10', signerPersonalNumber: teacher, requirement: { pinCode: true } }, ['/requirement']],
      ]; // prettier-ignore
      const wrong: string[] = [];
      for (const [label, body, pointers] of cases) {
        const r = await req('POST', `/api/v1/catalogs/${c.id}/signing-sessions`, body);
        const m = mismatch(label, r, 422, pointers);
        if (m) wrong.push(m);
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
      }
      expect(wrong).toEqual([]);
      expect(await pendingFor(teacher)).toBe(0);
      expect(await simOrdersFor(teacher)).toHaveLength(0);
    });
  });

  describe('bulk signing input', () => {
    it('0, 51, duplicates, non-UUIDs, non-strings, foreign, other-teacher and non-signable catalogs → 422 with a pointer each; never a BankID order', async () => {
      const teacher = freshTeacher();
      const otherTeacher = freshTeacher();
      const [a, b] = [await newCatalog([teacher]), await newCatalog([teacher])];
      const foreign = await newCatalog([teacher], OTHER_SAS_KEY);
      const ofOtherTeacher = await newCatalog([otherTeacher]);
      const withdrawn = await newCatalog([teacher]);
      expect((await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, {})).status).toBe(200);
      const base = { signerPersonalNumber: teacher, endUserIp: '192.0.2.10' };
      const fifty1 = Array.from(
        { length: 51 },
        (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      );
      const cases: [string, unknown, string[]][] = [
        ['empty', { ...base, catalogIds: [] }, ['/catalogIds']],
        ['missing', { ...base }, ['/catalogIds']],
        ['not an array', { ...base, catalogIds: a.id }, ['/catalogIds']],
        ['51', { ...base, catalogIds: fifty1 }, ['/catalogIds']],
        ['duplicate', { ...base, catalogIds: [a.id, a.id] }, ['/catalogIds']],
        ['duplicate in other case', { ...base, catalogIds: [a.id, a.id.toUpperCase()] }, ['/catalogIds']],
        ['non-UUID', { ...base, catalogIds: [a.id, 'not-a-uuid'] }, ['/catalogIds/1']],
        ['number', { ...base, catalogIds: [a.id, 42] }, ['/catalogIds']],
        ['other client', { ...base, catalogIds: [a.id, foreign.id] }, ['/catalogIds/1']],
        ['other teacher', { ...base, catalogIds: [ofOtherTeacher.id, a.id] }, ['/catalogIds/0']],
        ['withdrawn', { ...base, catalogIds: [a.id, b.id, withdrawn.id] }, ['/catalogIds/2']],
        ['no signer', { endUserIp: '192.0.2.10', catalogIds: [a.id] }, ['/signerPersonalNumber']],
        ['unknown field', { ...base, catalogIds: [a.id], extra: 1 }, ['/extra']],
        ['array body', [a.id], ['/catalogIds', '/endUserIp']],
      ]; // prettier-ignore
      const wrong: string[] = [];
      for (const [label, body, pointers] of cases) {
        const r = await bulk(body);
        const m = mismatch(label, r, 422, pointers);
        if (m) wrong.push(m);
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
      }
      expect(wrong).toEqual([]);
      // Nothing was started, nothing is held: a valid bulk of the same teacher works at once.
      expect(await simOrdersFor(teacher)).toHaveLength(0);
      expect(await pendingFor(teacher)).toBe(0);
      const ok = await bulk({ ...base, catalogIds: [a.id, b.id] });
      expect(ok.status).toBe(201);
      expect([...ok.body.catalogIds].sort()).toEqual([a.id, b.id].sort());
      await req('DELETE', `/api/v1/signing-sessions/${ok.body.sessionId}`);
    });

    it('a bulk over a catalog whose teacher already signed it (second teacher pending) → 422 not_signable at that index', async () => {
      const t1 = freshTeacher();
      const t2 = freshTeacher();
      const two = await newCatalog([t1, t2]);
      const mine = await newCatalog([t1]);
      const s = await start(two.id, t1);
      await sim.act(await orderRef(s.body.sessionId), 'sign');
      await untilSession(s.body.sessionId, (v) => v.status === 'COMPLETE');
      const r = await bulk({
        signerPersonalNumber: t1,
        endUserIp: '192.0.2.10',
        catalogIds: [mine.id, two.id],
      });
      expect(mismatch('signed already', r, 422, ['/catalogIds/1'])).toBeNull();
      expect(pointersOf(r)).toEqual(['/catalogIds/1 not_signable']);
    });
  });

  // ================================================================== races

  describe('races', () => {
    it('concurrent starts for one teacher on several catalogs plus a bulk: exactly one 201, the rest 409; exactly one BankID order', async () => {
      const teacher = freshTeacher();
      const catalogs = await Promise.all(Array.from({ length: 4 }, () => newCatalog([teacher])));
      const results = await Promise.all([
        ...catalogs.map((c) => start(c.id, teacher)),
        bulk({
          signerPersonalNumber: teacher,
          endUserIp: '192.0.2.10',
          catalogIds: catalogs.map((c) => c.id),
        }),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) {
        expect(r.contentType).toMatch(/^application\/problem\+json/);
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
      }
      const orders = await simOrdersFor(teacher);
      expect(orders).toHaveLength(1);
      expect(orders[0].status).toBe('pending');
      expect(await pendingFor(teacher)).toBe(1);
      const winner = results.find((r) => r.status === 201)!;
      await req('DELETE', `/api/v1/signing-sessions/${winner.body.sessionId}`);
    });

    it('concurrent APPROVE and REJECT of the same catalog: exactly one wins (201), the other gets 409; never 500; one decision stored', async () => {
      const problems: string[] = [];
      for (let round = 0; round < 3; round++) {
        const { id } = await signedCatalog();
        const results = await Promise.all([
          req('POST', `/api/v1/catalogs/${id}/approval`, { decision: 'APPROVE', approver: { name: 'Handläggare A' } }, hub.keys.approver),
          req('POST', `/api/v1/catalogs/${id}/approval`, { decision: 'REJECT', approver: { name: 'Handläggare B' }, comment: 'Fel betyg.' }, hub.keys.approver),
        ]); // prettier-ignore
        const statuses = results.map((r) => r.status).sort();
        if (statuses.join() !== '201,409')
          problems.push(
            `round ${round}: ${results.map((r) => `${r.status} ${r.body?.detail ?? ''}`).join(' | ')}`,
          );
        const [row] = await hub.db.query<{ n: number }>(
          'select count(*)::int as n from approvals where catalog_id = $1',
          [id],
        );
        if (Number(row.n) !== 1) problems.push(`round ${round}: ${row.n} approvals stored`);
        const body = await catalogBody(id);
        const winner = results.find((r) => r.status === 201)?.body?.decision;
        const expected = winner === 'APPROVE' ? ['DELIVERING', 'COMPLETED'] : ['REJECTED'];
        if (winner && !expected.includes(body.status))
          problems.push(`round ${round}: ${winner} won but status ${body.status}`);
      }
      expect(problems).toEqual([]);
    });

    it('double approval (sequential and concurrent): the second is a clear 409, one approval stored', async () => {
      const { id } = await signedCatalog();
      const approve = () =>
        req(
          'POST',
          `/api/v1/catalogs/${id}/approval`,
          { decision: 'APPROVE', approver: { name: 'Handläggare' } },
          hub.keys.approver,
        );
      const both = await Promise.all([approve(), approve()]);
      expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
      const again = await approve();
      expect(mismatch('third approval', again, 409)).toBeNull();
      const [row] = await hub.db.query<{ n: number }>(
        'select count(*)::int as n from approvals where catalog_id = $1',
        [id],
      );
      expect(Number(row.n)).toBe(1);
    });

    it('withdraw racing a signature completion: consistent end state every time', async () => {
      const rounds = 8;
      const problems: string[] = [];
      await Promise.all(
        Array.from({ length: rounds }, async (_, i) => {
          const teacher = freshTeacher();
          const c = await newCatalog([teacher]);
          const s = await start(c.id, teacher);
          const ref = await orderRef(s.body.sessionId);
          // Complete at BankID, then withdraw somewhere in the collect window (interval 300 ms).
          await sim.act(ref, 'sign');
          await sleep((i * 47) % 350);
          const w = await req('POST', `/api/v1/catalogs/${c.id}/withdraw`, { reason: 'Fel kurstillfälle' });
          if (![200, 409].includes(w.status))
            problems.push(`round ${i}: withdraw → ${w.status} ${w.body?.detail}`);
          await sleep(1500); // let any collect in flight finish
          const body = await catalogBody(c.id);
          const [sessionRow] = await hub.db.query<{ status: string }>(
            'select status from signing_sessions where id = $1',
            [s.body.sessionId],
          );
          const signatures = await signaturesOf(c.id);
          const types: string[] = body.timeline.map((e: any) => e.type);
          const cancelled = types.includes('signing.cancelled');
          const completed = types.includes('signing.completed');
          if (w.status === 200) {
            if (body.status !== 'WITHDRAWN') problems.push(`round ${i}: withdraw 200 but ${body.status}`);
            if (signatures !== 0) problems.push(`round ${i}: WITHDRAWN with ${signatures} signature(s)`);
            if (completed) problems.push(`round ${i}: WITHDRAWN with a signing.completed event`);
          } else if (w.status === 409) {
            if (body.status !== 'AWAITING_APPROVAL')
              problems.push(`round ${i}: withdraw 409 but ${body.status}`);
            if (sessionRow.status !== 'COMPLETE')
              problems.push(`round ${i}: signed but session ${sessionRow.status}`);
            if (cancelled) problems.push(`round ${i}: AWAITING_APPROVAL with a signing.cancelled event`);
            if (
              types.includes('catalog.withdrawn') ||
              body.timeline.some((e: any) => e.data?.to === 'WITHDRAWN')
            )
              problems.push(`round ${i}: AWAITING_APPROVAL with a WITHDRAWN event`);
          }
          if (signatures > 0 && sessionRow.status !== 'COMPLETE')
            problems.push(`round ${i}: signature recorded, session ${sessionRow.status}`);
        }),
      );
      expect(problems).toEqual([]);
    }, 120_000);
  });

  // ================================================================== decline / withdraw bodies

  describe('decline and withdraw', () => {
    it('decline bodies: wrong types, NUL, lone surrogates, bidi overrides, huge, unknown fields → 422 naming the field; never 500', async () => {
      const teacher = freshTeacher();
      let c = await newCatalog([teacher]);
      const cases: [string, unknown, string[]][] = [
        ['empty object', {}, ['/reason', '/signerPersonalNumber']],
        ['array body', [teacher, 'x'], ['', '/reason', '/signerPersonalNumber']],
        ['reason number', { signerPersonalNumber: teacher, reason: 5 }, ['/reason']],
        ['reason whitespace', { signerPersonalNumber: teacher, reason: '   ' }, ['/reason']],
        ['reason huge', { signerPersonalNumber: teacher, reason: 'x'.repeat(100_000) }, ['/reason']],
        ['reason NUL', { signerPersonalNumber: teacher, reason: 'Fel\u0000betyg' }, ['/reason']],
        ['reason lone surrogate', { signerPersonalNumber: teacher, reason: 'Fel \ud800 betyg' }, ['/reason']],
        ['reason bidi override', { signerPersonalNumber: teacher, reason: 'Fel \u202egyteb' }, ['/reason']],
        ['reason BEL', { signerPersonalNumber: teacher, reason: 'Fel\u0007betyg' }, ['/reason']],
        ['student as signer', { signerPersonalNumber: STUDENTS[0].personalNumber, reason: 'x' }, ['/signerPersonalNumber']],
        ['bad check digit', { signerPersonalNumber: '198001022387', reason: 'x' }, ['/signerPersonalNumber']],
        ['unknown field', { signerPersonalNumber: teacher, reason: 'x', grade: 'A' }, ['/grade']],
      ]; // prettier-ignore
      const wrong: string[] = [];
      for (const [label, body, pointers] of cases) {
        const r = await req('POST', `/api/v1/catalogs/${c.id}/decline`, body);
        const m = mismatch(label, r, 422, pointers);
        if (m) wrong.push(m);
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
        if (r.status < 300) c = await newCatalog([teacher]); // wrongly accepted: go on with a fresh one
      }
      expect(wrong).toEqual([]);
      expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
    });

    it('withdraw bodies: non-object, NUL, lone surrogate, wrong types, unknown fields → 422 naming the field; catalog untouched', async () => {
      const teacher = freshTeacher();
      let c = await newCatalog([teacher]);
      const cases: [string, unknown, string[]][] = [
        ['array body', ['Fel kurstillfälle'], ['']],
        ['null body', 'null', ['']],
        ['reason number', { reason: 5 }, ['/reason']],
        ['reason NUL', { reason: 'Fel\u0000' }, ['/reason']],
        ['reason lone surrogate', { reason: 'Fel \udfff' }, ['/reason']],
        ['reason bidi', { reason: 'Fel \u2066x\u2069' }, ['/reason']],
        ['unknown field', { reason: 'x', force: true }, ['/force']],
      ]; // prettier-ignore
      const wrong: string[] = [];
      for (const [label, body, pointers] of cases) {
        const r = await req('POST', `/api/v1/catalogs/${c.id}/withdraw`, body);
        const m = mismatch(label, r, 422, pointers);
        if (m) wrong.push(m);
        if (r.status < 300) c = await newCatalog([teacher]); // wrongly accepted: go on with a fresh one
      }
      expect(wrong).toEqual([]);
      expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
    });

    it('a refused decline/withdraw (bad reason) leaves the pending BankID signing alone', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const s = await start(c.id, teacher);
      expect(s.status).toBe(201);
      const declined = await req('POST', `/api/v1/catalogs/${c.id}/decline`, {
        signerPersonalNumber: teacher,
        reason: 'Fel\u0000betyg',
      });
      const withdrawn = await req('POST', `/api/v1/catalogs/${c.id}/withdraw`, { reason: 'Fel\u0000' });
      const after = {
        decline: declined.status,
        withdraw: withdrawn.status,
        catalog: (await catalogBody(c.id)).status,
        session: (await session(s.body.sessionId)).status,
        bankIdOrder: (await sim.order(await orderRef(s.body.sessionId))).status,
      };
      expect(after).toEqual({
        decline: 422,
        withdraw: 422,
        catalog: 'AWAITING_SIGNATURE',
        session: 'PENDING',
        bankIdOrder: 'pending',
      });
      await req('DELETE', `/api/v1/signing-sessions/${s.body.sessionId}`);
    });

    it('wrong states: withdraw after signing, decline after signing, decline of a withdrawn catalog, decline by the principal → clear 409/422', async () => {
      const signed = await signedCatalog();
      const teacher = freshTeacher();
      const withPrincipal = await newCatalog([teacher], hub.keys.sas, {
        course: { kind: 'KOMVUX_THESIS', code: 'GYARKVX', name: 'Gymnasiearbete', schoolForm: 'VUX' },
        principal: PRINCIPAL,
      }).catch(() => null);
      const withdrawn = await newCatalog([freshTeacher()]);
      expect((await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, {})).status).toBe(200);
      const wrong: string[] = [];
      const check = (label: string, r: Raw, status: number, pointers?: string[]) => {
        const m = mismatch(label, r, status, pointers);
        if (m) wrong.push(m);
      };
      check(
        'withdraw AWAITING_APPROVAL',
        await req('POST', `/api/v1/catalogs/${signed.id}/withdraw`, {}),
        409,
      );
      check(
        'decline AWAITING_APPROVAL',
        await req('POST', `/api/v1/catalogs/${signed.id}/decline`, {
          signerPersonalNumber: signed.teacher,
          reason: 'x',
        }),
        409,
      );
      check('withdraw twice', await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, {}), 409);
      const wTeacher = (await catalogBody(withdrawn.id)).signers[0].personalNumber;
      check(
        'decline WITHDRAWN',
        await req('POST', `/api/v1/catalogs/${withdrawn.id}/decline`, {
          signerPersonalNumber: wTeacher,
          reason: 'x',
        }),
        409,
      );
      check(
        'decline other client',
        await req(
          'POST',
          `/api/v1/catalogs/${signed.id}/decline`,
          { signerPersonalNumber: signed.teacher, reason: 'x' },
          OTHER_SAS_KEY,
        ),
        404,
      );
      check(
        'withdraw other client',
        await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, {}, OTHER_SAS_KEY),
        404,
      );
      if (withPrincipal) {
        const principal = withPrincipal.signers.find((s: any) => s.role !== 'GRADING_TEACHER');
        if (principal)
          check(
            'decline by principal',
            await req('POST', `/api/v1/catalogs/${withPrincipal.id}/decline`, {
              signerPersonalNumber: principal.personalNumber,
              reason: 'x',
            }),
            422,
            ['/signerPersonalNumber'],
          );
      }
      expect(wrong).toEqual([]);
      expect((await catalogBody(signed.id)).status).toBe('AWAITING_APPROVAL');
    });
  });

  // ================================================================== approval bodies

  describe('approval bodies', () => {
    it('types, unknown (also nested) fields, huge strings and control characters → 422 naming the field; never 500; nothing decided', async () => {
      let { id } = await signedCatalog();
      const decide = (body: unknown) =>
        req('POST', `/api/v1/catalogs/${id}/approval`, body, hub.keys.approver);
      const cases: [string, unknown, string[]][] = [
        ['array body', [], ['', '/approver', '/decision']],
        ['decision number', { decision: 1, approver: { name: 'H' } }, ['/decision']],
        ['decision array', { decision: ['APPROVE'], approver: { name: 'H' } }, ['/decision']],
        ['approver.name number', { decision: 'APPROVE', approver: { name: 5 } }, ['/approver/name']],
        ['approver nested unknown', { decision: 'APPROVE', approver: { name: 'H', role: 'admin' } }, ['/approver/role']],
        ['approver.personalNumber huge', { decision: 'APPROVE', approver: { name: 'H', personalNumber: '1'.repeat(100_000) } }, ['/approver/personalNumber']],
        ['approver.name bidi', { decision: 'APPROVE', approver: { name: 'H\u202eX' } }, ['/approver/name']],
        ['approver.name lone surrogate', { decision: 'APPROVE', approver: { name: 'H\ud800' } }, ['/approver/name']],
        ['comment huge', { decision: 'REJECT', approver: { name: 'H' }, comment: 'x'.repeat(100_000) }, ['/comment']],
        ['comment lone surrogate', { decision: 'REJECT', approver: { name: 'H' }, comment: 'Fel \ud800' }, ['/comment']],
        ['comment bidi override', { decision: 'REJECT', approver: { name: 'H' }, comment: 'Fel \u202ebetyg' }, ['/comment']],
        ['comment ESC', { decision: 'REJECT', approver: { name: 'H' }, comment: 'Fel \u001b[31m' }, ['/comment']],
        ['endUserIp number', { decision: 'APPROVE', approver: { name: 'H' }, endUserIp: 5 }, ['/endUserIp']],
      ]; // prettier-ignore
      const wrong: string[] = [];
      for (const [label, body, pointers] of cases) {
        const r = await decide(body);
        const m = mismatch(label, r, 422, pointers);
        if (m) wrong.push(m);
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
        if (r.status < 300) id = (await signedCatalog()).id; // wrongly decided: go on with a fresh one
      }
      expect(wrong).toEqual([]);
      const [row] = await hub.db.query<{ n: number }>(
        'select count(*)::int as n from approvals where catalog_id = $1',
        [id],
      );
      expect(Number(row.n)).toBe(0);
      expect((await catalogBody(id)).status).toBe('AWAITING_APPROVAL');
    });

    it('approval on wrong states and scopes: AWAITING_SIGNATURE → 409, other municipality/unknown → 404, sas key → 403', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const body = { decision: 'APPROVE', approver: { name: 'Handläggare' } };
      const wrong: string[] = [];
      for (const [label, r, status] of [
        [
          'AWAITING_SIGNATURE',
          await req('POST', `/api/v1/catalogs/${c.id}/approval`, body, hub.keys.approver),
          409,
        ],
        [
          'unknown',
          await req(
            'POST',
            '/api/v1/catalogs/00000000-0000-4000-8000-000000000000/approval',
            body,
            hub.keys.approver,
          ),
          404,
        ],
        ['sas key', await req('POST', `/api/v1/catalogs/${c.id}/approval`, body, hub.keys.sas), 403],
        ['admin key', await req('POST', `/api/v1/catalogs/${c.id}/approval`, body, hub.keys.admin), 403],
        ['no key', await req('POST', `/api/v1/catalogs/${c.id}/approval`, body, null), 401],
      ] as const) {
        const m = mismatch(label, r, status);
        if (m) wrong.push(m);
      }
      expect(wrong).toEqual([]);
    });
  });

  // ================================================================== 2. BankID peer misbehaviour

  describe('BankID peer misbehaviour', () => {
    it.each([
      [503, 'maintenance'],
      [429, 'tooManyRequests'],
      [408, 'requestTimeout'],
      [504, 'http504'],
      [500, 'internalError'],
    ])(
      '/sign answers %i %s → 503 problem+json to the SAS, nothing pending, person released',
      async (status, code) => {
        const teacher = freshTeacher();
        const c = await newCatalog([teacher]);
        await sim.fault('sign', status, code);
        const r = await start(c.id, teacher);
        expect(mismatch('start', r, 503)).toBeNull();
        expect(String(r.body.detail)).toContain('bankid.');
        expect(scrub(r.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
        expect(await pendingFor(teacher)).toBe(0);
        expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
        const again = await start(c.id, teacher);
        expect(again.status).toBe(201);
        await req('DELETE', `/api/v1/signing-sessions/${again.body.sessionId}`);
      },
    );

    it('/sign answers 400 invalidParameters (permanent) → 502 problem+json, person released, next start works', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      await sim.fault('sign', 400, 'invalidParameters');
      const r = await start(c.id, teacher);
      expect(mismatch('start', r, 502)).toBeNull();
      expect(await pendingFor(teacher)).toBe(0);
      const again = await start(c.id, teacher);
      expect(again.status).toBe(201);
      await req('DELETE', `/api/v1/signing-sessions/${again.body.sessionId}`);
    });

    it('408/504/503 on /collect are retried; the signature still completes and is recorded once', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const s = await start(c.id, teacher);
      await sim.fault('collect', 408, 'requestTimeout');
      await sim.fault('collect', 504, 'http504');
      await sim.fault('collect', 503, 'maintenance');
      await sim.act(await orderRef(s.body.sessionId), 'sign');
      const done = await untilSession(s.body.sessionId, (v) => v.status !== 'PENDING', 40_000);
      expect(done.status).toBe('COMPLETE');
      await waitStatus(c.id, ['AWAITING_APPROVAL']);
      expect(await signaturesOf(c.id)).toBe(1);
    }, 60_000);

    it('a permanent /collect error ends the session with a clear status, cancels the BankID order, and the SAS can start again at once', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      await sim.fault('collect', 401, 'unauthorized', 1);
      const s = await start(c.id, teacher);
      const failed = await untilSession(s.body.sessionId, (v) => v.status !== 'PENDING');
      expect(failed.status).toBe('FAILED');
      expect(failed.hintCode).toBeTruthy();
      expect(failed.message.code).not.toBe('COMPLETE');
      expect(failed.qrData).toBeNull();
      expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
      // The hub gave up on the order: BankID must not keep it pending (it would block the person).
      const orderAtBankId = (await sim.order(await orderRef(s.body.sessionId))).status;
      const again = await start(c.id, teacher);
      if (again.status === 201) await req('DELETE', `/api/v1/signing-sessions/${again.body.sessionId}`);
      expect({ orderAtBankId, restart: again.status, detail: again.body?.detail }).toEqual({
        orderAtBankId: 'failed',
        restart: 201,
        detail: undefined,
      });
    });

    it('completion whose signature verification fails: AWAITING_SIGNATURE, nothing signed, clear status, no personal number in the timeline, SAS can sign again', async () => {
      const teacher = freshTeacher();
      const impostor = freshTeacher();
      const c = await newCatalog([teacher]);
      const s = await start(c.id, teacher);
      const ref = await orderRef(s.body.sessionId);
      expect((await sim.act(ref, 'sign', { personalNumber: impostor, ignoreRequirement: true })).status).toBe(
        200,
      );
      const failed = await untilSession(s.body.sessionId, (v) => v.status !== 'PENDING');
      expect(failed).toMatchObject({ status: 'FAILED', hintCode: 'verificationFailed', qrData: null });
      expect(failed.message.code).not.toBe('COMPLETE');
      expect(typeof failed.message.text).toBe('string');
      const body = await catalogBody(c.id);
      expect(body.status).toBe('AWAITING_SIGNATURE');
      expect(body.signers.every((x: any) => !x.signed)).toBe(true);
      expect(await signaturesOf(c.id)).toBe(0);
      expect(scrub(JSON.stringify(body.timeline))).not.toMatch(PERSONAL_NUMBER_LIKE);
      // Start again and sign properly.
      const again = await start(c.id, teacher);
      expect(again.status).toBe(201);
      await sim.act(await orderRef(again.body.sessionId), 'sign');
      await waitStatus(c.id, ['AWAITING_APPROVAL']);
      expect(await signaturesOf(c.id)).toBe(1);
    });

    it('bulk: a completion that fails verification signs none of the catalogs', async () => {
      const teacher = freshTeacher();
      const impostor = freshTeacher();
      const cs = await Promise.all([newCatalog([teacher]), newCatalog([teacher]), newCatalog([teacher])]);
      const s = await bulk({
        signerPersonalNumber: teacher,
        endUserIp: '192.0.2.10',
        catalogIds: cs.map((c) => c.id),
      });
      expect(s.status).toBe(201);
      await sim.act(await orderRef(s.body.sessionId), 'sign', {
        personalNumber: impostor,
        ignoreRequirement: true,
      });
      const failed = await untilSession(s.body.sessionId, (v) => v.status !== 'PENDING');
      expect(failed.hintCode).toBe('verificationFailed');
      for (const c of cs) {
        expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
        expect(await signaturesOf(c.id)).toBe(0);
      }
      expect(await pendingFor(teacher)).toBe(0);
    });
  });

  // ================================================================== 3. admin

  describe('admin endpoints', () => {
    it('every admin route: no key → 401, sas/approver → 403 (problem+json); admin → 2xx', async () => {
      const signed = await signedCatalog();
      const routes: [string, string][] = [
        ['GET', '/admin/catalogs/failed'],
        ['GET', '/admin/catalogs/stuck'],
        ['GET', `/admin/catalogs/${signed.id}/timeline`],
        ['POST', `/admin/catalogs/${signed.id}/retry`],
        ['POST', '/admin/catalogs/retry-failed'],
        ['GET', '/admin/connectors'],
        ['POST', '/admin/connectors/check'],
        ['POST', '/admin/reconcile'],
        ['GET', '/admin/audit/verify'],
        ['GET', '/admin/queues'],
        ['GET', '/admin/queues/api/queues'],
        ['GET', '/ADMIN/QUEUES/api/queues'],
        ['GET', '/admin/queues/'],
      ];
      const wrong: string[] = [];
      for (const [method, path] of routes) {
        for (const [label, key, status] of [
          ['none', null, 401],
          ['sas', hub.keys.sas, 403],
          ['approver', hub.keys.approver, 403],
          ['garbage', 'not-a-key', 401],
        ] as const) {
          const r = await req(method, path, method === 'POST' ? {} : undefined, key);
          const m = mismatch(`${method} ${path} ${label}`, r, status);
          if (m) wrong.push(m);
        }
      }
      expect(wrong).toEqual([]);
      // The admin key works, as Bearer and as the Basic password for the board.
      expect((await req('GET', '/admin/queues/api/queues', undefined, hub.keys.admin)).status).toBe(200);
      const basic = (user: string, pass: string) => ({
        authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`,
      });
      expect(
        (await req('GET', '/admin/queues/api/queues', undefined, null, basic('ops', hub.keys.admin))).status,
      ).toBe(200);
      expect(
        (await req('GET', '/admin/queues/api/queues', undefined, null, basic('ops', hub.keys.sas))).status,
      ).toBe(403);
      expect(
        (await req('GET', '/admin/queues/api/queues', undefined, null, basic(hub.keys.admin, ''))).status,
      ).toBe(401);
      expect(
        (await req('GET', '/admin/catalogs/failed', undefined, null, basic('ops', hub.keys.admin))).status,
      ).toBe(401);
    });

    it('retry: a non-FAILED catalog → clear 409; unknown → 404; non-UUID → 4xx problem+json (never 500); the catalog is untouched', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const signed = await signedCatalog();
      const wrong: string[] = [];
      for (const [label, path, status] of [
        ['AWAITING_SIGNATURE', `/admin/catalogs/${c.id}/retry`, 409],
        ['AWAITING_APPROVAL', `/admin/catalogs/${signed.id}/retry`, 409],
        ['unknown', '/admin/catalogs/00000000-0000-4000-8000-000000000000/retry', 404],
        ['unknown timeline', '/admin/catalogs/00000000-0000-4000-8000-000000000000/timeline', 404],
      ] as const) {
        const r = await req(
          path.endsWith('timeline') ? 'GET' : 'POST',
          path,
          path.endsWith('timeline') ? undefined : {},
          hub.keys.admin,
        );
        const m = mismatch(label, r, status);
        if (m) wrong.push(m);
        if (status === 409 && !/FAILED/.test(String(r.body?.detail)))
          wrong.push(`${label}: 409 detail does not say why: ${r.body?.detail}`);
      }
      for (const odd of ['not-a-uuid', '-'.repeat(36), '%00', "1'%20or%20'1'='1"]) {
        const r = await req('POST', `/admin/catalogs/${odd}/retry`, {}, hub.keys.admin);
        if (r.status < 400 || r.status >= 500 || !/^application\/problem\+json/.test(r.contentType))
          wrong.push(`retry ${odd} → ${r.status}`);
      }
      expect(wrong).toEqual([]);
      expect((await catalogBody(c.id)).status).toBe('AWAITING_SIGNATURE');
      expect((await catalogBody(signed.id)).status).toBe('AWAITING_APPROVAL');
      const types = (await catalogBody(c.id)).timeline.map((e: any) => e.type);
      expect(types).not.toContain('operator.retry');
    });
  });

  // ================================================================== 4. leaks

  describe('leaks of personal numbers and secrets', () => {
    it('webhook bodies (declined, withdrawn, rejected) and every timeline event carry no personal number', async () => {
      const teacher = freshTeacher();
      const declined = await newCatalog([teacher]);
      const s = await start(declined.id, teacher);
      expect(s.status).toBe(201);
      expect(
        (
          await req('POST', `/api/v1/catalogs/${declined.id}/decline`, {
            signerPersonalNumber: teacher,
            reason: 'Fel betyg för en elev.',
          })
        ).status,
      ).toBe(200);
      const withdrawn = await newCatalog([freshTeacher()]);
      expect(
        (await req('POST', `/api/v1/catalogs/${withdrawn.id}/withdraw`, { reason: 'Fel kurstillfälle' }))
          .status,
      ).toBe(200);
      const rejected = await signedCatalog();
      expect(
        (
          await req(
            'POST',
            `/api/v1/catalogs/${rejected.id}/approval`,
            {
              decision: 'REJECT',
              approver: { name: 'Handläggare', personalNumber: PRINCIPAL.personalNumber },
              comment: 'Prövning saknas.',
            },
            hub.keys.approver,
          )
        ).status,
      ).toBe(201);
      const hooks: Record<string, any> = {};
      const deadline = Date.now() + 20_000;
      for (const [id, type] of [
        [declined.id, 'catalog.declined'],
        [withdrawn.id, 'catalog.withdrawn'],
        [rejected.id, 'catalog.rejected'],
      ]) {
        for (;;) {
          const hit = receiver.received.find((r) => r.body.catalogId === id && r.body.type === type);
          if (hit) {
            hooks[type] = hit.body;
            break;
          }
          if (Date.now() > deadline) throw new Error(`no ${type} webhook`);
          await sleep(100);
        }
      }
      const leaks: string[] = [];
      for (const [type, body] of Object.entries(hooks))
        if (PERSONAL_NUMBER_LIKE.test(scrub(JSON.stringify(body))))
          leaks.push(`webhook ${type}: ${JSON.stringify(body)}`);
      for (const id of [declined.id, withdrawn.id, rejected.id]) {
        const body = await catalogBody(id);
        for (const e of body.timeline)
          if (PERSONAL_NUMBER_LIKE.test(scrub(JSON.stringify(e.data ?? {}))))
            leaks.push(`event ${e.type}: ${JSON.stringify(e.data)}`);
        const admin = await req('GET', `/admin/catalogs/${id}/timeline`, undefined, hub.keys.admin);
        expect(admin.status).toBe(200);
        const events = (admin.body.events ?? admin.body.timeline ?? []) as any[];
        for (const e of events)
          if (PERSONAL_NUMBER_LIKE.test(scrub(JSON.stringify(e.data ?? {}))))
            leaks.push(`admin event ${e.type}: ${JSON.stringify(e.data)}`);
      }
      expect(leaks).toEqual([]);
    }, 90_000);

    it('qrStartSecret is never returned by any response (start, bulk, GET/DELETE session, catalog, admin timeline, queue board)', async () => {
      const teacher = freshTeacher();
      const [a, b] = [await newCatalog([teacher]), await newCatalog([teacher])];
      const single = await start(a.id, teacher);
      await req('GET', `/api/v1/signing-sessions/${single.body.sessionId}`);
      await req('GET', `/api/v1/catalogs/${a.id}`);
      await req('GET', `/admin/catalogs/${a.id}/timeline`, undefined, hub.keys.admin);
      await req(
        'GET',
        '/admin/queues/api/queues?activeQueue=signing&status=delayed',
        undefined,
        hub.keys.admin,
      );
      await req('DELETE', `/api/v1/signing-sessions/${single.body.sessionId}`);
      const many = await bulk({
        signerPersonalNumber: teacher,
        endUserIp: '192.0.2.10',
        catalogIds: [a.id, b.id],
      });
      await req('GET', `/api/v1/signing-sessions/${many.body.sessionId}`);
      await req('GET', `/api/v1/catalogs?limit=50`);
      await req('DELETE', `/api/v1/signing-sessions/${many.body.sessionId}`);
      const secrets = (
        await hub.db.query<{ s: string }>(
          "select qr_start_secret as s from signing_sessions where qr_start_secret <> ''",
        )
      ).map((r) => r.s);
      expect(secrets.length).toBeGreaterThan(1);
      const leaked = secrets.filter((secret) => seenTexts.some((t) => t.includes(secret)));
      expect(leaked).toEqual([]);
      for (const t of seenTexts) expect(t).not.toMatch(/qrStartSecret/i);
    });

    it('problem details of signing refusals never echo personal numbers', async () => {
      const teacher = freshTeacher();
      const c = await newCatalog([teacher]);
      const s = await start(c.id, teacher);
      const texts = [
        (await start((await newCatalog([teacher])).id, teacher)).text, // 409 busy
        (await start(c.id, STUDENTS[1].personalNumber)).text, // 422 not a signer
        (
          await req('POST', `/api/v1/catalogs/${c.id}/decline`, {
            signerPersonalNumber: STUDENTS[1].personalNumber,
            reason: 'x',
          })
        ).text,
        (
          await bulk({
            signerPersonalNumber: STUDENTS[1].personalNumber,
            endUserIp: '192.0.2.10',
            catalogIds: [c.id],
          })
        ).text,
        (await req('GET', `/api/v1/signing-sessions/${teacher}`)).text,
        (await req('POST', `/api/v1/catalogs/${teacher}/signing-sessions`, { endUserIp: '192.0.2.10' })).text,
        (await req('POST', `/admin/catalogs/${teacher}/retry`, {}, hub.keys.admin)).text,
      ];
      await req('DELETE', `/api/v1/signing-sessions/${s.body.sessionId}`);
      const leaks = texts.filter((t) => PERSONAL_NUMBER_LIKE.test(scrub(t)));
      expect(leaks).toEqual([]);
    });
  });
});
