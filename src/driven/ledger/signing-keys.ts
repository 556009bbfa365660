import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { formatVerifierKey, generateNoteKey, parseSignerKey } from '../../core/ledger/signed-note.ts';

/** A private key string and its public verifier key, as kept on disk. */
export interface KeyPair {
  name: string;
  privateKey: string;
  verifierKey: string;
}

/**
 * Loads the private key at `stateDir/ledger/<file>`, creating it on first start. The file is
 * created exclusively with mode 0600 (owner only) and refused later if anyone else may read it:
 * whoever reads it can sign checkpoints in the installation's name.
 *
 * @param defaultName key name for a new key (signed-note key names have no spaces or '+')
 * @param alg         signed-note signature type (0x01 log key, 0x04 witness cosigner)
 */
export function loadOrCreateKey(
  stateDir: string,
  file: string,
  defaultName: () => string,
  alg: number,
): KeyPair {
  const dir = join(stateDir, 'ledger');
  const path = join(dir, file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const generated = generateNoteKey(defaultName(), alg);
    writeFileSync(path, `${generated.privateKey}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new LedgerError(
      'MALFORMED_KEY',
      `${path} is readable by others (mode ${mode.toString(8)}); chmod 600 it`,
    );
  }
  const privateKey = readFileSync(path, 'utf8').trim();
  const key = parseSignerKey(privateKey);
  if (key.alg !== alg) throw new LedgerError('MALFORMED_KEY', `${path} holds a key of another type`);
  return { name: key.name, privateKey, verifierKey: formatVerifierKey(key) };
}

/** A fresh origin / key name for a new installation: unique, schema-less URL form (tlog-checkpoint). */
export function newKeyName(prefix: string): string {
  return `${prefix}/${randomBytes(6).toString('hex')}`;
}
