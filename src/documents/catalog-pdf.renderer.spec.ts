import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogData, CatalogEntryData } from '../catalogs/catalog.types';
import { CatalogDocumentInput, CatalogPdfRenderer, formatPersonalNumber } from './catalog-pdf.renderer';
import { sha256Hex } from '../core/hashing';

/** Skatteverket's published test personal numbers (shared/data/testpersonnummer). */
const TEST_PERSONAL_NUMBERS = [
  '189001019802',
  '189001029819',
  '189001039800',
  '189001049817',
  '189001059808',
  '189001069815',
  '189001079806',
  '189001089813',
  '189001099804',
  '189001109819',
];

const CREATED_AT = new Date('2026-06-12T08:30:00Z');

function student(index: number, givenName: string, familyName: string): CatalogEntryData['student'] {
  return { personalNumber: TEST_PERSONAL_NUMBERS[index], givenName, familyName, securityMarking: 'Ingen' };
}

function mathCatalog(): CatalogData {
  return {
    externalId: 'VKLASS-2026-MA1A-0412',
    municipalityCode: '0182',
    schoolUnit: { code: '48123456', name: 'Nacka Komvux Sickla' },
    organizer: { name: 'Nacka kommun', organisationNumber: '212000-0167' },
    provider: { name: 'Hermods AB', organisationNumber: '556061-6807' },
    course: {
      kind: 'COURSE',
      code: 'MATMAT01a',
      name: 'Matematik 1a',
      points: 100,
      schoolForm: 'Komvux, gymnasial nivå',
    },
    gradingTeachers: [
      { personalNumber: '189001129817', name: 'Åsa Lärare', legitimated: true },
      { personalNumber: '189001139808', name: 'Örjan Vikarie', legitimated: false },
    ],
    principal: { personalNumber: '189001149815', name: 'Rut Rektorsson' },
    entries: [
      { student: student(0, 'Märta', 'Åström'), grade: 'C', gradeDate: '2026-06-10' },
      { student: student(1, 'Björn', 'Öberg'), grade: 'A', gradeDate: '2026-06-10' },
      { student: student(2, 'Linnéa', 'Ekström'), grade: 'E', gradeDate: '2026-06-11', examination: true },
      {
        student: { ...student(3, 'Sara', 'Skyddad'), securityMarking: 'Skyddad folkbokföring' },
        grade: 'F',
        gradeDate: '2026-06-10',
      },
      { student: student(4, 'Ali', 'Hassan'), grade: '-', gradeDate: '2026-06-10' },
    ],
  };
}

function thesisCorrectionCatalog(): CatalogData {
  return {
    externalId: 'ALVIS-KVARNT-77',
    municipalityCode: '1280',
    schoolUnit: { code: '71234567', name: 'Malmö Komvux Västervång' },
    organizer: { name: 'Malmö stad', organisationNumber: '212000-1124' },
    course: {
      kind: 'KOMVUX_THESIS',
      code: 'KVARNT',
      name: 'Komvuxarbete naturvetenskap och teknik',
      points: 100,
      schoolForm: 'Komvux, gymnasial nivå',
    },
    gradingTeachers: [{ personalNumber: '189001129817', name: 'Åsa Lärare', legitimated: true }],
    principal: { personalNumber: '189001149815', name: 'Rut Rektorsson' },
    corrects: {
      catalogId: '6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10',
      type: 'ANDRING',
      reason: 'Ny bedömning efter kompletterande underlag från eleven.',
    },
    entries: [
      {
        student: student(5, 'Göran', 'Ängström'),
        grade: 'B',
        previousGrade: 'C',
        gradeDate: '2026-05-28',
        thesis: {
          title: 'Vattenkvalitet i Öresund',
          summary: 'Undersökning av näringsämnen och syrehalt vid fem mätpunkter längs kusten under våren.',
        },
      },
    ],
  };
}

function largeCatalog(rows: number): CatalogData {
  const base = mathCatalog();
  const entries: CatalogEntryData[] = [];
  for (let row = 0; row < rows; row++) {
    entries.push({
      student: student(row % TEST_PERSONAL_NUMBERS.length, `Förnamn${row}`, `Efternamn${row}`),
      grade: 'ABCDEF'[row % 6],
      gradeDate: '2026-06-10',
      examination: row % 17 === 0,
    });
  }
  return {
    ...base,
    course: { ...base.course, kind: 'SUBJECT_LEVEL', code: 'MATE1A00X', name: 'Matematik Nivå 1a' },
    entries,
  };
}

