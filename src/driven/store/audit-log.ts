import type { Insertable } from 'kysely';
import type { AuditLogTable } from '../database/core-tables.ts';
import type { StoreConnection } from '../database/database.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { pageSize } from './page.ts';
import { boundedText, type Db } from './store-support.ts';

/** One audit log entry: who did what to what, when. */
export interface AuditEntry {
  id: string;
  administration: string | null;
  actor: string;
  action: string;
  subject: string;
  at: string;
  details: Record<string, unknown>;
}

/** An audit row, for repositories that write it in their own transaction (bulk or one by one). */
export function auditRow(
  administration: string | null,
  actor: string,
  action: string,
  subject: string,
  details: Record<string, unknown>,
): Insertable<AuditLogTable> {
  return {
    id: timeOrderedId(),
    administration,
    actor: boundedText(actor, 'actor', 200),
    action: boundedText(action, 'action', 100),
    subject,
    at: new Date().toISOString(),
    details: JSON.stringify(details),
  };
}

/** Writes one audit entry with `db` (a transaction, so it commits with the change it records). */
export async function writeAudit(
  db: Db,
  administration: string | null,
  actor: string,
  action: string,
  subject: string,
  details: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values(auditRow(administration, actor, action, subject, details))
    .execute();
}

/** The audit log: who (`actor`) did what (`action`) to what (`subject`), per administration. */
export class AuditLog {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Appends to the audit log. Pass the administration for tenant actions; null marks an
   * installation-wide one.
   */
  async audit(
    actor: string,
    action: string,
    subject: string,
    details: Record<string, unknown> = {},
    administration: string | null = null,
  ): Promise<void> {
    await writeAudit(this.db, administration, actor, action, subject, details);
  }

  /** Audit entries of one administration (or installation-wide ones for null), newest first. */
  async auditTrail(
    administration: string | null,
    filter: { subject?: string; limit?: number } = {},
  ): Promise<AuditEntry[]> {
    let query = this.db
      .selectFrom('audit_log')
      .selectAll()
      .where('administration', administration === null ? 'is' : '=', administration);
    if (filter.subject !== undefined) query = query.where('subject', '=', filter.subject);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit))
      .execute();
    return rows.map((r) => ({
      id: r.id,
      administration: r.administration,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      at: r.at,
      details: JSON.parse(r.details) as Record<string, unknown>,
    }));
  }
}
