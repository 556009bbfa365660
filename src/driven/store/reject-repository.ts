import type { Insertable } from 'kysely';
import type { RejectInput } from '../../app/ports/assessment-store.ts';
import type { ValidationIssue } from '../../core/declaration/validation.ts';
import type { RejectsTable } from '../database/core-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { decodeCursor, encodeCursor } from '../database/keyset-cursor.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { utc } from '../database/utc-instant.ts';
import { BulkWriter } from './bulk-writer.ts';
import { type Page, pageSize } from './page.ts';
import { MAX_RAW_CHARS, type RejectFilter, type StoredReject } from './reject-records.ts';
import { type Db, requireAdministration } from './store-support.ts';

/**
 * Rows of the rejects table: the raw text bounded to {@link MAX_RAW_CHARS} (its full length
 * kept). Also written by `AssessmentRepository.saveAssessments`, in the batch's transaction.
 */
export function rejectRows(admin: string, rejects: readonly RejectInput[]): Insertable<RejectsTable>[] {
  const now = new Date().toISOString();
  return rejects.map((r) => ({
    id: timeOrderedId(),
    administration: admin,
    source: r.source,
    batch_id: r.batchId ?? null,
    record_number: r.recordNumber,
    declaration_id: r.declarationId ?? null,
    errors: JSON.stringify(r.errors),
    raw: r.raw.length > MAX_RAW_CHARS ? r.raw.slice(0, MAX_RAW_CHARS) : r.raw,
    raw_length: r.raw.length,
    received_at: r.receivedAt === undefined ? now : utc(r.receivedAt, 'receivedAt'),
  }));
}

/** Records that failed validation, with their errors, per administration. */
export class RejectRepository {
  private readonly db: Db;
  private readonly bulk: BulkWriter;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
    this.bulk = new BulkWriter(conn.sqlite);
  }

  /** Keeps records that failed validation with their errors; returns their ids, in order. */
  async saveRejects(admin: string, rejects: readonly RejectInput[]): Promise<string[]> {
    if (rejects.length === 0) return [];
    const rows = rejectRows(admin, rejects);
    await this.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, admin);
      await this.bulk.insert(trx, 'rejects', rows);
    });
    return rows.map((r) => r.id);
  }

  /** Rejected records, newest first, filtered by source, batch, declaration id or time. */
  async listRejects(admin: string, filter: RejectFilter = {}): Promise<Page<StoredReject>> {
    const limit = pageSize(filter.limit);
    let query = this.db.selectFrom('rejects').selectAll().where('administration', '=', admin);
    if (filter.source !== undefined) query = query.where('source', '=', filter.source);
    if (filter.batchId !== undefined) query = query.where('batch_id', '=', filter.batchId);
    if (filter.declarationId !== undefined) query = query.where('declaration_id', '=', filter.declarationId);
    if (filter.from !== undefined) query = query.where('received_at', '>=', utc(filter.from, 'from'));
    if (filter.to !== undefined) query = query.where('received_at', '<', utc(filter.to, 'to'));
    if (filter.cursor !== undefined) {
      const c = decodeCursor(filter.cursor);
      query = query.where((eb) =>
        eb.or([eb('received_at', '<', c.at), eb.and([eb('received_at', '=', c.at), eb('id', '<', c.id)])]),
      );
    }
    const rows = await query
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => ({
        id: r.id,
        source: r.source,
        batchId: r.batch_id,
        recordNumber: Number(r.record_number),
        declarationId: r.declaration_id,
        errors: JSON.parse(r.errors) as ValidationIssue[],
        raw: r.raw,
        rawLength: Number(r.raw_length),
        truncated: Number(r.raw_length) > r.raw.length,
        receivedAt: r.received_at,
      })),
      nextCursor: rows.length > limit && last ? encodeCursor({ at: last.received_at, id: last.id }) : null,
    };
  }
}
