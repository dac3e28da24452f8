import type { CatalogData } from '../catalogs/catalog.types';
import type { ArchivePackage, PackageFile } from '../core/connectors/ports';
import { PACKAGE_SCHEMA_FILES, readSchemaFile } from './schema-files';
import { el, serialiseDocument, textEl, type XmlElement } from './xml-writer';
import { sha256Hex } from '../core/hashing';

export interface SignatureEvidence {
  role: 'GRADING_TEACHER' | 'PRINCIPAL' | 'APPROVER';
  signerPersonalNumber: string;
  signerName: string;
  signedAt: Date;
  /** Decoded BankID XMLDSig. */
  signatureXml: string;
  /** DER. */
  ocspResponse: Buffer;
  verification: { valid: boolean; checkedAt: Date; checks: { name: string; ok: boolean; detail?: string }[] };
  /**
   * Bulk signing: the canonical manifest (JSON) whose SHA-256 was the signed non-visible data; it
   * lists this catalog's document hash and links the catalog to the one BankID order.
   */
  bulkManifest?: string;
}

export interface ArchivePackageInput {
  catalogId: string;
  version: number;
  createdAt: Date;
  catalog: CatalogData;
  documentPdf: Buffer;
  documentSha256: string;
  signatures: SignatureEvidence[];
  approval: { approverName: string; approverId: string; decidedAt: Date; comment?: string };
  /** E.g. "FGS-KOMVUX-2281", from config. */
  submissionAgreement: string;
  archivalCreator: { name: string; organisationNumber: string };
  software: { name: string; version: string };
  packagedAt: Date;
}

export const NS = {
  mets: 'http://www.loc.gov/METS/',
  xlink: 'http://www.w3.org/1999/xlink',
  csip: 'https://DILCIS.eu/XML/METS/CSIPExtensionMETS',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  premis: 'http://www.loc.gov/premis/v3',
  catalog: 'urn:grade-catalog-hub:catalog:1',
} as const;

export const SIP_PROFILE_URL = 'https://earksip.dilcis.eu/profile/E-ARK-SIP.xml';
/**
 * mets/@TYPE (CSIP2) from the content-category vocabulary. A grade catalog is a digital textual
 * record (PDF + XML); using a vocabulary term avoids the "OTHER" vs "Other" ambiguity between the
 * profile text and the vocabulary file.
 */
export const CONTENT_CATEGORY = 'Textual works – Digital';
/** csip:CONTENTINFORMATIONTYPE (CSIP4/CSIP62): no CITS exists for grade catalogs. */
export const CONTENT_INFORMATION_TYPE = 'OTHER';
export const OTHER_CONTENT_INFORMATION_TYPE = `Betygskatalog (${NS.catalog})`;

export const PACKAGE_PATHS = {
  mets: 'METS.xml',
  descriptive: 'metadata/descriptive/catalog.xml',
  preservation: 'metadata/preservation/premis.xml',
  documentation: 'documentation/package-description.txt',
  representation: 'representations/rep1',
  pdf: 'representations/rep1/data/betygskatalog.pdf',
  signatureXml: (n: number) => `representations/rep1/data/evidence/signature-${n}.xml`,
  ocspResponse: (n: number) => `representations/rep1/data/evidence/ocsp-${n}.der`,
  bulkManifest: (n: number) => `representations/rep1/data/evidence/manifest-${n}.json`,
} as const;

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Stable package id (= root folder name = mets/@OBJID) per catalog version. Ids that are not safe
 * as a folder name are sanitised and suffixed with a hash of the original so they stay unique.
 */
export function archiveObjectId(catalogId: string, version: number): string {
  const base = `betygskatalog-${catalogId}-v${version}`;
  if (SAFE_SEGMENT.test(catalogId) && base.length <= 200) return base;
  const sanitised = catalogId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  const hash = metsChecksum(Buffer.from(catalogId, 'utf8')).slice(0, 12);
  return `betygskatalog-${sanitised}-${hash}-v${version}`;
}

/** METS @CHECKSUM: SHA-256, uppercase hex. */
export function metsChecksum(content: Buffer): string {
  return sha256Hex(content).toUpperCase();
}

