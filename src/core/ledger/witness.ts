import { type Checkpoint, decodeBase64Strict, parseCheckpoint, parseDecimal } from './checkpoint.ts';
import { LedgerError } from './ledger-error.ts';
import { verifyConsistency } from './proof-verify.ts';
import { type NoteSigner, noteVerifier, openNote, parseNote, signatureLine } from './signed-note.ts';

/** A log a witness follows: its origin and the verifier keys it trusts for it. */
export interface WitnessedLog {
  origin: string;
  verifierKeys: string[];
}

/** What a witness remembers of a log: the latest checkpoint it cosigned. */
export interface WitnessedState {
  size: number;
  rootHash: Buffer;
}

/** A C2SP tlog-witness `add-checkpoint` request body, parsed. */
export interface AddCheckpointRequest {
  oldSize: number;
  proof: Buffer[];
  note: string;
}

/** Why a witness refuses a checkpoint (C2SP tlog-witness status codes in `REFUSAL_STATUS`). */
export type WitnessRefusalCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_LOG'
  | 'BAD_SIGNATURE'
  | 'ROLLBACK'
  | 'OLD_SIZE_MISMATCH'
  | 'FORK'
  | 'INCONSISTENT';

/** tlog-witness: 400 malformed, 404 unknown origin, 403 no trusted signature, 409 conflict, 422 bad proof. */
export const REFUSAL_STATUS: Record<WitnessRefusalCode, 400 | 403 | 404 | 409 | 422> = {
  BAD_REQUEST: 400,
  UNKNOWN_LOG: 404,
  BAD_SIGNATURE: 403,
  ROLLBACK: 409,
  OLD_SIZE_MISMATCH: 409,
  FORK: 409,
  INCONSISTENT: 422,
};

/** The outcome of one add-checkpoint: a cosignature and the state to persist, or a reasoned refusal. */
export type WitnessDecision =
  | { accepted: true; checkpoint: Checkpoint; next: WitnessedState; cosignature: string }
  | { accepted: false; code: WitnessRefusalCode; reason: string; latestSize?: number };

/** The most proof lines a client may send (tlog-witness: at most 63). */
const MAX_PROOF_LINES = 63;

/**
 * Parses `old <size>\n`, up to 63 base64 proof lines, an empty line, then the signed checkpoint
 * (C2SP tlog-witness add-checkpoint). Throws `LedgerError('MALFORMED_NOTE')` on anything else.
 */
export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (!body.startsWith('old ') || blank < 0)
    throw new LedgerError('MALFORMED_NOTE', 'expected "old <size>" and a blank line');
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n') as [string, ...string[]];
  if (proofLines.length > MAX_PROOF_LINES)
    throw new LedgerError('MALFORMED_NOTE', 'too many consistency proof lines');
  try {
    return {
      oldSize: parseDecimal(oldLine.slice(4), 'old size'),
      proof: proofLines.map((l) => decodeBase64Strict(l, 'proof line')),
      note: body.slice(blank + 2),
    };
  } catch (cause) {
    throw new LedgerError('MALFORMED_NOTE', `malformed add-checkpoint request: ${(cause as Error).message}`, {
      cause,
    });
  }
}

/** Formats an add-checkpoint request body (the log side of the protocol). */
export function formatAddCheckpointRequest(req: AddCheckpointRequest): string {
  return `old ${req.oldSize}\n${req.proof.map((h) => `${h.toString('base64')}\n`).join('')}\n${req.note}`;
}

const refuse = (code: WitnessRefusalCode, reason: string, latestSize?: number): WitnessDecision =>
  latestSize === undefined
    ? { accepted: false, code, reason }
    : { accepted: false, code, reason, latestSize };

/**
 * The witness state machine (C2SP tlog-witness add-checkpoint): verifies the log's signature,
 * refuses rollbacks, forks and checkpoints that are not consistent with the one it cosigned last,
 * and otherwise cosigns (tlog-cosignature) and returns the state to persist atomically.
 *
 * @param findLog    the followed log for an origin, or undefined
 * @param stateOf    the latest cosigned state for that origin, or undefined (never cosigned)
 */
export function decideAddCheckpoint(
  req: AddCheckpointRequest,
  findLog: (origin: string) => WitnessedLog | undefined,
  stateOf: (origin: string) => WitnessedState | undefined,
  signer: NoteSigner,
): WitnessDecision {
  let checkpoint: Checkpoint;
  let text: string;
  try {
    text = parseNote(req.note).text;
    checkpoint = parseCheckpoint(text);
  } catch (err) {
    return refuse('BAD_REQUEST', `malformed checkpoint: ${(err as Error).message}`);
  }
  const log = findLog(checkpoint.origin);
  if (!log) return refuse('UNKNOWN_LOG', `this witness does not follow "${checkpoint.origin}"`);
  try {
    openNote(req.note, log.verifierKeys.map(noteVerifier));
  } catch (err) {
    return refuse(
      'BAD_SIGNATURE',
      `checkpoint is not signed by a trusted key of the log: ${(err as Error).message}`,
    );
  }
  if (req.oldSize > checkpoint.size)
    return refuse('BAD_REQUEST', `old size ${req.oldSize} exceeds checkpoint size`);
  const state = stateOf(checkpoint.origin);
  const known = state?.size ?? 0;
  if (state && checkpoint.size < state.size) {
    return refuse(
      'ROLLBACK',
      `checkpoint size ${checkpoint.size} is behind the cosigned size ${state.size}`,
      known,
    );
  }
  if (req.oldSize !== known) {
    return refuse('OLD_SIZE_MISMATCH', `old size ${req.oldSize} is not the cosigned size ${known}`, known);
  }
  if (state && checkpoint.size === state.size) {
    if (!checkpoint.rootHash.equals(state.rootHash)) {
      return refuse(
        'FORK',
        `root hash at size ${state.size} differs from the one cosigned: the log forked`,
        known,
      );
    }
    if (req.proof.length > 0) return refuse('BAD_REQUEST', 'proof must be empty for an unchanged size');
  } else if (!state || state.size === 0) {
    if (req.proof.length > 0) return refuse('BAD_REQUEST', 'proof must be empty when the old size is zero');
  } else {
    try {
      verifyConsistency(state.size, checkpoint.size, req.proof, state.rootHash, checkpoint.rootHash);
    } catch (err) {
      return refuse(
        'INCONSISTENT',
        `checkpoint ${checkpoint.size} is not consistent with the cosigned checkpoint ${state.size}: ${(err as Error).message}`,
      );
    }
  }
  return {
    accepted: true,
    checkpoint,
    next: { size: checkpoint.size, rootHash: checkpoint.rootHash },
    cosignature: signatureLine(text, signer),
  };
}
