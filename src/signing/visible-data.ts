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

/** What the teacher sees for a bulk order: every catalog listed, and the manifest hash prefix. */
export function bulkSigningSummary(
  items: { catalog: CatalogData; documentSha256: string }[],
  manifestSha256: string,
): string {
  const lines = items.map(
    ({ catalog, documentSha256 }, i) =>
      `${i + 1}. ${catalog.course.code} ${catalog.course.name}, ${catalog.schoolUnit.name}: ${catalog.entries.length} elever (${documentSha256.slice(0, 8)})`,
  );
  return [
    `# ${items.length} betygskataloger`,
    '',
    ...lines,
    '',
    `*Samlad kontrollsumma (SHA-256):* ${manifestSha256.slice(0, 16)}`,
    '',
    'Jag intygar med min underskrift att betygen i katalogerna ovan är de jag har beslutat.',
  ].join('\n');
}

/** What the handläggare sees when the approval decision is BankID-signed. */
export function approvalSummary(
  catalog: CatalogData,
  documentSha256: string,
  decision: 'APPROVE' | 'REJECT',
  comment?: string,
): string {
  return [
    `# ${decision === 'APPROVE' ? 'Godkännande' : 'Avslag'} av betygskatalog`,
    '',
    `*Kurs:* ${catalog.course.code} ${catalog.course.name}`,
    `*Skolenhet:* ${catalog.schoolUnit.name} (${catalog.schoolUnit.code})`,
    `*Antal elever:* ${catalog.entries.length}`,
    `*Dokument (SHA-256):* ${documentSha256.slice(0, 16)}`,
    ...(comment ? ['', `*Kommentar:* ${comment.replace(/[\r\n]+/g, ' ').slice(0, 500)}`] : []),
    '',
    decision === 'APPROVE'
      ? 'Jag har granskat betygskatalogen och godkänner den för registrering.'
      : 'Jag har granskat betygskatalogen och avslår den.',
  ].join('\n');
}
