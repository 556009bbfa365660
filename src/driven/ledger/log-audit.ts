import { canonicalJson } from '../../core/ledger/canonical-json.ts';
import { parseCheckpoint } from '../../core/ledger/checkpoint.ts';
import { CompactRange } from '../../core/ledger/compact-range.ts';
import { hashLeaf } from '../../core/ledger/merkle-hash.ts';
import { checkRecordAgainstLeaf, parseCommitmentLeaf } from '../../core/ledger/record-commitment.ts';
import { noteVerifier, openNote } from '../../core/ledger/signed-note.ts';
import { readTileNode, TILE_WIDTH, type Tile, TileAppender } from '../../core/ledger/tile-layout.ts';
import type { LedgerRecord, LedgerRecordStore } from '../store/ledger-records.ts';
import type { LogStore, StoredCheckpoint } from './log-store.ts';

/** What `log verify` can find wrong, in the order it matters to an auditor. */
export type DivergenceKind =
  | 'ENTRY_MISSING'
  | 'ENTRY_NOT_CANONICAL'
  | 'ENTRY_ALTERED'
  | 'CHECKPOINT_SIGNATURE_INVALID'
  | 'CHECKPOINT_ROOT_MISMATCH'
  | 'CHECKPOINT_BEYOND_TREE'
  | 'TILE_MISMATCH'
  | 'SIZE_MISMATCH'
  | 'ENTRY_WITHOUT_RECORD'
  | 'RECORD_MISMATCH'
  | 'RECORD_NOT_LOGGED';

/** One divergence; `position` is the first leaf index it concerns (its order in the report). */
export interface Divergence {
  kind: DivergenceKind;
  position: number;
  index?: number;
  size?: number;
  message: string;
}

/** The result of recomputing a log. */
export interface AuditReport {
  ok: boolean;
  size: number;
  entriesChecked: number;
  checkpointsChecked: number;
  /** Commitment leaves matched against their stored record (0 when records were not checked). */
  recordsChecked: number;
  firstDivergence?: Divergence;
  divergences: Divergence[];
}

const PAGE = 8192;
const MAX_REPORTED = 1000;

/**
 * Recomputes the tree from the stored entries and checks, in leaf order: every entry is present
 * and canonical and hashes to the leaf the tiles committed to (so an edited entry is named); every
 * stored checkpoint is signed by the log key and matches the root recomputed from the entries;
 * every tile's inner nodes follow from its leaves. With `records`, it also proves completeness:
 * every commitment leaf has its stored record (which still produces it) and every stored record
 * has its entry. The earliest divergence is reported first.
 */
export async function auditLog(
  store: LogStore,
  origin: string,
  verifierKey: string,
  records?: LedgerRecordStore,
): Promise<AuditReport> {
  const found: Divergence[] = [];
  const note = (d: Divergence) => {
    if (found.length < MAX_REPORTED) found.push(d);
  };
  const size = await store.size();
  const checkpoints = checkSignatures(await store.checkpoints(), origin, verifierKey, size, note);
  const range = new CompactRange();
  const rebuilt = new TileAppender(0);
  let nextCheckpoint = 0;
  const checkRoots = () => {
    while (nextCheckpoint < checkpoints.length && checkpoints[nextCheckpoint]!.size <= range.size) {
      const cp = checkpoints[nextCheckpoint]!;
      if (cp.size === range.size && !range.root().equals(cp.rootHash)) {
        note({
          kind: 'CHECKPOINT_ROOT_MISMATCH',
          position: cp.size - 1,
          size: cp.size,
          message: `checkpoint ${cp.size} was signed over a root the stored entries no longer produce`,
        });
      }
      nextCheckpoint += 1;
    }
  };
  checkRoots();
  let recordsChecked = 0;
  for (let from = 0; from < size; from += PAGE) {
    const to = Math.min(size, from + PAGE);
    const rows = await store.entries(from, to);
    const logged = records ? await records.inRange(from, to) : undefined;
    const leafTiles = await store.readTileRange(0, Math.floor(from / TILE_WIDTH), Math.ceil(to / TILE_WIDTH));
    const storedLeaves = new Map<number, Tile>(leafTiles.map((t) => [t.index, t]));
    const committed: Buffer[] = [];
    let r = 0;
    for (let index = from; index < to; index += 1) {
      const row = rows[r]?.index === index ? rows[r++] : undefined;
      const tile = storedLeaves.get(Math.floor(index / TILE_WIDTH));
      const column = index % TILE_WIDTH;
      const stored = tile && column < tile.width ? Buffer.from(readTileNode(tile, 0, column)) : undefined;
      if (!stored) {
        note({
          kind: 'TILE_MISMATCH',
          position: index,
          index,
          message: `no stored leaf hash for entry ${index}`,
        });
      } else {
        committed.push(stored);
      }
      if (!row) {
        note({ kind: 'ENTRY_MISSING', position: index, index, message: `entry ${index} is missing` });
        range.append(stored ?? Buffer.alloc(32));
      } else {
        const leaf = hashLeaf(Buffer.from(row.entry, 'utf8'));
        if (!isCanonical(row.entry)) {
          note({
            kind: 'ENTRY_NOT_CANONICAL',
            position: index,
            index,
            message: `entry ${index} is not canonical JSON`,
          });
        }
        if (stored && !leaf.equals(stored)) {
          note({
            kind: 'ENTRY_ALTERED',
            position: index,
            index,
            message: `entry ${index} was altered: it no longer hashes to leaf ${index} of the tree`,
          });
        }
        range.append(leaf);
        if (logged) recordsChecked += checkRecord(index, row.entry, logged.get(index), note);
      }
      checkRoots();
    }
    // Full tiles are final as soon as they are rebuilt; partial ones are checked once, at the end.
    await compareTiles(
      store,
      rebuilt.append(committed).filter((t) => t.width === TILE_WIDTH),
      note,
    );
  }
  await compareTiles(store, rebuilt.partialTileContents(), note);
  if ((await store.countEntries()) !== size) {
    note({
      kind: 'SIZE_MISMATCH',
      position: size,
      message: `the tree has ${size} leaves but the entries table differs`,
    });
  }
  // Completeness: every stored record that belongs in the log is in this tree.
  for (const r of records ? await records.unlogged(size, MAX_REPORTED) : []) {
    note({
      kind: 'RECORD_NOT_LOGGED',
      position: size,
      message: `${r.kind} ${r.recordId} (${r.detail}) is stored but has no log entry`,
    });
  }
  const divergences = found.sort((a, b) => a.position - b.position || order(a.kind) - order(b.kind));
  return {
    ok: divergences.length === 0,
    size,
    entriesChecked: size,
    checkpointsChecked: checkpoints.length,
    recordsChecked,
    ...(divergences[0] ? { firstDivergence: divergences[0] } : {}),
    divergences,
  };
}

