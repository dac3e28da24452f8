import { z } from 'zod';
import { hasUnsafeCharacters } from '../../core/http/request-input';
import {
  CORRECTION_TYPES,
  COURSE_KINDS,
  SECURITY_MARKINGS,
  type CatalogData,
  type CourseKind,
  type ValidationIssue,
} from '../catalog.types';
import { courseCodeShape, isSpecialisationCode, lookupCourse } from '../reference-data/course-codes';

/**
 * Validation of a catalog submission (DESIGN.md §4, DOMAIN.md "The catalog").
 *
 * Two passes so that every problem is reported at once: zod checks shape and single fields
 * (types, lengths, personal numbers, dates, …), and a defensive pass over the raw body checks the
 * rules that span fields (grade scale per course kind, signers, duplicates, corrections). The second
 * pass only looks at values of the right type, so a field is never reported twice.
 * Details never echo field values: personal numbers must stay out of error responses and logs.
 */

export type ValidationResult =
  { ok: true; catalog: CatalogData; warnings: ValidationIssue[] } | { ok: false; errors: ValidationIssue[] };

export interface ValidationOptions {
  /** "Now" for future-date checks and the century of 10-digit personal numbers; default new Date(). */
  now?: Date;
}

export type PersonalNumberResult =
  { ok: true; value: string; coordinationNumber: boolean } | { ok: false; reason: string };

export const MAX_ENTRIES = 500;
export const MAX_THESIS_SUMMARY_CHARS = 240;

const GRADE_SCALES: Record<CourseKind, readonly string[]> = {
  // Ordered highest first: the order is used to stop an ändring from lowering a grade.
  COURSE: ['A', 'B', 'C', 'D', 'E', 'F', '-'],
  SUBJECT_LEVEL: ['A', 'B', 'C', 'D', 'E', 'F', '-'],
  KOMVUX_THESIS: ['A', 'B', 'C', 'D', 'E', 'F', '-'],
  ORIENTATION: ['G', 'IG'],
};

/** Allowed grades for a course kind, highest first. */
export function gradeScaleFor(kind: CourseKind): readonly string[] {
  return GRADE_SCALES[kind];
}

// ---------------------------------------------------------------------------------------------
// Personal numbers. Implemented here rather than with the `personnummer` package (3.2.1): it always
// uses the current date for the century (no reference date) and rejects Skatteverket's own test
// samordningsnummer with month 00 or day 60 (194 of the 2 264 in testsamordningsnummer.json).

const PERSONAL_NUMBER_PATTERN = /^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{3})(\d)$/;
const COORDINATION_DAY_OFFSET = 60;
const EARLIEST_BIRTH_YEAR = 1800;

/**
 * Accepts `YYMMDD-NNNC`, `YYMMDD+NNNC` (+ from the year the person turns 100), `YYMMDDNNNC`,
 * `YYYYMMDDNNNC` and `YYYYMMDD-NNNC`; returns 12 digits without separator. Samordningsnummer
 * (day + 60) are accepted, including unknown month `00` and unknown day (day `60`).
 */
