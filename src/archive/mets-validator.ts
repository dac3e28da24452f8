import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import type { ArchivePackage } from '../core/connectors/ports';
import { resolveSchemaDirectory, readSchemaFile, VALIDATION_SCHEMA_FILES } from './schema-files';
import { NS, SIP_PROFILE_URL } from './sip-package.builder';

export type MetsValidationEngine = 'auto' | 'native' | 'wasm';

export interface MetsValidatorOptions {
  /**
   * 'auto' (default): the native `xmllint` when one is on PATH at construction, else xmllint-wasm.
   * Native is ≈9 ms per METS.xml, wasm ≈135 ms (it recompiles the schemas every call): DESIGN.md §5.
   */
  engine?: MetsValidationEngine;
  /** Override the vendored schema folder (default: `src/archive/schemas`). */
  schemaDirectory?: string;
  /** Path of the xmllint executable for the native engine (default: found on PATH). */
  xmllintPath?: string;
  /** Kill a native xmllint run after this long (default 30 s). */
  timeoutMs?: number;
}

export interface MetsValidationResult {
  valid: boolean;
  errors: string[];
}

const DRIVER_SCHEMA = 'sip-validate.xsd';

/** First executable called `name` on PATH, or null. */
export function findExecutableOnPath(name: string, pathVariable = process.env.PATH ?? ''): string | null {
  for (const directory of pathVariable.split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: keep looking
    }
  }
  return null;
}

// xmllint always prints this when mets.xsd's remote XLink import is skipped in favour of the
// local xlink.xsd the driver schema imported first; it is expected and harmless.
const HARMLESS_OUTPUT = [
  /Skipping import of schema located at 'http:\/\/www\.loc\.gov\/standards\/xlink\/xlink\.xsd'/,
  / validates$/,
];

function meaningfulLines(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0 && !HARMLESS_OUTPUT.some((pattern) => pattern.test(line)));
}

/**
 * XSD validation of a package METS.xml against METS 1.12 + XLink + the DILCIS CSIP/SIP extension
 * schemas (vendored, no network), plus the CSIP/SIP profile rules an XSD cannot express.
 */
export class MetsValidator {
  readonly engine: 'native' | 'wasm';
  private readonly schemaDirectory: string;
  private readonly xmllintPath: string | null;
  private readonly timeoutMs: number;

  constructor(options: MetsValidatorOptions = {}) {
    this.schemaDirectory = resolveSchemaDirectory(options.schemaDirectory);
    this.timeoutMs = options.timeoutMs ?? 30_000;
    const requested = options.engine ?? 'auto';
    this.xmllintPath = requested === 'wasm' ? null : (options.xmllintPath ?? findExecutableOnPath('xmllint'));
    if (requested === 'native' && !this.xmllintPath) {
      throw new Error('MetsValidator: engine "native" requested but no xmllint executable was found on PATH');
    }
    this.engine = this.xmllintPath ? 'native' : 'wasm';
  }

  async validate(metsXml: string): Promise<MetsValidationResult> {
    return this.engine === 'native' ? this.validateNative(metsXml) : this.validateWasm(metsXml);
  }

