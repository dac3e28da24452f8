import { createHash } from 'node:crypto';
import { canonicalJson } from '../core/canonical-json';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { CatalogData, CatalogEntryData, CourseKind } from '../catalogs/catalog.types';

/**
 * Renders a grade catalog as a PDF/A-2b document (DESIGN.md §5). Its SHA-256 is what every
 * signer signs, so the output must be byte-identical for the same input: no wall-clock time,
 * no random ids.
 */

export interface CatalogDocumentInput {
  /** Hub id (uuid). */
  catalogId: string;
  /** Catalog version (1 = original). */
  version: number;
  /** Ingest time; used as the PDF's creation date so rendering is deterministic. */
  createdAt: Date;
  /** Validated, personal numbers normalised (12 digits). */
  catalog: CatalogData;
}

export interface CatalogPdfRendererOptions {
  /** Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf; defaults to ./fonts beside this file. */
  fontDir?: string;
}

const REGULAR_FONT_FILE = 'DejaVuSans.ttf';
const BOLD_FONT_FILE = 'DejaVuSans-Bold.ttf';
const REGULAR = 'CatalogRegular';
const BOLD = 'CatalogBold';

/** Name written to Info /Creator and /Producer (pdfkit copies Creator into XMP pdf:Producer, so both must agree for PDF/A). */
const PRODUCER = 'Betygskatalog-hubben (PDFKit)';

const PAGE_MARGINS = { top: 50, bottom: 60, left: 50, right: 50 };
const FOOTER_OFFSET_FROM_BOTTOM = 38;
const BODY_SIZE = 10;
const TABLE_SIZE = 8.5;
const CELL_PADDING = 3;
/** Upper bounds that keep one table row far below a page's height whatever the input holds. */
const MAX_NAME_CHARS = 120;
const MAX_CELL_CHARS = 80;
/** Wider content in a fixed column (e.g. a long specialisation) wraps instead. */
const MAX_FIXED_COLUMN_WIDTH = 110;
const MAX_THESIS_TITLE_CHARS = 300;
const MAX_THESIS_SUMMARY_CHARS = 1000;

const COURSE_KIND_LABELS: Record<CourseKind, string> = {
  COURSE: 'Kurs',
  SUBJECT_LEVEL: 'Nivå (ämnesbetyg)',
  KOMVUX_THESIS: 'Komvuxarbete',
  ORIENTATION: 'Orienteringskurs',
};

interface TableColumn {
  header: string;
  /** Points; computed from the content (see naturalColumnWidth). */
  width: number;
  /** The one column (Namn) that takes the width the others leave. */
  fillsRemainingWidth?: boolean;
  cell: (entry: CatalogEntryData) => { text: string; bold?: boolean };
}

type Doc = PDFKit.PDFDocument;

/** pdfkit internals we rely on, which @types/pdfkit does not declare (checked at run time). */
interface PdfKitInternals {
  /** The file identifier written to the trailer's /ID. */
  _id: Buffer;
  /** The current font: for a TTF, an EmbeddedFont wrapping a parsed fontkit font. */
  _font: unknown;
}

/** The part of pdfkit's EmbeddedFont that parsed-font sharing touches. */
interface EmbeddedFontInternals {
  /** The parsed fontkit font (tables, glyph and layout caches). */
  font: { createSubset(): unknown };
  /** This document's own glyph subset, embedded at doc.end(). */
  subset: unknown;
}

function isEmbeddedFont(value: unknown): value is EmbeddedFontInternals {
  if (typeof value !== 'object' || value === null) return false;
  const font = (value as { font?: unknown }).font;
  return (
    'subset' in value &&
    typeof font === 'object' &&
    font !== null &&
    typeof (font as { createSubset?: unknown }).createSubset === 'function'
  );
}

export class CatalogPdfRenderer {
  /** Font bytes are read once per renderer instance. */
  private readonly regularFont: Buffer;
  private readonly boldFont: Buffer;
  /**
   * Parsed fonts shared by every document this renderer makes. Reading the bytes once saves
   * nothing measurable; the cost is fontkit parsing cmap/GSUB/GPOS on a font's first layout
   * (~9 ms per font per document). pdfkit parses afresh for each document, so the first
   * document's parsed fonts are kept and handed to later ones; each document still builds
   * and embeds its own glyph subset. Empty if pdfkit's internals ever change shape: then every
   * document parses its own fonts (slower, same output).
   */
  private readonly parsedFonts = new Map<string, EmbeddedFontInternals['font']>();