export function normalizePersonalNumber(
  input: string,
  referenceDate: Date = new Date(),
): PersonalNumberResult {
  if (typeof input !== 'string') return { ok: false, reason: 'must be a string' };
  const match = PERSONAL_NUMBER_PATTERN.exec(input.trim());
  if (!match) {
    return { ok: false, reason: 'must be 10 or 12 digits, optionally with - or + before the last four' };
  }
  const [, centuryDigits, yearDigits, monthDigits, dayDigits, separator, birthNumber, checkDigit] = match;
  const today = swedishCalendarDate(referenceDate);

  let year: number;
  if (centuryDigits === undefined) {
    // 10 digits: the separator carries the century ('+' from the calendar year the person turns 100).
    const latestPossibleYear = separator === '+' ? today.year - 100 : today.year;
    year = latestPossibleYear - ((((latestPossibleYear - Number(yearDigits)) % 100) + 100) % 100);
  } else {
    year = Number(centuryDigits + yearDigits);
    if (separator === '+' && today.year - year < 100) {
      return { ok: false, reason: 'the + separator is only used for people aged 100 or more' };
    }
  }
  if (year < EARLIEST_BIRTH_YEAR) return { ok: false, reason: 'has an implausible birth year' };

  if (!luhnValid(yearDigits + monthDigits + dayDigits + birthNumber + checkDigit)) {
    return { ok: false, reason: 'has a wrong check digit' };
  }
  if (birthNumber === '000') return { ok: false, reason: 'has a birth number that is never issued' };

  const month = Number(monthDigits);
  const rawDay = Number(dayDigits);
  const coordinationNumber = rawDay >= COORDINATION_DAY_OFFSET;
  const day = coordinationNumber ? rawDay - COORDINATION_DAY_OFFSET : rawDay;
  // Samordningsnummer may leave month (00) or day (60) unknown; personnummer never do.
  const monthKnown = month !== 0;
  const dayKnown = day !== 0;
  // Samordningsnummer are only range-checked: Skatteverket's own test samordningsnummer include
  // dates that do not exist (e.g. day 91 in September, day 89 in February of a common year).
  const impossibleDate = !coordinationNumber && !isCalendarDate(year, month, day);
  if (month > 12 || day > 31 || impossibleDate) {
    return { ok: false, reason: 'does not contain a valid date of birth' };
  }
  const birthIsInFuture =
    year > today.year ||
    (year === today.year && monthKnown && month > today.month) ||
    (year === today.year && month === today.month && dayKnown && day > today.day);
  if (birthIsInFuture) return { ok: false, reason: 'has a date of birth in the future' };

  return {
    ok: true,
    value: `${year}${monthDigits}${dayDigits}${birthNumber}${checkDigit}`,
    coordinationNumber,
  };
}

/** Organisation number: 10 digits, optionally `NNNNNN-NNNN`, Luhn-checked; returns 10 digits. */
export function normalizeOrganisationNumber(
  input: string,
): { ok: true; value: string } | { ok: false; reason: string } {
  const match = /^(\d{6})-?(\d{4})$/.exec(input.trim());
  if (!match) return { ok: false, reason: 'must be 10 digits, optionally written NNNNNN-NNNN' };
  const digits = match[1] + match[2];
  if (!luhnValid(digits)) return { ok: false, reason: 'has a wrong check digit' };
  return { ok: true, value: digits };
}

/** Luhn (mod 10) over a digit string, weights 2,1,2,1,… from the left as for personnummer. */
function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let value = Number(digits[i]) * (i % 2 === 0 ? 2 : 1);
    if (value > 9) value -= 9;
    sum += value;
  }
  return sum % 10 === 0;
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const swedishDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar date in Sweden at an instant: ages, birthdays and grade dates are Swedish dates. */
function swedishCalendarDate(instant: Date): { year: number; month: number; day: number } {
  // Memoised for the last instant: a catalog normalises many numbers against the same "now".
  if (lastCalendarDate?.time !== instant.getTime()) {
    const parts = swedishDateFormat.formatToParts(instant);
    const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
    lastCalendarDate = {
      time: instant.getTime(),
      date: { year: part('year'), month: part('month'), day: part('day') },
    };
  }
  return lastCalendarDate.date;
}
let lastCalendarDate: { time: number; date: { year: number; month: number; day: number } } | undefined;

// ---------------------------------------------------------------------------------------------
// Shape (zod). Custom issues carry our stable code in params.code.

const ISSUE_CODE_PARAM = 'code';

function customIssue(ctx: z.RefinementCtx, code: string, message: string): void {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message, params: { [ISSUE_CODE_PARAM]: code } });
}

