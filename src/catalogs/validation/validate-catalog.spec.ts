import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ValidationIssue } from '../catalog.types';
import {
  gradeScaleFor,
  normalizePersonalNumber,
  validateCatalogSubmission,
  type ValidationResult,
} from './validate-catalog';

const SHARED_DATA = path.resolve(__dirname, '../../../../shared/data');
const readJson = <T>(relative: string): T =>
  JSON.parse(readFileSync(path.join(SHARED_DATA, relative), 'utf8')) as T;

const testPersonnummer = readJson<string[]>('testpersonnummer/testpersonnummer.json');
const testSamordningsnummer = readJson<string[]>('testpersonnummer/testsamordningsnummer.json');

/** Fixed "now" so centuries and future-date checks do not drift. */
const NOW = new Date('2026-03-15T10:00:00Z');
const NOW_YEAR = 2026;

/** 12 digits → `YYMMDD-NNNC`, or `YYMMDD+NNNC` for people who turn 100 or more in NOW_YEAR. */
function tenDigitForm(twelveDigits: string): string {
  const separator = NOW_YEAR - Number(twelveDigits.slice(0, 4)) >= 100 ? '+' : '-';
  return `${twelveDigits.slice(2, 8)}${separator}${twelveDigits.slice(8)}`;
}

function withWrongCheckDigit(number: string, offset = 1): string {
  const check = (Number(number.slice(-1)) + offset) % 10;
  return number.slice(0, -1) + check;
}

/** Appends the Luhn check digit to 11 digits `YYYYMMDDNNN` (computed over the 10-digit form). */
function withCheckDigit(elevenDigits: string): string {
  const digits = elevenDigits.slice(2);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let value = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (value > 9) value -= 9;
    sum += value;
  }
  return elevenDigits + ((10 - (sum % 10)) % 10);
}

function errorsOf(result: ValidationResult): ValidationIssue[] {
  if (result.ok) throw new Error(`expected errors, got a valid catalog`);
  return result.errors;
}

function briefErrors(result: ValidationResult): Array<[string, string]> {
  return errorsOf(result).map((issue) => [issue.pointer, issue.code]);
}