  constructor(options: CatalogPdfRendererOptions = {}) {
    const fontDir = options.fontDir ?? defaultFontDir();
    this.regularFont = readFileSync(join(fontDir, REGULAR_FONT_FILE));
    this.boldFont = readFileSync(join(fontDir, BOLD_FONT_FILE));
  }

  render(input: CatalogDocumentInput): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      try {
        const doc = this.createDocument(input);
        const chunks: Buffer[] = [];
        doc.on('data', (chunk: Buffer) => chunks.push(chunk));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.on('error', reject);
        new CatalogLayout(doc, input).draw();
        doc.end();
      } catch (error: unknown) {
        reject(error);
      }
    });
  }

  private createDocument(input: CatalogDocumentInput): Doc {
    const { catalog } = input;
    const doc = new PDFDocument({
      size: 'A4',
      margins: PAGE_MARGINS,
      // PDF/A-2b rather than 1b: pdfkit writes a fixed, incorrect CIDSet for PDF/A-1 fonts,
      // which PDF/A-1 validators reject; PDF/A-2 does not require a CIDSet.
      subset: 'PDF/A-2b',
      pdfVersion: '1.7',
      tagged: true,
      lang: 'sv-SE',
      displayTitle: true,
      // Footers ("Sida X av Y") are written after the page count is known.
      bufferPages: true,
      // No default font: everything is drawn with the embedded DejaVu fonts.
      font: null as unknown as string,
      info: {
        Title: metadataText(`Betygskatalog ${catalog.course.code} ${catalog.course.name}`),
        Author: metadataText(catalog.organizer.name),
        Subject: metadataText(
          `${catalog.schoolUnit.name} (${catalog.schoolUnit.code}), katalog ${input.catalogId} version ${input.version}`,
        ),
        Creator: PRODUCER,
        Producer: PRODUCER,
        CreationDate: input.createdAt,
        ModDate: input.createdAt,
      },
    });
    // pdfkit derives the trailer /ID from the info dictionary alone (MD5 of title, dates...),
    // so two different catalogs could share one. Use a digest of the whole input instead.
    (doc as unknown as PdfKitInternals)._id = documentId(input);
    // pdfkit's XMP carries xmp:CreateDate but not xmp:ModifyDate; PDF/A requires the XMP to
    // mirror every Info date that is present.
    doc.appendXML(`
        <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
            <xmp:ModifyDate>${xmpDate(input.createdAt)}</xmp:ModifyDate>
            <xmp:MetadataDate>${xmpDate(input.createdAt)}</xmp:MetadataDate>
        </rdf:Description>
        `);
    doc.registerFont(REGULAR, this.regularFont);
    doc.registerFont(BOLD, this.boldFont);
    this.useSharedParsedFont(doc, BOLD);
    this.useSharedParsedFont(doc, REGULAR);
    return doc;
  }

  /** Selects `name` in `doc`, swapping in the parsed font from an earlier document if there is one. */
  private useSharedParsedFont(doc: Doc, name: string): void {
    doc.font(name);
    const embedded = (doc as unknown as PdfKitInternals)._font;
    if (!isEmbeddedFont(embedded)) return;
    const shared = this.parsedFonts.get(name);
    if (shared) {
      // Nothing has been laid out with this document's own copy yet, so only the parsed
      // font and the (still empty) subset built from it need replacing.
      embedded.font = shared;
      embedded.subset = shared.createSubset();
    } else {
      this.parsedFonts.set(name, embedded.font);
    }
  }
}

/** Draws one catalog onto a fresh document; one instance per render. */
class CatalogLayout {
  private readonly contentWidth: number;
  private readonly left = PAGE_MARGINS.left;
  private readonly columns: TableColumn[];

  constructor(
    private readonly doc: Doc,
    private readonly input: CatalogDocumentInput,
  ) {
    this.contentWidth = doc.page.width - PAGE_MARGINS.left - PAGE_MARGINS.right;
    this.columns = this.tableColumns();
  }

