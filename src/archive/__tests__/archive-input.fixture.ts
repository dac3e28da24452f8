import { createHash } from 'node:crypto';
import type { ArchivePackageInput } from '../sip-package.builder';

/**
 * A realistic archive package input. Personal numbers are Skatteverket test personal numbers
 * (shared/data/testpersonnummer/testpersonnummer.json); the PDF is a tiny fake.
 */
export function archiveInputFixture(overrides: Partial<ArchivePackageInput> = {}): ArchivePackageInput {
  const documentPdf = Buffer.from(
    '%PDF-1.7\n% fake betygskatalog for tests\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n',
    'latin1',
  );
  const documentSha256 = createHash('sha256').update(documentPdf).digest('hex');
  const verification = (checkedAt: string) => ({
    valid: true,
    checkedAt: new Date(checkedAt),
    checks: [
      { name: 'xmldsig', ok: true, detail: 'SignatureValue and references verify' },
      { name: 'signed-data', ok: true, detail: `userNonVisibleData = SHA-256 ${documentSha256}` },
      { name: 'signer-matches-catalog', ok: true },
      { name: 'ocsp', ok: true, detail: 'certStatus good' },
    ],
  });
  return {
    catalogId: '7f9c2d4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
    version: 2,
    createdAt: new Date('2026-06-10T08:00:00.000Z'),
    catalog: {
      externalId: 'ALVIS-2026-VT-MATMAT01a-17',
      municipalityCode: '2281',
      schoolUnit: { code: '12345678', name: 'Kunskapsparken Komvux <Sundsvall> & "Timrå"' },
      organizer: { name: 'Sundsvalls kommun', organisationNumber: '2120002411' },
      course: { kind: 'COURSE', code: 'MATMAT01a', name: 'Matematik 1a', points: 100, schoolForm: 'VUXGY' },
      gradingTeachers: [{ personalNumber: '196501022773', name: 'Åsa Öberg', legitimated: true }],
      principal: { personalNumber: '197801012381', name: 'Per Rektor' },
      entries: [
        {
          student: { personalNumber: '199901016809', givenName: 'Elin', familyName: 'Åkesson' },
          grade: 'A',
          gradeDate: '2026-06-09',
        },
        {
          student: {
            personalNumber: '200401012380',
            givenName: 'Yusuf',
            familyName: "O'Brien",
            securityMarking: 'Skyddad folkbokföring',
          },
          grade: 'E',
          gradeDate: '2026-06-09',
          examination: true,
          previousGrade: 'F',
        },
      ],
    },
    documentPdf,
    documentSha256,
    signatures: [
      {
        role: 'GRADING_TEACHER',
        signerPersonalNumber: '196501022773',
        signerName: 'Åsa Öberg',
        signedAt: new Date('2026-06-10T09:15:00.000Z'),
        signatureXml:
          '<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>',
        ocspResponse: Buffer.from([0x30, 0x82, 0x01, 0x0a, 0x0a, 0x01, 0x00]),
        verification: verification('2026-06-10T09:15:02.000Z'),
      },
      {
        role: 'PRINCIPAL',
        signerPersonalNumber: '197801012381',
        signerName: 'Per Rektor',
        signedAt: new Date('2026-06-10T10:00:00.000Z'),
        signatureXml:
          '<?xml version="1.0" encoding="UTF-8"?><Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo/></Signature>',
        ocspResponse: Buffer.from([0x30, 0x82, 0x01, 0x0b, 0x0a, 0x01, 0x00]),
        verification: verification('2026-06-10T10:00:01.000Z'),
      },
    ],
    approval: {
      approverName: 'Anna Godkännare',
      approverId: 'user-42',
      decidedAt: new Date('2026-06-10T11:00:00.000Z'),
      comment: 'Granskad & godkänd',
    },
    submissionAgreement: 'FGS-KOMVUX-2281',
    archivalCreator: { name: 'Sundsvalls kommun, Vuxenutbildningsnämnden', organisationNumber: '2120002411' },
    software: { name: 'grade-catalog-hub', version: '0.1.0' },
    packagedAt: new Date('2026-06-10T11:05:00.000Z'),
    ...overrides,
  };
}