describe('normalizePersonalNumber', () => {
  it('accepts every Skatteverket test personnummer as itself (12 digits)', () => {
    const failures = testPersonnummer.filter((number) => {
      const result = normalizePersonalNumber(number, NOW);
      return !(result.ok && result.value === number && !result.coordinationNumber);
    });
    expect(testPersonnummer.length).toBe(41129);
    expect(failures).toEqual([]);
  });

  it('accepts every Skatteverket test samordningsnummer as itself, incl. month 00 and day 60', () => {
    const failures = testSamordningsnummer.filter((number) => {
      const result = normalizePersonalNumber(number, NOW);
      return !(result.ok && result.value === number && result.coordinationNumber);
    });
    expect(testSamordningsnummer.length).toBe(2264);
    expect(testSamordningsnummer.some((number) => number.slice(4, 6) === '00')).toBe(true);
    expect(testSamordningsnummer.some((number) => number.slice(6, 8) === '60')).toBe(true);
    expect(failures).toEqual([]);
  });

  it('normalises the 10-digit forms with - or + (by the reference date) to the 12-digit number', () => {
    const all = [...testPersonnummer, ...testSamordningsnummer];
    const failures = all.filter((number) => {
      const result = normalizePersonalNumber(tenDigitForm(number), NOW);
      return !(result.ok && result.value === number);
    });
    expect(all.filter((number) => tenDigitForm(number).includes('+')).length).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
  });

  it('also accepts 12 digits with a separator and 10 digits without one', () => {
    expect(normalizePersonalNumber('19900101-2385', NOW)).toEqual({
      ok: true,
      value: '199001012385',
      coordinationNumber: false,
    });
    expect(normalizePersonalNumber('9001012385', NOW)).toEqual({
      ok: true,
      value: '199001012385',
      coordinationNumber: false,
    });
    expect(normalizePersonalNumber(' 900101-2385 ', NOW)).toEqual({
      ok: true,
      value: '199001012385',
      coordinationNumber: false,
    });
  });

  it('takes the century of a 10-digit number from the reference date', () => {
    // Born 1926: '-' until 2025, '+' from 2026, the year they turn 100.
    const born1926 = testPersonnummer.find((number) => number.startsWith('1926'))!;
    const short = born1926.slice(2, 8) + '-' + born1926.slice(8);
    const long = born1926.slice(2, 8) + '+' + born1926.slice(8);
    expect(normalizePersonalNumber(short, new Date('2025-12-31T12:00:00Z'))).toMatchObject({
      ok: true,
      value: born1926,
    });
    expect(normalizePersonalNumber(long, new Date('2026-01-01T12:00:00Z'))).toMatchObject({
      ok: true,
      value: born1926,
    });
    expect(normalizePersonalNumber(short, new Date('2026-12-31T12:00:00Z'))).toMatchObject({
      ok: true,
      value: '20' + born1926.slice(2),
    });
    // A 12-digit number written with '+' must belong to someone aged 100 or more.
    expect(normalizePersonalNumber(born1926.slice(0, 8) + '+' + born1926.slice(8), NOW)).toMatchObject({
      ok: true,
    });
    expect(normalizePersonalNumber('19900101+2385', NOW)).toMatchObject({ ok: false });
  });

  it('rejects every test number with a changed check digit (12- and 10-digit forms)', () => {
    const all = [...testPersonnummer, ...testSamordningsnummer];
    const accepted = all.filter(
      (number) =>
        normalizePersonalNumber(withWrongCheckDigit(number), NOW).ok ||
        normalizePersonalNumber(tenDigitForm(withWrongCheckDigit(number)), NOW).ok,
    );
    expect(accepted).toEqual([]);
    // Every other wrong digit too, on a sample.
    for (const number of [...testPersonnummer.slice(0, 100), ...testSamordningsnummer.slice(0, 100)]) {
      for (let offset = 1; offset <= 9; offset++) {
        expect(normalizePersonalNumber(withWrongCheckDigit(number, offset), NOW).ok).toBe(false);
      }
    }
  });

  it.each([
    ['month 13', withCheckDigit('19901301238')],
    ['month 00 in a personnummer', withCheckDigit('19900001238')],
    ['day 00 in a personnummer', withCheckDigit('19900100238')],
    ['day 32', withCheckDigit('19900132238')],
    ['day 59 (neither kind)', withCheckDigit('19900159238')],
    ['day 92 (samordningsnummer day 32)', withCheckDigit('19900192238')],
    ['29 February in a common year', withCheckDigit('20010229238')],
    ['31 April', withCheckDigit('19900431238')],
    ['birth number 000', withCheckDigit('19900101000')],
    ['birth date in the future', withCheckDigit('20260316238')],
    ['birth year before 1800', withCheckDigit('17900101238')],
    ['too short', '900101-238'],
    ['too long', '1990010123851'],
    ['letters', '19900101-ABCD'],
    ['interim number', '900101-T385'],
    ['other separator', '900101/2385'],
    ['empty', ''],
  ])('rejects %s', (_label, input) => {
    const result = normalizePersonalNumber(input, NOW);
    expect(result.ok).toBe(false);
    // Reasons go into error responses: they must never contain the number or parts of it.
    if (!result.ok) expect(result.reason).not.toMatch(/\d{3}/);
  });

  it.each([
    ['29 February in a leap year', withCheckDigit('20000229238'), false],
    ['samordningsnummer with unknown month and day', withCheckDigit('19900060238'), true],
    ['samordningsnummer with unknown day', withCheckDigit('19900460238'), true],
    ['samordningsnummer 29+60 February in a leap year', withCheckDigit('20000289238'), true],
    // Skatteverket issues test samordningsnummer with impossible dates, e.g. 193309912388 (31 September).
    ['samordningsnummer 31+60 April', withCheckDigit('19900491238'), true],
    ['born today', withCheckDigit('20260315238'), false],
  ])('accepts %s', (_label, input, coordinationNumber) => {
    expect(normalizePersonalNumber(input, NOW)).toEqual({ ok: true, value: input, coordinationNumber });
  });
});

describe('gradeScaleFor', () => {
  it('uses A–F and - for courses, subject levels and komvuxarbete, G/IG for orientation courses', () => {
    expect(gradeScaleFor('COURSE')).toEqual(['A', 'B', 'C', 'D', 'E', 'F', '-']);
    expect(gradeScaleFor('SUBJECT_LEVEL')).toEqual(['A', 'B', 'C', 'D', 'E', 'F', '-']);
    expect(gradeScaleFor('KOMVUX_THESIS')).toEqual(['A', 'B', 'C', 'D', 'E', 'F', '-']);
    expect(gradeScaleFor('ORIENTATION')).toEqual(['G', 'IG']);
  });
});

