import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Skolverket course codes: shape rules plus lookups in the vendored lists (see README.md here).
 * The lists are incomplete (2016 GY11 snapshot, 67 Gy25 pairs), so callers should treat "not listed"
 * as a warning and only a wrong shape as an error.
 */

/** GY11/Vux12 courses, Gy25 subject levels, or the komvuxarbete codes. */
export type CourseCodeSystem = 'GY11' | 'GY25' | 'KOMVUX_THESIS';

export interface CourseInfo {
  code: string;
  name: string;
  /** Only where a public source states it (komvux-core-courses.csv) or DOMAIN.md does (KVAR…). */
  points?: number;
  system: CourseCodeSystem;
  /** The Gy25 level covering a GY11 course, or the GY11 course a Gy25 level replaces (when known). */
  equivalentCode?: string;
}

const GY11_FILE = 'gy11-course-names.csv';
const CORE_FILE = 'komvux-core-courses.csv';

/** Not in the CSV files; DOMAIN.md names them ("the komvuxarbete has its own codes, 100 points"). */
const KOMVUX_THESIS_COURSES: readonly CourseInfo[] = [
  { code: 'KVARNT', name: 'Komvuxarbete', points: 100, system: 'KOMVUX_THESIS' },
  { code: 'KVARSH', name: 'Komvuxarbete', points: 100, system: 'KOMVUX_THESIS' },
];

// Upper-case letters as Skolverket uses them; Å, Ä, Ö occur (MÄKMÄK01, FÖRMAD0).
const LETTER = 'A-ZÅÄÖ';
/** `KVAR` + programme letters, e.g. KVARNT, KVARSH. Checked before GY11 because it also fits that shape. */
const KOMVUX_THESIS_PATTERN = new RegExp(`^KVAR[${LETTER}]{1,4}$`);
/**
 * GY11/Vux12 and grundläggande komvux: 6–8 letters (subject + course stem, GRN… sub-courses like
 * GRNENGA), then optionally a 1–2 digit level, a variant letter and a sub-variant digit
 * (LAGLAG0, MATMAT01a, PEDAKI00S, HISHIS01a1); 6–10 characters in all.
 */
const GY11_PATTERN = new RegExp(`^(?=.{6,10}$)[${LETTER}]{6,8}(?:\\d{1,2}(?:[a-zA-Z]\\d?)?)?$`);
/**
 * Gy25 subject level: 4-letter subject, level digit, variant letter or 0, sub-level digit, 2 more
 * characters (all known ones end in `0X`: MATE1A00X, FYSK1A10X, ENGE1000X). Kept slightly looser than
 * the known codes so a real level missing from our 67 pairs is not rejected.
 */
const GY25_PATTERN = new RegExp(`^[${LETTER}]{4}[1-9][0-9A-Z][0-9][0-9][A-Z]$`);
/** GY11 specialisation courses end in digits + `S` (PEDAKI00S, CIRCIR01S); GYARES is not one. */
const SPECIALISATION_PATTERN = /\dS$/;

/** Which code system a code's shape belongs to, or undefined when the shape is implausible. */
export function courseCodeShape(code: string): CourseCodeSystem | undefined {
  if (KOMVUX_THESIS_PATTERN.test(code)) return 'KOMVUX_THESIS';
  if (GY11_PATTERN.test(code)) return 'GY11';
  if (GY25_PATTERN.test(code)) return 'GY25';
  return undefined;
}

/** A specialisation course: its catalog lines must state the specialisation. */
export function isSpecialisationCode(code: string): boolean {
  return courseCodeShape(code) === 'GY11' && SPECIALISATION_PATTERN.test(code);
}

let knownCourses: Map<string, CourseInfo> | undefined;

/** Looks a code up exactly (case-sensitive, NFC) in the reference lists. */
export function lookupCourse(code: string): CourseInfo | undefined {
  return courseMap().get(code.normalize('NFC'));
}

/** Every listed course, GY11 first, then Gy25, then komvuxarbete, in file order. */
export function listKnownCourses(): CourseInfo[] {
  return [...courseMap().values()];
}

/** Folder holding the CSV files (also when running from dist/, where tsc does not copy them). */
export function referenceDataDirectory(): string {
  const candidates = [__dirname, path.resolve(__dirname, '../../../../src/catalogs/reference-data')];
  const found = candidates.find((dir) => existsSync(path.join(dir, GY11_FILE)));
  if (!found) throw new Error(`Course reference data (${GY11_FILE}) not found near ${__dirname}`);
  return found;
}

function courseMap(): Map<string, CourseInfo> {
  if (!knownCourses) knownCourses = loadCourses(referenceDataDirectory());
  return knownCourses;
}

function loadCourses(directory: string): Map<string, CourseInfo> {
  const courses = new Map<string, CourseInfo>();
  for (const [code, name] of readCsv(path.join(directory, GY11_FILE))) {
    courses.set(code, { code, name, system: 'GY11' });
  }
  const gy25Levels: CourseInfo[] = [];
  for (const [gy11Code, gy11Name, gy11Points, , gy25Code, gy25Name] of readCsv(
    path.join(directory, CORE_FILE),
  )) {
    const points = gy11Points ? Number(gy11Points) : undefined;
    // The core list is the better source for its rows: it adds points and the Gy25 pairing.
    courses.set(gy11Code, {
      code: gy11Code,
      name: courses.get(gy11Code)?.name ?? gy11Name,
      system: 'GY11',
      ...(points !== undefined && { points }),
      ...(gy25Code && { equivalentCode: gy25Code }),
    });
    if (gy25Code)
      gy25Levels.push({ code: gy25Code, name: gy25Name, system: 'GY25', equivalentCode: gy11Code });
  }
  for (const level of gy25Levels) courses.set(level.code, level);
  for (const thesis of KOMVUX_THESIS_COURSES) courses.set(thesis.code, thesis);
  return courses;
}

/** Minimal RFC 4180 reader (quoted fields with commas and "" escapes, CRLF); skips the header row. */
function readCsv(file: string): string[][] {
  const text = readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .normalize('NFC');
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows.slice(1).filter((cells) => cells.some((cell) => cell !== ''));
}