function input(catalog: CatalogData, overrides: Partial<CatalogDocumentInput> = {}): CatalogDocumentInput {
  return {
    catalogId: '0b7f4e2c-8d1a-4f3b-a6e9-5c2d1b0a9f88',
    version: 1,
    createdAt: CREATED_AT,
    catalog,
    ...overrides,
  };
}

describe('CatalogPdfRenderer', () => {
  const renderer = new CatalogPdfRenderer();
  let workDir: string;

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'catalog-pdf-'));
  });
  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  function save(name: string, pdf: Buffer): string {
    const file = join(workDir, name);
    writeFileSync(file, pdf);
    return file;
  }
  const pdftotext = (file: string): string =>
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8');
  const pdfinfo = (file: string): string => execFileSync('pdfinfo', [file]).toString('utf8');
  const pageCount = (file: string): number => Number(/^Pages:\s+(\d+)/m.exec(pdfinfo(file))?.[1]);

  function expectQpdfCheckPasses(file: string): void {
    const result = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    expect({ status: result.status, out: result.stdout + result.stderr }).toEqual(
      expect.objectContaining({ status: 0 }),
    );
  }

  describe('a course catalog', () => {
    let file: string;
    let pdf: Buffer;
    let text: string;

    beforeAll(async () => {
      pdf = await renderer.render(input(mathCatalog()));
      file = save('math.pdf', pdf);
      text = pdftotext(file);
    });

    it('is a structurally valid PDF (qpdf --check)', () => {
      expectQpdfCheckPasses(file);
    });

    it('identifies itself as PDF/A-2b in the XMP metadata and embeds its fonts', () => {
      const raw = pdf.toString('latin1');
      expect(raw.startsWith('%PDF-1.7')).toBe(true);
      expect(raw).toContain('<pdfaid:part>2</pdfaid:part>');
      expect(raw).toContain('<pdfaid:conformance>B</pdfaid:conformance>');
      expect(raw).toContain('/OutputIntents');

      const fonts = execFileSync('pdffonts', [file]).toString('utf8').trim().split('\n').slice(2);
      expect(fonts.length).toBeGreaterThanOrEqual(2);
      for (const line of fonts) {
        expect(line).toMatch(/DejaVuSans/);
        // Columns: name type encoding emb sub uni object ID
        expect(line).toMatch(/\byes\s+yes\s+yes\s+\d+\s+0\s*$/);
      }
    });

    it('carries title, author and creation date in the document info', () => {
      const info = pdfinfo(file);
      expect(info).toMatch(/^Title:\s+Betygskatalog MATMAT01a Matematik 1a$/m);
      expect(info).toMatch(/^Author:\s+Nacka kommun$/m);
      expect(info).toMatch(/^Subject:\s+Nacka Komvux Sickla \(48123456\)/m);
      expect(info).toMatch(/^Tagged:\s+yes$/m);
      expect(info).toMatch(/^Page size:.*\(A4\)$/m);
      expect(info).toMatch(/^CreationDate:.*2026/m);
    });

    it('prints the particulars the regulations require, in Swedish', () => {
      expect(text).toContain('Betygskatalog');
      expect(text).toContain('Nacka kommun, org.nr 212000-0167');
      expect(text).toContain('Hermods AB, org.nr 556061-6807');
      expect(text).toContain('Nacka Komvux Sickla, skolenhetskod 48123456');
      expect(text).toContain('0182');
      expect(text).toContain('MATMAT01a – Matematik 1a');
      expect(text).toMatch(/Poäng\s+100/);
      expect(text).toContain('Komvux, gymnasial nivå');
      expect(text).toContain('Åsa Lärare (legitimerad: ja)');
      expect(text).toContain('Örjan Vikarie (legitimerad: nej)');
      expect(text).toMatch(/Rektor\s+Rut Rektorsson/);
      // Teachers are identified by name; their personal numbers are not printed.
      expect(text).not.toContain('18900112-9817');
      expect(text).not.toContain('189001129817');
    });

    it('lists every student with formatted personal number, name, grade and date', () => {
      const rows: Array<[string, string, string]> = [
        ['18900101-9802', 'Åström, Märta', 'C'],
        ['18900102-9819', 'Öberg, Björn', 'A'],
        ['18900103-9800', 'Ekström, Linnéa', 'E'],
        ['18900104-9817', 'Skyddad, Sara', 'F'],
        ['18900105-9808', 'Hassan, Ali', '-'],
      ];
      const lines = text.split('\n');
      for (const [personalNumber, name, grade] of rows) {
        const line = lines.find((candidate) => candidate.includes(personalNumber));
        expect(line).toBeDefined();
        expect(line).toContain(name);
        expect(line).toMatch(new RegExp(`\\s${grade.replace('-', '\\-')}\\s+2026-06-1[01]`));
      }
      expect(text).not.toContain('189001019802');
    });

    it('marks the prövning row clearly and only that row', () => {
      const lines = text.split('\n');
      expect(lines.find((line) => line.includes('18900103-9800'))).toContain('Prövning');
      expect(lines.find((line) => line.includes('18900101-9802'))).not.toContain('Prövning');
    });

    it('lists a protected student with a "Skyddad identitet" marker', () => {
      const lines = text.split('\n');
      const index = lines.findIndex((line) => line.includes('18900104-9817'));
      expect(lines.slice(index, index + 2).join('\n')).toContain('Skyddad identitet');
      expect(text.match(/Skyddad identitet/g)).toHaveLength(1);
    });

    it('ends with the signature block and numbers its pages', () => {
      expect(text).toContain('Underskrifter');
      expect(text).toMatch(/undertecknas\s+elektroniskt\s+med\s+BankID/);
      expect(text).toContain('arkivpaketet');
      expect(text).toContain('Sida 1 av 1');
      expect(text).toContain('Betygskatalog 0b7f4e2c-8d1a-4f3b-a6e9-5c2d1b0a9f88 · version 1');
    });
  });

  describe('determinism', () => {
    it('renders byte-identical PDFs for the same input, across renderer instances', async () => {
      const first = await renderer.render(input(mathCatalog()));
      const second = await new CatalogPdfRenderer().render(input(mathCatalog()));
      expect(sha256Hex(second)).toBe(sha256Hex(first));
      expect(second.equals(first)).toBe(true);
    });

    it('is unaffected by what the renderer rendered before (shared parsed fonts carry no state into the output)', async () => {
      const fresh = new CatalogPdfRenderer();
      const first = await fresh.render(input(mathCatalog()));
      await fresh.render(input(thesisCorrectionCatalog()));
      await fresh.render(input(largeCatalog(40)));
      const again = await fresh.render(input(mathCatalog()));
      expect(again.equals(first)).toBe(true);
    });

    it('derives the trailer /ID from the input, not only from the info dictionary', async () => {
      const original = await renderer.render(input(mathCatalog()));
      const changed = mathCatalog();
      changed.entries[0].grade = 'B';
      const other = await renderer.render(input(changed));
      const trailerId = (pdf: Buffer): string | undefined =>
        /\/ID \[<([0-9a-f]+)>/.exec(pdf.toString('latin1'))?.[1];
      expect(trailerId(original)).toMatch(/^[0-9a-f]{32}$/);
      expect(trailerId(other)).not.toBe(trailerId(original));
    });

    it('uses the input creation time, so a different createdAt changes the bytes', async () => {
      const original = await renderer.render(input(mathCatalog()));
      const later = await renderer.render(
        input(mathCatalog(), { createdAt: new Date('2026-06-13T08:30:00Z') }),
      );
      expect(later.equals(original)).toBe(false);
      expect(original.toString('latin1')).toContain('<xmp:CreateDate>2026-06-12T08:30:00Z</xmp:CreateDate>');
      expect(original.toString('latin1')).toContain('<xmp:ModifyDate>2026-06-12T08:30:00Z</xmp:ModifyDate>');
    });
  });

  describe('a komvuxarbete correction', () => {
    let text: string;
    let file: string;

    beforeAll(async () => {
      const pdf = await renderer.render(input(thesisCorrectionCatalog(), { version: 2 }));
      file = save('thesis.pdf', pdf);
      text = pdftotext(file);
    });

    it('is valid and states what it amends and why', () => {
      expectQpdfCheckPasses(file);
      expect(text).toContain('Ändring av betygskatalog 6f1c2a9e-3b7d-4c1e-9a55-0d2b8e4f7a10');
      expect(text).toContain('Skäl: Ny bedömning efter kompletterande underlag från eleven.');
      expect(text).toContain('version 2');
    });

    it('shows the kind, previous grade, thesis title and summary', () => {
      expect(text).toMatch(/Komvuxarbete\s+KVARNT – Komvuxarbete naturvetenskap och teknik/);
      expect(text).toContain('Tidigare');
      const row = text.split('\n').find((line) => line.includes('18900106-9815'));
      expect(row).toMatch(/Ängström, Göran\s+B\s+2026-05-28\s+C/);
      expect(text).toContain('Komvuxarbetets titel: Vattenkvalitet i Öresund');
      expect(text).toMatch(/Sammanfattning: Undersökning av näringsämnen/);
    });

    it('names the rektor among the signers', () => {
      const signatures = text.slice(text.indexOf('Underskrifter'));
      expect(signatures).toContain('Betygssättande lärare: Åsa Lärare (legitimerad: ja)');
      expect(signatures).toContain('Rektor: Rut Rektorsson');
    });
  });

  describe('a large catalog', () => {
    it('breaks 300 rows over several pages, repeating the table header', async () => {
      const pdf = await renderer.render(input(largeCatalog(300)));
      const file = save('large.pdf', pdf);
      expectQpdfCheckPasses(file);
      const pages = pageCount(file);
      expect(pages).toBeGreaterThan(3);

      const text = pdftotext(file);
      expect(text).toContain(`Sida 1 av ${pages}`);
      expect(text).toContain(`Sida ${pages} av ${pages}`);
      expect(text).toContain('MATE1A00X – Matematik Nivå 1a');
      expect(text).toContain('Nivå (ämnesbetyg)');
      for (const row of [0, 149, 299]) expect(text).toContain(`Efternamn${row}, Förnamn${row}`);

      // Every page with table rows starts with the column headings.
      const pageTexts = text.split('\f').filter((page) => page.trim().length > 0);
      const pagesWithRows = pageTexts.filter((page) => /Efternamn\d+/.test(page));
      for (const page of pagesWithRows)
        expect(page).toMatch(/Personnummer\s+Namn\s+Betyg\s+Betygsdatum\s+Prövning/);
    });

    it('renders the largest expected catalog (500 rows) as a valid PDF', async () => {
      const pdf = await renderer.render(input(largeCatalog(500)));
      const file = save('largest.pdf', pdf);
      expectQpdfCheckPasses(file);
      const pages = pageCount(file);
      const text = pdftotext(file);
      expect(text).toContain(`Sida ${pages} av ${pages}`);
      expect(text).toContain('Efternamn499, Förnamn499');
      expect(text.indexOf('Underskrifter')).toBeGreaterThan(text.indexOf('Efternamn499'));
    });

    it('wraps very long names inside their column instead of overlapping the next', async () => {
      const catalog = mathCatalog();
      catalog.entries[0].student.familyName = 'Von Åkerhielm af Margretelund-Silfverschiöld-Gyllenstierna';
      catalog.entries[0].student.givenName = 'Anna-Karin Märta Elisabeth Charlotta';
      const pdf = await renderer.render(input(catalog));
      const file = save('long-names.pdf', pdf);
      expectQpdfCheckPasses(file);
      const text = pdftotext(file);
      const row = text.split('\n').find((line) => line.includes('18900101-9802'));
      // The grade and date stay in their own columns on the row's first line.
      expect(row).toMatch(/18900101-9802\s+Von Åkerhielm.*\sC\s+2026-06-10/);
      expect(text).toContain('Gyllenstierna');
    });
  });

  it('keeps the XMP metadata well-formed when names contain XML markup characters', async () => {
    const catalog = mathCatalog();
    catalog.organizer.name = 'Lärcentrum & Co <Väst> AB';
    const pdf = await renderer.render(input(catalog));
    const file = save('markup.pdf', pdf);
    const xmp = /<x:xmpmeta[\s\S]*<\/x:xmpmeta>/.exec(pdf.toString('utf8'))?.[0] ?? '';
    expect(xmp).toContain('<rdf:li>Lärcentrum och Co Väst AB</rdf:li>');
    expect(pdfinfo(file)).toMatch(/^Author:\s+Lärcentrum och Co Väst AB$/m);
    // The visible document keeps the name exactly.
    expect(pdftotext(file)).toContain('Lärcentrum & Co <Väst> AB, org.nr 212000-0167');
  });

  it('formats 12-digit personal numbers as YYYYMMDD-NNNN', () => {
    expect(formatPersonalNumber('189001019802')).toBe('18900101-9802');
  });
});
