import type { Channel } from '../core/decision/signal.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import type { TransparencyLog } from '../driven/ledger/transparency-log.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import {
  type LedgerRecordInput,
  type RecordKind,
  writeLedgerRecords,
} from '../driven/store/ledger-records.ts';
import type {
  OutcomeInput,
  ProfileInput,
  ProfileSaveResult,
  StoredDecision,
  StoredOutcome,
} from '../driven/store/store-records.ts';
import { openTransparencyLog } from './transparency-log.ts';

/**
 * The pipeline hook: the batch's decisions were stored with their pending log entries in one
 * transaction (see `writeLedgerRecords`); this appends them before the caller answers.
 */
export function logDecisions(log: TransparencyLog) {
  return async (): Promise<void> => {
    await log.drainRecords();
  };
}

/**
 * The store, with every override, outcome and risk-profile change appended to the transparency
 * log before the call returns. The store writes each record's pending entry in the record's own
 * transaction, so a crash or a log failure here delays the entry (the log drains it at its next
 * start, or a second later) but never loses it.
 */
export class LoggedDeclarationStore extends DeclarationStore {
  constructor(
    conn: StoreConnection,
    private readonly log: TransparencyLog,
  ) {
    super(conn);
  }

  override async overrideDecision(
    admin: string,
    id: string,
    change: { channel: Channel; reason: string },
    actor: string,
  ): Promise<StoredDecision> {
    const decision = await super.overrideDecision(admin, id, change, actor);
    await this.log.drainRecords();
    return { ...decision, logIndex: (await this.log.records.indexOf('override', decision.id)) ?? null };
  }

  override async recordOutcomes(
    admin: string,
    entries: ReadonlyArray<{ id: string; outcome: OutcomeInput }>,
    actor: string,
  ): Promise<StoredOutcome[]> {
    const stored = await super.recordOutcomes(admin, entries, actor);
    await this.log.drainRecords();
    return stored;
  }

  override async saveProfiles(
    admin: string,
    profiles: readonly ProfileInput[],
    actor: string,
  ): Promise<ProfileSaveResult[]> {
    const results = await super.saveProfiles(admin, profiles, actor);
    await this.log.drainRecords();
    return results;
  }
}

/**
 * For commands that run outside a server (a model put in force, a list version loaded, a hit
 * adjudicated): stores `records` (if any) with their pending entries, then appends every pending
 * record of the installation, over a connection of its own. Returns the log index of each given record.
 */
export async function syncLog(
  databaseUrl: string,
  records: readonly LedgerRecordInput[] = [],
): Promise<number[]> {
  const conn = openDatabase(databaseUrl);
  try {
    await migrateToLatest(conn);
    if (records.length > 0) await conn.db.transaction().execute((trx) => writeLedgerRecords(trx, records));
    const log = await openTransparencyLog(conn);
    try {
      const indexes: number[] = [];
      for (const r of records) indexes.push((await log.records.indexOf(r.kind as RecordKind, r.recordId))!);
      return indexes;
    } finally {
      await log.close();
    }
  } finally {
    await conn.close();
  }
}