/** ISO 8601 with explicit timezone (UTC "Z"), as xs:dateTime wants. */
function isoDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new Error('Invalid date in archive package input');
  return date.toISOString();
}

type FileGroup = 'documentation' | 'schemas' | 'representation';

interface PlannedFile {
  path: string;
  content: Buffer;
  mimeType: string;
  created: Date;
  group: FileGroup;
}

export class SipPackageBuilder {
  constructor(private readonly options: { schemaDirectory?: string } = {}) {}

  build(input: ArchivePackageInput): ArchivePackage {
    const objectId = archiveObjectId(input.catalogId, input.version);

    const representationFiles: PlannedFile[] = [
      {
        path: PACKAGE_PATHS.pdf,
        content: input.documentPdf,
        mimeType: 'application/pdf',
        created: input.packagedAt,
        group: 'representation',
      },
    ];
    input.signatures.forEach((signature, index) => {
      const n = index + 1;
      representationFiles.push(
        {
          path: PACKAGE_PATHS.signatureXml(n),
          content: Buffer.from(signature.signatureXml, 'utf8'),
          mimeType: 'application/xml',
          created: signature.signedAt,
          group: 'representation',
        },
        {
          path: PACKAGE_PATHS.ocspResponse(n),
          content: signature.ocspResponse,
          mimeType: 'application/ocsp-response',
          created: signature.signedAt,
          group: 'representation',
        },
      );
      if (signature.bulkManifest !== undefined) {
        representationFiles.push({
          path: PACKAGE_PATHS.bulkManifest(n),
          content: Buffer.from(signature.bulkManifest, 'utf8'),
          mimeType: 'application/json',
          created: signature.signedAt,
          group: 'representation',
        });
      }
    });

    const schemaFiles: PlannedFile[] = PACKAGE_SCHEMA_FILES.map((fileName) => ({
      path: `schemas/${fileName}`,
      content: readSchemaFile(fileName, this.options.schemaDirectory),
      mimeType: 'application/xml',
      created: input.packagedAt,
      group: 'schemas',
    }));

    const descriptive = serialiseDocument(buildCatalogXml(input));
    const premis = serialiseDocument(buildPremisXml(input, representationFiles));
    const documentation: PlannedFile = {
      path: PACKAGE_PATHS.documentation,
      content: Buffer.from(buildPackageDescription(input, objectId), 'utf8'),
      mimeType: 'text/plain',
      created: input.packagedAt,
      group: 'documentation',
    };

    const contentFiles = [documentation, ...schemaFiles, ...representationFiles];
    const mets = serialiseDocument(buildMetsXml(input, objectId, contentFiles, descriptive, premis));

    const files: PackageFile[] = [
      { path: PACKAGE_PATHS.mets, content: mets },
      { path: PACKAGE_PATHS.descriptive, content: descriptive },
      { path: PACKAGE_PATHS.preservation, content: premis },
      ...contentFiles.map((file) => ({ path: file.path, content: file.content })),
    ];
    return { objectId, files };
  }
}

// ------------------------------------------------------------------ METS.xml

function fileAttributes(id: string, content: Buffer, mimeType: string, created: Date) {
  return {
    ID: id,
    MIMETYPE: mimeType,
    SIZE: content.length,
    CREATED: isoDateTime(created),
    CHECKSUM: metsChecksum(content),
    CHECKSUMTYPE: 'SHA-256',
  };
}

function locator(path: string) {
  return { LOCTYPE: 'URL', 'xlink:type': 'simple', 'xlink:href': path };
}