  private validateNative(metsXml: string): Promise<MetsValidationResult> {
    const xmllint = this.xmllintPath as string;
    const schemaPath = join(this.schemaDirectory, DRIVER_SCHEMA);
    return new Promise((resolve, reject) => {
      // The document goes over stdin ('-'): no temp file, nothing to clean up.
      const child = execFile(
        xmllint,
        ['--nonet', '--noout', '--schema', schemaPath, '-'],
        { timeout: this.timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' },
        (error, _stdout, stderr) => {
          if (!error) {
            resolve({ valid: true, errors: [] });
            return;
          }
          const exitCode = typeof error.code === 'number' ? error.code : null;
          // xmllint exit codes: 1 parse error, 3/4 validation error; 5 = schema itself broken.
          if (exitCode === 1 || exitCode === 3 || exitCode === 4) {
            // stdin is called '-' by xmllint; name it like the wasm engine does.
            const errors = meaningfulLines(stderr)
              .filter((line) => !/fails to validate$/.test(line))
              .map((line) => line.replace(/^-:/, 'METS.xml:'));
            resolve({
              valid: false,
              errors: errors.length > 0 ? errors : [`xmllint exited with status ${exitCode}`],
            });
            return;
          }
          reject(
            new Error(
              `xmllint could not validate (status ${String(error.code ?? error.signal)}): ${stderr.trim() || error.message}`,
            ),
          );
        },
      );
      child.stdin?.on('error', () => {
        // EPIPE if xmllint exits early; the exit callback above reports the outcome.
      });
      child.stdin?.end(metsXml, 'utf8');
    });
  }

  private async validateWasm(metsXml: string): Promise<MetsValidationResult> {
    // Loaded lazily so that the native path never pays for instantiating the wasm module.
    const { validateXML } = await import('xmllint-wasm');
    const preload = VALIDATION_SCHEMA_FILES.filter((name) => name !== DRIVER_SCHEMA).map((fileName) => ({
      fileName,
      contents: readSchemaFile(fileName, this.schemaDirectory).toString('utf8'),
    }));
    const result = await validateXML({
      xml: [{ fileName: 'METS.xml', contents: metsXml }],
      schema: [
        {
          fileName: DRIVER_SCHEMA,
          contents: readSchemaFile(DRIVER_SCHEMA, this.schemaDirectory).toString('utf8'),
        },
      ],
      preload,
      // METS documents of a large catalog can exceed the 32 MiB default.
      maxMemoryPages: 4096,
    });
    if (result.valid) return { valid: true, errors: [] };
    const errors = result.errors
      .map((error) => error.rawMessage.trim())
      .filter(
        (line) =>
          line.length > 0 &&
          !HARMLESS_OUTPUT.some((pattern) => pattern.test(line)) &&
          !/fails to validate$/.test(line),
      );
    return { valid: false, errors: errors.length > 0 ? errors : meaningfulLines(result.rawOutput) };
  }

  /**
   * CSIP/SIP profile rules that XSD validation does not check. Returns one message per problem;
   * an empty array means the package passes.
   */
  checkPackageProfile(pkg: ArchivePackage): string[] {
    return checkPackageProfile(pkg);
  }
}

// ------------------------------------------------------------------ profile rules

const REQUIRED_FILE_ATTRIBUTES = ['ID', 'MIMETYPE', 'SIZE', 'CREATED', 'CHECKSUM', 'CHECKSUMTYPE'] as const;
const REQUIRED_MDREF_ATTRIBUTES = [
  'MDTYPE',
  'MIMETYPE',
  'SIZE',
  'CREATED',
  'CHECKSUM',
  'CHECKSUMTYPE',
] as const;

function childElements(parent: Element, localName: string): Element[] {
  const result: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (
      node.nodeType === 1 &&
      (node as Element).namespaceURI === NS.mets &&
      (node as Element).localName === localName
    ) {
      result.push(node as Element);
    }
  }
  return result;
}

function descendants(root: Element, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(NS.mets, localName));
}

function describe(element: Element): string {
  const name = element.localName ?? element.nodeName;
  const id = element.getAttribute('ID');
  return id ? `${name} ${id}` : name;
}

