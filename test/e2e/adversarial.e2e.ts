/**
 * Adversarial tests: hostile or sloppy input against the public contract (DESIGN.md §4).
 *
 * Every bad input must get a clear 4xx application/problem+json naming the field with a JSON
 * pointer, never a 500, never a half-stored catalog, and never an echoed personal number.
 * Some of these tests assert behaviour the hub does not have yet (see /tmp/adversarial-report.md):
 * they are the specification for the fix, not a description of the current code.
 *
 * Personal numbers: only Skatteverket's test numbers (test/support/fixtures.ts).
 */
import { signAs } from '../../src/demo/sas-driver';
import { SECOND_TEACHER, STUDENTS, TEACHER, validSubmission } from '../support/fixtures';
import { startTestHub, TestHub, waitForStatus } from '../support/test-hub';

interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: { pointer: string; code: string; detail: string }[];
}

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** 10 or 12 digits in a row, or YYMMDD-NNNN: what a leaked personal number looks like. */
const PERSONAL_NUMBER_LIKE = /\d{10,12}|\d{6,8}[-+]\d{4}/;

function entry(
  personalNumber: string,
  extra: Record<string, unknown> = {},
  student: Record<string, unknown> = {},
) {
  return {
    student: { personalNumber, givenName: 'Ebba', familyName: 'Öberg', ...student },
    grade: 'C',
    gradeDate: '2026-11-20',
    ...extra,
  };
}