function buildMetsXml(
  input: ArchivePackageInput,
  objectId: string,
  contentFiles: PlannedFile[],
  descriptive: Buffer,
  premis: Buffer,
): XmlElement {
  const created = isoDateTime(input.packagedAt);
  const groups: Array<{ group: FileGroup; id: string; use: string; extra?: Record<string, string> }> = [
    { group: 'documentation', id: 'filegrp-documentation', use: 'Documentation' },
    { group: 'schemas', id: 'filegrp-schemas', use: 'Schemas' },
    {
      group: 'representation',
      id: 'filegrp-rep1',
      use: 'Representations/rep1',
      // CSIP62: a representation file group states its content information type.
      extra: {
        'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
        'csip:OTHERCONTENTINFORMATIONTYPE': OTHER_CONTENT_INFORMATION_TYPE,
      },
    },
  ];
  // Counter-based ids keep the document deterministic for identical input.
  let fileCounter = 0;
  const fileGroups = groups.map(({ group, id, use, extra }) =>
    el(
      'mets:fileGrp',
      { ID: id, USE: use, ...extra },
      contentFiles
        .filter((file) => file.group === group)
        .map((file) => {
          fileCounter += 1;
          const fileId = `file-${String(fileCounter).padStart(4, '0')}`;
          const admId = group === 'representation' ? 'digiprov-premis' : undefined;
          return el(
            'mets:file',
            { ...fileAttributes(fileId, file.content, file.mimeType, file.created), ADMID: admId },
            el('mets:FLocat', locator(file.path)),
          );
        }),
    ),
  );

  return el(
    'mets:mets',
    {
      'xmlns:mets': NS.mets,
      'xmlns:xlink': NS.xlink,
      'xmlns:csip': NS.csip,
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': `${NS.mets} schemas/mets.xsd ${NS.xlink} schemas/xlink.xsd ${NS.csip} schemas/DILCISExtensionMETS.xsd`,
      OBJID: objectId,
      LABEL: `Betygskatalog ${input.catalog.course.code} ${input.catalog.course.name}, ${input.catalog.schoolUnit.name} (version ${input.version})`,
      TYPE: CONTENT_CATEGORY,
      'csip:CONTENTINFORMATIONTYPE': CONTENT_INFORMATION_TYPE,
      'csip:OTHERCONTENTINFORMATIONTYPE': OTHER_CONTENT_INFORMATION_TYPE,
      PROFILE: SIP_PROFILE_URL,
    },
    el(
      'mets:metsHdr',
      { CREATEDATE: created, RECORDSTATUS: 'NEW', 'csip:OAISPACKAGETYPE': 'SIP' },
      // CSIP10-16: the software that created the package.
      el(
        'mets:agent',
        { ROLE: 'CREATOR', TYPE: 'OTHER', OTHERTYPE: 'SOFTWARE' },
        el('mets:name', {}, input.software.name),
        el('mets:note', { 'csip:NOTETYPE': 'SOFTWARE VERSION' }, input.software.version),
      ),
      // SIP9-14: the archival creator (the organisation whose record this is).
      el(
        'mets:agent',
        { ROLE: 'ARCHIVIST', TYPE: 'ORGANIZATION' },
        el('mets:name', {}, input.archivalCreator.name),
        el('mets:note', { 'csip:NOTETYPE': 'IDENTIFICATIONCODE' }, input.archivalCreator.organisationNumber),
      ),
      // SIP15-20: the submitting agent; the archival creator submits its own records.
      el(
        'mets:agent',
        { ROLE: 'CREATOR', TYPE: 'ORGANIZATION' },
        el('mets:name', {}, input.archivalCreator.name),
        el('mets:note', { 'csip:NOTETYPE': 'IDENTIFICATIONCODE' }, input.archivalCreator.organisationNumber),
      ),
      el('mets:altRecordID', { TYPE: 'SUBMISSIONAGREEMENT' }, input.submissionAgreement),
    ),
    el(
      'mets:dmdSec',
      { ID: 'dmd-catalog', CREATED: created, STATUS: 'CURRENT' },
      el('mets:mdRef', {
        ...locator(PACKAGE_PATHS.descriptive),
        MDTYPE: 'OTHER',
        OTHERMDTYPE: 'GradeCatalog',
        MDTYPEVERSION: '1',
        ...withoutId(fileAttributes('x', descriptive, 'application/xml', input.packagedAt)),
        LABEL: 'catalog.xml',
      }),
    ),
    el(
      'mets:amdSec',
      { ID: 'amdsec' },
      el(
        'mets:digiprovMD',
        { ID: 'digiprov-premis', CREATED: created, STATUS: 'CURRENT' },
        el('mets:mdRef', {
          ...locator(PACKAGE_PATHS.preservation),
          MDTYPE: 'PREMIS',
          MDTYPEVERSION: '3.0',
          ...withoutId(fileAttributes('x', premis, 'application/xml', input.packagedAt)),
          LABEL: 'premis.xml',
        }),
      ),
    ),
    el('mets:fileSec', { ID: 'filesec' }, fileGroups),
    el(
      'mets:structMap',
      { ID: 'structmap-csip', TYPE: 'PHYSICAL', LABEL: 'CSIP' },
      el(
        'mets:div',
        { ID: 'div-package', LABEL: objectId },
        el('mets:div', {
          ID: 'div-metadata',
          LABEL: 'Metadata',
          ADMID: 'digiprov-premis',
          DMDID: 'dmd-catalog',
        }),
        el(
          'mets:div',
          { ID: 'div-documentation', LABEL: 'Documentation' },
          el('mets:fptr', { FILEID: 'filegrp-documentation' }),
        ),
        el(
          'mets:div',
          { ID: 'div-schemas', LABEL: 'Schemas' },
          el('mets:fptr', { FILEID: 'filegrp-schemas' }),
        ),
        // CSIP101 / structMapExample1: without a representation METS the content file group is
        // referenced from a single "Representations" division.
        el(
          'mets:div',
          { ID: 'div-representations', LABEL: 'Representations' },
          el('mets:fptr', { FILEID: 'filegrp-rep1' }),
        ),
      ),
    ),
  );
}

