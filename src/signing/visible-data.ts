import type { CatalogData } from '../catalogs/catalog.types';

const GRADE_ORDER = ['A', 'B', 'C', 'D', 'E', 'F', '-', 'G', 'IG'];

/** The Swedish summary a teacher sees in the BankID app (simpleMarkdownV1). */
export function signingSummary(catalog: CatalogData, documentSha256: string): string {
  const counts = new Map<string, number>();
  for (const entry of catalog.entries) counts.set(entry.grade, (counts.get(entry.grade) ?? 0) + 1);
  const distribution = [...counts.entries()]
    .sort(([a], [b]) => GRADE_ORDER.indexOf(a) - GRADE_ORDER.indexOf(b))
    .map(([grade, n]) => `${grade}: ${n}`)
    .join(', ');
  return [
    '# Betygskatalog',
    '',
    `*Kurs:* ${catalog.course.code} ${catalog.course.name}`,
    `*Skolenhet:* ${catalog.schoolUnit.name} (${catalog.schoolUnit.code})`,
    `*Antal elever:* ${catalog.entries.length}`,
    `*Betyg:* ${distribution}`,
    `*Dokument (SHA-256):* ${documentSha256.slice(0, 16)}`,
    '',
    'Jag intygar med min underskrift att betygen i katalogen är de jag har beslutat.',
  ].join('\n');
}