export function checkPackageProfile(pkg: ArchivePackage): string[] {
  const problems: string[] = [];
  const filesByPath = new Map(pkg.files.map((file) => [file.path, file.content]));
  const metsContent = filesByPath.get('METS.xml');
  if (!metsContent) return ['METS.xml is missing from the package root'];

  let root: Element;
  try {
    const parseErrors: string[] = [];
    const document = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') parseErrors.push(message);
      },
    }).parseFromString(metsContent.toString('utf8'), 'text/xml');
    if (parseErrors.length > 0 || !document.documentElement) {
      return [`METS.xml is not well-formed: ${parseErrors.join('; ') || 'no root element'}`];
    }
    root = document.documentElement;
  } catch (error) {
    return [`METS.xml is not well-formed: ${error instanceof Error ? error.message : String(error)}`];
  }

  if (root.namespaceURI !== NS.mets || root.localName !== 'mets')
    return ['METS.xml root element is not mets:mets'];

  // CSIP1: OBJID = package root folder name.
  const objectId = root.getAttribute('OBJID');
  if (!objectId) problems.push('mets/@OBJID is missing (CSIP1)');
  else if (objectId !== pkg.objectId)
    problems.push(
      `mets/@OBJID "${objectId}" does not equal the package root folder name "${pkg.objectId}" (CSIP1)`,
    );
  if (!root.getAttribute('TYPE')) problems.push('mets/@TYPE is missing (CSIP2)');
  const profile = root.getAttribute('PROFILE');
  if (profile !== SIP_PROFILE_URL)
    problems.push(`mets/@PROFILE must be "${SIP_PROFILE_URL}" (CSIP6, SIP2), found "${profile ?? ''}"`);
  if (
    root.getAttributeNS(NS.csip, 'CONTENTINFORMATIONTYPE') === 'OTHER' &&
    !root.getAttributeNS(NS.csip, 'OTHERCONTENTINFORMATIONTYPE')
  ) {
    problems.push(
      'mets/@csip:OTHERCONTENTINFORMATIONTYPE is required when CONTENTINFORMATIONTYPE is OTHER (CSIP5)',
    );
  }

  // CSIP117, CSIP7, CSIP9/SIP4, CSIP10-16, SIP5.
  const headers = childElements(root, 'metsHdr');
  if (headers.length !== 1) problems.push('mets/metsHdr must occur exactly once (CSIP117)');
  const header = headers[0];
  if (header) {
    if (!header.getAttribute('CREATEDATE')) problems.push('metsHdr/@CREATEDATE is missing (CSIP7)');
    if (!header.getAttribute('RECORDSTATUS')) problems.push('metsHdr/@RECORDSTATUS is missing');
    if (header.getAttributeNS(NS.csip, 'OAISPACKAGETYPE') !== 'SIP')
      problems.push('metsHdr/@csip:OAISPACKAGETYPE must be "SIP" (CSIP9, SIP4)');
    const agents = childElements(header, 'agent');
    const softwareAgents = agents.filter(
      (agent) =>
        agent.getAttribute('ROLE') === 'CREATOR' &&
        agent.getAttribute('TYPE') === 'OTHER' &&
        agent.getAttribute('OTHERTYPE') === 'SOFTWARE',
    );
    if (softwareAgents.length !== 1)
      problems.push('metsHdr needs exactly one agent ROLE=CREATOR TYPE=OTHER OTHERTYPE=SOFTWARE (CSIP10-13)');
    for (const agent of softwareAgents) {
      if (childElements(agent, 'name').length !== 1) problems.push('software agent needs one name (CSIP14)');
      const notes = childElements(agent, 'note').filter(
        (note) => note.getAttributeNS(NS.csip, 'NOTETYPE') === 'SOFTWARE VERSION',
      );
      if (notes.length !== 1)
        problems.push('software agent needs one note with csip:NOTETYPE="SOFTWARE VERSION" (CSIP15-16)');
    }
    for (const agent of agents.filter((candidate) => candidate.getAttribute('TYPE') === 'ORGANIZATION')) {
      for (const note of childElements(agent, 'note')) {
        if (note.getAttributeNS(NS.csip, 'NOTETYPE') !== 'IDENTIFICATIONCODE')
          problems.push('organisation agent note needs csip:NOTETYPE="IDENTIFICATIONCODE" (SIP14, SIP20)');
      }
    }
    const agreements = childElements(header, 'altRecordID').filter(
      (alt) => alt.getAttribute('TYPE') === 'SUBMISSIONAGREEMENT',
    );
    if (agreements.length !== 1 || !agreements[0]?.textContent?.trim())
      problems.push('metsHdr needs one altRecordID TYPE="SUBMISSIONAGREEMENT" (SIP5)');
  }

  // Every referenced file: required attributes, SHA-256, relative location, matching size and checksum.
  const referencedPaths = new Set<string>();
  const checkReference = (
    owner: Element,
    locatorElement: Element | undefined,
    required: readonly string[],
    label: string,
  ) => {
    for (const attribute of required) {
      if (!owner.getAttribute(attribute)) problems.push(`${label}: @${attribute} is missing`);
    }
    const checksumType = owner.getAttribute('CHECKSUMTYPE');
    if (checksumType && checksumType !== 'SHA-256')
      problems.push(`${label}: @CHECKSUMTYPE must be "SHA-256", found "${checksumType}"`);
    if (!locatorElement) {
      problems.push(`${label}: no FLocat`);
      return;
    }
    if (locatorElement.getAttribute('LOCTYPE') !== 'URL') problems.push(`${label}: LOCTYPE must be "URL"`);
    if (locatorElement.getAttributeNS(NS.xlink, 'type') !== 'simple')
      problems.push(`${label}: xlink:type must be "simple"`);
    const href = locatorElement.getAttributeNS(NS.xlink, 'href');
    if (!href) {
      problems.push(`${label}: xlink:href is missing`);
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(href);
    } catch {
      problems.push(`${label}: xlink:href "${href}" is not a valid URL path`);
      return;
    }
    if (
      path.startsWith('/') ||
      /^[a-z][a-z0-9+.-]*:/i.test(path) ||
      path.split('/').some((segment) => segment === '..' || segment === '.')
    ) {
      problems.push(`${label}: xlink:href "${href}" must be a relative path inside the package`);
      return;
    }
    referencedPaths.add(path);
    const content = filesByPath.get(path);
    if (!content) {
      problems.push(`${label}: ${path} is referenced but not in the package`);
      return;
    }
    const size = owner.getAttribute('SIZE');
    if (size && size !== String(content.length))
      problems.push(`${label}: ${path} SIZE ${size} does not match the file (${content.length} bytes)`);
    const checksum = owner.getAttribute('CHECKSUM');
    if (checksum && checksumType === 'SHA-256') {
      const actual = createHash('sha256').update(content).digest('hex');
      if (checksum.toLowerCase() !== actual)
        problems.push(`${label}: ${path} CHECKSUM does not match the file (SHA-256 ${actual})`);
    }
  };

  for (const file of descendants(root, 'file')) {
    const locators = childElements(file, 'FLocat');
    if (locators.length > 1) problems.push(`${describe(file)}: more than one FLocat (CSIP76)`);
    checkReference(file, locators[0], REQUIRED_FILE_ATTRIBUTES, describe(file));
  }
  for (const mdRef of descendants(root, 'mdRef')) {
    const owner = mdRef.parentNode as Element;
    if (!owner.getAttribute('ID')) problems.push(`${owner.localName}: @ID is missing (CSIP18, CSIP33)`);
    checkReference(mdRef, mdRef, REQUIRED_MDREF_ATTRIBUTES, `${describe(owner)} mdRef`);
  }
  for (const path of filesByPath.keys()) {
    if (path !== 'METS.xml' && !referencedPaths.has(path))
      problems.push(`${path} is in the package but not referenced from METS.xml`);
  }

  // File section: CSIP59, CSIP60, CSIP113, CSIP114, CSIP64, CSIP65.
  const fileSections = childElements(root, 'fileSec');
  const fileGroups = fileSections.flatMap((section) => childElements(section, 'fileGrp'));
  for (const section of fileSections)
    if (!section.getAttribute('ID')) problems.push('fileSec/@ID is missing (CSIP59)');
  for (const group of fileGroups) {
    if (!group.getAttribute('ID')) problems.push('fileGrp/@ID is missing (CSIP65)');
    if (!group.getAttribute('USE')) problems.push(`${describe(group)}: @USE is missing (CSIP64)`);
  }
  const uses = fileGroups.map((group) => group.getAttribute('USE') ?? '');
  if (!uses.includes('Documentation')) problems.push('no fileGrp USE="Documentation" (CSIP60)');
  if (!uses.includes('Schemas')) problems.push('no fileGrp USE="Schemas" (CSIP113)');
  if (!uses.some((use) => use.startsWith('Representations')))
    problems.push('no fileGrp USE="Representations…" (CSIP114)');
  const fileGroupIds = new Set(fileGroups.map((group) => group.getAttribute('ID')));

  // Structural map: CSIP80-104.
  const csipMaps = childElements(root, 'structMap').filter((map) => map.getAttribute('LABEL') === 'CSIP');
  if (csipMaps.length !== 1) {
    problems.push('exactly one structMap LABEL="CSIP" is required (CSIP82)');
  } else {
    const map = csipMaps[0] as Element;
    if (map.getAttribute('TYPE') !== 'PHYSICAL')
      problems.push('structMap LABEL="CSIP" must have TYPE="PHYSICAL" (CSIP81)');
    if (!map.getAttribute('ID')) problems.push('structMap LABEL="CSIP" needs @ID (CSIP83)');
    const mainDivisions = childElements(map, 'div');
    if (mainDivisions.length !== 1)
      problems.push('structMap LABEL="CSIP" must have a single main div (CSIP84)');
    const main = mainDivisions[0];
    if (main) {
      if (!main.getAttribute('ID')) problems.push('main div needs @ID (CSIP85)');
      const subDivisions = childElements(main, 'div');
      for (const division of subDivisions)
        if (!division.getAttribute('ID'))
          problems.push(`div ${division.getAttribute('LABEL') ?? ''} needs @ID`);
      if (subDivisions.filter((division) => division.getAttribute('LABEL') === 'Metadata').length !== 1)
        problems.push('one div LABEL="Metadata" is required (CSIP88)');
      for (const pointer of descendants(main, 'fptr')) {
        const target = pointer.getAttribute('FILEID');
        if (!target || !fileGroupIds.has(target))
          problems.push(`fptr FILEID "${target ?? ''}" does not name a fileGrp`);
      }
    }
  }
  return problems;
}