function withoutId<T extends { ID: string }>(attributes: T): Omit<T, 'ID'> {
  const { ID: _ignored, ...rest } = attributes;
  void _ignored;
  return rest;
}

// ------------------------------------------------------------------ catalog.xml

function buildCatalogXml(input: ArchivePackageInput): XmlElement {
  const catalog = input.catalog;
  const organisation = (name: string, value: { name: string; organisationNumber: string } | undefined) =>
    value && el(name, {}, el('name', {}, value.name), el('organisationNumber', {}, value.organisationNumber));
  const person = (
    name: string,
    value: { personalNumber: string; name: string } | undefined,
    extra: XmlElement[] = [],
  ) =>
    value && el(name, {}, el('personalNumber', {}, value.personalNumber), el('name', {}, value.name), extra);

  return el(
    'catalog',
    { xmlns: NS.catalog },
    el('catalogId', {}, input.catalogId),
    el('version', {}, String(input.version)),
    el('createdAt', {}, isoDateTime(input.createdAt)),
    el('documentSha256', {}, input.documentSha256),
    el('externalId', {}, catalog.externalId),
    el('municipalityCode', {}, catalog.municipalityCode),
    el('schoolUnit', {}, el('code', {}, catalog.schoolUnit.code), el('name', {}, catalog.schoolUnit.name)),
    organisation('organizer', catalog.organizer),
    organisation('provider', catalog.provider),
    el(
      'course',
      {},
      el('kind', {}, catalog.course.kind),
      el('code', {}, catalog.course.code),
      el('name', {}, catalog.course.name),
      textEl('points', catalog.course.points),
      el('schoolForm', {}, catalog.course.schoolForm),
    ),
    el(
      'gradingTeachers',
      {},
      catalog.gradingTeachers.map(
        (teacher) =>
          person('gradingTeacher', teacher, [
            el('legitimated', {}, String(teacher.legitimated)),
          ]) as XmlElement,
      ),
    ),
    person('principal', catalog.principal),
    catalog.corrects &&
      el(
        'corrects',
        {},
        el('catalogId', {}, catalog.corrects.catalogId),
        el('type', {}, catalog.corrects.type),
        el('reason', {}, catalog.corrects.reason),
      ),
    el(
      'entries',
      {},
      catalog.entries.map((entry) =>
        el(
          'entry',
          {},
          el(
            'student',
            {},
            el('personalNumber', {}, entry.student.personalNumber),
            el('givenName', {}, entry.student.givenName),
            el('familyName', {}, entry.student.familyName),
            textEl('securityMarking', entry.student.securityMarking),
          ),
          el('grade', {}, entry.grade),
          el('gradeDate', {}, entry.gradeDate),
          textEl('examination', entry.examination),
          textEl('previousGrade', entry.previousGrade),
          entry.thesis &&
            el('thesis', {}, el('title', {}, entry.thesis.title), el('summary', {}, entry.thesis.summary)),
          textEl('specialization', entry.specialization),
        ),
      ),
    ),
  );
}

// ------------------------------------------------------------------ premis.xml

