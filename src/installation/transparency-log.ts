import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { LedgerError } from '../core/ledger/ledger-error.ts';
import { NOTE_ALG_COSIGNATURE_V1, NOTE_ALG_ED25519, parseVerifierKey } from '../core/ledger/signed-note.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import { loadOrCreateKey, newKeyName } from '../driven/ledger/signing-keys.ts';
import { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import { WitnessService } from '../driven/ledger/witness-service.ts';
import { stateDir } from './config.ts';

/** `stateDir/ledger/witnesses.json`: who cosigns this log's checkpoints and how many must. */
const WitnessConfigSchema = z.strictObject({
  quorum: z.number().int().min(0),
  witnesses: z.array(z.strictObject({ verifierKey: z.string().min(1), url: z.url() })),
});
export type WitnessConfig = z.infer<typeof WitnessConfigSchema>;

const witnessConfigPath = (env: NodeJS.ProcessEnv) => join(stateDir(env), 'ledger', 'witnesses.json');

/** Reads the witness configuration (none configured: no witnesses, quorum 0). */
export function readWitnessConfig(env: NodeJS.ProcessEnv = process.env): WitnessConfig {
  const path = witnessConfigPath(env);
  if (!existsSync(path)) return { quorum: 0, witnesses: [] };
  const parsed = WitnessConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new LedgerError('INVALID_ARGUMENT', `${path}: ${parsed.error.message}`);
  return parsed.data;
}

/** Adds (or re-points) a witness and sets the quorum; validates the key before writing. */
export function addWitness(
  verifierKey: string,
  url: string,
  quorum: number | undefined,
  env = process.env,
): WitnessConfig {
  const key = parseVerifierKey(verifierKey);
  if (key.alg !== NOTE_ALG_COSIGNATURE_V1)
    throw new LedgerError('MALFORMED_KEY', 'a witness key must be a cosignature/v1 key');
  loadOrCreateKey(stateDir(env), 'log.key', () => logOrigin(env), NOTE_ALG_ED25519);
  const current = readWitnessConfig(env);
  const witnesses = [
    ...current.witnesses.filter((w) => parseVerifierKey(w.verifierKey).name !== key.name),
    { verifierKey, url },
  ];
  const next = WitnessConfigSchema.parse({ quorum: quorum ?? witnesses.length, witnesses });
  if (next.quorum > witnesses.length)
    throw new LedgerError('INVALID_ARGUMENT', 'quorum exceeds the number of witnesses');
  writeFileSync(witnessConfigPath(env), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

/** Origin of a new installation's log: `GREENLANE_LOG_ORIGIN`, else a unique `greenlane.local/log/<id>`. */
function logOrigin(env: NodeJS.ProcessEnv): string {
  return env.GREENLANE_LOG_ORIGIN ?? newKeyName('greenlane.local/log');
}

/**
 * The installation's transparency log over an open store connection: the signing key under
 * `stateDir()/ledger/log.key` (created owner-only at first start) and the witnesses of
 * `witnesses.json`. Call `append` for every decision, override, outcome, profile change, model
 * activation and list version; `close()` on shutdown.
 *
 * @example
 * const log = await openTransparencyLog(conn);
 * const [{ index }] = await log.append([{ kind: 'decision', declarationId, version, channel, decidedAt }]);
 */
export function openTransparencyLog(
  conn: StoreConnection,
  options: { env?: NodeJS.ProcessEnv; onError?: (err: unknown) => void; checkpointIntervalMs?: number } = {},
): Promise<TransparencyLog> {
  const env = options.env ?? process.env;
  const key = loadOrCreateKey(stateDir(env), 'log.key', () => logOrigin(env), NOTE_ALG_ED25519);
  const config = readWitnessConfig(env);
  return TransparencyLog.open({
    conn,
    key,
    witnesses: config.witnesses.map((w) => ({ name: parseVerifierKey(w.verifierKey).name, ...w })),
    quorum: config.quorum,
    ...(options.onError ? { onError: options.onError } : {}),
    ...(options.checkpointIntervalMs ? { checkpointIntervalMs: options.checkpointIntervalMs } : {}),
  });
}

/** The installation's witness (cosigner key `stateDir()/ledger/witness.key`, created at first use). */
export function openWitness(conn: StoreConnection, env: NodeJS.ProcessEnv = process.env): WitnessService {
  const key = loadOrCreateKey(
    stateDir(env),
    'witness.key',
    () => env.GREENLANE_WITNESS_NAME ?? newKeyName('greenlane.local/witness'),
    NOTE_ALG_COSIGNATURE_V1,
  );
  return new WitnessService(conn, key);
}