  draw(): void {
    this.drawHeading();
    this.drawParticulars();
    this.drawTable();
    this.drawSignatureBlock();
    this.drawFooters();
  }

  private get bottom(): number {
    return this.doc.page.height - PAGE_MARGINS.bottom;
  }

  // ---------------------------------------------------------------- heading and particulars

  private drawHeading(): void {
    const { catalog, catalogId, version } = this.input;
    this.text('Betygskatalog', { bold: true, size: 18 });
    if (catalog.corrects) {
      const kind = catalog.corrects.type === 'RATTELSE' ? 'Rättelse' : 'Ändring';
      this.text(`${kind} av betygskatalog ${catalog.corrects.catalogId}`, { bold: true, size: 12 });
      this.text(`Skäl: ${catalog.corrects.reason}`, { size: BODY_SIZE });
      this.text('Den ursprungliga katalogen gäller fortsatt som handling; tidigare betyg anges i tabellen.', {
        size: 8.5,
      });
    }
    this.text(
      `Katalog-id ${catalogId}, version ${version}. Upprättad ${formatStockholmTime(this.input.createdAt)}. Extern referens ${catalog.externalId}.`,
      { size: 8.5 },
    );
    this.doc.y += 8;
  }

  private drawParticulars(): void {
    const { catalog } = this.input;
    const { course } = catalog;
    const fields: Array<[string, string]> = [
      ['Huvudman', `${catalog.organizer.name}, org.nr ${catalog.organizer.organisationNumber}`],
    ];
    if (catalog.provider) {
      fields.push([
        'Utbildningsanordnare',
        `${catalog.provider.name}, org.nr ${catalog.provider.organisationNumber}`,
      ]);
    }
    fields.push(
      ['Skolenhet', `${catalog.schoolUnit.name}, skolenhetskod ${catalog.schoolUnit.code}`],
      ['Kommunkod', catalog.municipalityCode],
      ['Skolform', course.schoolForm],
      [COURSE_KIND_LABELS[course.kind], `${course.code} – ${course.name}`],
      ['Kurskod', course.code],
    );
    if (course.points !== undefined) fields.push(['Poäng', String(course.points)]);
    fields.push([
      'Betygssättande lärare',
      catalog.gradingTeachers
        .map((teacher) => `${teacher.name} (legitimerad: ${teacher.legitimated ? 'ja' : 'nej'})`)
        .join('\n'),
    ]);
    if (catalog.principal) fields.push(['Rektor', catalog.principal.name]);
    fields.push(['Antal elever', String(catalog.entries.length)]);

    const labelWidth = 130;
    const maxValueChars = 600; // keeps one field well below a page, so label and value stay side by side
    const valueWidth = this.contentWidth - labelWidth;
    for (const [label, fullValue] of fields) {
      const value = clip(fullValue, maxValueChars);
      const height = Math.max(
        this.measure(label, { bold: true, size: BODY_SIZE, width: labelWidth - 6 }),
        this.measure(value, { size: BODY_SIZE, width: valueWidth }),
      );
      this.ensureSpace(height + 3);
      const y = this.doc.y;
      this.textAt(label, this.left, y, { bold: true, size: BODY_SIZE, width: labelWidth - 6 });
      this.textAt(value, this.left + labelWidth, y, { size: BODY_SIZE, width: valueWidth });
      this.doc.y = y + height + 3;
    }
    this.doc.y += 10;
  }

  // ---------------------------------------------------------------- grade table