const LOC_EVENT_TYPE = 'http://id.loc.gov/vocabulary/preservation/eventType';

function premisIdentifier(kind: 'object' | 'event' | 'agent', type: string, value: string): XmlElement {
  return el(
    `premis:${kind}Identifier`,
    {},
    el(`premis:${kind}IdentifierType`, {}, type),
    el(`premis:${kind}IdentifierValue`, {}, value),
  );
}

function linkingAgent(type: string, value: string, role: string): XmlElement {
  return el(
    'premis:linkingAgentIdentifier',
    {},
    el('premis:linkingAgentIdentifierType', {}, type),
    el('premis:linkingAgentIdentifierValue', {}, value),
    el('premis:linkingAgentRole', {}, role),
  );
}

function linkingObject(value: string, role: string): XmlElement {
  return el(
    'premis:linkingObjectIdentifier',
    {},
    el('premis:linkingObjectIdentifierType', {}, 'local'),
    el('premis:linkingObjectIdentifierValue', {}, value),
    el('premis:linkingObjectRole', {}, role),
  );
}

function buildPremisXml(input: ArchivePackageInput, representationFiles: PlannedFile[]): XmlElement {
  const softwareAgentId = `software:${input.software.name}`;
  const personAgentId = (personalNumber: string) => `personnummer:${personalNumber}`;
  const approverAgentId = `approver:${input.approval.approverId}`;

  const objects = representationFiles.map((file) =>
    el(
      'premis:object',
      { 'xsi:type': 'premis:file' },
      premisIdentifier('object', 'local', file.path),
      el(
        'premis:objectCharacteristics',
        {},
        el('premis:compositionLevel', {}, '0'),
        el(
          'premis:fixity',
          {},
          el('premis:messageDigestAlgorithm', {}, 'SHA-256'),
          el('premis:messageDigest', {}, metsChecksum(file.content)),
        ),
        el('premis:size', {}, String(file.content.length)),
        el(
          'premis:format',
          {},
          el('premis:formatDesignation', {}, el('premis:formatName', {}, file.mimeType)),
        ),
      ),
      el('premis:originalName', {}, file.path.split('/').pop() ?? file.path),
    ),
  );

  // Riksarkivet: preserve the record of the signature verification (what, when, result).
  const signatureEvents = input.signatures.map((signature, index) => {
    const n = index + 1;
    return el(
      'premis:event',
      {},
      premisIdentifier('event', 'local', `event-signature-verification-${n}`),
      el(
        'premis:eventType',
        { authority: 'eventType', authorityURI: LOC_EVENT_TYPE },
        'digital signature validation',
      ),
      el('premis:eventDateTime', {}, isoDateTime(signature.verification.checkedAt)),
      el(
        'premis:eventDetailInformation',
        {},
        el(
          'premis:eventDetail',
          {},
          `Signature verification of BankID signature ${n} (role ${signature.role}) by ${signature.signerName}, signed ${isoDateTime(signature.signedAt)}, over document SHA-256 ${input.documentSha256}`,
        ),
      ),
      el(
        'premis:eventOutcomeInformation',
        {},
        el('premis:eventOutcome', {}, signature.verification.valid ? 'valid' : 'invalid'),
        signature.verification.checks.map((check) =>
          el(
            'premis:eventOutcomeDetail',
            {},
            el(
              'premis:eventOutcomeDetailNote',
              {},
              `${check.name}: ${check.ok ? 'ok' : 'failed'}${check.detail ? ` (${check.detail})` : ''}`,
            ),
          ),
        ),
      ),
      linkingAgent('local', softwareAgentId, 'executing program'),
      linkingAgent('local', personAgentId(signature.signerPersonalNumber), 'signer'),
      linkingObject(PACKAGE_PATHS.pdf, 'source'),
      linkingObject(PACKAGE_PATHS.signatureXml(n), 'evidence'),
      linkingObject(PACKAGE_PATHS.ocspResponse(n), 'evidence'),
      ...(signature.bulkManifest !== undefined
        ? [linkingObject(PACKAGE_PATHS.bulkManifest(n), 'evidence')]
        : []),
    );
  });

  const approvalEvent = el(
    'premis:event',
    {},
    premisIdentifier('event', 'local', 'event-approval'),
    el('premis:eventType', {}, 'approval'),
    el('premis:eventDateTime', {}, isoDateTime(input.approval.decidedAt)),
    el(
      'premis:eventDetailInformation',
      {},
      el(
        'premis:eventDetail',
        {},
        `Catalog ${input.catalogId} version ${input.version} approved by ${input.approval.approverName}`,
      ),
    ),
    el(
      'premis:eventOutcomeInformation',
      {},
      el('premis:eventOutcome', {}, 'approved'),
      input.approval.comment !== undefined &&
        el('premis:eventOutcomeDetail', {}, el('premis:eventOutcomeDetailNote', {}, input.approval.comment)),
    ),
    linkingAgent('local', approverAgentId, 'approver'),
    linkingObject(PACKAGE_PATHS.pdf, 'source'),
  );

  // One agent per distinct identifier, in first-seen order (deterministic, no duplicates).
  const agents = new Map<string, XmlElement>();
  const addAgent = (id: string, name: string, type: string, extra: XmlElement[] = []) => {
    if (!agents.has(id))
      agents.set(
        id,
        el(
          'premis:agent',
          {},
          premisIdentifier('agent', 'local', id),
          el('premis:agentName', {}, name),
          el('premis:agentType', {}, type),
          extra,
        ),
      );
  };
  addAgent(softwareAgentId, input.software.name, 'software', [
    el('premis:agentVersion', {}, input.software.version),
  ]);
  for (const signature of input.signatures)
    addAgent(personAgentId(signature.signerPersonalNumber), signature.signerName, 'person');
  addAgent(approverAgentId, input.approval.approverName, 'person');
  addAgent(
    `organisationsnummer:${input.archivalCreator.organisationNumber}`,
    input.archivalCreator.name,
    'organization',
  );

  return el(
    'premis:premis',
    { 'xmlns:premis': NS.premis, 'xmlns:xsi': NS.xsi, version: '3.0' },
    objects,
    signatureEvents,
    approvalEvent,
    [...agents.values()],
  );
}

