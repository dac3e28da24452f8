import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  courseCodeShape,
  isSpecialisationCode,
  listKnownCourses,
  lookupCourse,
  referenceDataDirectory,
} from './course-codes';

const SHARED_COURSES = path.resolve(__dirname, '../../../../shared/data/courses');

/** First column of each data row (codes never contain commas or quotes). */
function column(file: string, index: number): string[] {
  return readFileSync(path.join(SHARED_COURSES, file), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(',')[index]);
}

describe('course codes', () => {
  const gy11Codes = column('gy11-course-names.csv', 0);
  const coreRows = readFileSync(path.join(SHARED_COURSES, 'komvux-core-courses.csv'), 'utf8')
    .split(/\r?\n/)
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.split(','));
  const gy25Codes = coreRows.map((row) => row[4]).filter((code) => code !== '');

  it('vendors the shared files unchanged', () => {
    for (const file of ['gy11-course-names.csv', 'komvux-core-courses.csv']) {
      expect(readFileSync(path.join(referenceDataDirectory(), file))).toEqual(
        readFileSync(path.join(SHARED_COURSES, file)),
      );
    }
  });

  it('knows every GY11 code in the list and gives it the GY11 shape', () => {
    expect(gy11Codes).toHaveLength(1064);
    const problems = gy11Codes.filter(
      (code) => lookupCourse(code)?.system !== 'GY11' || courseCodeShape(code) !== 'GY11',
    );
    expect(problems).toEqual([]);
  });

  it('knows every Gy25 level in komvux-core-courses.csv and gives it the Gy25 shape', () => {
    expect(gy25Codes).toHaveLength(66);
    for (const code of gy25Codes) {
      expect(courseCodeShape(code)).toBe('GY25');
      expect(lookupCourse(code)).toMatchObject({ code, system: 'GY25' });
    }
  });

  it('reads quoted names with commas and Swedish letters', () => {
    expect(lookupCourse('GRAGRR0')?.name).toBe('Original, reproduktion och prepress');
    expect(lookupCourse('ELDNÄD0')?.name).toBe('Nätunderhållsarbete på luftledningsnät 0,4–24kV');
    // Decomposed input (NFD Ä) still matches.
    expect(lookupCourse('ELDNÄD0'.normalize('NFD'))?.code).toBe('ELDNÄD0');
  });

  it('adds points and the Gy25 pairing from the core list', () => {
    expect(lookupCourse('MATMAT01a')).toEqual({
      code: 'MATMAT01a',
      name: 'Matematik 1a',
      points: 100,
      system: 'GY11',
      equivalentCode: 'MATE1A00X',
    });
    expect(lookupCourse('MATO1B00X')).toEqual({
      code: 'MATO1B00X',
      name: 'Matematik – fortsättning Nivå 1b',
      system: 'GY25',
      equivalentCode: 'MATMAT03b',
    });
    expect(lookupCourse('ENGENG07')?.points).toBeUndefined();
    expect(lookupCourse('IDRIDR01')).toMatchObject({ points: 100 });
    expect(lookupCourse('IDRIDR01')?.equivalentCode).toBeUndefined();
  });

  it('knows the komvuxarbete codes', () => {
    expect(lookupCourse('KVARNT')).toEqual({
      code: 'KVARNT',
      name: 'Komvuxarbete',
      points: 100,
      system: 'KOMVUX_THESIS',
    });
    expect(lookupCourse('KVARSH')?.system).toBe('KOMVUX_THESIS');
  });

  it('lists every known course once', () => {
    const codes = listKnownCourses().map((course) => course.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toHaveLength(new Set([...gy11Codes, ...gy25Codes, 'KVARNT', 'KVARSH']).size);
  });

  it.each([
    ['MÄKMÄK01', 'GY11'],
    ['LAGLAG0', 'GY11'],
    ['PSKPSY02b', 'GY11'],
    ['PEDAKI00S', 'GY11'],
    ['GRNENGA', 'GY11'],
    ['HISHIS01a1', 'GY11'],
    ['KVARNT', 'KOMVUX_THESIS'],
    ['KVARSH', 'KOMVUX_THESIS'],
    ['MATE1A00X', 'GY25'],
    ['ENGE1000X', 'GY25'],
  ])('accepts the shape of %s as %s', (code, system) => {
    expect(courseCodeShape(code)).toBe(system);
  });

  it.each([
    '',
    'MAT',
    'MATMA',
    'matmat01a',
    'MATMAT001',
    'MATMAT01a12',
    'MATE1A00',
    'MAT1A00X',
    '12345678',
    'MATH-101',
    'MATMAT 01',
  ])('rejects the shape of %p', (code) => {
    expect(courseCodeShape(code)).toBeUndefined();
  });

  it('treats codes ending in digits + S as specialisation courses', () => {
    expect(isSpecialisationCode('PEDAKI00S')).toBe(true);
    expect(isSpecialisationCode('CIRCIR01S')).toBe(true);
    expect(isSpecialisationCode('GYARES')).toBe(false);
    expect(isSpecialisationCode('MATMAT01a')).toBe(false);
    expect(isSpecialisationCode('MATE1A00X')).toBe(false);
  });
});
