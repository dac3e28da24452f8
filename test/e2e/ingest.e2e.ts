import { createHash, randomBytes } from 'node:crypto';
import { clientConfig } from '../../src/demo/demo-environment';
import { HubApi } from '../../src/demo/sas-driver';
import { validSubmission } from '../support/fixtures';
import { startTestHub, TestHub } from '../support/test-hub';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; code: string; detail: string }[];
}

async function raw(
  hub: TestHub,
  method: string,
  path: string,
  key: string | undefined,
  body?: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

const TABLES = ['catalogs', 'catalog_entries', 'signers', 'catalog_events', 'outbox', 'catalog_documents'];

describe('catalog ingest over REST (PostgreSQL)', () => {
  let hub: TestHub;
  const otherSasKey = `other-${randomBytes(12).toString('hex')}`;

  beforeAll(async () => {
    hub = await startTestHub('ingest', {
      extraApiClients: [clientConfig('other-sas', otherSasKey, ['sas'])],
    });
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of TABLES) {
      const [row] = await hub.db.query<{ n: string }>(`select count(*)::int as n from ${table}`);
      counts[table] = Number(row.n);
    }
    return counts;
  }

  it('rejects an invalid catalog with 422 listing every error, and stores nothing', async () => {
    const before = await rowCounts();
    const body = validSubmission({
      municipalityCode: '22811',
      schoolUnit: { code: '1234', name: 'Komvux' },
      course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUX' },
      gradingTeachers: [{ personalNumber: '197801022399', name: 'Karin Lindberg', legitimated: true }],
      entries: [
        {
          student: { personalNumber: '199001032391', givenName: 'Ebba', familyName: 'Öberg' },
          grade: 'G',
          gradeDate: '2026-02-30',
        },
        {
          student: { personalNumber: '19900103-2392', givenName: 'Ali', familyName: 'Ahmadi' },
          grade: 'A',
          gradeDate: '2026-11-20',
        },
      ],
      colour: 'blue',
    });
    const response = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(body));
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = response.body as Problem;
    expect(problem.status).toBe(422);
    const found = problem.errors!.map((e) => `${e.pointer} ${e.code}`).sort();
    expect(found).toEqual(
      [
        '/colour unknown_field',
        '/entries/0/grade invalid_grade',
        '/entries/0/gradeDate invalid_date',
        '/entries/1/student/personalNumber invalid_personal_number',
        '/gradingTeachers/0/personalNumber invalid_personal_number',
        '/municipalityCode invalid_municipality_code',
        '/schoolUnit/code invalid_school_unit_code',
      ].sort(),
    );
    // The error text never repeats a personal number.
    expect(JSON.stringify(problem)).not.toMatch(/\d{10,12}/);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers malformed JSON and a non-object body with problem+json, not a crash', async () => {
    const malformed = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, '{"externalId": ');
    expect(malformed.status).toBe(400);
    expect((malformed.body as Problem).detail).toBe('The request body is not valid JSON.');
    const array = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, '[1,2]');
    expect(array.status).toBe(422);
  });

  it('is idempotent: same key and body → 200 with the same catalog; same key, other body → 409', async () => {
    const body = validSubmission();
    const first = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(body));
    expect(first.status).toBe(201);
    expect(first.headers.get('location')).toBe(`/api/v1/catalogs/${first.body.id}`);

    // Same body with keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const replay = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(reordered));
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(first.body.id);

    const changed = { ...body, entries: [{ ...(body.entries as object[])[0], grade: 'B' }] };
    const conflict = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(changed));
    expect(conflict.status).toBe(409);

    const [row] = await hub.db.query<{ n: number }>(
      'select count(*)::int as n from catalogs where external_id = $1',
      [body.externalId],
    );
    expect(row.n).toBe(1);

    // An explicit Idempotency-Key header scopes replays independently of externalId.
    const keyed = validSubmission();
    const a = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(keyed), {
      'idempotency-key': 'k-1',
    });
    const b = await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.sas, JSON.stringify(keyed), {
      'idempotency-key': 'k-1',
    });
    expect([a.status, b.status]).toEqual([201, 200]);
    expect(b.body.id).toBe(a.body.id);
  });

  it('normalises personal numbers to 12 digits in the stored catalog', async () => {
    const { body } = await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission());
    const rows = await hub.db.query<{ student_personal_number: string }>(
      'select student_personal_number from catalog_entries e join catalogs c on c.id = e.catalog_id where c.id = $1 order by position',
      [body.id],
    );
    expect(rows.map((r) => r.student_personal_number)).toEqual([
      '199001032391',
      '198501022381',
      '200001012384',
    ]);
  });

  it('authenticates by API key hash and enforces roles and scope', async () => {
    expect((await raw(hub, 'POST', '/api/v1/catalogs', undefined, '{}')).status).toBe(401);
    expect((await raw(hub, 'POST', '/api/v1/catalogs', 'not-a-key', '{}')).status).toBe(401);
    // The approver may not submit; the SAS may not approve.
    expect(
      (await raw(hub, 'POST', '/api/v1/catalogs', hub.keys.approver, JSON.stringify(validSubmission())))
        .status,
    ).toBe(403);
    const { body } = await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission());
    expect((await raw(hub, 'POST', `/api/v1/catalogs/${body.id}/approval`, hub.keys.sas, '{}')).status).toBe(
      403,
    );
    // Out of the client's municipality: 403 naming the field.
    const foreign = await raw(
      hub,
      'POST',
      '/api/v1/catalogs',
      hub.keys.sas,
      JSON.stringify(validSubmission({ municipalityCode: '0180' })),
    );
    expect(foreign.status).toBe(403);
    expect((foreign.body as Problem).errors).toEqual([
      expect.objectContaining({ pointer: '/municipalityCode', code: 'out_of_scope' }),
    ]);
    // Every response carries a request id, echoed when given.
    const echoed = await raw(hub, 'GET', `/api/v1/catalogs/${body.id}`, hub.keys.sas, undefined, {
      'x-request-id': 'req-42',
    });
    expect(echoed.headers.get('x-request-id')).toBe('req-42');
  });

  it("lists catalogs with filters and a cursor, and hides other clients' catalogs (404)", async () => {
    const sas = hub.sas;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push((await sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission())).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await sas.call(
        'GET',
        `/api/v1/catalogs?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(ids));

    const bad = await raw(hub, 'GET', '/api/v1/catalogs?status=DONE&limit=0', hub.keys.sas);
    expect(bad.status).toBe(400);
    expect((bad.body as Problem).errors!.map((e) => e.pointer).sort()).toEqual(['/limit', '/status']);

    // A second SAS client in the same municipality sees none of them.
    const other = new HubApi(hub.url, otherSasKey);
    await expect(other.call('GET', `/api/v1/catalogs/${ids[0]}`)).rejects.toMatchObject({ status: 404 });
    expect((await other.call<{ items: unknown[] }>('GET', '/api/v1/catalogs')).body.items).toEqual([]);
    expect((await raw(hub, 'GET', '/api/v1/catalogs/not-a-uuid', hub.keys.sas)).status).toBe(404);
    expect(
      (
        await raw(
          hub,
          'GET',
          `/api/v1/catalogs/${createHash('md5')
            .update('x')
            .digest('hex')
            .replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-')}`,
          hub.keys.sas,
        )
      ).status,
    ).toBe(404);
  });
});
