import type { Insertable } from 'kysely';
import type {
  AssessmentItem,
  AssessmentResult,
  AssessmentStore,
  CurrentVersion,
  RejectInput,
} from '../../app/ports/assessment-store.ts';
import type { StoredDecision } from '../../app/ports/decision-records.ts';
import { StaleVersionError } from '../../app/ports/stale-version-error.ts';
import type { ChannelFloor } from '../../core/decision/decide.ts';
import { CHANNEL_RANK, type Channel } from '../../core/decision/signal.ts';
import { type Declaration, partiesOf } from '../../core/declaration/declaration.ts';
import type {
  DecisionsTable,
  DeclarationPartiesTable,
  DeclarationsTable,
  DeclarationVersionsTable,
  LifecycleEventsTable,
} from '../database/core-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { chunked } from '../database/sql-batches.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { utc } from '../database/utc-instant.ts';
import { BulkWriter } from './bulk-writer.ts';
import {
  decisionRow,
  type Head,
  heads,
  normalisedDecision,
  storedDecision,
  toDecision,
} from './declaration-rows.ts';
import { decisionRecord, type LedgerRecordInput, ledgerRecordRows } from './ledger-records.ts';
import type { LifecycleEventName } from './lifecycle-records.ts';
import { returnConsumptions } from './permit-consumption.ts';
import { rejectRows } from './reject-repository.ts';
import { type Db, IN_LIST, requireAdministration, retryingConflicts, SYSTEM_ACTOR } from './store-support.ts';

/**
 * The optimistic check of {@link AssessmentItem.expected}, inside the save transaction: the
 * pipeline decided against `expected` (version, amendment floor); if another writer moved the
 * declaration on since (a new version, an override), that decision is stale.
 */
function checkExpectedHead(
  id: string,
  expected: { version: number; decisionId: string } | null,
  head: Head | undefined,
): void {
  const same =
    expected === null
      ? head === undefined
      : head !== undefined && head.version === expected.version && head.decisionId === expected.decisionId;
  if (!same) {
    const was = expected === null ? 'new' : `at version ${expected.version}`;
    const now = head === undefined ? 'absent' : `at version ${head.version} (decision ${head.decisionId})`;
    throw new StaleVersionError(
      `${id} was assessed ${was} but is now ${now}: another submission landed meanwhile; assess it again`,
    );
  }
}

function partyRows(admin: string, d: Declaration): Insertable<DeclarationPartiesTable>[] {
  return partiesOf(d).map(({ role, party }) => ({
    administration: admin,
    declaration_id: d.id,
    role,
    party_id: party.id ?? null,
    party_name: party.name ?? null,
    country: party.country ?? party.address?.country ?? null,
  }));
}

/**
 * The assessment pipeline's side of the store ({@link AssessmentStore} but for outcomes and the
 * audit): the heads and parties it decides against, and the one-transaction save of a batch.
 */