  private tableColumns(): TableColumn[] {
    const { entries } = this.input.catalog;
    const withPrevious =
      entries.some((entry) => entry.previousGrade !== undefined) || !!this.input.catalog.corrects;
    const withSpecialization = entries.some((entry) => entry.specialization !== undefined);
    const columns: TableColumn[] = [
      {
        header: 'Personnummer',
        width: 0,
        cell: (entry) => ({ text: formatPersonalNumber(entry.student.personalNumber) }),
      },
      {
        header: 'Namn',
        width: 0,
        fillsRemainingWidth: true,
        cell: (entry) => ({ text: studentName(entry) }),
      },
      {
        header: 'Betyg',
        width: 0,
        cell: (entry) => ({ text: clip(entry.grade, MAX_CELL_CHARS), bold: true }),
      },
      { header: 'Betygsdatum', width: 0, cell: (entry) => ({ text: clip(entry.gradeDate, MAX_CELL_CHARS) }) },
      {
        header: 'Prövning',
        width: 0,
        cell: (entry) => ({ text: entry.examination ? 'Prövning' : '', bold: true }),
      },
    ];
    if (withPrevious) {
      columns.push({
        header: 'Tidigare betyg',
        width: 0,
        cell: (entry) => ({ text: clip(entry.previousGrade ?? '', MAX_CELL_CHARS) }),
      });
    }
    if (withSpecialization) {
      columns.push({
        header: 'Inriktning',
        width: 0,
        cell: (entry) => ({ text: clip(entry.specialization ?? '', MAX_CELL_CHARS) }),
      });
    }
    // Fixed columns are as wide as their widest content (headers may wrap between words only);
    // the name column takes whatever width is left.
    for (const column of columns) {
      if (column.fillsRemainingWidth) continue;
      column.width = Math.min(this.naturalColumnWidth(column, entries), MAX_FIXED_COLUMN_WIDTH);
    }
    const fixedWidth = columns.reduce(
      (sum, column) => sum + (column.fillsRemainingWidth ? 0 : column.width),
      0,
    );
    for (const column of columns) {
      if (column.fillsRemainingWidth) column.width = this.contentWidth - fixedWidth;
    }
    return columns;
  }

  private naturalColumnWidth(column: TableColumn, entries: CatalogEntryData[]): number {
    this.doc.font(BOLD).fontSize(TABLE_SIZE);
    let width = Math.max(...column.header.split(' ').map((word) => this.doc.widthOfString(word)));
    const seen = new Set<string>();
    for (const entry of entries) {
      const cell = column.cell(entry);
      if (seen.has(cell.text)) continue;
      seen.add(cell.text);
      this.doc.font(cell.bold ? BOLD : REGULAR).fontSize(TABLE_SIZE);
      width = Math.max(width, this.doc.widthOfString(cell.text));
    }
    // +1 pt: pdfkit wraps when a word is exactly as wide as the line.
    return Math.ceil(width) + 2 * CELL_PADDING + 1;
  }

  private drawTable(): void {
    this.ensureSpace(60);
    this.drawTableHeader();
    for (const entry of this.input.catalog.entries) {
      const rowHeight = this.rowHeight(entry);
      const thesisHeight = this.thesisHeight(entry);
      if (this.doc.y + rowHeight + thesisHeight > this.bottom) {
        this.doc.addPage();
        this.drawTableHeader();
      }
      this.drawRow(entry, rowHeight);
      if (thesisHeight > 0) this.drawThesis(entry, thesisHeight);
      this.rule(this.doc.y, 0.4);
    }
    this.doc.y += 14;
  }

  private drawTableHeader(): void {
    const height =
      Math.max(
        ...this.columns.map((column) =>
          this.measure(column.header, {
            bold: true,
            size: TABLE_SIZE,
            width: column.width - 2 * CELL_PADDING,
          }),
        ),
      ) +
      2 * CELL_PADDING;
    const y = this.doc.y;
    this.doc.save().rect(this.left, y, this.contentWidth, height).fill('#e4e4e4').restore();
    this.doc.fillColor('black');
    let x = this.left;
    for (const column of this.columns) {
      this.textAt(column.header, x + CELL_PADDING, y + CELL_PADDING, {
        bold: true,
        size: TABLE_SIZE,
        width: column.width - 2 * CELL_PADDING,
      });
      x += column.width;
    }
    this.doc.y = y + height;
    this.rule(this.doc.y, 0.8);
  }

  private rowHeight(entry: CatalogEntryData): number {
    return (
      Math.max(
        ...this.columns.map((column) => {
          const cell = column.cell(entry);
          return this.measure(cell.text, {
            bold: cell.bold,
            size: TABLE_SIZE,
            width: column.width - 2 * CELL_PADDING,
          });
        }),
      ) +
      2 * CELL_PADDING
    );
  }