// Test numbers from Skatteverket's list only.
const TEACHER_LEGITIMATED = '198001022386';
const TEACHER_UNLEGITIMATED = '198001022394';
const PRINCIPAL = '198001032385';
const STUDENT_A = '199001012385';
const STUDENT_B = '199004162393';
const STUDENT_C_COORDINATION = '199900882391'; // month 00, day 88
const STUDENT_D = '200001022383';

interface EntryBody {
  student: { personalNumber: string; givenName: string; familyName: string; securityMarking?: string };
  grade: string;
  gradeDate: string;
  examination?: boolean | null;
  previousGrade?: string;
  specialization?: string;
  thesis?: { title: string; summary: string };
}

function validBody() {
  const entries: EntryBody[] = [
    {
      student: { personalNumber: '9001012385', givenName: ' Anna ', familyName: 'Andersson' },
      grade: 'C',
      gradeDate: '2026-03-10',
    },
    {
      student: {
        personalNumber: '900416-2393',
        givenName: 'Bo',
        familyName: 'Berg',
        securityMarking: 'Skyddad folkbokföring',
      },
      grade: '-',
      gradeDate: '2026-03-10',
      examination: true,
    },
    {
      student: {
        personalNumber: '990088-2391',
        givenName: 'Cia',
        familyName: 'Ceder',
        securityMarking: 'Ingen',
      },
      grade: 'F',
      gradeDate: '2026-03-16', // tomorrow is tolerated
      examination: null,
    },
  ];
  return {
    externalId: ' sas-2026-0042 ',
    municipalityCode: '2281',
    schoolUnit: { code: '12345678', name: 'Komvux Sundsvall' },
    organizer: { name: 'Sundsvalls kommun', organisationNumber: '212000-2411' },
    provider: { name: 'Utbildningsbolaget AB', organisationNumber: '5560000001' },
    course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUX' },
    gradingTeachers: [
      { personalNumber: '800102-2386', name: 'Lena Lärare', legitimated: true },
      { personalNumber: '19800102-2394', name: 'Olle Obehörig', legitimated: false },
    ],
    principal: null,
    entries,
  };
}