function refuseUnsafeCharacters(value: string, ctx: z.RefinementCtx, multiline: boolean): void {
  if (hasUnsafeCharacters(value, multiline)) {
    customIssue(
      ctx,
      'invalid_characters',
      'Contains control, direction-override or invalid Unicode characters.',
    );
  }
}

/** Trimmed NFC text (NFC so course codes with Å/Ä/Ö compare exactly), 1..max UTF-16 units. */
function text(maxLength: number, options: { multiline?: boolean } = {}) {
  return z
    .string()
    .superRefine((value, ctx) => refuseUnsafeCharacters(value, ctx, options.multiline ?? false))
    .transform((value) => value.normalize('NFC').trim())
    .pipe(z.string().min(1).max(maxLength));
}

/** SAS systems often serialise absent optionals as null: treat null like an omitted field. */
function optional<T extends z.ZodTypeAny>(schema: T) {
  return schema.nullish().transform((value): z.output<T> | undefined => value ?? undefined);
}

function digitsCode(digitCount: number, code: string, what: string) {
  return z
    .string()
    .transform((value) => value.trim())
    .superRefine((value, ctx) => {
      if (!new RegExp(`^\\d{${digitCount}}$`).test(value)) {
        customIssue(ctx, code, `${what} must be exactly ${digitCount} digits.`);
      }
    });
}

function buildSchema(now: Date) {
  const today = swedishCalendarDate(now);
  const tomorrow = new Date(Date.UTC(today.year, today.month - 1, today.day + 1));
  // A grade dated tomorrow is tolerated (time zones, late-evening submissions); later is a mistake.
  const latestGradeDate = tomorrow.toISOString().slice(0, 10);

  const personalNumber = z.string().transform((value, ctx) => {
    const result = normalizePersonalNumber(value, now);
    if (result.ok) return result.value;
    customIssue(ctx, 'invalid_personal_number', `Personal number ${result.reason}.`);
    return z.NEVER;
  });

  const organisationNumber = z.string().transform((value, ctx) => {
    const result = normalizeOrganisationNumber(value);
    if (result.ok) return result.value;
    customIssue(ctx, 'invalid_organisation_number', `Organisation number ${result.reason}.`);
    return z.NEVER;
  });

  const gradeDate = z.string().superRefine((value, ctx) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
      customIssue(ctx, 'invalid_date', 'Must be a calendar date written YYYY-MM-DD.');
    } else if (value > latestGradeDate) {
      customIssue(ctx, 'future_date', `Grade date may not be later than ${latestGradeDate}.`);
    }
  });

  const organisation = z
    .object({ name: text(200), organisationNumber })
    // Strict everywhere, not only at the top: a misspelt securityMarking must not be dropped silently.
    .strict();

  const person = z.object({ personalNumber, name: text(200) }).strict();

  const thesisSummary = z
    .string()
    .superRefine((value, ctx) => refuseUnsafeCharacters(value, ctx, true))
    .transform((value) => value.normalize('NFC').trim())
    .pipe(z.string().min(1))
    .superRefine((value, ctx) => {
      // Count characters as people do (code points), not UTF-16 units.
      if ([...value].length > MAX_THESIS_SUMMARY_CHARS) {
        customIssue(ctx, 'too_long', `Summary may have at most ${MAX_THESIS_SUMMARY_CHARS} characters.`);
      }
    });

  const entry = z
    .object({
      student: z
        .object({
          personalNumber,
          // Column width of catalog_entries.given_name / family_name.
          givenName: text(100),
          familyName: text(100),
          securityMarking: optional(
            z
              .string()
              .transform((v) => v.normalize('NFC').trim())
              .pipe(z.enum(SECURITY_MARKINGS)),
          ),
        })
        .strict(),
      grade: text(5),
      gradeDate,
      examination: optional(z.boolean()),
      previousGrade: optional(text(5)),
      thesis: optional(z.object({ title: text(500, { multiline: true }), summary: thesisSummary }).strict()),
      specialization: optional(text(200)),
    })
    .strict();

  return z
    .object({
      externalId: text(200),
      municipalityCode: digitsCode(4, 'invalid_municipality_code', 'Municipality code (kommunkod)'),
      schoolUnit: z
        .object({
          code: digitsCode(8, 'invalid_school_unit_code', 'School unit code (skolenhetskod)'),
          name: text(200),
        })
        .strict(),
      organizer: organisation,
      provider: optional(organisation),
      course: z
        .object({
          kind: z.enum(COURSE_KINDS),
          code: text(20),
          name: text(200),
          // No komvux course or level is anywhere near 1,000 points; more is a unit mistake.
          points: optional(z.number().int().positive().max(1000)),
          schoolForm: text(20),
        })
        .strict(),
      gradingTeachers: z
        .array(z.object({ personalNumber, name: text(200), legitimated: z.boolean() }).strict())
        .min(1)
        .max(20),
      principal: optional(person),
      corrects: optional(
        z
          .object({
            catalogId: z.string().uuid(),
            type: z.enum(CORRECTION_TYPES),
            reason: text(2000, { multiline: true }),
          })
          .strict(),
      ),
      entries: z.array(entry).min(1).max(MAX_ENTRIES),
    })
    .strict();
}