  private drawRow(entry: CatalogEntryData, height: number): void {
    const y = this.doc.y;
    let x = this.left;
    for (const column of this.columns) {
      const cell = column.cell(entry);
      if (cell.text) {
        this.textAt(cell.text, x + CELL_PADDING, y + CELL_PADDING, {
          bold: cell.bold,
          size: TABLE_SIZE,
          width: column.width - 2 * CELL_PADDING,
        });
      }
      x += column.width;
    }
    this.doc.y = y + height;
  }

  /** Komvuxarbete: title and summary go on their own full-width lines under the student's row. */
  private thesisLines(entry: CatalogEntryData): Array<{ text: string; bold: boolean }> {
    if (!entry.thesis) return [];
    return [
      { text: `Komvuxarbetets titel: ${clip(entry.thesis.title, MAX_THESIS_TITLE_CHARS)}`, bold: true },
      { text: `Sammanfattning: ${clip(entry.thesis.summary, MAX_THESIS_SUMMARY_CHARS)}`, bold: false },
    ];
  }

  private thesisHeight(entry: CatalogEntryData): number {
    const lines = this.thesisLines(entry);
    if (lines.length === 0) return 0;
    const width = this.contentWidth - this.columns[0].width - 2 * CELL_PADDING;
    return (
      lines.reduce(
        (sum, line) => sum + this.measure(line.text, { bold: line.bold, size: TABLE_SIZE, width }) + 2,
        0,
      ) + CELL_PADDING
    );
  }

  private drawThesis(entry: CatalogEntryData, height: number): void {
    const x = this.left + this.columns[0].width + CELL_PADDING;
    const width = this.contentWidth - this.columns[0].width - 2 * CELL_PADDING;
    const start = this.doc.y;
    let y = start;
    for (const line of this.thesisLines(entry)) {
      this.textAt(line.text, x, y, { bold: line.bold, size: TABLE_SIZE, width });
      y += this.measure(line.text, { bold: line.bold, size: TABLE_SIZE, width }) + 2;
    }
    this.doc.y = start + height;
  }

  // ---------------------------------------------------------------- signatures and footers

  private drawSignatureBlock(): void {
    const { catalog } = this.input;
    const signers = catalog.gradingTeachers.map(
      (teacher) =>
        `Betygssättande lärare: ${teacher.name} (legitimerad: ${teacher.legitimated ? 'ja' : 'nej'})`,
    );
    const principalSigns = catalog.course.kind === 'KOMVUX_THESIS' && catalog.principal !== undefined;
    if (principalSigns && catalog.principal) signers.push(`Rektor: ${catalog.principal.name}`);

    const who =
      catalog.course.kind === 'KOMVUX_THESIS'
        ? 'de betygssättande lärare och den rektor som anges nedan'
        : 'de betygssättande lärare som anges nedan';
    const statement =
      `Betygskatalogen undertecknas elektroniskt med BankID av ${who}. ` +
      'Varje underskrift avser denna handlings SHA-256-kontrollsumma. Underskrifterna (signerade data, ' +
      'OCSP-svar, undertecknare och tidpunkt) bevaras som bevis i arkivpaketet tillsammans med katalogen.';
    const statementHeight = this.measure(statement, { size: BODY_SIZE, width: this.contentWidth });
    // Keep the heading together with the statement.
    this.ensureSpace(20 + statementHeight);
    this.text('Underskrifter', { bold: true, size: 13 });
    this.doc.y += 2;
    this.text(statement, { size: BODY_SIZE });
    this.doc.y += 4;
    for (const signer of signers) {
      const height = this.measure(signer, { size: BODY_SIZE, width: this.contentWidth - 12 });
      this.ensureSpace(height + 2);
      const y = this.doc.y;
      this.textAt(`• ${signer}`, this.left + 6, y, { size: BODY_SIZE, width: this.contentWidth - 12 });
      this.doc.y = y + height + 2;
    }
  }

