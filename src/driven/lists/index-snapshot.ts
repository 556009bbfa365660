import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { GreenlaneError } from '../../core/error.ts';
import type { ScreeningIndexData } from '../../core/screening/candidate-index.ts';
import type { ListSource, ListVersion } from '../../core/screening/entity.ts';
import { countryCodesPath } from './country-resolver.ts';
import { defaultListPaths } from './list-sources.ts';
import { nameTablePaths } from './rigour-tables.ts';

/**
 * A snapshot of a built screening index: the index's plain data and the list versions it was
 * built from, written by `node:v8` `serialize` in one call (an entity shared by the index and its
 * version stays one object), so a later start with the same inputs reads it instead of parsing
 * four lists and normalising every name again.
 *
 * File layout: one line of JSON (the header), then the payload.
 * The header names the format and its version, the key (what the index was built from) and the
 * payload's SHA-256 and length; a file whose header or checksum does not match is never
 * deserialised.
 */
export interface IndexSnapshot {
  index: ScreeningIndexData;
  versions: ListVersion[];
}

/** One snapshot file and the key it must carry. */
export interface IndexSnapshotRef {
  file: string;
  key: string;
}

/** Where snapshots are kept, and the package whose code builds the index. */
export interface IndexSnapshotCache {
  /** Owner-only directory (created 0700 if missing). */
  directory: string;
  /** The package root: the index-building sources are read from there for the key. */
  packageRoot: string;
}

interface SnapshotHeader {
  format: typeof FORMAT;
  version: typeof FORMAT_VERSION;
  key: string;
  sha256: string;
  bytes: number;
  /**
   * Set when a list was dated by the day it was loaded (it states no date, see `loadList`): the
   * snapshot then holds that day's version label and is only used that same day (UTC).
   */
  validOn?: string;
}

const FORMAT = 'greenlane-screening-index';
/** Raised whenever the payload's layout changes. */
const FORMAT_VERSION = 1;
const PREFIX = 'screening-index-';
const SUFFIX = '.v8';
/** Snapshots kept per cache directory: enough for a few list updates or branches side by side. */
const KEEP = 3;
/** Sources whose code decides what the index holds (tests excluded), relative to the package root. */
const CODE_DIRECTORIES = [join('src', 'core', 'screening'), join('src', 'driven', 'lists')];

/** Why a snapshot file could not be used: reported in one line, then the index is built. */
export type IndexSnapshotErrorCode = 'SNAPSHOT_UNTRUSTED' | 'SNAPSHOT_CORRUPT';

export class IndexSnapshotError extends GreenlaneError<IndexSnapshotErrorCode> {
  override name = 'IndexSnapshotError';
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The source files under `dir` (tests excluded), at any depth. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.(ts|mjs)$/.test(name) && !name.endsWith('.test.ts'))
    .map((name) => join(dir, name));
}

/**
 * The key of an index built from the data directory: SHA-256 over the content of every file the
 * loader reads (the lists' default files, the country code table, the rigour name tables; a
 * missing optional table counts as missing), the lists asked for in their order, the sources of
 * the code that builds the index, the lockfile (the normalising packages and the Japanese
 * dictionary come from it), and the Node, V8 and ICU versions (Unicode normalisation and the
 * serialisation format depend on them). Contents, never modification times. Undefined when an
 * input cannot be read: the index is then built as always, and the build reports what is missing.
 *
 * @example
 * const key = indexSnapshotKey({ dataDirectory: dataDir(), lists: LIST_SOURCES, packageRoot: PACKAGE_ROOT });
 */