// ------------------------------------------------------------------ documentation

function buildPackageDescription(input: ArchivePackageInput, objectId: string): string {
  const lines = [
    `Arkivpaket / archive package ${objectId}`,
    `Betygskatalog ${input.catalogId} version ${input.version}: ${input.catalog.course.code} ${input.catalog.course.name}, ${input.catalog.schoolUnit.name} (${input.catalog.schoolUnit.code})`,
    `Arkivbildare / archival creator: ${input.archivalCreator.name} (${input.archivalCreator.organisationNumber})`,
    `Leveransöverenskommelse / submission agreement: ${input.submissionAgreement}`,
    `Paketerad / packaged: ${isoDateTime(input.packagedAt)} by ${input.software.name} ${input.software.version}`,
    '',
    'Content (E-ARK CSIP/SIP 2.1.0 = FGS Paketstruktur 2.0):',
    `- ${PACKAGE_PATHS.pdf}: the grade catalog document; SHA-256 of the signed document ${input.documentSha256}`,
    '- representations/rep1/data/evidence/signature-<n>.xml: BankID XMLDSig signature n, as received',
    '- representations/rep1/data/evidence/ocsp-<n>.der: OCSP response (DER) for signature n, as received',
    '- representations/rep1/data/evidence/manifest-<n>.json: for a bulk signature, the manifest of document hashes whose SHA-256 was signed',
    `- ${PACKAGE_PATHS.descriptive}: the structured catalog data (namespace ${NS.catalog})`,
    `- ${PACKAGE_PATHS.preservation}: PREMIS 3 preservation metadata: fixity, signature verification and approval events`,
    '- schemas/: XML schemas used by METS.xml',
    '',
    'Signatures:',
    ...input.signatures.map(
      (signature, index) =>
        `  ${index + 1}. ${signature.role} ${signature.signerName}, signed ${isoDateTime(signature.signedAt)}, verification ${signature.verification.valid ? 'valid' : 'INVALID'} at ${isoDateTime(signature.verification.checkedAt)}`,
    ),
    `Approval: ${input.approval.approverName}, ${isoDateTime(input.approval.decidedAt)}`,
  ];
  return `${lines.join('\n')}\n`;
}