describe('validateCatalogSubmission', () => {
  it('accepts a valid submission and returns it normalised', () => {
    const result = validateCatalogSubmission(validBody(), { now: NOW });
    expect(result).toEqual({
      ok: true,
      warnings: [],
      catalog: {
        externalId: 'sas-2026-0042',
        municipalityCode: '2281',
        schoolUnit: { code: '12345678', name: 'Komvux Sundsvall' },
        organizer: { name: 'Sundsvalls kommun', organisationNumber: '2120002411' },
        provider: { name: 'Utbildningsbolaget AB', organisationNumber: '5560000001' },
        course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUX' },
        gradingTeachers: [
          { personalNumber: TEACHER_LEGITIMATED, name: 'Lena Lärare', legitimated: true },
          { personalNumber: TEACHER_UNLEGITIMATED, name: 'Olle Obehörig', legitimated: false },
        ],
        entries: [
          {
            student: { personalNumber: STUDENT_A, givenName: 'Anna', familyName: 'Andersson' },
            grade: 'C',
            gradeDate: '2026-03-10',
          },
          {
            student: {
              personalNumber: STUDENT_B,
              givenName: 'Bo',
              familyName: 'Berg',
              securityMarking: 'Skyddad folkbokföring',
            },
            grade: '-',
            gradeDate: '2026-03-10',
            examination: true,
          },
          {
            student: {
              personalNumber: STUDENT_C_COORDINATION,
              givenName: 'Cia',
              familyName: 'Ceder',
              securityMarking: 'Ingen',
            },
            grade: 'F',
            gradeDate: '2026-03-16',
          },
        ],
      },
    });
    // null optionals are dropped, not kept as undefined keys.
    if (result.ok) {
      expect(Object.keys(result.catalog)).not.toContain('principal');
      expect(Object.keys(result.catalog.entries[2])).not.toContain('examination');
    }
  });

  it('reports every error of a bad submission with pointer and code, without personal numbers in details', () => {
    const body = {
      externalId: 'x'.repeat(201),
      municipalityCode: '228',
      schoolUnit: { code: '1234567', name: 'Komvux' },
      organizer: { name: 'Sundsvalls kommun', organisationNumber: '212000-2412' },
      provider: { name: '  ', organisationNumber: '5560000001', phone: '060-19 10 00' },
      course: {
        kind: 'SUBJECT_LEVEL',
        code: 'MATMAT01a',
        name: 'Matematik 1a',
        points: 0,
        schoolForm: 'VUX',
      },
      gradingTeachers: [
        { personalNumber: withWrongCheckDigit(TEACHER_LEGITIMATED), name: 'Olle', legitimated: false },
      ],
      corrects: {
        catalogId: '3f1c2b9a-8d4e-4c1a-9b2f-6a7e5d4c3b21',
        type: 'ANDRING',
        reason: 'Fel betyg registrerades',
      },
      entries: [
        {
          student: { personalNumber: STUDENT_A, givenName: 'Anna', familyName: 'A' },
          grade: 'C',
          previousGrade: 'B',
          gradeDate: '2026-03-10',
        },
        {
          student: { personalNumber: tenDigitForm(STUDENT_A), givenName: 'Anna', familyName: 'A' },
          grade: 'G',
          gradeDate: '2026-03-10',
        },
        {
          student: { personalNumber: withWrongCheckDigit(STUDENT_B), givenName: 'Bo', familyName: 'B' },
          grade: 'A',
          previousGrade: 'A',
          gradeDate: '2026-02-30',
        },
        {
          student: {
            personalNumber: STUDENT_C_COORDINATION,
            givenName: 'Cia',
            familyName: 'C',
            securityMarking: 'Hemlig',
          },
          grade: 'A',
          previousGrade: 'E',
          gradeDate: '2026-03-17',
          examination: 'yes',
          thesis: { title: 'T', summary: 'S' },
        },
        {
          student: { personalNumber: STUDENT_D, familyName: 'D' },
          previousGrade: 'E',
          gradeDate: '2026-03-10',
          note: 'hej',
        },
      ],
      signature: 'typo-field',
    };
    const result = validateCatalogSubmission(body, { now: NOW });
    expect(briefErrors(result)).toEqual([
      ['/course/code', 'course_kind_mismatch'],
      ['/course/points', 'invalid_number'],
      ['/entries/0/grade', 'grade_lowered'],
      ['/entries/1/grade', 'invalid_grade'],
      ['/entries/1/previousGrade', 'required'],
      ['/entries/1/student/personalNumber', 'duplicate_personal_number'],
      ['/entries/2/gradeDate', 'invalid_date'],
      ['/entries/2/student/personalNumber', 'invalid_personal_number'],
      ['/entries/3/examination', 'invalid_type'],
      ['/entries/3/gradeDate', 'future_date'],
      ['/entries/3/student/securityMarking', 'invalid_value'],
      ['/entries/3/thesis', 'not_allowed'],
      ['/entries/4/grade', 'required'],
      ['/entries/4/note', 'unknown_field'],
      ['/entries/4/student/givenName', 'required'],
      ['/externalId', 'too_long'],
      ['/gradingTeachers', 'no_legitimated_teacher'],
      ['/gradingTeachers/0/personalNumber', 'invalid_personal_number'],
      ['/municipalityCode', 'invalid_municipality_code'],
      ['/organizer/organisationNumber', 'invalid_organisation_number'],
      ['/provider/name', 'required'],
      ['/provider/phone', 'unknown_field'],
      ['/schoolUnit/code', 'invalid_school_unit_code'],
      ['/signature', 'unknown_field'],
    ]);
    for (const issue of errorsOf(result)) {
      expect(issue.detail.length).toBeGreaterThan(5);
      expect(issue.detail).not.toMatch(/\d{6}/);
    }
  });

  it('rejects bodies that are not objects', () => {
    expect(briefErrors(validateCatalogSubmission(null, { now: NOW }))).toEqual([['', 'invalid_type']]);
    expect(briefErrors(validateCatalogSubmission([], { now: NOW }))).toEqual([['', 'invalid_type']]);
  });

  it('needs at least one entry and at most 500', () => {
    const empty = { ...validBody(), entries: [] };
    expect(briefErrors(validateCatalogSubmission(empty, { now: NOW }))).toEqual([['/entries', 'too_few']]);
    const base = validBody().entries[0];
    const tooMany = {
      ...validBody(),
      entries: Array.from({ length: 501 }, () => base),
    };
    expect(briefErrors(validateCatalogSubmission(tooMany, { now: NOW }))).toContainEqual([
      '/entries',
      'too_many',
    ]);
  });

  it('escapes pointers per RFC 6901', () => {
    const body = { ...validBody(), 'a/b~c': 1 };
    expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
      ['/a~1b~0c', 'unknown_field'],
    ]);
  });

  it('reports duplicate grading teachers', () => {
    const body = validBody();
    body.gradingTeachers[1].personalNumber = tenDigitForm(TEACHER_LEGITIMATED);
    expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
      ['/gradingTeachers/1/personalNumber', 'duplicate_personal_number'],
    ]);
  });

  describe('komvuxarbete', () => {
    function thesisBody(summary: string) {
      return {
        ...validBody(),
        course: {
          kind: 'KOMVUX_THESIS',
          code: 'KVARNT',
          name: 'Komvuxarbete',
          points: 100,
          schoolForm: 'VUX',
        },
        principal: { personalNumber: PRINCIPAL, name: 'Rut Rektor' },
        entries: [
          {
            student: { personalNumber: STUDENT_A, givenName: 'Anna', familyName: 'Andersson' },
            grade: 'B',
            gradeDate: '2026-03-10',
            thesis: { title: 'Älvens laxar', summary },
          },
        ],
      };
    }

    it('accepts a summary of 240 characters (counted as characters, å included)', () => {
      const summary = 'å'.repeat(240);
      const result = validateCatalogSubmission(thesisBody(summary), { now: NOW });
      expect(result).toMatchObject({ ok: true, warnings: [] });
      if (result.ok) {
        expect(result.catalog.entries[0].thesis).toEqual({ title: 'Älvens laxar', summary });
        expect(result.catalog.principal).toEqual({ personalNumber: PRINCIPAL, name: 'Rut Rektor' });
      }
    });

    it('rejects a summary of 241 characters', () => {
      const result = validateCatalogSubmission(thesisBody('å'.repeat(241)), { now: NOW });
      expect(briefErrors(result)).toEqual([['/entries/0/thesis/summary', 'too_long']]);
    });

    it('requires the principal and a thesis on every entry', () => {
      const body = { ...thesisBody('Sammanfattning'), principal: undefined };
      (body.entries as EntryBody[]).push({
        ...body.entries[0],
        student: { ...body.entries[0].student, personalNumber: STUDENT_B },
        thesis: undefined,
      });
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/entries/1/thesis', 'required'],
        ['/principal', 'required'],
      ]);
    });

    it('requires a KVAR code', () => {
      const body = thesisBody('Sammanfattning');
      body.course.code = 'MATMAT01a';
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/course/code', 'course_kind_mismatch'],
      ]);
    });
  });

  describe('course codes', () => {
    function withCourse(course: Record<string, unknown>) {
      return { ...validBody(), course: { ...validBody().course, ...course } };
    }

    it('accepts an unknown code of plausible shape with a warning', () => {
      const result = validateCatalogSubmission(
        withCourse({ code: 'MATMAT09', name: 'Matematik 9', points: 100 }),
        { now: NOW },
      );
      expect(result).toMatchObject({
        ok: true,
        warnings: [{ pointer: '/course/code', code: 'unknown_course_code' }],
      });
      const grn = validateCatalogSubmission(
        withCourse({ code: 'GRNENGA', name: 'Engelska A', schoolForm: 'VUX' }),
        { now: NOW },
      );
      expect(grn).toMatchObject({
        ok: true,
        warnings: [{ pointer: '/course/code', code: 'unknown_course_code' }],
      });
    });

    it('rejects an implausible code', () => {
      const result = validateCatalogSubmission(withCourse({ code: 'MATH-101' }), { now: NOW });
      expect(briefErrors(result)).toEqual([['/course/code', 'invalid_course_code']]);
    });

    it('warns when name or points disagree with the reference list', () => {
      const result = validateCatalogSubmission(withCourse({ name: 'Matte 1a', points: 150 }), { now: NOW });
      expect(result).toMatchObject({
        ok: true,
        warnings: [
          { pointer: '/course/name', code: 'course_name_mismatch' },
          { pointer: '/course/points', code: 'points_mismatch' },
        ],
      });
    });

    it('accepts every Gy25 level of komvux-core-courses.csv as SUBJECT_LEVEL, and rejects them as COURSE', () => {
      const rows = readFileSync(path.join(SHARED_DATA, 'courses/komvux-core-courses.csv'), 'utf8')
        .split(/\r?\n/)
        .slice(1)
        .map((line) => line.split(','))
        .filter((cells) => cells.length >= 6 && cells[4] !== '');
      expect(rows).toHaveLength(66);
      for (const [, , , , code, name] of rows) {
        const body = withCourse({ kind: 'SUBJECT_LEVEL', code, name, points: undefined });
        expect({ code, result: validateCatalogSubmission(body, { now: NOW }) }).toMatchObject({
          code,
          result: { ok: true, warnings: [] },
        });
        const asCourse = validateCatalogSubmission(withCourse({ kind: 'COURSE', code, name }), { now: NOW });
        expect(briefErrors(asCourse)).toEqual([['/course/code', 'course_kind_mismatch']]);
      }
    });

    it('requires a specialisation on every entry of an S course', () => {
      const body = withCourse({ code: 'PEDAKI00S', name: 'Pedagogik – specialisering', points: undefined });
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/entries/0/specialization', 'required'],
        ['/entries/1/specialization', 'required'],
        ['/entries/2/specialization', 'required'],
      ]);
      body.entries = body.entries.map((entry) => ({ ...entry, specialization: 'Vuxnas lärande' }));
      expect(validateCatalogSubmission(body, { now: NOW })).toMatchObject({ ok: true });
    });
  });

  describe('grades', () => {
    it('allows only G or IG on orientation courses', () => {
      const body = {
        ...validBody(),
        course: { kind: 'ORIENTATION', code: 'DASDAO0', name: 'Dansorientering', schoolForm: 'VUX' },
      };
      body.entries[0].grade = 'G';
      body.entries[1].grade = 'IG';
      body.entries[2].grade = '-';
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/entries/2/grade', 'invalid_grade'],
      ]);
      body.entries[2].grade = 'A';
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/entries/2/grade', 'invalid_grade'],
      ]);
      body.entries[2].grade = 'G';
      expect(validateCatalogSubmission(body, { now: NOW })).toMatchObject({ ok: true });
    });

    function correction(type: 'ANDRING' | 'RATTELSE', previousGrade: string, grade: string) {
      const body = {
        ...validBody(),
        corrects: { catalogId: '3f1c2b9a-8d4e-4c1a-9b2f-6a7e5d4c3b21', type, reason: 'Fel betyg' },
      };
      body.entries = [{ ...body.entries[0], previousGrade, grade }];
      return validateCatalogSubmission(body, { now: NOW });
    }

    it('lets an ändring raise or keep a grade but never lower it', () => {
      expect(correction('ANDRING', 'E', 'C')).toMatchObject({ ok: true });
      expect(correction('ANDRING', '-', 'F')).toMatchObject({ ok: true });
      expect(correction('ANDRING', 'F', 'E')).toMatchObject({ ok: true });
      expect(correction('ANDRING', 'C', 'C')).toMatchObject({ ok: true });
      expect(briefErrors(correction('ANDRING', 'C', 'D'))).toEqual([['/entries/0/grade', 'grade_lowered']]);
      expect(briefErrors(correction('ANDRING', 'E', '-'))).toEqual([['/entries/0/grade', 'grade_lowered']]);
    });

    it('lets a rättelse lower a grade', () => {
      expect(correction('RATTELSE', 'C', 'D')).toMatchObject({ ok: true });
    });

    it('rejects previousGrade outside a correction and grades outside the scale', () => {
      const body = validBody();
      body.entries[0] = { ...body.entries[0], previousGrade: 'B' };
      expect(briefErrors(validateCatalogSubmission(body, { now: NOW }))).toEqual([
        ['/entries/0/previousGrade', 'not_allowed'],
      ]);
      expect(briefErrors(correction('RATTELSE', 'X', 'D'))).toEqual([
        ['/entries/0/previousGrade', 'invalid_grade'],
      ]);
      expect(briefErrors(correction('RATTELSE', 'C', 'c'))).toEqual([['/entries/0/grade', 'invalid_grade']]);
    });
  });
});
