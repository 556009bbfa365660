import { parseCheckpoint, parseDecimal } from '../../core/ledger/checkpoint.ts';
import { cosignatureVerifier, verifiedCosigners } from '../../core/ledger/cosignature.ts';
import { parseNote } from '../../core/ledger/signed-note.ts';
import { formatAddCheckpointRequest } from '../../core/ledger/witness.ts';

/** A witness this log asks for cosignatures: its key name, cosigner verifier key and submission URL prefix. */
export interface WitnessTarget {
  name: string;
  verifierKey: string;
  /** tlog-witness submission prefix; requests go to `${url}/add-checkpoint`. */
  url: string;
}

/** The outcome of asking one witness. */
export type CosignResult =
  | { witness: string; ok: true; line: string }
  | { witness: string; ok: false; status: number; reason: string };

const REQUEST_TIMEOUT_MS = 10_000;

/**
 * C2SP tlog-witness client: submits a signed checkpoint with a consistency proof from the size
 * the witness last cosigned, follows one 409 `text/x.tlog.size` correction, and returns the
 * witness's cosignature line only if it verifies against the witness's key.
 *
 * @param proof consistency proof between two sizes of this log
 */
export async function requestCosignature(
  target: WitnessTarget,
  note: string,
  oldSize: number,
  proof: (from: number, to: number) => Promise<Buffer[]>,
  fetchImpl: typeof fetch = fetch,
): Promise<CosignResult> {
  const { text } = parseNote(note);
  const { size } = parseCheckpoint(text);
  let old = Math.min(oldSize, size);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const body = formatAddCheckpointRequest({
      oldSize: old,
      proof: old > 0 && old < size ? await proof(old, size) : [],
      note,
    });
    let res: Response;
    try {
      res = await fetchImpl(`${target.url.replace(/\/+$/, '')}/add-checkpoint`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (err) {
      return {
        witness: target.name,
        ok: false,
        status: 0,
        reason: `witness unreachable: ${(err as Error).message}`,
      };
    }
    const reply = await res.text();
    const refusal = res.headers.get('greenlane-refusal');
    if (
      res.status === 409 &&
      res.headers.get('content-type')?.startsWith('text/x.tlog.size') &&
      attempt === 0
    ) {
      let known: number;
      try {
        known = parseDecimal(reply.trim(), 'witness size');
      } catch {
        return { witness: target.name, ok: false, status: 409, reason: 'witness sent a malformed size' };
      }
      // The witness holds a different size: retry once from it, unless it is ahead of us (rollback).
      if (known !== old && known <= size) {
        old = known;
        continue;
      }
      return {
        witness: target.name,
        ok: false,
        status: 409,
        reason: refusal ?? `witness holds size ${known}`,
      };
    }
    if (res.status !== 200)
      return { witness: target.name, ok: false, status: res.status, reason: refusal ?? reply.trim() };
    const lines = reply
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `${l}\n`);
    const verifier = cosignatureVerifier(target.verifierKey);
    const good = lines.find((l) => verifiedCosigners(text, [l], [verifier]).length === 1);
    if (!good)
      return { witness: target.name, ok: false, status: 200, reason: 'no valid cosignature in the reply' };
    return { witness: target.name, ok: true, line: good };
  }
  return { witness: target.name, ok: false, status: 409, reason: 'witness size kept changing' };
}
