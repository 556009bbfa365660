import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DecisionError } from '../../core/decision/decision-error.ts';
import {
  MIN_SELECTION_SECRET_BYTES,
  type SelectionKey,
  selectionKeyId,
} from '../../core/decision/selection-policy.ts';

/** One key as listed: never the secret. */
export interface SelectionKeyInfo {
  id: string;
  createdAt: string;
  current: boolean;
}

/** The installation's selection keys: the current one draws, the older ones re-check past draws. */
export interface SelectionKeyRing {
  current: SelectionKey;
  /** The key a stored decision names, or undefined when this installation never had it. */
  get(id: string): SelectionKey | undefined;
  list(): SelectionKeyInfo[];
}

const KeyFileSchema = z.strictObject({
  current: z.string().min(1),
  keys: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        createdAt: z.string().min(1),
        /** base64url of the secret bytes. */
        secret: z.string().min(1),
      }),
    )
    .min(1),
});
type KeyFile = z.infer<typeof KeyFileSchema>;

/** `stateDir/selection/keys.json`: owner-only, in an owner-only directory. */
export function selectionKeyFile(stateDir: string): string {
  return join(stateDir, 'selection', 'keys.json');
}

function newEntry(): KeyFile['keys'][number] {
  const secret = randomBytes(MIN_SELECTION_SECRET_BYTES);
  return {
    id: selectionKeyId(secret),
    createdAt: new Date().toISOString(),
    secret: secret.toString('base64url'),
  };
}

/** Writes `content` to a fresh owner-only temp file beside `path` and returns its name. */
function writeTemp(path: string, content: KeyFile): string {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(temp, 0o600);
  return temp;
}

function fail(path: string, message: string): never {
  throw new DecisionError('INVALID_KEY', `${path}: ${message}`);
}

function readRing(path: string): SelectionKeyRing {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) fail(path, `readable by others (mode ${mode.toString(8)}); chmod 600 it`);
  let parsed: KeyFile;
  try {
    parsed = KeyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    fail(path, `not a selection key file (${(err as Error).message.split('\n')[0]})`);
  }
  const keys = new Map<string, SelectionKey & { createdAt: string }>();
  for (const entry of parsed.keys) {
    const secret = Buffer.from(entry.secret, 'base64url');
    if (secret.length < MIN_SELECTION_SECRET_BYTES) fail(path, `key ${entry.id} is shorter than 32 bytes`);
    if (selectionKeyId(secret) !== entry.id) fail(path, `key ${entry.id} does not match its id`);
    keys.set(entry.id, { id: entry.id, secret, createdAt: entry.createdAt });
  }
  const current = keys.get(parsed.current);
  if (!current) fail(path, `the current key ${parsed.current} is not in the file`);
  return {
    current: { id: current.id, secret: current.secret },
    get: (id) => {
      const key = keys.get(id);
      return key ? { id: key.id, secret: key.secret } : undefined;
    },
    list: () =>
      [...keys.values()].map((k) => ({ id: k.id, createdAt: k.createdAt, current: k.id === current.id })),
  };
}

function ensureDir(stateDir: string): string {
  const dir = join(stateDir, 'selection');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

/**
 * The installation's selection keys, created at first start: 32 random bytes in
 * `stateDir/selection/keys.json` (mode 0600, directory 0700), like the log signing key. Refused
 * when others may read the file. Creation is atomic (written aside, then hard-linked into place),
 * so two processes starting at once end up with the same key.
 */
export function openSelectionKeys(stateDir: string): SelectionKeyRing {
  ensureDir(stateDir);
  const path = selectionKeyFile(stateDir);
  if (!existsSync(path)) {
    const entry = newEntry();
    const temp = writeTemp(path, { current: entry.id, keys: [entry] });
    try {
      linkSync(temp, path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(temp);
    }
  }
  return readRing(path);
}

/**
 * Makes a new key current and keeps the old ones, so decisions drawn with them can still be
 * re-checked. Running servers keep drawing with the key they started with until restarted.
 */
export function rotateSelectionKey(stateDir: string): SelectionKeyRing {
  openSelectionKeys(stateDir);
  const path = selectionKeyFile(stateDir);
  const lock = `${path}.lock`;
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      fail(path, `another rotation holds ${lock}; remove it if no rotation is running`);
    }
    throw err;
  }
  try {
    const file = KeyFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    const entry = newEntry();
    renameSync(writeTemp(path, { current: entry.id, keys: [...file.keys, entry] }), path);
    return readRing(path);
  } finally {
    closeSync(fd);
    unlinkSync(lock);
  }
}
