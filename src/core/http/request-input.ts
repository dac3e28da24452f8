import type { ValidationIssue } from '../../catalogs/catalog.types';

/**
 * Control characters (NUL breaks PostgreSQL), bidirectional overrides (they can make text a person
 * signs read differently from the data) and unpaired surrogates (not storable as UTF-8).
 */
/* eslint-disable no-control-regex -- finding control characters is the point */
const UNSAFE =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/* eslint-enable no-control-regex */
const LINE_BREAKS = /[\n\r\t]/;

export function hasUnsafeCharacters(value: string, multiline = false): boolean {
  return UNSAFE.test(value) || (!multiline && LINE_BREAKS.test(value));
}

/**
 * A free-text field of a request body: trimmed, 1..max characters, no unsafe characters.
 * Pushes one issue naming the field and returns undefined when the value is not acceptable.
 */
export function parseText(
  value: unknown,
  pointer: string,
  errors: ValidationIssue[],
  options: { max: number; required?: boolean; multiline?: boolean; what?: string },
): string | undefined {
  const what = options.what ?? pointer.slice(1).replace(/\//g, '.');
  if (value === undefined || value === null) {
    if (options.required) errors.push({ pointer, code: 'required', detail: `${what} is required.` });
    return undefined;
  }
  if (typeof value !== 'string') {
    errors.push({ pointer, code: 'invalid_type', detail: `${what} must be a string.` });
    return undefined;
  }
  if (hasUnsafeCharacters(value, options.multiline)) {
    errors.push({
      pointer,
      code: 'invalid_characters',
      detail: `${what} contains control, direction-override or invalid Unicode characters.`,
    });
    return undefined;
  }
  const text = value.normalize('NFC').trim();
  if (text === '') {
    if (options.required) errors.push({ pointer, code: 'required', detail: `${what} must not be empty.` });
    return undefined;
  }
  if ([...text].length > options.max) {
    errors.push({ pointer, code: 'too_long', detail: `${what} may have at most ${options.max} characters.` });
    return undefined;
  }
  return text;
}

/**
 * The request body as a JSON object. A non-object body is one issue at the root; `absentIsEmpty`
 * lets an endpoint whose fields are all optional accept no body at all.
 */
export function objectBody(
  body: unknown,
  errors: ValidationIssue[],
  options: { absentIsEmpty?: boolean } = {},
): Record<string, unknown> {
  if (body === undefined && options.absentIsEmpty) return {};
  if (typeof body === 'object' && body !== null && !Array.isArray(body))
    return body as Record<string, unknown>;
  errors.push({ pointer: '', code: 'invalid_type', detail: 'The request body must be a JSON object.' });
  return {};
}

/** One issue per field the contract does not know, so a misspelt field is never silently dropped. */
export function rejectUnknownFields(
  object: Record<string, unknown>,
  known: readonly string[],
  errors: ValidationIssue[],
  pointerPrefix = '',
): void {
  for (const key of Object.keys(object)) {
    if (!known.includes(key)) {
      const path = `${pointerPrefix}/${key}`;
      errors.push({
        pointer: path,
        code: 'unknown_field',
        detail: `Unknown field "${path.slice(1).replace(/\//g, '.')}".`,
      });
    }
  }
}
