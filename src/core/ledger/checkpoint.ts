import { LedgerError } from './ledger-error.ts';
import { HASH_SIZE } from './merkle-hash.ts';

/**
 * A C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint): the log's origin, its tree size and
 * the RFC 9162 root hash at that size, plus optional extension lines. The signed form is a
 * signed note over `formatCheckpoint(checkpoint)`.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  extensions: string[];
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Strict base64 (RFC 4648 §4): rejects characters Node would silently skip and non-canonical padding. */
export function decodeBase64Strict(text: string, what: string): Buffer {
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw new LedgerError('MALFORMED_CHECKPOINT', `${what} is not canonical base64`);
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text)
    throw new LedgerError('MALFORMED_CHECKPOINT', `${what} is not canonical base64`);
  return bytes;
}

/** Parses an ASCII decimal without leading zeroes that fits a safe integer (tree sizes, timestamps). */
export function parseDecimal(text: string, what: string): number {
  if (!DECIMAL.test(text) || text.length > 16)
    throw new LedgerError('MALFORMED_CHECKPOINT', `${what} is not a decimal`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new LedgerError('MALFORMED_CHECKPOINT', `${what} is too large`);
  return n;
}

/** The checkpoint body: origin, size and base64 root, each newline-terminated (tlog-checkpoint "Note text"). */
export function formatCheckpoint(cp: Checkpoint): string {
  if (!cp.origin || /[\n]/.test(cp.origin))
    throw new LedgerError('MALFORMED_CHECKPOINT', 'origin must be one non-empty line');
  if (cp.rootHash.length !== HASH_SIZE)
    throw new LedgerError('MALFORMED_CHECKPOINT', 'root hash must be 32 bytes');
  for (const line of cp.extensions) {
    if (!line || line.includes('\n'))
      throw new LedgerError('MALFORMED_CHECKPOINT', 'extension lines must be non-empty');
  }
  return [cp.origin, String(cp.size), cp.rootHash.toString('base64'), ...cp.extensions]
    .map((l) => `${l}\n`)
    .join('');
}

/** Parses a checkpoint body (the text of a signed note), rejecting anything non-canonical. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n'))
    throw new LedgerError('MALFORMED_CHECKPOINT', 'checkpoint must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3)
    throw new LedgerError('MALFORMED_CHECKPOINT', 'checkpoint needs origin, size and root lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (!origin) throw new LedgerError('MALFORMED_CHECKPOINT', 'empty origin line');
  if (extensions.some((l) => l === '')) throw new LedgerError('MALFORMED_CHECKPOINT', 'empty extension line');
  const size = parseDecimal(sizeLine, 'tree size');
  const rootHash = decodeBase64Strict(rootLine, 'root hash');
  if (rootHash.length !== HASH_SIZE)
    throw new LedgerError('MALFORMED_CHECKPOINT', 'root hash must be 32 bytes');
  return { origin, size, rootHash, extensions };
}
