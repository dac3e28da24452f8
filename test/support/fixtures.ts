/**
 * Submissions built from real open data: Skatteverket's test personal numbers (CC0) and
 * Skolverket course codes. No real person's data.
 */
export const TEACHER = { personalNumber: '197801022398', name: 'Karin Lindberg' };
export const SECOND_TEACHER = { personalNumber: '198101022385', name: 'Omar Hussein' };
export const PRINCIPAL = { personalNumber: '196402123191', name: 'Göran Sjöberg' };
export const STUDENTS = [
  { personalNumber: '199001032391', givenName: 'Ebba', familyName: 'Öberg' },
  { personalNumber: '198501022381', givenName: 'Ali', familyName: 'Ahmadi' },
  { personalNumber: '200001012384', givenName: 'Märta', familyName: 'Åberg' },
];

export function validSubmission(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    externalId: `ext-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
    municipalityCode: '2281',
    schoolUnit: { code: '21822811', name: 'Komvux Sundsvall, gymnasial nivå' },
    organizer: { name: 'Sundsvalls kommun', organisationNumber: '212000-2411' },
    course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUX' },
    gradingTeachers: [{ ...TEACHER, legitimated: true }],
    entries: [
      { student: { ...STUDENTS[0], personalNumber: '19900103-2391' }, grade: 'C', gradeDate: '2026-11-20' },
      {
        student: { ...STUDENTS[1], personalNumber: '850102-2381' },
        grade: 'A',
        gradeDate: '2026-11-20',
        examination: true,
      },
      { student: STUDENTS[2], grade: 'F', gradeDate: '2026-11-20' },
    ],
    ...overrides,
  };
}