function fromZodIssue(issue: z.ZodIssue): ValidationIssue[] {
  const pointer = toPointer(issue.path);
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined')
        return [{ pointer, code: 'required', detail: 'Field is required.' }];
      if (issue.expected === 'integer') {
        return [{ pointer, code: 'invalid_number', detail: 'Must be a whole number.' }];
      }
      return [
        { pointer, code: 'invalid_type', detail: `Expected ${issue.expected}, got ${issue.received}.` },
      ];
    case z.ZodIssueCode.unrecognized_keys:
      return issue.keys.map((key) => ({
        pointer: toPointer([...issue.path, key]),
        code: 'unknown_field',
        detail: 'Unknown field; check its spelling against the catalog contract.',
      }));
    case z.ZodIssueCode.too_small:
      if (issue.type === 'string') return [{ pointer, code: 'required', detail: 'Must not be empty.' }];
      if (issue.type === 'array') {
        return [{ pointer, code: 'too_few', detail: `Needs at least ${issue.minimum} item(s).` }];
      }
      return [{ pointer, code: 'invalid_number', detail: 'Must be a positive whole number.' }];
    case z.ZodIssueCode.too_big:
      if (issue.type === 'string') {
        return [{ pointer, code: 'too_long', detail: `May have at most ${issue.maximum} characters.` }];
      }
      if (issue.type === 'array') {
        return [{ pointer, code: 'too_many', detail: `May have at most ${issue.maximum} items.` }];
      }
      return [{ pointer, code: 'invalid_number', detail: `May be at most ${issue.maximum}.` }];
    case z.ZodIssueCode.invalid_enum_value:
      return [{ pointer, code: 'invalid_value', detail: `Must be one of: ${issue.options.join(', ')}.` }];
    case z.ZodIssueCode.custom:
      return [
        { pointer, code: String(issue.params?.[ISSUE_CODE_PARAM] ?? 'invalid_value'), detail: issue.message },
      ];
    default:
      // Remaining zod codes do not occur with this schema; zod's own messages do not echo strings.
      return [{ pointer, code: 'invalid_value', detail: issue.message }];
  }
}

/** RFC 6901: `~` → `~0`, `/` → `~1`. */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

// ---------------------------------------------------------------------------------------------
// Rules across fields, on the raw body.

type UnknownRecord = Record<string, unknown>;

function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

function asKind(value: unknown): CourseKind | undefined {
  return COURSE_KINDS.find((kind) => kind === value);
}

function trimmedText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const normalised = value.normalize('NFC').trim();
  return normalised === '' ? undefined : normalised;
}

