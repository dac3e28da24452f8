import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CourseInfo, listKnownCourses } from '../catalogs/reference-data/course-codes';

/**
 * Generates a term of realistic komvux catalogs from real open data: Skatteverket's test personal
 * numbers and Skolverket's course codes (GY11 + Gy25). Deterministic for a given seed.
 */

const GIVEN_NAMES = [
  'Anna',
  'Eva',
  'Maria',
  'Karin',
  'Sara',
  'Emma',
  'Elin',
  'Ida',
  'Hanna',
  'Linnea',
  'Amira',
  'Fatima',
  'Sofia',
  'Johanna',
  'Maja',
  'Nora',
  'Leila',
  'Aisha',
  'Lina',
  'Ebba',
  'Erik',
  'Lars',
  'Karl',
  'Anders',
  'Johan',
  'Per',
  'Mikael',
  'Oskar',
  'Ali',
  'Mohammed',
  'Ahmed',
  'Hassan',
  'Jonas',
  'Emil',
  'Viktor',
  'Filip',
  'Ludvig',
  'Omar',
  'Yusuf',
  'Daniel',
  'Åsa',
  'Örjan',
  'Göran',
  'Björn',
  'Märta',
  'Ingrid',
];
const FAMILY_NAMES = [
  'Andersson',
  'Johansson',
  'Karlsson',
  'Nilsson',
  'Eriksson',
  'Larsson',
  'Olsson',
  'Persson',
  'Svensson',
  'Gustafsson',
  'Pettersson',
  'Jonsson',
  'Jansson',
  'Hansson',
  'Bengtsson',
  'Jönsson',
  'Lindberg',
  'Jakobsson',
  'Magnusson',
  'Lindström',
  'Olofsson',
  'Lindqvist',
  'Lindgren',
  'Berg',
  'Axelsson',
  'Bergström',
  'Lundberg',
  'Lind',
  'Lundgren',
  'Mattsson',
  'Berglund',
  'Fredriksson',
  'Sandberg',
  'Henriksson',
  'Ali',
  'Mohammed',
  'Hussein',
  'Ahmadi',
  'Öberg',
  'Åberg',
  'Sjöberg',
  'Ström',
];

/** Grade shares in komvux courses (rounded, typical of published komvux statistics). */
const GRADE_WEIGHTS: [string, number][] = [
  ['A', 9],
  ['B', 11],
  ['C', 21],
  ['D', 16],
  ['E', 26],
  ['F', 14],
  ['-', 3],
];

export interface SchoolUnitSpec {
  code: string;
  name: string;
}

export const DEMO_MUNICIPALITY = {
  code: '2281',
  organizer: { name: 'Sundsvalls kommun', organisationNumber: '2120002411' },
};

export const DEMO_SCHOOL_UNITS: SchoolUnitSpec[] = [
  { code: '21822811', name: 'Komvux Sundsvall, gymnasial nivå' },
  { code: '21822812', name: 'Komvux Sundsvall, grundläggande nivå och SFI' },
  { code: '21822813', name: 'Komvux Sundsvall, distans' },
];