  private drawFooters(): void {
    const { doc } = this;
    const range = doc.bufferedPageRange();
    const footerLeft = `Betygskatalog ${this.input.catalogId} · version ${this.input.version}`;
    for (let index = range.start; index < range.start + range.count; index++) {
      doc.switchToPage(index);
      // Writing below the bottom margin would make pdfkit add a page; lift the margin meanwhile.
      const originalBottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - FOOTER_OFFSET_FROM_BOTTOM;
      this.rule(y - 5, 0.4);
      const pageLabel = `Sida ${index + 1} av ${range.count}`;
      doc.font(REGULAR).fontSize(7.5).fillColor('black');
      doc.text(footerLeft, this.left, y, { lineBreak: false });
      const labelWidth = doc.widthOfString(pageLabel);
      doc.text(pageLabel, this.left + this.contentWidth - labelWidth, y, { lineBreak: false });
      doc.page.margins.bottom = originalBottom;
    }
  }

  // ---------------------------------------------------------------- primitives

  /** Starts a new page when the next `height` points do not fit on this one. */
  private ensureSpace(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  private measure(text: string, style: { bold?: boolean; size: number; width: number }): number {
    this.doc.font(style.bold ? BOLD : REGULAR).fontSize(style.size);
    return this.doc.heightOfString(text, { width: style.width });
  }

  /** Flowing paragraph over the full content width at the current position. */
  private text(text: string, style: { bold?: boolean; size: number }): void {
    this.doc
      .font(style.bold ? BOLD : REGULAR)
      .fontSize(style.size)
      .fillColor('black')
      .text(text, this.left, this.doc.y, { width: this.contentWidth });
  }

  private textAt(
    text: string,
    x: number,
    y: number,
    style: { bold?: boolean; size: number; width: number },
  ): void {
    this.doc
      .font(style.bold ? BOLD : REGULAR)
      .fontSize(style.size)
      .fillColor('black')
      .text(text, x, y, { width: style.width });
  }

  private rule(y: number, lineWidth: number): void {
    this.doc
      .save()
      .lineWidth(lineWidth)
      .strokeColor('#808080')
      .moveTo(this.left, y)
      .lineTo(this.left + this.contentWidth, y)
      .stroke()
      .restore();
  }
}

/**
 * The vendored fonts sit beside this file in the source tree; a compiled build (dist/) only has
 * them if the build copies them as assets, so fall back to the source tree under the working
 * directory.
 */
function defaultFontDir(): string {
  const candidates = [join(__dirname, 'fonts'), join(process.cwd(), 'src', 'documents', 'fonts')];
  const found = candidates.find((dir) => existsSync(join(dir, REGULAR_FONT_FILE)));
  if (!found) throw new Error(`Catalog PDF fonts not found; looked in ${candidates.join(', ')}`);
  return found;
}

// -------------------------------------------------------------------- formatting helpers

/** 12 digits → YYYYMMDD-NNNN, the form Skatteverket prints. */
export function formatPersonalNumber(personalNumber: string): string {
  return /^\d{12}$/.test(personalNumber)
    ? `${personalNumber.slice(0, 8)}-${personalNumber.slice(8)}`
    : personalNumber;
}

function studentName(entry: CatalogEntryData): string {
  const name = clip(`${entry.student.familyName}, ${entry.student.givenName}`, MAX_NAME_CHARS);
  const marking = entry.student.securityMarking;
  // The catalog is an internal record, so protected students are listed, but flagged.
  return marking && marking !== 'Ingen' ? `${name}\nSkyddad identitet` : name;
}

function clip(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars ? text : `${chars.slice(0, maxChars - 1).join('')}…`;
}

/**
 * pdfkit writes Info strings verbatim into the XMP packet without XML escaping, so markup
 * characters would break the metadata (and PDF/A); replace them in metadata only.
 */
function metadataText(text: string): string {
  return text.replace(/&/g, 'och').replace(/[<>]/g, ' ').replace(/\s+/g, ' ').trim();
}

function xmpDate(date: Date): string {
  return `${date.toISOString().split('.')[0]}Z`;
}

const STOCKHOLM_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
});

function formatStockholmTime(date: Date): string {
  return STOCKHOLM_TIME.format(date);
}

/** 16 bytes of SHA-256 over a key-order-independent serialisation of the whole input. */
function documentId(input: CatalogDocumentInput): Buffer {
  const canonical = canonicalJson({
    catalogId: input.catalogId,
    version: input.version,
    createdAt: input.createdAt.toISOString(),
    catalog: input.catalog,
  });
  return createHash('sha256').update(canonical).digest().subarray(0, 16);
}
