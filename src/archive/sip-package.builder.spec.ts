import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DOMParser } from '@xmldom/xmldom';
import type { ArchivePackage } from '../core/connectors/ports';
import { archiveInputFixture } from './__tests__/archive-input.fixture';
import { checkPackageProfile, findExecutableOnPath } from './mets-validator';
import { archiveObjectId, NS, PACKAGE_PATHS, SipPackageBuilder } from './sip-package.builder';

const execFileAsync = promisify(execFile);
const schemaPath = resolve(__dirname, 'schemas/sip-validate.xsd');

function fileText(pkg: ArchivePackage, path: string): string {
  const file = pkg.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`${path} not in package`);
  return file.content.toString('utf8');
}

function parse(xml: string) {
  const errors: string[] = [];
  const document = new DOMParser({
    onError: (level, message) => void (level !== 'warning' && errors.push(message)),
  }).parseFromString(xml, 'text/xml');
  expect(errors).toEqual([]);
  return document;
}

describe('SipPackageBuilder', () => {
  const builder = new SipPackageBuilder();
  const input = archiveInputFixture();
  const pkg = builder.build(input);

  it('lays out an E-ARK CSIP/SIP package', () => {
    expect(pkg.objectId).toBe('betygskatalog-7f9c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f-v2');
    expect(pkg.files.map((file) => file.path).sort()).toEqual(
      [
        'METS.xml',
        'documentation/package-description.txt',
        'metadata/descriptive/catalog.xml',
        'metadata/preservation/premis.xml',
        'representations/rep1/data/betygskatalog.pdf',
        'representations/rep1/data/evidence/ocsp-1.der',
        'representations/rep1/data/evidence/ocsp-2.der',
        'representations/rep1/data/evidence/signature-1.xml',
        'representations/rep1/data/evidence/signature-2.xml',
        'schemas/DILCISExtensionMETS.xsd',
        'schemas/mets.xsd',
        'schemas/xlink.xsd',
      ].sort(),
    );
    expect(pkg.files.find((file) => file.path === PACKAGE_PATHS.pdf)?.content.equals(input.documentPdf)).toBe(
      true,
    );
  });

  it('is deterministic for the same input', () => {
    const again = new SipPackageBuilder().build(archiveInputFixture());
    expect(again.files.map((file) => [file.path, file.content.toString('hex')])).toEqual(
      pkg.files.map((file) => [file.path, file.content.toString('hex')]),
    );
  });

  it('writes the required METS header, agents and submission agreement', () => {
    const mets = parse(fileText(pkg, 'METS.xml')).documentElement!;
    expect(mets.getAttribute('OBJID')).toBe(pkg.objectId);
    expect(mets.getAttribute('PROFILE')).toBe('https://earksip.dilcis.eu/profile/E-ARK-SIP.xml');
    expect(mets.getAttribute('TYPE')).toBe('Textual works – Digital');
    expect(mets.getAttributeNS(NS.csip, 'CONTENTINFORMATIONTYPE')).toBe('OTHER');
    const header = mets.getElementsByTagNameNS(NS.mets, 'metsHdr')[0]!;
    expect(header.getAttributeNS(NS.csip, 'OAISPACKAGETYPE')).toBe('SIP');
    expect(header.getAttribute('RECORDSTATUS')).toBe('NEW');
    expect(header.getAttribute('CREATEDATE')).toBe('2026-06-10T11:05:00.000Z');
    const notes = Array.from(header.getElementsByTagNameNS(NS.mets, 'note')).map((note) => [
      note.getAttributeNS(NS.csip, 'NOTETYPE'),
      note.textContent,
    ]);
    expect(notes).toContainEqual(['SOFTWARE VERSION', '0.1.0']);
    expect(notes).toContainEqual(['IDENTIFICATIONCODE', '2120002411']);
    const agreement = header.getElementsByTagNameNS(NS.mets, 'altRecordID')[0]!;
    expect([agreement.getAttribute('TYPE'), agreement.textContent]).toEqual([
      'SUBMISSIONAGREEMENT',
      'FGS-KOMVUX-2281',
    ]);
    for (const file of Array.from(mets.getElementsByTagNameNS(NS.mets, 'file'))) {
      for (const attribute of ['ID', 'MIMETYPE', 'SIZE', 'CREATED', 'CHECKSUM'])
        expect(file.getAttribute(attribute)).toBeTruthy();
      expect(file.getAttribute('CHECKSUMTYPE')).toBe('SHA-256');
    }
    expect(
      Array.from(mets.getElementsByTagNameNS(NS.mets, 'structMap')).map((map) => map.getAttribute('LABEL')),
    ).toEqual(['CSIP']);
  });

  it('escapes values and keeps every catalog field in catalog.xml', () => {
    const catalogXml = fileText(pkg, PACKAGE_PATHS.descriptive);
    const catalog = parse(catalogXml).documentElement!;
    expect(catalog.namespaceURI).toBe(NS.catalog);
    const text = (name: string, index = 0) =>
      catalog.getElementsByTagNameNS(NS.catalog, name)[index]?.textContent;
    expect(text('catalogId')).toBe(input.catalogId);
    expect(text('version')).toBe('2');
    expect(text('documentSha256')).toBe(input.documentSha256);
    expect(
      catalog
        .getElementsByTagNameNS(NS.catalog, 'schoolUnit')[0]
        ?.getElementsByTagNameNS(NS.catalog, 'name')[0]?.textContent,
    ).toBe('Kunskapsparken Komvux <Sundsvall> & "Timrå"');
    expect(text('familyName', 1)).toBe("O'Brien");
    expect(text('securityMarking')).toBe('Skyddad folkbokföring');
    expect(text('previousGrade')).toBe('F');
    expect(text('legitimated')).toBe('true');
    expect(
      Array.from(catalog.getElementsByTagNameNS(NS.catalog, 'personalNumber')).map(
        (node) => node.textContent,
      ),
    ).toEqual(['196501022773', '197801012381', '199901016809', '200401012380']);
  });

  it('records signature verification and approval as PREMIS events', () => {
    const premis = parse(fileText(pkg, PACKAGE_PATHS.preservation)).documentElement!;
    expect(premis.namespaceURI).toBe(NS.premis);
    const events = Array.from(premis.getElementsByTagNameNS(NS.premis, 'event'));
    expect(events).toHaveLength(3);
    expect(
      events.map((event) => event.getElementsByTagNameNS(NS.premis, 'eventOutcome')[0]?.textContent),
    ).toEqual(['valid', 'valid', 'approved']);
    expect(events[0]?.getElementsByTagNameNS(NS.premis, 'eventOutcomeDetailNote')).toHaveLength(4);
    const digests = Array.from(premis.getElementsByTagNameNS(NS.premis, 'messageDigest')).map((node) =>
      node.textContent?.toLowerCase(),
    );
    expect(digests).toContain(input.documentSha256);
  });

  it('marks a failed verification as invalid', () => {
    const failing = archiveInputFixture();
    failing.signatures[0]!.verification = {
      valid: false,
      checkedAt: new Date('2026-06-10T09:16:00Z'),
      checks: [{ name: 'ocsp', ok: false, detail: 'revoked' }],
    };
    const premis = new SipPackageBuilder()
      .build(failing)
      .files.find((file) => file.path === PACKAGE_PATHS.preservation)!
      .content.toString('utf8');
    expect(premis).toContain('<premis:eventOutcome>invalid</premis:eventOutcome>');
    expect(premis).toContain('ocsp: failed (revoked)');
  });

  it("carries a bulk signature's manifest as evidence, in the fileSec and linked from PREMIS", () => {
    const bulk = archiveInputFixture();
    const manifest = '{"catalogs":[{"catalogId":"a","documentSha256":"00"}],"version":1}';
    bulk.signatures[0] = { ...bulk.signatures[0], bulkManifest: manifest };
    const pkg = new SipPackageBuilder().build(bulk);
    expect(fileText(pkg, PACKAGE_PATHS.bulkManifest(1))).toBe(manifest);
    expect(pkg.files.some((f) => f.path === PACKAGE_PATHS.bulkManifest(2))).toBe(false);
    expect(checkPackageProfile(pkg)).toEqual([]);
    const premis = fileText(pkg, PACKAGE_PATHS.preservation);
    expect(premis).toContain(PACKAGE_PATHS.bulkManifest(1));
  });

  it('refuses characters XML cannot carry instead of writing a broken document', () => {
    const broken = archiveInputFixture();
    broken.catalog.course.name = 'Matematik\u0001';
    expect(() => new SipPackageBuilder().build(broken)).toThrow(/not allowed in XML/);
  });

  it('derives safe object ids', () => {
    expect(archiveObjectId('abc-123', 1)).toBe('betygskatalog-abc-123-v1');
    const unsafe = archiveObjectId('../etc/passwd', 3);
    expect(unsafe).toMatch(/^betygskatalog-[A-Za-z0-9._-]+-v3$/);
    expect(unsafe).not.toContain('/');
    expect(archiveObjectId('a/b', 1)).not.toBe(archiveObjectId('a_b', 1));
  });

  const nativeXmllint = findExecutableOnPath('xmllint');
  (nativeXmllint ? it : it.skip)(
    'written to disk, METS.xml passes the real xmllint against sip-validate.xsd',
    async () => {
      const root = mkdtempSync(join(tmpdir(), 'sip-'));
      try {
        for (const file of pkg.files) {
          const target = join(root, pkg.objectId, file.path);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, file.content);
        }
        const result = await execFileAsync(
          'xmllint',
          ['--nonet', '--noout', '--schema', schemaPath, 'METS.xml'],
          { cwd: join(root, pkg.objectId) },
        );
        expect(result.stderr).toContain('METS.xml validates');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  );
});
