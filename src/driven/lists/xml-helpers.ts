/** Small helpers over fast-xml-parser output, shared by the XML list parsers. */

/**
 * An element as fast-xml-parser returns it. The lists' schemas are large and loosely followed, so
 * parsers read it defensively through `asArray` and `textOf` rather than trusting a declared shape.
 */
// biome-ignore lint/suspicious/noExplicitAny: parser output is untyped by nature; every read goes through textOf/asArray.
export type XmlNode = Record<string, any>;

/** An element that may be absent, single or repeated, as an array. */
export function asArray<T = XmlNode>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null || value === '') return [];
  return Array.isArray(value) ? value : [value];
}

/** The text of an element or attribute (fast-xml-parser puts mixed content in `#text`). */
export function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value.replace(/\s+/g, ' ').trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && '#text' in (value as Record<string, unknown>)) {
    return textOf((value as Record<string, unknown>)['#text']);
  }
  return '';
}