export class AssessmentRepository implements Omit<AssessmentStore, 'recordOutcomes' | 'audit'> {
  private readonly db: Db;
  private readonly bulk: BulkWriter;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
    this.bulk = new BulkWriter(conn.sqlite);
  }

  /**
   * Saves a batch of assessed declarations in one transaction, all or nothing. Per declaration:
   * a new id is `created` (version 1); the same content as the current version is `unchanged`
   * (nothing written, the current decision returned); different content is `amended` (next
   * version, new decision). Rows go through the {@link BulkWriter}: no per-declaration round trips.
   *
   * The batch's rejects, when given, are written in the same transaction, so a batch that fails
   * leaves neither its decisions nor its rejects behind; so are each decision's pending log entry,
   * its version, parties and lifecycle events.
   *
   * @returns one result per item, in order.
   * @throws StaleVersionError when an item's `expected` head moved on (nothing written).
   */
  async saveAssessments(
    admin: string,
    items: readonly AssessmentItem[],
    rejects: readonly RejectInput[] = [],
  ): Promise<AssessmentResult[]> {
    if (items.length === 0 && rejects.length === 0) return [];
    const rows = rejectRows(admin, rejects);
    return retryingConflicts(() =>
      this.db.transaction().execute((trx) => this.writeAssessments(trx, admin, items, rows)),
    );
  }

  private async writeAssessments(
    trx: Db,
    admin: string,
    items: readonly AssessmentItem[],
    rejects: ReturnType<typeof rejectRows>,
  ): Promise<AssessmentResult[]> {
    await requireAdministration(trx, admin);
    const known = await heads(trx, admin, [...new Set(items.map((i) => i.declaration.id))]);
    const storedBefore = new Set(known.keys());
    const receivedAt = new Date().toISOString();

    const declarations = new Map<string, Insertable<DeclarationsTable>>();
    const parties = new Map<string, Insertable<DeclarationPartiesTable>[]>();
    const versions: Insertable<DeclarationVersionsTable>[] = [];
    const decisions: Insertable<DecisionsTable>[] = [];
    const events: Insertable<LifecycleEventsTable>[] = [];
    const records: LedgerRecordInput[] = [];
    const written = new Map<string, StoredDecision>();
    const results: Array<AssessmentResult | (Omit<AssessmentResult, 'decision'> & { decisionId: string })> =
      [];

    const checked = new Set<string>();
    for (const item of items) {
      const d = item.declaration;
      const head = known.get(d.id);
      if (item.expected !== undefined && !checked.has(d.id)) {
        checked.add(d.id);
        checkExpectedHead(d.id, item.expected, head);
      }
      if (head && head.contentHash === item.contentHash) {
        results.push({ id: d.id, status: 'unchanged', version: head.version, decisionId: head.decisionId });
        continue;
      }
      const version = head ? head.version + 1 : 1;
      const decision = normalisedDecision(item.decision, d.id);
      const lodgedAt = utc(d.lodgedAt, `${d.id}: lodgedAt`);
      const decisionId = timeOrderedId();
      const stored = storedDecision(decisionId, d.id, version, decision, null);
      decisions.push(decisionRow(admin, stored));
      records.push(decisionRecord(admin, item.contentHash, stored));
      written.set(decisionId, stored);
      declarations.set(d.id, {
        administration: admin,
        id: d.id,
        current_version: version,
        content_hash: item.contentHash,
        type: d.type,
        customs_office: d.customsOffice,
        lodged_at: lodgedAt,
        status: 'assessed',
        current_decision_id: decisionId,
        channel: decision.channel,
        decided_at: decision.decidedAt,
      });
      versions.push({
        administration: admin,
        declaration_id: d.id,
        version,
        content: JSON.stringify(d),
        content_hash: item.contentHash,
        received_at: receivedAt,
        source: item.source,
      });
      parties.set(d.id, partyRows(admin, d));
      const event = (name: LifecycleEventName, at: string): Insertable<LifecycleEventsTable> => ({
        id: timeOrderedId(),
        administration: admin,
        declaration_id: d.id,
        version,
        event: name,
        at,
        actor: SYSTEM_ACTOR,
      });
      if (!head) {
        if (d.arrivalAt !== undefined) events.push(event('arrival', utc(d.arrivalAt, `${d.id}: arrivalAt`)));
        events.push(event('lodgement', lodgedAt));
      }
      events.push(event('decision', decision.decidedAt));
      known.set(d.id, { version, contentHash: item.contentHash, decisionId });
      results.push({ id: d.id, status: head ? 'amended' : 'created', version, decision: stored });
    }

    // An amended declaration's parties are replaced, and it gives back what its released version
    // took from permits and quotas; then everything the batch writes goes in one statement.
    const amendedStored = [...declarations.keys()].filter((id) => storedBefore.has(id));
    for (const ids of chunked(amendedStored, IN_LIST)) {
      await trx
        .deleteFrom('declaration_parties')
        .where('administration', '=', admin)
        .where('declaration_id', 'in', ids)
        .execute();
    }
    if (amendedStored.length > 0)
      await returnConsumptions(trx, admin, amendedStored, 'amendment', SYSTEM_ACTOR, receivedAt);
    await this.bulk.insertAll(trx, [
      {
        table: 'declarations',
        rows: [...declarations.values()],
        upsert: {
          key: ['administration', 'id'],
          update: [
            'current_version',
            'content_hash',
            'type',
            'customs_office',
            'lodged_at',
            'status',
            'current_decision_id',
            'channel',
            'decided_at',
          ],
        },
      },
      { table: 'declaration_versions', rows: versions },
      { table: 'decisions', rows: decisions },
      { table: 'ledger_records', rows: ledgerRecordRows(records) },
      { table: 'lifecycle_events', rows: events },
      { table: 'declaration_parties', rows: [...parties.values()].flat() },
      { table: 'rejects', rows: rejects },
    ]);

    const missing = results.flatMap((r) =>
      'decisionId' in r && !written.has(r.decisionId) ? [r.decisionId] : [],
    );
    for (const ids of chunked([...new Set(missing)], IN_LIST)) {
      const rows = await trx
        .selectFrom('decisions')
        .selectAll()
        .where('administration', '=', admin)
        .where('id', 'in', ids)
        .execute();
      for (const row of rows) written.set(row.id, toDecision(row));
    }
    return results.map((r) => {
      if (!('decisionId' in r)) return r;
      const { decisionId, ...rest } = r;
      return { ...rest, decision: written.get(decisionId)! };
    });
  }

  /**
   * The current version and content hash of each known id, so the pipeline can skip re-scoring
   * declarations that did not change, with the current decision and the amendment floor (the
   * highest channel ever assigned). Unknown ids are absent from the map.
   */
  async currentVersions(admin: string, ids: readonly string[]): Promise<Map<string, CurrentVersion>> {
    const found = await heads(this.db, admin, [...new Set(ids)]);
    const floors = new Map<string, ChannelFloor>();
    for (const chunk of chunked([...found.keys()], IN_LIST)) {
      const rows = await this.db
        .selectFrom('decisions')
        .select(['declaration_id', 'version', 'channel'])
        .where('administration', '=', admin)
        .where('declaration_id', 'in', chunk)
        .execute();
      for (const row of rows) {
        const channel = row.channel as Channel;
        const version = Number(row.version);
        const floor = floors.get(row.declaration_id);
        const rank = CHANNEL_RANK[channel] - (floor ? CHANNEL_RANK[floor.channel] : -1);
        // The highest channel, and the first version that reached it.
        if (!floor || rank > 0 || (rank === 0 && version < floor.version)) {
          floors.set(row.declaration_id, { channel, version });
        }
      }
    }
    return new Map(
      [...found].map(([id, h]) => [
        id,
        {
          version: h.version,
          contentHash: h.contentHash,
          decisionId: h.decisionId,
          floor: floors.get(id) ?? { channel: 'green', version: h.version },
        },
      ]),
    );
  }

  /** The party ids among `partyIds` that appear on any stored declaration (first-time trader check). */
  async knownParties(admin: string, partyIds: readonly string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const chunk of chunked([...new Set(partyIds)], IN_LIST)) {
      const rows = await this.db
        .selectFrom('declaration_parties')
        .select('party_id')
        .distinct()
        .where('administration', '=', admin)
        .where('party_id', 'in', chunk)
        .execute();
      for (const row of rows) if (row.party_id !== null) known.add(row.party_id);
    }
    return known;
  }
}