const ORDER: DivergenceKind[] = [
  'ENTRY_MISSING',
  'ENTRY_ALTERED',
  'ENTRY_NOT_CANONICAL',
  'TILE_MISMATCH',
  'CHECKPOINT_ROOT_MISMATCH',
  'CHECKPOINT_SIGNATURE_INVALID',
  'CHECKPOINT_BEYOND_TREE',
  'SIZE_MISMATCH',
  'ENTRY_WITHOUT_RECORD',
  'RECORD_MISMATCH',
  'RECORD_NOT_LOGGED',
];

/**
 * A commitment leaf must have its stored record, and the record with its salt must still produce
 * the leaf; a record may sit at a plain (pre-commitment) leaf only as a legacy record.
 */
function checkRecord(
  index: number,
  leaf: string,
  record: LedgerRecord | undefined,
  note: (d: Divergence) => void,
): number {
  const commitment = parseCommitmentLeaf(leaf);
  if (!commitment) {
    if (record && !record.legacy)
      note({
        kind: 'RECORD_MISMATCH',
        position: index,
        index,
        message: `${record.kind} ${record.recordId} claims entry ${index}, which is not its commitment`,
      });
    return 0;
  }
  if (!record || record.legacy) {
    note({
      kind: 'ENTRY_WITHOUT_RECORD',
      position: index,
      index,
      message: `entry ${index} commits to a record that is not stored`,
    });
    return 0;
  }
  const check = checkRecordAgainstLeaf(leaf, record.content ?? '', record.salt ?? '');
  if (!check.ok)
    note({
      kind: 'RECORD_MISMATCH',
      position: index,
      index,
      message: `${record.kind} ${record.recordId} does not match entry ${index}: ${check.message}`,
    });
  return 1;
}
const order = (k: DivergenceKind) => ORDER.indexOf(k);

function isCanonical(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

/** Keeps only checkpoints whose signature, origin and columns agree; reports the others. */
function checkSignatures(
  checkpoints: StoredCheckpoint[],
  origin: string,
  verifierKey: string,
  size: number,
  note: (d: Divergence) => void,
): StoredCheckpoint[] {
  const verifier = noteVerifier(verifierKey);
  const good: StoredCheckpoint[] = [];
  for (const cp of checkpoints) {
    const position = Math.max(0, cp.size - 1);
    try {
      const body = parseCheckpoint(openNote(cp.note, [verifier]).text);
      if (body.origin !== origin || body.size !== cp.size || !body.rootHash.equals(cp.rootHash)) {
        throw new Error('signed checkpoint does not match its stored size/root');
      }
    } catch (err) {
      note({
        kind: 'CHECKPOINT_SIGNATURE_INVALID',
        position,
        size: cp.size,
        message: `checkpoint ${cp.size}: ${(err as Error).message}`,
      });
      continue;
    }
    if (cp.size > size) {
      note({
        kind: 'CHECKPOINT_BEYOND_TREE',
        position,
        size: cp.size,
        message: `checkpoint ${cp.size} is beyond the tree size ${size}`,
      });
      continue;
    }
    good.push(cp);
  }
  return good;
}

/** Tiles recomputed from the stored leaf hashes must equal the stored tiles (inner nodes untouched). */
async function compareTiles(
  store: LogStore,
  tiles: readonly Tile[],
  note: (d: Divergence) => void,
): Promise<void> {
  for (let i = 0; i < tiles.length; i += 500) {
    const chunk = tiles.slice(i, i + 500);
    const stored = await store.readTiles(chunk, true);
    for (const t of chunk) {
      const s = stored.get(`${t.level}/${t.index}`);
      if (!s || s.width !== t.width || !s.hashes.equals(t.hashes)) {
        note({
          kind: 'TILE_MISMATCH',
          position: t.index * TILE_WIDTH ** (t.level + 1),
          message: `stored tile ${t.level}/${t.index} differs from the one its leaves produce`,
        });
      }
    }
  }
}
