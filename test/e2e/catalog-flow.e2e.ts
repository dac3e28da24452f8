import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { signAs } from '../../src/demo/sas-driver';
import { PRINCIPAL, SECOND_TEACHER, STUDENTS, TEACHER, validSubmission } from '../support/fixtures';
import { startTestHub, TestHub, waitForStatus } from '../support/test-hub';

const SCHEMA = resolve(__dirname, '../../src/archive/schemas/sip-validate.xsd');

interface CatalogBody {
  id: string;
  status: string;
  signers: { personalNumber: string; signed: boolean }[];
  deliveries: { kind: string; receipt: { archiveReference: string } }[];
  timeline: { type: string }[];
  catalog: { entries: { student: { personalNumber: string } }[] };
}

describe('a catalog from SAS push to e-archive deposit (PostgreSQL + Redis + BankID simulator)', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub('e2e');
  });
  afterAll(async () => {
    await hub?.stop();
  });

  it('is submitted, signed, approved and deposited as a schema-valid E-ARK package', async () => {
    const submitted = await hub.sas.call<{ id: string; status: string }>(
      'POST',
      '/api/v1/catalogs',
      validSubmission(),
    );
    expect(submitted.status).toBe(201);
    const id = submitted.body.id;

    const awaiting = (await waitForStatus(hub.sas, id, ['AWAITING_SIGNATURE'])) as unknown as CatalogBody;
    // Personal numbers come back normalised to 12 digits whatever form the SAS sent.
    expect(awaiting.catalog.entries.map((e) => e.student.personalNumber)).toEqual(
      STUDENTS.map((s) => s.personalNumber),
    );

    const session = await signAs(hub.sas, id, TEACHER.personalNumber, 100);
    expect(session.status).toBe('COMPLETE');
    await waitForStatus(hub.sas, id, ['AWAITING_APPROVAL']);

    const approval = await hub.approver.call('POST', `/api/v1/catalogs/${id}/approval`, {
      decision: 'APPROVE',
      approver: { name: 'Handläggare Test' },
      comment: 'ok',
    });
    expect(approval.status).toBe(201);

    const done = (await waitForStatus(hub.sas, id, ['COMPLETED', 'FAILED'])) as unknown as CatalogBody;
    expect(done.status).toBe('COMPLETED');
    expect(done.signers).toEqual([
      expect.objectContaining({ personalNumber: TEACHER.personalNumber, signed: true }),
    ]);
    expect(done.deliveries).toHaveLength(1);
    const packageDir = join(hub.archiveDir, done.deliveries[0].receipt.archiveReference);
    expect(existsSync(join(packageDir, 'METS.xml'))).toBe(true);
    expect(readdirSync(hub.archiveDir).filter((d) => !d.startsWith('.'))).toEqual([
      done.deliveries[0].receipt.archiveReference,
    ]);

    // Independent check: the official schemas via the native xmllint.
    execFileSync('xmllint', ['--nonet', '--noout', '--schema', SCHEMA, join(packageDir, 'METS.xml')], {
      stdio: 'pipe',
    });

    // Every file in the fileSec exists with the stated size and SHA-256.
    const mets = new DOMParser().parseFromString(
      readFileSync(join(packageDir, 'METS.xml'), 'utf8'),
      'text/xml',
    );
    const files = Array.from(mets.getElementsByTagNameNS('http://www.loc.gov/METS/', 'file'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const href = file
        .getElementsByTagNameNS('http://www.loc.gov/METS/', 'FLocat')[0]
        .getAttributeNS('http://www.w3.org/1999/xlink', 'href')!;
      const bytes = readFileSync(join(packageDir, href));
      expect(file.getAttribute('CHECKSUMTYPE')).toBe('SHA-256');
      expect(file.getAttribute('CHECKSUM')!.toLowerCase()).toBe(
        createHash('sha256').update(bytes).digest('hex'),
      );
      expect(Number(file.getAttribute('SIZE'))).toBe(statSync(join(packageDir, href)).size);
    }

    // The PDF signed is the PDF archived, and the document endpoint serves it.
    const pdf = await fetch(`${hub.url}/api/v1/catalogs/${id}/document`, {
      headers: { authorization: `Bearer ${hub.keys.sas}` },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const pdfBytes = Buffer.from(await pdf.arrayBuffer());
    expect(
      readFileSync(join(packageDir, 'representations/rep1/data/betygskatalog.pdf')).equals(pdfBytes),
    ).toBe(true);

    const types = done.timeline.map((e) => e.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'catalog.received',
        'signing.started',
        'signing.completed',
        'approval.decided',
        'archive.deposited',
      ]),
    );
  });

  it('waits for every required signer: two teachers and the rektor of a komvuxarbete', async () => {
    const body = validSubmission({
      course: { kind: 'KOMVUX_THESIS', code: 'KVARNT', name: 'Komvuxarbete', points: 100, schoolForm: 'VUX' },
      gradingTeachers: [
        { ...TEACHER, legitimated: true },
        { ...SECOND_TEACHER, legitimated: false },
      ],
      principal: PRINCIPAL,
      entries: [
        {
          student: STUDENTS[0],
          grade: 'B',
          gradeDate: '2026-11-20',
          thesis: { title: 'Solenergi i Norrland', summary: 'En studie av solceller på höga breddgrader.' },
        },
      ],
    });
    const { body: created } = await hub.sas.call<{ id: string }>('POST', '/api/v1/catalogs', body);
    await waitForStatus(hub.sas, created.id, ['AWAITING_SIGNATURE']);

    expect((await signAs(hub.sas, created.id, TEACHER.personalNumber, 100)).status).toBe('COMPLETE');
    expect((await signAs(hub.sas, created.id, SECOND_TEACHER.personalNumber, 100)).status).toBe('COMPLETE');
    const afterTwo = (await hub.sas.call<CatalogBody>('GET', `/api/v1/catalogs/${created.id}`)).body;
    expect(afterTwo.status).toBe('AWAITING_SIGNATURE');
    expect(afterTwo.signers.map((s) => [s.personalNumber, s.signed])).toEqual([
      [TEACHER.personalNumber, true],
      [SECOND_TEACHER.personalNumber, true],
      [PRINCIPAL.personalNumber, false],
    ]);

    expect((await signAs(hub.sas, created.id, PRINCIPAL.personalNumber, 100)).status).toBe('COMPLETE');
    await waitForStatus(hub.sas, created.id, ['AWAITING_APPROVAL']);
  });

  it('refuses an approver who signed the catalog', async () => {
    const { body: created } = await hub.sas.call<{ id: string }>(
      'POST',
      '/api/v1/catalogs',
      validSubmission(),
    );
    await waitForStatus(hub.sas, created.id, ['AWAITING_SIGNATURE']);
    await signAs(hub.sas, created.id, TEACHER.personalNumber, 100);
    await waitForStatus(hub.sas, created.id, ['AWAITING_APPROVAL']);
    await expect(
      hub.approver.call('POST', `/api/v1/catalogs/${created.id}/approval`, {
        decision: 'APPROVE',
        approver: { name: TEACHER.name, personalNumber: TEACHER.personalNumber },
      }),
    ).rejects.toMatchObject({
      status: 422,
      body: {
        errors: [
          expect.objectContaining({ pointer: '/approver/personalNumber', code: 'approver_is_signer' }),
        ],
      },
    });
    const after = (await hub.sas.call<CatalogBody>('GET', `/api/v1/catalogs/${created.id}`)).body;
    expect(after.status).toBe('AWAITING_APPROVAL');
  });
});