/** Small, seedable PRNG (mulberry32): the demo must be reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Person {
  personalNumber: string;
  givenName: string;
  familyName: string;
}

export interface GeneratedTerm {
  catalogs: Record<string, unknown>[];
  teachers: Person[];
  participations: number;
}

function loadNumbers(file: string): string[] {
  return JSON.parse(readFileSync(join(__dirname, 'data', file), 'utf8')) as string[];
}

export function generateTerm(options: {
  participations: number;
  seed?: number;
  termLabel?: string;
  gradeDate?: string;
}): GeneratedTerm {
  const random = seededRandom(options.seed ?? 2281);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const weighted = (weights: [string, number][]): string => {
    const total = weights.reduce((sum, [, w]) => sum + w, 0);
    let r = random() * total;
    for (const [value, w] of weights) if ((r -= w) < 0) return value;
    return weights[weights.length - 1][0];
  };
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  };

  // Adults: komvux students born 1960–2006, teachers 1960–1995 (by the number's birth year).
  const year = (pn: string) => Number(pn.slice(0, 4));
  const personnummer = loadNumbers('testpersonnummer.json');
  const unique = [...new Set(personnummer)];
  const studentPool = shuffle(unique.filter((pn) => year(pn) >= 1960 && year(pn) <= 2006));
  const coordination = shuffle(
    loadNumbers('testsamordningsnummer.json').filter((pn) => year(pn) >= 1960 && year(pn) <= 2006),
  );
  const teacherPool = studentPool.splice(0, 120);
  const person = (personalNumber: string): Person => ({
    personalNumber,
    givenName: pick(GIVEN_NAMES),
    familyName: pick(FAMILY_NAMES),
  });
  const teachers = teacherPool
    .slice(0, Math.max(4, Math.min(120, Math.ceil(options.participations / 250))))
    .map(person);
  const principals = teacherPool.slice(100, 103).map(person);

  const known = listKnownCourses();
  const gy11 = known.filter((c) => c.system === 'GY11' && c.equivalentCode);
  const gy25 = known.filter((c) => c.system === 'GY25');
  const theses = known.filter((c) => c.system === 'KOMVUX_THESIS');

  const gradeDate = options.gradeDate ?? new Date().toISOString().slice(0, 10);
  let studentCursor = 0;
  let coordinationCursor = 0;
  const nextStudent = (): Person => {
    // About 3 % of komvux students have a samordningsnummer.
    if (random() < 0.03 && coordinationCursor < coordination.length)
      return person(coordination[coordinationCursor++]);
    return person(studentPool[studentCursor++ % studentPool.length]);
  };

  const catalogs: Record<string, unknown>[] = [];
  let participations = 0;
  let index = 0;
  while (participations < options.participations) {
    index += 1;
    const roll = random();
    const kind = roll < 0.02 ? 'KOMVUX_THESIS' : roll < 0.4 ? 'SUBJECT_LEVEL' : 'COURSE';
    const course: CourseInfo =
      kind === 'KOMVUX_THESIS' ? pick(theses) : kind === 'SUBJECT_LEVEL' ? pick(gy25) : pick(gy11);
    const size = Math.min(
      options.participations - participations,
      kind === 'KOMVUX_THESIS' ? 5 + Math.floor(random() * 6) : 5 + Math.floor(random() * 31),
    );
    if (size < 5 && participations > 0) {
      // Top up the last catalog instead of making one smaller than a real group.
      const last = catalogs[catalogs.length - 1] as { entries: unknown[] };
      for (let i = 0; i < size; i++) last.entries.push(makeEntry(nextStudent(), kind));
      participations += size;
      break;
    }
    const teacher = pick(teachers);
    // One in ten groups has a second teacher (e.g. a non-legitimated teacher deciding together with a legitimated one).
    const second = random() < 0.1 ? pick(teachers.filter((t) => t !== teacher)) : undefined;
    const unit =
      kind === 'KOMVUX_THESIS' || random() < 0.8 ? DEMO_SCHOOL_UNITS[0] : pick(DEMO_SCHOOL_UNITS.slice(1));
    const entries = Array.from({ length: size }, () => makeEntry(nextStudent(), kind));
    catalogs.push({
      externalId: `${options.termLabel ?? 'HT'}-${String(index).padStart(5, '0')}`,
      municipalityCode: DEMO_MUNICIPALITY.code,
      schoolUnit: unit,
      organizer: DEMO_MUNICIPALITY.organizer,
      course: {
        kind,
        code: course.code,
        name: course.name,
        ...(course.points ? { points: course.points } : {}),
        schoolForm: 'VUX',
      },
      gradingTeachers: [
        {
          personalNumber: teacher.personalNumber,
          name: `${teacher.givenName} ${teacher.familyName}`,
          legitimated: true,
        },
        ...(second
          ? [
              {
                personalNumber: second.personalNumber,
                name: `${second.givenName} ${second.familyName}`,
                legitimated: false,
              },
            ]
          : []),
      ],
      ...(kind === 'KOMVUX_THESIS'
        ? {
            principal: {
              personalNumber: principals[0].personalNumber,
              name: `${principals[0].givenName} ${principals[0].familyName}`,
            },
          }
        : {}),
      entries,
    });
    participations += size;
  }
  return { catalogs, teachers, participations };

  function makeEntry(student: Person, kind: string): Record<string, unknown> {
    const examination = kind !== 'KOMVUX_THESIS' && random() < 0.05;
    return {
      student: {
        personalNumber: student.personalNumber,
        givenName: student.givenName,
        familyName: student.familyName,
        securityMarking: random() < 0.005 ? 'Skyddad folkbokföring' : 'Ingen',
      },
      grade: examination ? weighted(GRADE_WEIGHTS.filter(([g]) => g !== '-')) : weighted(GRADE_WEIGHTS),
      gradeDate,
      ...(examination ? { examination: true } : {}),
      ...(kind === 'KOMVUX_THESIS'
        ? {
            thesis: {
              title: `Komvuxarbete om ${pick(['hållbar energi', 'arbetsmiljö', 'svensk migrationshistoria', 'digital vård', 'matematik i vardagen'])}`,
              summary:
                'Arbetet undersöker frågeställningen med intervjuer och litteraturstudier och redovisar slutsatser om hur kunskapen kan användas i arbetslivet.',
            },
          }
        : {}),
    };
  }
}
