import type { StoreConnection } from '../database/database.ts';
import { chunked } from '../database/sql-batches.ts';
import { type Db, IN_LIST } from './store-support.ts';

/** A stored screening hit as the declaration page links to it. */
export interface HitLink {
  hitId: string;
  status: string;
}

/**
 * The stored hits (id and adjudication status) of an administration's screened parties, by
 * `party key / list / entity id`: what a decision's screening evidence links to. The newest hit
 * of a pair wins (a list update may raise the same pair again with changed entity data).
 */
export async function hitLinks(
  conn: StoreConnection,
  admin: string,
  partyKeys: readonly string[],
): Promise<Map<string, HitLink>> {
  const db: Db = conn.db;
  const out = new Map<string, HitLink>();
  for (const keys of chunked([...new Set(partyKeys)], IN_LIST)) {
    const rows = await db
      .selectFrom('screening_hits')
      .select(['id', 'party_key', 'list', 'entity_id', 'status'])
      .where('administration', '=', admin)
      .where('party_key', 'in', keys)
      .orderBy('raised_at')
      .orderBy('id')
      .execute();
    for (const r of rows)
      out.set(hitLinkKey(r.party_key, r.list, r.entity_id), { hitId: r.id, status: r.status });
  }
  return out;
}

/** The key of {@link hitLinks}' map. */
export const hitLinkKey = (partyKey: string, list: string, entityId: string) =>
  `${partyKey}\u0000${list}\u0000${entityId}`;
