/**
 * A tiny, dependency-free XML writer for the archive package documents.
 *
 * Why our own: the package XML must be byte-for-byte deterministic (checksums in METS.xml) and
 * every value must be escaped; building a small element tree and serialising it in one place
 * guarantees both without string concatenation of raw values anywhere else.
 */

export type XmlAttributes = Record<string, string | number | undefined>;

export interface XmlElement {
  name: string;
  attributes: XmlAttributes;
  children: XmlNode[];
}

export type XmlNode = XmlElement | string;

/** Build an element. `undefined` attribute values and `undefined`/`null`/`false` children are dropped. */
export function el(
  name: string,
  attributes: XmlAttributes = {},
  ...children: Array<XmlNode | XmlNode[] | undefined | null | false>
): XmlElement {
  const flat: XmlNode[] = [];
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) flat.push(...child);
    else flat.push(child);
  }
  return { name, attributes, children: flat };
}

/** Element with a single text child, or nothing when the value is absent (optional fields). */
export function textEl(
  name: string,
  value: string | number | boolean | undefined,
  attributes: XmlAttributes = {},
): XmlElement | undefined {
  if (value === undefined) return undefined;
  return el(name, attributes, String(value));
}

// XML 1.0 Char production: tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD, U+10000..U+10FFFF.
// Anything else cannot be represented even escaped, so we refuse it instead of writing a broken file.
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHAR = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function assertXmlChars(value: string): void {
  const match = INVALID_XML_CHAR.exec(value);
  if (match) {
    const code = match[0].codePointAt(0) ?? 0;
    throw new Error(
      `Value contains a character not allowed in XML 1.0 (U+${code.toString(16).toUpperCase().padStart(4, '0')})`,
    );
  }
}

export function escapeText(value: string): string {
  assertXmlChars(value);
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  assertXmlChars(value);
  // Tab/LF/CR are escaped so attribute-value normalisation does not turn them into spaces.
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function serialiseElement(element: XmlElement, depth: number, out: string[]): void {
  const indent = '  '.repeat(depth);
  const attributeText = Object.entries(element.attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
  if (element.children.length === 0) {
    out.push(`${indent}<${element.name}${attributeText}/>`);
    return;
  }
  const onlyText = element.children.every((child) => typeof child === 'string');
  if (onlyText) {
    const text = (element.children as string[]).map(escapeText).join('');
    out.push(`${indent}<${element.name}${attributeText}>${text}</${element.name}>`);
    return;
  }
  out.push(`${indent}<${element.name}${attributeText}>`);
  for (const child of element.children) {
    // Mixed content is not used by our documents; text next to elements goes on its own line.
    if (typeof child === 'string') out.push(`${indent}  ${escapeText(child)}`);
    else serialiseElement(child, depth + 1, out);
  }
  out.push(`${indent}</${element.name}>`);
}

/** Serialise a document: XML declaration, indented elements, trailing newline, UTF-8. */
export function serialiseDocument(root: XmlElement): Buffer {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  serialiseElement(root, 0, lines);
  return Buffer.from(`${lines.join('\n')}\n`, 'utf8');
}
