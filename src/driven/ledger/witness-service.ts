import { cosigner } from '../../core/ledger/cosignature.ts';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { type NoteSigner, parseVerifierKey } from '../../core/ledger/signed-note.ts';
import {
  decideAddCheckpoint,
  parseAddCheckpointRequest,
  REFUSAL_STATUS,
  type WitnessDecision,
  type WitnessedLog,
  type WitnessedState,
} from '../../core/ledger/witness.ts';
import type { StoreConnection } from '../database/database.ts';
import type { KeyPair } from './signing-keys.ts';

/** An HTTP-shaped answer to add-checkpoint (C2SP tlog-witness), independent of the HTTP framework. */
export interface WitnessReply {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
  /** Why a checkpoint was refused (`CODE: reason`), also for 409 replies whose body must be a size. */
  refusal?: string;
}

/**
 * The witness side of an installation: follows other administrations' logs, keeps the latest
 * checkpoint it cosigned of each, and cosigns only consistent growth. The check and the update
 * are one compare-and-set on the stored size, so concurrent requests cannot roll it back.
 */
export class WitnessService {
  private readonly signer: NoteSigner;

  constructor(
    private readonly conn: StoreConnection,
    readonly key: KeyPair,
  ) {
    this.signer = cosigner(key.privateKey, () => Math.floor(Date.now() / 1000));
  }

  /** Starts following a log by its verifier key (its key name is the log origin). Keeps state if already followed. */
  async follow(verifierKey: string): Promise<string> {
    const origin = parseVerifierKey(verifierKey).name;
    await this.conn.db
      .insertInto('ledger_witnessed_logs')
      .values({
        origin,
        verifier_keys: verifierKey,
        size: 0,
        root_hash: null,
        updated_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('origin').doUpdateSet({ verifier_keys: verifierKey }))
      .execute();
    return origin;
  }

  /** The followed logs and the latest checkpoint cosigned of each. */
  async followed(): Promise<
    { origin: string; verifierKeys: string[]; size: number; rootHash: Buffer | null }[]
  > {
    const rows = await this.conn.db
      .selectFrom('ledger_witnessed_logs')
      .selectAll()
      .orderBy('origin')
      .execute();
    return rows.map((r) => ({
      origin: r.origin,
      verifierKeys: r.verifier_keys.split('\n'),
      size: Number(r.size),
      rootHash: r.root_hash,
    }));
  }

  /** Handles one add-checkpoint request body. */
  async addCheckpoint(body: string): Promise<WitnessReply> {
    let request: ReturnType<typeof parseAddCheckpointRequest>;
    try {
      request = parseAddCheckpointRequest(body);
    } catch (err) {
      return refusalReply({ accepted: false, code: 'BAD_REQUEST', reason: (err as Error).message });
    }
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const logs = await this.followed();
      const byOrigin = new Map(logs.map((l) => [l.origin, l]));
      const findLog = (o: string): WitnessedLog | undefined => byOrigin.get(o);
      const stateOf = (o: string): WitnessedState | undefined => {
        const l = byOrigin.get(o);
        return l?.rootHash ? { size: l.size, rootHash: l.rootHash } : undefined;
      };
      const decision = decideAddCheckpoint(request, findLog, stateOf, this.signer);
      if (!decision.accepted) return refusalReply(decision);
      const before = byOrigin.get(decision.checkpoint.origin)!;
      const updated = await this.conn.db
        .updateTable('ledger_witnessed_logs')
        .set({
          size: decision.next.size,
          root_hash: decision.next.rootHash,
          updated_at: new Date().toISOString(),
        })
        .where('origin', '=', decision.checkpoint.origin)
        .where('size', '=', before.size)
        .executeTakeFirst();
      // Persist before answering (tlog-witness); lost the race → decide again on the new state.
      if (Number(updated.numUpdatedRows) === 1) {
        return { status: 200, contentType: 'text/plain; charset=utf-8', body: decision.cosignature };
      }
    }
    throw new LedgerError('INVALID_ARGUMENT', 'witness state kept changing under concurrent requests');
  }
}

function refusalReply(d: Extract<WitnessDecision, { accepted: false }>): WitnessReply {
  const status = REFUSAL_STATUS[d.code];
  const refusal = `${d.code}: ${d.reason}`;
  if (status === 409 && d.latestSize !== undefined) {
    return { status, contentType: 'text/x.tlog.size', body: `${d.latestSize}\n`, refusal };
  }
  return { status, contentType: 'text/plain; charset=utf-8', body: `${refusal}\n`, refusal };
}
