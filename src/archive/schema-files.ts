import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Schema files vendored in `src/archive/schemas/` (see the README there for source and licence). */
export const VALIDATION_SCHEMA_FILES = [
  'sip-validate.xsd',
  'xlink.xsd',
  'mets.xsd',
  'DILCISExtensionMETS.xsd',
  'DILCISExtensionSIPMETS.xsd',
] as const;

/** The schemas that a package's own XML uses and therefore ships in its `schemas/` folder (CSIP113). */
export const PACKAGE_SCHEMA_FILES = ['mets.xsd', 'xlink.xsd', 'DILCISExtensionMETS.xsd'] as const;

/**
 * Where the vendored schemas are. `tsc` does not copy non-TS files, so when running from a build
 * we fall back to the source tree relative to the working directory.
 */
export function resolveSchemaDirectory(override?: string): string {
  const candidates = override
    ? [override]
    : [join(__dirname, 'schemas'), resolve(process.cwd(), 'src/archive/schemas')];
  for (const candidate of candidates) {
    if (existsSync(join(candidate, 'sip-validate.xsd'))) return candidate;
  }
  throw new Error(`Archive schema directory not found (looked in ${candidates.join(', ')})`);
}

const schemaCache = new Map<string, Buffer>();

/** Read a vendored schema once per process: they never change at runtime. */
export function readSchemaFile(fileName: string, schemaDirectory?: string): Buffer {
  const path = join(resolveSchemaDirectory(schemaDirectory), fileName);
  let content = schemaCache.get(path);
  if (!content) {
    content = readFileSync(path);
    schemaCache.set(path, content);
  }
  return content;
}