export function indexSnapshotKey(options: {
  dataDirectory: string;
  lists: readonly ListSource[];
  packageRoot: string;
}): string | undefined {
  const { dataDirectory, packageRoot } = options;
  const hash = createHash('sha256');
  const part = (label: string, content: Buffer | string) => {
    hash.update(label);
    hash.update('\0');
    hash.update(sha256(content));
    hash.update('\n');
  };
  try {
    part('format', `${FORMAT}/${FORMAT_VERSION}`);
    const { node, v8, icu, unicode } = process.versions;
    part('runtime', `node ${node} v8 ${v8} icu ${icu} unicode ${unicode}`);
    for (const dir of CODE_DIRECTORIES)
      for (const file of sourceFiles(join(packageRoot, dir)).sort())
        part(`code ${relative(packageRoot, file).split(sep).join('/')}`, readFileSync(file));
    const lock = join(packageRoot, 'package-lock.json');
    part('lockfile', existsSync(lock) ? readFileSync(lock) : 'none');
    const data = (file: string) => relative(dataDirectory, file).split(sep).join('/');
    part('countries', readFileSync(countryCodesPath(dataDirectory)));
    for (const file of nameTablePaths(dataDirectory))
      part(`table ${data(file)}`, existsSync(file) ? readFileSync(file) : 'missing');
    for (const list of options.lists)
      for (const file of defaultListPaths(list, dataDirectory))
        part(`list ${list} ${data(file)}`, readFileSync(file));
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** Where the snapshot of `key` is kept in `directory`. */
export function indexSnapshotRef(directory: string, key: string): IndexSnapshotRef {
  return { file: join(directory, `${PREFIX}${key.slice(0, 32)}${SUFFIX}`), key };
}

/**
 * Refuses a cache directory or file that another user owns or others may write to: whoever can
 * replace a snapshot decides what is screened.
 */
function checkOwnership(path: string): void {
  const uid = process.getuid?.();
  if (uid === undefined) return;
  const st = statSync(path);
  if (st.uid !== uid) throw new IndexSnapshotError('SNAPSHOT_UNTRUSTED', `${path} belongs to another user`);
  if ((st.mode & 0o022) !== 0)
    throw new IndexSnapshotError('SNAPSHOT_UNTRUSTED', `${path} is writable by other users`);
}

/**
 * The snapshot in `ref.file`, or undefined when there is none (a plain miss). Throws
 * {@link IndexSnapshotError} when a file is there but cannot be trusted (wrong owner, truncated,
 * checksum mismatch, unreadable payload); the caller then builds and overwrites it.
 */
export function readIndexSnapshot(ref: IndexSnapshotRef, today: string): IndexSnapshot | undefined {
  const { file, key } = ref;
  if (!existsSync(file)) return undefined;
  checkOwnership(dirname(file));
  checkOwnership(file);
  const bytes = readFileSync(file);
  const newline = bytes.indexOf(10);
  if (newline < 0 || newline > 4096)
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} has no header`);
  let header: SnapshotHeader;
  try {
    header = JSON.parse(bytes.subarray(0, newline).toString('utf8')) as SnapshotHeader;
  } catch {
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} has an unreadable header`);
  }
  if (header.format !== FORMAT || header.version !== FORMAT_VERSION || header.key !== key)
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} is of another format or key`);
  // A list dated by the day it was loaded is dated anew each day, as a build from files would.
  if (header.validOn !== undefined && header.validOn !== today) return undefined;
  const payload = bytes.subarray(newline + 1);
  if (payload.length !== header.bytes || sha256(payload) !== header.sha256)
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} is truncated or corrupted (checksum mismatch)`);
  let snapshot: IndexSnapshot;
  try {
    snapshot = deserialize(payload) as IndexSnapshot;
  } catch (err) {
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} could not be deserialised`, { cause: err });
  }
  const { index, versions } = snapshot ?? {};
  if (
    !Array.isArray(versions) ||
    !Array.isArray(index?.names) ||
    !(index.postings instanceof Map) ||
    !(index.nameEntity instanceof Int32Array) ||
    index.names.length !== index.size
  )
    throw new IndexSnapshotError('SNAPSHOT_CORRUPT', `${file} does not hold a screening index`);
  return { index, versions };
}

/**
 * Writes the snapshot under `key`: to a temporary file (mode 0600) renamed into place, so a
 * reader sees a whole file or none, then removes all but the newest {@link KEEP} snapshots.
 */
export function writeIndexSnapshot(
  directory: string,
  key: string,
  snapshot: IndexSnapshot,
  today: string,
): IndexSnapshotRef {
  // Created owner-only when missing.
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  checkOwnership(directory);
  const payload = serialize(snapshot);
  const header: SnapshotHeader = {
    format: FORMAT,
    version: FORMAT_VERSION,
    key,
    sha256: sha256(payload),
    bytes: payload.length,
    ...(snapshot.versions.some((v) => v.publishedOn === today) ? { validOn: today } : {}),
  };
  const ref = indexSnapshotRef(directory, key);
  const { file } = ref;
  // Unique per writer: worker threads of one process share its pid.
  const temp = `${file}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(header)}\n`);
      writeSync(fd, payload);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    if (existsSync(temp)) unlinkSync(temp);
    throw err;
  }
  pruneSnapshots(directory, file);
  return ref;
}

/** Keeps the newest snapshots (the one just written always), and removes temporary files left by a crash. */
function pruneSnapshots(directory: string, keep: string): void {
  const files = readdirSync(directory)
    .filter((name) => name.startsWith(PREFIX))
    .map((name) => {
      const path = join(directory, name);
      return { path, name, mtime: statSync(path).mtimeMs };
    });
  const hourAgo = Date.now() - 3_600_000;
  for (const f of files) if (f.name.endsWith('.tmp') && f.mtime < hourAgo) unlinkSync(f.path);
  const snapshots = files
    .filter((f) => f.name.endsWith(SUFFIX) && f.path !== keep)
    .sort((a, b) => b.mtime - a.mtime);
  for (const f of snapshots.slice(KEEP - 1)) unlinkSync(f.path);
}