interface Findings {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

const SHAPE_LABELS: Record<string, string> = {
  GY11: 'a GY11/Vux12 course code (e.g. MATMAT01a)',
  GY25: 'a Gy25 subject-level code (e.g. MATE1A00X)',
  KOMVUX_THESIS: 'a komvuxarbete code (KVAR…, e.g. KVARNT)',
};

const EXPECTED_SHAPES: Record<CourseKind, readonly string[]> = {
  COURSE: ['GY11'],
  SUBJECT_LEVEL: ['GY25'],
  KOMVUX_THESIS: ['KOMVUX_THESIS'],
  // Orienteringskurser have no fixed code family; either course-code shape is plausible.
  ORIENTATION: ['GY11', 'GY25'],
};

function checkCourse(course: UnknownRecord, kind: CourseKind | undefined, findings: Findings): void {
  const code = trimmedText(course.code);
  if (code === undefined || code.length > 20) return; // zod reports it
  const shape = courseCodeShape(code);
  if (!shape) {
    findings.errors.push({
      pointer: '/course/code',
      code: 'invalid_course_code',
      detail: 'Not a Skolverket course code (expected e.g. MATMAT01a, GRNENGA, KVARNT or MATE1A00X).',
    });
    return;
  }
  if (kind && !EXPECTED_SHAPES[kind].includes(shape)) {
    findings.errors.push({
      pointer: '/course/code',
      code: 'course_kind_mismatch',
      detail: `Course kind ${kind} needs ${EXPECTED_SHAPES[kind].map((s) => SHAPE_LABELS[s]).join(' or ')}, but this is ${SHAPE_LABELS[shape]}.`,
    });
    return;
  }
  const known = lookupCourse(code);
  if (!known) {
    findings.warnings.push({
      pointer: '/course/code',
      code: 'unknown_course_code',
      detail:
        "Course code is not in the hub's (incomplete) reference lists; accepted, but check it against Skolverket's syllabus.",
    });
    return;
  }
  const name = trimmedText(course.name);
  if (name !== undefined && simplified(name) !== simplified(known.name)) {
    findings.warnings.push({
      pointer: '/course/name',
      code: 'course_name_mismatch',
      detail: `Skolverket's name for this code is "${known.name}".`,
    });
  }
  if (typeof course.points === 'number' && known.points !== undefined && course.points !== known.points) {
    findings.warnings.push({
      pointer: '/course/points',
      code: 'points_mismatch',
      detail: `The reference list gives ${known.points} points for this code.`,
    });
  }
}

function simplified(name: string): string {
  return name.toLocaleLowerCase('sv').replace(/[\s–—-]+/g, ' ');
}

function checkTeachers(teachers: unknown[], now: Date, findings: Findings): void {
  const legitimatedFlags = teachers.map((teacher) => (isRecord(teacher) ? teacher.legitimated : undefined));
  // Only judge when every flag is a boolean; otherwise zod has already reported the bad ones.
  if (teachers.length > 0 && legitimatedFlags.every((flag) => flag === false)) {
    findings.errors.push({
      pointer: '/gradingTeachers',
      code: 'no_legitimated_teacher',
      detail:
        'At least one grading teacher must be legitimated: a teacher without legitimation decides together with a legitimated one (skollagen 3 kap. 16 §).',
    });
  }
  reportDuplicatePersons(
    teachers.map((teacher) => (isRecord(teacher) ? teacher.personalNumber : undefined)),
    (index) => `/gradingTeachers/${index}/personalNumber`,
    'teacher',
    now,
    findings,
  );
}

function reportDuplicatePersons(
  personalNumbers: unknown[],
  pointerAt: (index: number) => string,
  role: string,
  now: Date,
  findings: Findings,
): void {
  const firstIndexByNumber = new Map<string, number>();
  personalNumbers.forEach((candidate, index) => {
    if (typeof candidate !== 'string') return;
    const normalised = normalizePersonalNumber(candidate, now);
    if (!normalised.ok) return;
    const firstIndex = firstIndexByNumber.get(normalised.value);
    if (firstIndex === undefined) {
      firstIndexByNumber.set(normalised.value, index);
    } else {
      findings.errors.push({
        pointer: pointerAt(index),
        code: 'duplicate_personal_number',
        detail: `Same ${role} as at index ${firstIndex}.`,
      });
    }
  });
}

function checkEntries(
  body: UnknownRecord,
  entries: unknown[],
  kind: CourseKind | undefined,
  now: Date,
  findings: Findings,
): void {
  const corrects = isRecord(body.corrects) ? body.corrects : undefined;
  const correctionType = corrects?.type;
  const course = isRecord(body.course) ? body.course : undefined;
  const courseCode = trimmedText(course?.code);
  const needsSpecialisation = courseCode !== undefined && isSpecialisationCode(courseCode);
  const scale = kind ? gradeScaleFor(kind) : undefined;
  const scaleText = scale?.map((grade) => `'${grade}'`).join(', ');

  entries.forEach((entry, index) => {
    if (!isRecord(entry)) return;
    const at = (field: string) => `/entries/${index}/${field}`;
    const grade = trimmedText(entry.grade);
    const previousGrade = trimmedText(entry.previousGrade);
    const gradeInScale = scale !== undefined && grade !== undefined && scale.includes(grade);
    const previousInScale =
      scale !== undefined && previousGrade !== undefined && scale.includes(previousGrade);

    if (scale && grade !== undefined && !gradeInScale) {
      findings.errors.push({
        pointer: at('grade'),
        code: 'invalid_grade',
        detail: `Grade for a ${kind} must be one of ${scaleText}.`,
      });
    }
    if (scale && previousGrade !== undefined && !previousInScale) {
      findings.errors.push({
        pointer: at('previousGrade'),
        code: 'invalid_grade',
        detail: `Previous grade for a ${kind} must be one of ${scaleText}.`,
      });
    }
    if (corrects && isAbsent(entry.previousGrade)) {
      findings.errors.push({
        pointer: at('previousGrade'),
        code: 'required',
        detail: 'A correction must state the previous grade of every entry.',
      });
    }
    if (isAbsent(body.corrects) && !isAbsent(entry.previousGrade)) {
      findings.errors.push({
        pointer: at('previousGrade'),
        code: 'not_allowed',
        detail: 'previousGrade is only allowed when the catalog corrects another catalog (corrects).',
      });
    }
    if (correctionType === 'ANDRING' && scale && grade && previousGrade && gradeInScale && previousInScale) {
      if (scale.indexOf(grade) > scale.indexOf(previousGrade)) {
        findings.errors.push({
          pointer: at('grade'),
          code: 'grade_lowered',
          detail:
            'An ändring may never lower a grade (skollagen 3 kap. 20 §); use a rättelse for an obvious error.',
        });
      }
    }

    if (kind === 'KOMVUX_THESIS' && isAbsent(entry.thesis)) {
      findings.errors.push({
        pointer: at('thesis'),
        code: 'required',
        detail: 'A komvuxarbete entry needs the thesis title and summary.',
      });
    } else if (kind !== undefined && kind !== 'KOMVUX_THESIS' && !isAbsent(entry.thesis)) {
      findings.errors.push({
        pointer: at('thesis'),
        code: 'not_allowed',
        detail: 'thesis is only allowed for course kind KOMVUX_THESIS.',
      });
    }

    if (needsSpecialisation && isAbsent(entry.specialization)) {
      findings.errors.push({
        pointer: at('specialization'),
        code: 'required',
        detail: 'The course is a specialisation course (code ending in S): state the specialisation.',
      });
    }
  });

  reportDuplicatePersons(
    entries.map((entry) =>
      isRecord(entry) && isRecord(entry.student) ? entry.student.personalNumber : undefined,
    ),
    (index) => `/entries/${index}/student/personalNumber`,
    'student',
    now,
    findings,
  );
}

function crossFieldFindings(body: unknown, now: Date): Findings {
  const findings: Findings = { errors: [], warnings: [] };
  if (!isRecord(body)) return findings;
  const course = isRecord(body.course) ? body.course : undefined;
  const kind = asKind(course?.kind);

  if (course) checkCourse(course, kind, findings);
  if (Array.isArray(body.gradingTeachers)) checkTeachers(body.gradingTeachers, now, findings);
  if (kind === 'KOMVUX_THESIS' && isAbsent(body.principal)) {
    findings.errors.push({
      pointer: '/principal',
      code: 'required',
      detail: 'A komvuxarbete catalog must name the principal (rektor), who signs it.',
    });
  }
  if (Array.isArray(body.entries)) checkEntries(body, body.entries, kind, now, findings);
  return findings;
}

// ---------------------------------------------------------------------------------------------

/**
 * Validates a submitted catalog body. On success returns the normalised catalog (personal numbers
 * as 12 digits, organisation numbers as 10 digits, text trimmed and NFC) plus warnings.
 */
export function validateCatalogSubmission(body: unknown, options: ValidationOptions = {}): ValidationResult {
  const now = options.now ?? new Date();
  const parsed = buildSchema(now).safeParse(body);
  const findings = crossFieldFindings(body, now);
  const errors = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap(fromZodIssue)),
    ...findings.errors,
    ...(parsed.success ? peopleFindings(parsed.data as CatalogData) : []),
  ];
  if (!parsed.success || errors.length > 0) return { ok: false, errors: sortByPointer(errors) };
  return {
    ok: true,
    catalog: withoutUndefined(parsed.data) as CatalogData,
    warnings: sortByPointer(findings.warnings),
  };
}

