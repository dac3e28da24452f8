/** The catalog contract (DESIGN.md §4) after validation: personal numbers normalised to 12 digits. */

export const COURSE_KINDS = ['COURSE', 'SUBJECT_LEVEL', 'KOMVUX_THESIS', 'ORIENTATION'] as const;
export type CourseKind = (typeof COURSE_KINDS)[number];

export const SECURITY_MARKINGS = ['Ingen', 'Sekretessmarkering', 'Skyddad folkbokföring'] as const;
export type SecurityMarking = (typeof SECURITY_MARKINGS)[number];

export const CORRECTION_TYPES = ['RATTELSE', 'ANDRING'] as const;
export type CorrectionType = (typeof CORRECTION_TYPES)[number];

export interface PersonRef {
  /** 12 digits, no separator. */
  personalNumber: string;
  name: string;
}

export interface GradingTeacher extends PersonRef {
  legitimated: boolean;
}

export interface CatalogEntryData {
  student: {
    personalNumber: string;
    givenName: string;
    familyName: string;
    securityMarking?: SecurityMarking;
  };
  grade: string;
  /** ISO date YYYY-MM-DD */
  gradeDate: string;
  /** true = prövning */
  examination?: boolean;
  previousGrade?: string;
  thesis?: { title: string; summary: string };
  specialization?: string;
}

export interface CatalogData {
  externalId: string;
  /** SCB 4-digit kommunkod */
  municipalityCode: string;
  schoolUnit: { code: string; name: string };
  organizer: { name: string; organisationNumber: string };
  provider?: { name: string; organisationNumber: string };
  course: {
    kind: CourseKind;
    code: string;
    name: string;
    points?: number;
    schoolForm: string;
  };
  gradingTeachers: GradingTeacher[];
  principal?: PersonRef;
  corrects?: { catalogId: string; type: CorrectionType; reason: string };
  entries: CatalogEntryData[];
}

/** One problem in a submission: JSON Pointer into the request body (RFC 6901). */
export interface ValidationIssue {
  pointer: string;
  code: string;
  detail: string;
}
