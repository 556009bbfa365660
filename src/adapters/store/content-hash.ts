import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so the same content always serialises to the same
 * bytes (the idea of RFC 8785 JCS, without its number formatting rules, which JSON.stringify
 * already applies consistently within one runtime).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** Lower-case hex SHA-256 of the canonical JSON of a value. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex');
}