/**
 * Rules on the normalised people: nobody grades themselves (jäv), and no grade predates the
 * student's birth (a unit or field mix-up). Samordningsnummer may lack a real birth date.
 */
function peopleFindings(catalog: CatalogData): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const deciders = new Set([
    ...catalog.gradingTeachers.map((t) => t.personalNumber),
    catalog.principal?.personalNumber,
  ]);
  catalog.entries.forEach((entry, index) => {
    const pn = entry.student.personalNumber;
    if (deciders.has(pn)) {
      issues.push({
        pointer: `/entries/${index}/student/personalNumber`,
        code: 'teacher_is_student',
        detail: 'A student of the catalog is also one of its grading teachers or its rektor.',
      });
    }
    const day = Number(pn.slice(6, 8));
    const birthDate = `${pn.slice(0, 4)}-${pn.slice(4, 6)}-${pn.slice(6, 8)}`;
    if (day >= 1 && day <= 31 && pn.slice(4, 6) !== '00' && entry.gradeDate < birthDate) {
      issues.push({
        pointer: `/entries/${index}/gradeDate`,
        code: 'invalid_date',
        detail: 'The grade date is before the student was born.',
      });
    }
  });
  return issues;
}

/** Document order-ish and deterministic: by pointer segments, array indices numerically; stable. */
function sortByPointer(issues: ValidationIssue[]): ValidationIssue[] {
  return [...issues].sort((a, b) => comparePointers(a.pointer, b.pointer));
}

function comparePointers(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    if (left[i] === right[i]) continue;
    const bothIndices = /^\d+$/.test(left[i]) && /^\d+$/.test(right[i]);
    return bothIndices ? Number(left[i]) - Number(right[i]) : left[i] < right[i] ? -1 : 1;
  }
  return left.length - right.length;
}

/** Optional fields sent as null come out of zod as undefined keys; drop them from the result. */
function withoutUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, fieldValue]) => fieldValue !== undefined)
      .map(([key, fieldValue]) => [key, withoutUndefined(fieldValue)]),
  );
}