describe('adversarial input (PostgreSQL + Redis + BankID simulator)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub('adversarial');
  });
  afterAll(async () => {
    await hub?.stop();
  });

  async function raw(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
    key: string | null = hub.keys.sas,
  ): Promise<RawResponse> {
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
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }

  const submit = (body: unknown, headers: Record<string, string> = {}) =>
    raw('POST', '/api/v1/catalogs', typeof body === 'string' ? body : JSON.stringify(body), headers);

  /**
   * What an ingest writes. Workers keep processing earlier catalogs in the background (events,
   * outbox rows), so "nothing stored" is: no new catalog, entry or signer, and no event or outbox
   * row that belongs to no catalog.
   */
  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of ['catalogs', 'catalog_entries', 'signers']) {
      const [row] = await hub.db.query<{ n: number }>(`select count(*)::int as n from ${table}`);
      counts[table] = Number(row.n);
    }
    const [orphanEvents] = await hub.db.query<{ n: number }>(
      'select count(*)::int as n from catalog_events where catalog_id not in (select id from catalogs)',
    );
    counts.orphanEvents = Number(orphanEvents.n);
    const [orphanOutbox] = await hub.db.query<{ n: number }>(
      "select count(*)::int as n from outbox where payload ? 'catalogId' and (payload->>'catalogId')::uuid not in (select id from catalogs)",
    );
    counts.orphanOutbox = Number(orphanOutbox.n);
    return counts;
  }

  /** The response text without UUIDs (request ids, catalog ids), for the personal-number check. */
  function withoutUuids(text: string): string {
    return text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>');
  }

  /** A 4xx problem+json whose errors are exactly these "pointer code" pairs; nothing stored; no personal number echoed. */
  async function expectRejected(
    response: RawResponse,
    status: number,
    expected: string[] | null,
    before: Record<string, number>,
  ) {
    expect({ status: response.status, body: response.body }).toMatchObject({ status });
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = response.body as ProblemBody;
    expect(problem.status).toBe(status);
    if (expected)
      expect((problem.errors ?? []).map((e) => `${e.pointer} ${e.code}`).sort()).toEqual(
        [...expected].sort(),
      );
    expect(JSON.stringify({ detail: problem.detail, errors: problem.errors })).not.toMatch(
      PERSONAL_NUMBER_LIKE,
    );
    expect(await rowCounts()).toEqual(before);
  }

  /** Collects "label → status pointer code" for responses that are not the expected 422 with exactly these errors. */
  async function expectAll422(cases: [string, () => Promise<RawResponse>, string[]][]) {
    const before = await rowCounts();
    const wrong: string[] = [];
    for (const [label, send, expected] of cases) {
      const response = await send();
      const found = ((response.body as ProblemBody)?.errors ?? [])
        .map((e) => `${e.pointer} ${e.code}`)
        .sort();
      if (response.status !== 422 || found.join() !== [...expected].sort().join())
        wrong.push(`${label} → ${response.status} ${found.join()}`);
    }
    expect(wrong).toEqual([]);
    expect(await rowCounts()).toEqual(before);
  }

  /** Accepted (201) or rejected with exactly this pointer: either is a fix; a 500 is not. */
  async function expectAcceptedOrPointer(
    response: RawResponse,
    pointer: string,
    before: Record<string, number>,
  ) {
    expect(response.status).not.toBeGreaterThanOrEqual(500);
    if (response.status === 201) return;
    expect(response.status).toBe(422);
    expect((response.body as ProblemBody).errors?.map((e) => e.pointer)).toEqual([pointer]);
    expect(await rowCounts()).toEqual(before);
  }

  // ------------------------------------------------------------------ POST /catalogs: body shape

  describe('POST /api/v1/catalogs body shape', () => {
    it('answers JSON that is not an object (null, number, string) with a 4xx naming the root, not "not valid JSON"', async () => {
      const before = await rowCounts();
      for (const body of ['null', '42', '"catalog"', 'true']) {
        const response = await submit(body);
        expect(response.status).toBe(422);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        // It *is* valid JSON: the answer must say the root has the wrong type.
        expect((response.body as ProblemBody).errors).toEqual([
          expect.objectContaining({ pointer: '', code: 'invalid_type' }),
        ]);
      }
      expect(await rowCounts()).toEqual(before);
    });

    it('answers a non-JSON content type with 415, not a 422 "Field is required" at the root', async () => {
      const before = await rowCounts();
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const response = await raw('POST', '/api/v1/catalogs', JSON.stringify(validSubmission()), {
          'content-type': contentType,
        });
        expect(response.status).toBe(415);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      expect(await rowCounts()).toEqual(before);
    });

    it('answers an empty body and malformed JSON with problem+json', async () => {
      const before = await rowCounts();
      const empty = await submit('');
      expect(empty.status).toBe(422);
      expect((empty.body as ProblemBody).errors!.map((e) => e.pointer)).toEqual(
        expect.arrayContaining(['/externalId', '/entries', '/course', '/gradingTeachers']),
      );
      const malformed = await submit('{"externalId": "x",');
      expect(malformed.status).toBe(400);
      expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await rowCounts()).toEqual(before);
    });

    it('reports nulls and wrong types at every field with its pointer', async () => {
      const before = await rowCounts();
      const nulls = await submit({
        externalId: null,
        municipalityCode: null,
        schoolUnit: null,
        organizer: null,
        course: null,
        gradingTeachers: null,
        entries: null,
      });
      await expectRejected(
        nulls,
        422,
        [
          '/course invalid_type',
          '/entries invalid_type',
          '/externalId invalid_type',
          '/gradingTeachers invalid_type',
          '/municipalityCode invalid_type',
          '/organizer invalid_type',
          '/schoolUnit invalid_type',
        ],
        before,
      );

      const wrong = await submit(
        validSubmission({
          externalId: 5,
          municipalityCode: 2281,
          course: { kind: 'COURSE', code: 1, name: [], points: '100', schoolForm: {} },
          gradingTeachers: {},
          entries: 'x',
        }),
      );
      await expectRejected(
        wrong,
        422,
        [
          '/course/code invalid_type',
          '/course/name invalid_type',
          '/course/points invalid_type',
          '/course/schoolForm invalid_type',
          '/entries invalid_type',
          '/externalId invalid_type',
          '/gradingTeachers invalid_type',
          '/municipalityCode invalid_type',
        ],
        before,
      );

      const inEntry = await submit(
        validSubmission({
          entries: [
            {
              student: { personalNumber: 199001032391, givenName: 'E', familyName: 'Ö' },
              grade: 'C',
              gradeDate: '2026-11-20',
              examination: 'true',
            },
          ],
          gradingTeachers: [{ ...TEACHER, legitimated: 'yes' }],
        }),
      );
      await expectRejected(
        inEntry,
        422,
        [
          '/entries/0/examination invalid_type',
          '/entries/0/student/personalNumber invalid_type',
          '/gradingTeachers/0/legitimated invalid_type',
        ],
        before,
      );
    });

    it('rejects prototype-pollution keys as unknown fields and pollutes nothing', async () => {
      const before = await rowCounts();
      const top = await submit(
        `{"__proto__":{"polluted":true},${JSON.stringify(validSubmission()).slice(1)}`,
      );
      await expectRejected(top, 422, ['/__proto__ unknown_field'], before);
      const nested = await submit(
        JSON.stringify(validSubmission()).replace('"givenName"', '"__proto__":{"isAdmin":true},"givenName"'),
      );
      await expectRejected(nested, 422, ['/entries/0/student/__proto__ unknown_field'], before);
      const ctor = await submit(validSubmission({ constructor: { prototype: { polluted: true } } }));
      await expectRejected(ctor, 422, ['/constructor unknown_field'], before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    });

    it('survives deeply nested JSON (no stack overflow, no 500)', async () => {
      const before = await rowCounts();
      let deep = '1';
      for (let i = 0; i < 50_000; i++) deep = `[${deep}]`;
      const response = await submit(`{"x":${deep}}`);
      expect([400, 413, 422]).toContain(response.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await rowCounts()).toEqual(before);
      // The hub still answers.
      expect((await raw('GET', '/health/live')).status).toBe(200);
    });

    it('answers a body over 5 MB with 413 and huge strings with too_long', async () => {
      const before = await rowCounts();
      const tooBig = await submit(JSON.stringify(validSubmission({ pad: 'x'.repeat(5.5 * 1024 * 1024) })));
      expect(tooBig.status).toBe(413);
      expect(tooBig.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const hugeId = await submit(validSubmission({ externalId: 'x'.repeat(4 * 1024 * 1024) }));
      await expectRejected(hugeId, 422, ['/externalId too_long'], before);
      const hugeName = await submit(
        validSubmission({ schoolUnit: { code: '21822811', name: 'x'.repeat(100_000) } }),
      );
      await expectRejected(hugeName, 422, ['/schoolUnit/name too_long'], before);
    });

    it('enforces 1..500 entries and 1..20 teachers', async () => {
      const before = await rowCounts();
      await expectRejected(await submit(validSubmission({ entries: [] })), 422, ['/entries too_few'], before);
      await expectRejected(
        await submit(validSubmission({ gradingTeachers: [] })),
        422,
        ['/gradingTeachers too_few'],
        before,
      );
      const students = STUDENTS.map((s) => s.personalNumber);
      const many = Array.from({ length: 501 }, (_, i) => entry(students[i % students.length]));
      const response = await submit(validSubmission({ entries: many }));
      expect(response.status).toBe(422);
      expect((response.body as ProblemBody).errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ pointer: '/entries', code: 'too_many' })]),
      );
      expect(await rowCounts()).toEqual(before);
    });
  });

  // ------------------------------------------------------------------ text and unicode

  describe('unicode oddities', () => {
    it('rejects NUL characters in any text field with 422 naming the field (PostgreSQL cannot store them)', async () => {
      await expectAll422([
        [
          'NUL in externalId',
          () => submit(validSubmission({ externalId: 'ext\u0000-1' })),
          ['/externalId invalid_characters'],
        ],
        [
          'NUL in givenName',
          () =>
            submit(
              validSubmission({
                entries: [entry(STUDENTS[0].personalNumber, {}, { givenName: 'Eb\u0000ba' })],
              }),
            ),
          ['/entries/0/student/givenName invalid_characters'],
        ],
        [
          'NUL in schoolUnit.name',
          () => submit(validSubmission({ schoolUnit: { code: '21822811', name: 'Komvux\u0000' } })),
          ['/schoolUnit/name invalid_characters'],
        ],
      ]);
    });

    it('rejects lone UTF-16 surrogates (not Unicode text) with 422 naming the field', async () => {
      await expectAll422([
        [
          'lone high surrogate in schoolUnit.name',
          () =>
            submit(
              JSON.stringify(
                validSubmission({ schoolUnit: { code: '21822811', name: 'Komvux LONE' } }),
              ).replace('LONE', '\\ud800'),
            ),
          ['/schoolUnit/name invalid_characters'],
        ],
        [
          'lone low surrogate in familyName',
          () =>
            submit(
              JSON.stringify(
                validSubmission({ entries: [entry(STUDENTS[0].personalNumber, {}, { familyName: 'LONE' })] }),
              ).replace('LONE', '\\udc00berg'),
            ),
          ['/entries/0/student/familyName invalid_characters'],
        ],
      ]);
    });

    it('rejects bidi override / control characters in names (spoofing in the signed PDF)', async () => {
      await expectAll422([
        [
          'RLO in givenName',
          () =>
            submit(
              validSubmission({
                entries: [entry(STUDENTS[0].personalNumber, {}, { givenName: '\u202eabbE' })],
              }),
            ),
          ['/entries/0/student/givenName invalid_characters'],
        ],
        [
          'BEL in familyName',
          () =>
            submit(
              validSubmission({
                entries: [entry(STUDENTS[0].personalNumber, {}, { familyName: 'Öberg\u0007' })],
              }),
            ),
          ['/entries/0/student/familyName invalid_characters'],
        ],
      ]);
    });

    it('accepts combining characters and NFD course codes, storing NFC', async () => {
      const response = await submit(
        validSubmission({
          course: {
            kind: 'COURSE',
            code: 'MA\u0308KMA\u0308K01',
            name: 'Människans språk 1',
            points: 100,
            schoolForm: 'VUX',
          },
          entries: [entry(STUDENTS[0].personalNumber, {}, { familyName: 'O\u0308berg' })],
        }),
      );
      expect(response.status).toBe(201);
      expect(response.body.courseCode).toBe('MÄKMÄK01');
      const [row] = await hub.db.query<{ course_code: string }>(
        'select course_code from catalogs where id = $1',
        [response.body.id],
      );
      expect(row.course_code).toBe('MÄKMÄK01');
      const [student] = await hub.db.query<{ family_name: string }>(
        'select family_name from catalog_entries where catalog_id = $1',
        [response.body.id],
      );
      expect(student.family_name).toBe('Öberg');
    });

    it('accepts securityMarking "Skyddad folkbokföring" written in NFD (normalise before the enum check)', async () => {
      const response = await submit(
        validSubmission({
          entries: [
            entry(STUDENTS[0].personalNumber, {}, { securityMarking: 'Skyddad folkbokfo\u0308ring' }),
          ],
        }),
      );
      expect(response.status).toBe(201);
      const [row] = await hub.db.query<{ security_marking: string }>(
        'select security_marking from catalog_entries where catalog_id = $1',
        [response.body.id],
      );
      expect(row.security_marking).toBe('Skyddad folkbokföring');
    });

    it('stores or rejects (with a pointer) a 150-character student name: never a 500 from varchar(100)', async () => {
      const before = await rowCounts();
      const response = await submit(
        validSubmission({ entries: [entry(STUDENTS[0].personalNumber, {}, { givenName: 'A'.repeat(150) })] }),
      );
      await expectAcceptedOrPointer(response, '/entries/0/student/givenName', before);
    });
  });

  // ------------------------------------------------------------------ numbers, dates, personal numbers

  describe('numbers, dates and personal numbers', () => {
    it('rejects points given as strings, fractions, zero and absurd sizes', async () => {
      const course = (points: unknown) => ({
        kind: 'COURSE',
        code: 'MATMAT01a',
        name: 'Matematik 1a',
        points,
        schoolForm: 'VUX',
      });
      await expectAll422([
        ['"100"', () => submit(validSubmission({ course: course('100') })), ['/course/points invalid_type']],
        ['1.5', () => submit(validSubmission({ course: course(1.5) })), ['/course/points invalid_number']],
        ['0', () => submit(validSubmission({ course: course(0) })), ['/course/points invalid_number']],
        // No komvux course has more than a few hundred points; 1e300 must not reach the PDF and the archive.
        [
          '1e300',
          () => submit(validSubmission({ course: course(1e300) })),
          ['/course/points invalid_number'],
        ],
        [
          '2^31',
          () => submit(validSubmission({ course: course(2 ** 31) })),
          ['/course/points invalid_number'],
        ],
      ]);
    });

    it('rejects impossible, malformed and future grade dates', async () => {
      const before = await rowCounts();
      for (const [date, code] of [
        ['2026-13-01', 'invalid_date'],
        ['2026-02-29', 'invalid_date'],
        ['2026-1-01', 'invalid_date'],
        ['2026-11-20T00:00:00Z', 'invalid_date'],
        ['0000-01-01', 'invalid_date'],
        ['9999-12-31', 'future_date'],
        ['2028-02-29', 'future_date'],
      ]) {
        await expectRejected(
          await submit(
            validSubmission({ entries: [entry(STUDENTS[0].personalNumber, { gradeDate: date })] }),
          ),
          422,
          [`/entries/0/gradeDate ${code}`],
          before,
        );
      }
    });

    it('rejects a grade date before the student was born', async () => {
      const before = await rowCounts();
      // STUDENTS[0] was born 1990-01-03.
      const response = await submit(
        validSubmission({ entries: [entry(STUDENTS[0].personalNumber, { gradeDate: '1900-01-01' })] }),
      );
      await expectRejected(response, 422, ['/entries/0/gradeDate invalid_date'], before);
    });

    it('accepts every documented personal-number form and stores 12 digits', async () => {
      const forms = ['199001032391', '9001032391', '900103-2391', '19900103-2391', ' 199001032391 '];
      for (const form of forms) {
        const response = await submit(validSubmission({ entries: [entry(form)] }));
        expect({ form, status: response.status }).toEqual({ form, status: 201 });
        const [row] = await hub.db.query<{ student_personal_number: string }>(
          'select student_personal_number from catalog_entries where catalog_id = $1',
          [response.body.id],
        );
        expect(row.student_personal_number).toBe('199001032391');
      }
    });

    it('reads "+" in a 10-digit number as 100 years older and rejects "+" in a 12-digit number of someone under 100', async () => {
      // Skatteverket test numbers 189001019802 (born 1890) and samordningsnummer 191401682396.
      const plus = await submit(validSubmission({ entries: [entry('900101+9802'), entry('140168+2396')] }));
      expect(plus.status).toBe(201);
      const rows = await hub.db.query<{ student_personal_number: string }>(
        'select student_personal_number from catalog_entries where catalog_id = $1 order by position',
        [plus.body.id],
      );
      expect(rows.map((r) => r.student_personal_number)).toEqual(['189001019802', '191401682396']);
      const before = await rowCounts();
      const wrongPlus = await submit(validSubmission({ entries: [entry('19900103+2391')] }));
      await expectRejected(
        wrongPlus,
        422,
        ['/entries/0/student/personalNumber invalid_personal_number'],
        before,
      );
    });

    it('accepts samordningsnummer, including unknown month 00 and unknown day 60', async () => {
      const response = await submit(
        validSubmission({ entries: [entry('198000602394'), entry('19150072-2390'), entry('191711602399')] }),
      );
      expect(response.status).toBe(201);
    });

    it('rejects malformed personal numbers without echoing them', async () => {
      const before = await rowCounts();
      for (const bad of [
        '199001032392',
        '1990-01-03-2391',
        '19900103 2391',
        '１９９００１０３２３９１',
        '000000000000',
        '',
        'x',
      ]) {
        const response = await submit(validSubmission({ entries: [entry(bad)] }));
        await expectRejected(response, 422, null, before);
        const errors = (response.body as ProblemBody).errors!;
        expect(errors.map((e) => e.pointer)).toEqual(['/entries/0/student/personalNumber']);
        expect(JSON.stringify(response.body)).not.toContain('2391');
      }
    });

    it('reports duplicate students even when written in different forms', async () => {
      const before = await rowCounts();
      const response = await submit(
        validSubmission({ entries: [entry('199001032391'), entry('900103-2391')] }),
      );
      await expectRejected(
        response,
        422,
        ['/entries/1/student/personalNumber duplicate_personal_number'],
        before,
      );
    });
  });

  // ------------------------------------------------------------------ idempotency

  describe('idempotency', () => {
    it('accepts an externalId of the maximum length (200) without an Idempotency-Key header', async () => {
      const response = await submit(validSubmission({ externalId: `e${Date.now()}`.padEnd(200, 'e') }));
      expect(response.status).toBe(201);
    });

    it('names the Idempotency-Key header when it is too long (not pointer "" on the body)', async () => {
      const before = await rowCounts();
      const response = await submit(validSubmission(), { 'idempotency-key': 'k'.repeat(201) });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((response.body as ProblemBody).errors).toEqual([expect.objectContaining({ code: 'too_long' })]);
      expect((response.body as ProblemBody).errors![0].pointer).not.toBe('');
      expect(await rowCounts()).toEqual(before);
    });

    it('treats a whitespace-only Idempotency-Key like none and a latin-1 key like any other', async () => {
      const body = validSubmission();
      const a = await submit(body, { 'idempotency-key': '   ' });
      const b = await submit(body);
      expect([a.status, b.status]).toEqual([201, 200]);
      expect(b.body.id).toBe(a.body.id);
      const other = validSubmission();
      const c = await submit(other, { 'idempotency-key': 'nyckel-\xe5\xe4\xf6' });
      const d = await submit(other, { 'idempotency-key': 'nyckel-\xe5\xe4\xf6' });
      expect([c.status, d.status]).toEqual([201, 200]);
      expect(d.body.id).toBe(c.body.id);
    });

    it('yields exactly one catalog for 25 concurrent identical submissions (one 201, the rest 200, no 500)', async () => {
      const body = validSubmission();
      const responses = await Promise.all(Array.from({ length: 25 }, () => submit(body)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(24);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      const [row] = await hub.db.query<{ n: number }>(
        'select count(*)::int as n from catalogs where external_id = $1',
        [body.externalId],
      );
      expect(row.n).toBe(1);
      const [entries] = await hub.db.query<{ n: number }>(
        'select count(*)::int as n from catalog_entries e join catalogs c on c.id = e.catalog_id where c.external_id = $1',
        [body.externalId],
      );
      expect(entries.n).toBe((body.entries as unknown[]).length);
    });

    it('concurrent submissions with the same key and different bodies: one 201, the rest 409, no 500', async () => {
      const base = validSubmission();
      const bodies = Array.from({ length: 10 }, (_, i) => ({
        ...base,
        entries: [entry(STUDENTS[0].personalNumber, { grade: 'ABCDE'[i % 5] })],
      }));
      const responses = await Promise.all(
        bodies.map((b) => submit(b, { 'idempotency-key': `race-${base.externalId}` })),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 200 || s === 409)).toBe(true);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      const [row] = await hub.db.query<{ n: number }>(
        'select count(*)::int as n from catalogs where external_id = $1',
        [base.externalId],
      );
      expect(row.n).toBe(1);
    });
  });

  // ------------------------------------------------------------------ cross-field rules

  describe('cross-field rules', () => {
    it('rejects a correction that points at no catalog of this client', async () => {
      const before = await rowCounts();
      const response = await submit(
        validSubmission({
          corrects: {
            catalogId: '00000000-0000-4000-8000-000000000000',
            type: 'RATTELSE',
            reason: 'Fel betyg',
          },
          entries: [entry(STUDENTS[0].personalNumber, { previousGrade: 'D' })],
        }),
      );
      await expectRejected(response, 422, ['/corrects/catalogId not_found'], before);
    });

    it('rejects a grading teacher who is also a student of the same catalog', async () => {
      const before = await rowCounts();
      const response = await submit(validSubmission({ entries: [entry(TEACHER.personalNumber)] }));
      await expectRejected(response, 422, ['/entries/0/student/personalNumber teacher_is_student'], before);
    });
  });

  // ------------------------------------------------------------------ GET /catalogs

  describe('GET /api/v1/catalogs query parameters', () => {
    async function badQueryMismatch(query: string, pointer: string): Promise<string | null> {
      const response = await raw('GET', `/api/v1/catalogs${query}`);
      const pointers = (response.body as ProblemBody).errors?.map((e) => e.pointer) ?? [];
      const ok =
        response.status === 400 &&
        /^application\/problem\+json/.test(response.headers.get('content-type') ?? '') &&
        pointers.includes(pointer);
      return ok ? null : `${query} → ${response.status} ${pointers.join()}`;
    }
    async function expectBadQueries(cases: string[][]) {
      const wrong: string[] = [];
      for (const [query, pointer] of cases) {
        const mismatch = await badQueryMismatch(query, pointer);
        if (mismatch) wrong.push(mismatch);
      }
      expect(wrong).toEqual([]);
    }

    it('rejects garbage limit, status, cursor and updatedAfter with pointers', async () => {
      await expectBadQueries([
        ['?limit=abc', '/limit'],
        ['?limit=0', '/limit'],
        ['?limit=501', '/limit'],
        ['?limit=', '/limit'],
        ['?limit=1&limit=2', '/limit'],
        ['?status=received', '/status'],
        ['?status=RECEIVED&status=FAILED', '/status'],
        ['?cursor=garbage', '/cursor'],
        ['?cursor=', '/cursor'],
        [`?cursor=${Buffer.from('{"a":1}').toString('base64url')}`, '/cursor'],
        ['?updatedAfter=garbage', '/updatedAfter'],
        ['?updatedAfter=2026-13-01', '/updatedAfter'],
        ['?schoolUnitCode=21822811&schoolUnitCode=x', '/schoolUnitCode'],
      ]);
    });

    it('rejects lenient number and date forms: limit=1e2/0x10, updatedAfter=2026-02-30 or "1"', async () => {
      await expectBadQueries([
        ['?limit=1e2', '/limit'],
        ['?limit=0x10', '/limit'],
        ['?updatedAfter=2026-02-30', '/updatedAfter'],
        ['?updatedAfter=1', '/updatedAfter'],
        ['?updatedAfter=-271821-04-20T00:00:00Z', '/updatedAfter'],
      ]);
    });

    it('rejects unknown and bracketed query parameters instead of silently ignoring the filter', async () => {
      await expectBadQueries([
        ['?stauts=FAILED', '/stauts'],
        ['?status[]=RECEIVED', '/status[]'],
        ['?__proto__=x', '/__proto__'],
      ]);
    });
  });

  // ------------------------------------------------------------------ ids in paths

  describe('odd ids in paths', () => {
    it('answers 404 (never 500) for ids that are not UUIDs, including 36 dashes, on every catalog route', async () => {
      const odd = [
        '-'.repeat(36),
        '00000000-0000-0000-0000-00000000000-',
        'abcdefab-cdef-abcd-efab-cdefabcdefa-',
        'not-a-uuid',
        '%00',
        "1'%20or%20'1'='1",
        'x'.repeat(2000),
      ];
      const wrong: string[] = [];
      for (const id of odd) {
        const answers = {
          get: await raw('GET', `/api/v1/catalogs/${id}`),
          document: await raw('GET', `/api/v1/catalogs/${id}/document`),
          sign: await raw(
            'POST',
            `/api/v1/catalogs/${id}/signing-sessions`,
            JSON.stringify({ endUserIp: '192.0.2.10' }),
          ),
          approval: await raw(
            'POST',
            `/api/v1/catalogs/${id}/approval`,
            JSON.stringify({ decision: 'APPROVE', approver: { name: 'Handläggare' } }),
            {},
            hub.keys.approver,
          ),
        };
        for (const [route, response] of Object.entries(answers)) {
          if (response.status !== 404) wrong.push(`${route} ${id.slice(0, 40)} → ${response.status}`);
        }
      }
      expect(wrong).toEqual([]);
    });

    it('does not echo a personal number put in the path back in the problem', async () => {
      const response = await raw('GET', `/api/v1/catalogs/${STUDENTS[0].personalNumber}`);
      expect(response.status).toBe(404);
      expect(response.text).not.toContain(STUDENTS[0].personalNumber);
    });
  });

  // ------------------------------------------------------------------ auth

  describe('Authorization header oddities', () => {
    it('answers 401 problem+json for malformed schemes and keys', async () => {
      for (const header of [
        'Bearer',
        'Bearer ',
        `Basic ${hub.keys.sas}`,
        hub.keys.sas,
        `Bearer ${hub.keys.sas} extra`,
        `Token ${hub.keys.sas}`,
        'Bearer \u00e5\u00e4\u00f6',
      ]) {
        const response = await raw('GET', '/api/v1/catalogs', undefined, { authorization: header }, null);
        expect({ header, status: response.status }).toEqual({ header, status: 401 });
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      // Case-insensitive scheme is fine (RFC 9110).
      expect(
        (await raw('GET', '/api/v1/catalogs', undefined, { authorization: `bearer ${hub.keys.sas}` }, null))
          .status,
      ).toBe(200);
    });
  });

  // ------------------------------------------------------------------ signing and approval bodies

  describe('signing-session and approval bodies', () => {
    let catalogId: string;

    beforeAll(async () => {
      const submitted = await hub.sas.call<{ id: string }>(
        'POST',
        '/api/v1/catalogs',
        validSubmission({
          gradingTeachers: [
            { ...TEACHER, legitimated: true },
            { ...SECOND_TEACHER, legitimated: false },
          ],
        }),
      );
      catalogId = submitted.body.id;
      await waitForStatus(hub.sas, catalogId, ['AWAITING_SIGNATURE']);
    });

    // A wrongly accepted session would block the next signing of the same teacher: cancel leftovers.
    afterEach(async () => {
      const sessions = await hub.db.query<{ id: string }>(
        "select id from signing_sessions where status = 'PENDING'",
      );
      for (const { id } of sessions) await raw('DELETE', `/api/v1/signing-sessions/${id}`);
    });

    const start = (body: unknown) =>
      raw(
        'POST',
        `/api/v1/catalogs/${catalogId}/signing-sessions`,
        typeof body === 'string' ? body : JSON.stringify(body),
      );

    it('rejects bad endUserIp values with /endUserIp', async () => {
      const wrong: string[] = [];
      for (const endUserIp of [
        5,
        '',
        'garbage',
        '999.1.1.1',
        '1.2.3.4 5',
        `fe80::1%${'a'.repeat(100)}`,
        'fe80::1%eth0',
      ]) {
        const response = await start({ endUserIp, signerPersonalNumber: TEACHER.personalNumber });
        const pointers = (response.body as ProblemBody).errors?.map((e) => e.pointer) ?? [];
        if (response.status !== 422 || pointers.join() !== '/endUserIp')
          wrong.push(`${String(endUserIp).slice(0, 30)} → ${response.status} ${pointers.join()}`);
      }
      expect(wrong).toEqual([]);
      const [row] = await hub.db.query<{ n: number }>(
        "select count(*)::int as n from signing_sessions where status = 'PENDING'",
      );
      expect(row.n).toBe(0);
    });

    it('rejects a signer who is not a required signer, without echoing the number', async () => {
      const response = await start({
        endUserIp: '192.0.2.10',
        signerPersonalNumber: STUDENTS[0].personalNumber,
      });
      expect(response.status).toBe(422);
      expect((response.body as ProblemBody).errors).toEqual([
        expect.objectContaining({ pointer: '/signerPersonalNumber', code: 'not_a_signer' }),
      ]);
      expect(withoutUuids(response.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
    });

    it('rejects a signerPersonalNumber with a wrong check digit as invalid_personal_number (not as not_a_signer)', async () => {
      const response = await start({ endUserIp: '192.0.2.10', signerPersonalNumber: '197801022399' });
      expect(response.status).toBe(422);
      expect((response.body as ProblemBody).errors).toEqual([
        expect.objectContaining({ pointer: '/signerPersonalNumber', code: 'invalid_personal_number' }),
      ]);
    });

    it('accepts a 10-digit signerPersonalNumber and IPv4-mapped IPv6 endUserIp (contract: 10 or 12 digits)', async () => {
      const response = await start({ endUserIp: '::ffff:192.0.2.10', signerPersonalNumber: '810102-2385' });
      expect(response.status).toBe(201);
      await raw('DELETE', `/api/v1/signing-sessions/${response.body.sessionId}`);
    });

    it('rejects non-object bodies and unknown fields with 422', async () => {
      for (const body of [
        '[]',
        '{}',
        JSON.stringify({
          endUserIp: '192.0.2.10',
          signerPersonalNumber: TEACHER.personalNumber,
          colour: 'blue',
        }),
      ]) {
        const response = await start(body);
        expect(response.status).toBe(422);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
    });

    it('approval: rejects bad bodies with pointers, and an over-long or NUL approver name is a 422, never a 500', async () => {
      // Bring a fresh catalog to AWAITING_APPROVAL.
      const submitted = await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', validSubmission());
      const id = submitted.body.id;
      await waitForStatus(hub.sas, id, ['AWAITING_SIGNATURE']);
      const session = await signAs(hub.sas, id, TEACHER.personalNumber, 100);
      expect(session.status).toBe('COMPLETE');
      await waitForStatus(hub.sas, id, ['AWAITING_APPROVAL']);
      const decide = (body: unknown) =>
        raw('POST', `/api/v1/catalogs/${id}/approval`, JSON.stringify(body), {}, hub.keys.approver);

      const cases: [unknown, string[]][] = [
        [{}, ['/approver', '/decision']],
        [{ decision: 'approve', approver: { name: 'H' } }, ['/decision']],
        [{ decision: 'APPROVE', approver: 'H' }, ['/approver']],
        [{ decision: 'APPROVE', approver: { name: '  ' } }, ['/approver/name']],
        [
          { decision: 'APPROVE', approver: { name: 'H', personalNumber: '197801022399' } },
          ['/approver/personalNumber'],
        ],
        [
          { decision: 'APPROVE', approver: { name: 'H', personalNumber: TEACHER.personalNumber } },
          ['/approver/personalNumber'],
        ],
        [{ decision: 'REJECT', approver: { name: 'H' }, comment: '   ' }, ['/comment']],
        [{ decision: 'APPROVE', approver: { name: 'H' }, comment: 5 }, ['/comment']],
        [{ decision: 'APPROVE', approver: { name: 'H'.repeat(300) } }, ['/approver/name']],
        [{ decision: 'APPROVE', approver: { name: 'Hand\u0000läggare' } }, ['/approver/name']],
        [{ decision: 'APPROVE', approver: { name: 'H' }, comment: 'ok\u0000' }, ['/comment']],
        [{ decision: 'APPROVE', approver: { name: 'H' }, colour: 'blue' }, ['/colour']],
      ];
      const wrong: string[] = [];
      for (const [body, pointers] of cases) {
        const response = await decide(body);
        const found = (response.body as ProblemBody).errors?.map((e) => e.pointer).sort() ?? [];
        if (response.status !== 422 || found.join() !== pointers.join()) {
          wrong.push(`${JSON.stringify(body).slice(0, 80)} → ${response.status} ${found.join()}`);
        }
        expect(withoutUuids(response.text)).not.toMatch(PERSONAL_NUMBER_LIKE);
      }
      expect(wrong).toEqual([]);
      const [row] = await hub.db.query<{ n: number; status: string }>(
        'select count(*)::int as n from approvals where catalog_id = $1',
        [id],
      );
      expect(row.n).toBe(0);
      const [catalog] = await hub.db.query<{ status: string }>('select status from catalogs where id = $1', [
        id,
      ]);
      expect(catalog.status).toBe('AWAITING_APPROVAL');
    });
  });
});
