import { validUntilMs } from '../../core/rules/compile-criteria.ts';
import type { AlertContent, AlertFeedback, AlertRecord, AlertStatus } from '../../core/sharing/alert.ts';
import type { TlpCode } from '../../core/sharing/tlp.ts';
import type { AlertFeedbackTable, AlertsTable } from '../database/alert-tables.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { utc } from '../database/utc-instant.ts';
import type { AlertDirection, AlertFilter, StoredAlert, StoredFeedback } from './alert-records.ts';
import { boundedText, type Db, notFound } from './store-support.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

function toAlert(r: AlertsTable): StoredAlert {
  const alert: StoredAlert = {
    administration: r.administration,
    id: r.id,
    direction: r.direction as AlertDirection,
    issuer: r.issuer,
    partner: r.partner,
    version: Number(r.version),
    status: r.status as AlertStatus,
    handling: r.handling as TlpCode,
    content: r.content === null ? null : (JSON.parse(r.content) as AlertContent),
    recipients: JSON.parse(r.recipients) as string[],
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
  if (r.status_reason !== null) alert.statusReason = r.status_reason;
  return alert;
}

function toFeedback(r: AlertFeedbackTable): StoredFeedback {
  return {
    id: r.id,
    alertId: r.alert_id,
    direction: r.direction as StoredFeedback['direction'],
    partner: r.partner,
    feedback: JSON.parse(r.content) as AlertFeedback,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/** The columns that change with the record's lifecycle (version, status, content, validity). */
function lifecycleColumns(record: AlertRecord, by: string) {
  const { content } = record;
  return {
    version: record.version,
    status: record.status,
    status_reason: record.statusReason ?? null,
    content: content === null ? null : JSON.stringify(content),
    valid_from: content?.validFrom === undefined ? null : utc(content.validFrom, '/validFrom'),
    valid_until: content === null ? null : new Date(validUntilMs(content.validUntil)).toISOString(),
    updated_at: utc(record.updatedAt, '/updatedAt'),
    updated_by: boundedText(by, 'actor', 200),
  };
}

/**
 * Alerts and their feedback, per administration: each administration keeps its own copy of the
 * alerts it issued and received. Give it the transaction the change belongs to
 * (`new AlertRepository(trx)`), so the alert and what is shared about it commit together.
 */
export class AlertRepository {
  constructor(private readonly db: Db) {}

  /** Stores a new copy; an id the administration already holds is `CONFLICT`. */
  async insert(alert: Omit<StoredAlert, 'updatedAt' | 'updatedBy'> & AlertRecord): Promise<void> {
    const exists = () =>
      new StoreError(
        'CONFLICT',
        `alert ${alert.id} already exists in administration ${alert.administration}`,
      );
    if (await this.get(alert.administration, alert.id)) throw exists();
    await this.db
      .insertInto('alerts')
      .values({
        administration: alert.administration,
        id: alert.id,
        direction: alert.direction,
        issuer: alert.issuer,
        partner: alert.partner,
        handling: alert.handling,
        recipients: JSON.stringify(alert.recipients),
        created_at: utc(alert.createdAt, '/createdAt'),
        created_by: boundedText(alert.createdBy, 'actor', 200),
        ...lifecycleColumns(alert, alert.createdBy),
      })
      .execute()
      .catch((err: unknown) => {
        // A concurrent writer stored the same id between the check and the insert.
        throw isUniqueViolation(err) ? exists() : err;
      });
  }

  /**
   * Writes a lifecycle change, only over the version and status it was computed from: a
   * concurrent change in between is `CONFLICT` (nothing written), never a lost update.
   */
  async update(
    administration: string,
    from: Pick<AlertRecord, 'id' | 'version' | 'status'>,
    next: AlertRecord,
    handling: TlpCode,
    by: string,
  ): Promise<void> {
    const result = await this.db
      .updateTable('alerts')
      .set({ ...lifecycleColumns(next, by), handling })
      .where('administration', '=', administration)
      .where('id', '=', from.id)
      .where('version', '=', from.version)
      .where('status', '=', from.status)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1)
      throw new StoreError('CONFLICT', `alert ${from.id} changed meanwhile; read it again and retry`);
  }

  /** One alert of the administration, or undefined (another administration's is undefined too). */
  async get(administration: string, id: string): Promise<StoredAlert | undefined> {
    const row = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('administration', '=', administration)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toAlert(row);
  }

  /** {@link get}, or `NOT_FOUND`. */
  async require(administration: string, id: string): Promise<StoredAlert> {
    const alert = await this.get(administration, id);
    if (!alert) throw notFound(`alert ${id}`);
    return alert;
  }

  /** The administration's alerts, newest first. */
  async list(administration: string, filter: AlertFilter = {}): Promise<StoredAlert[]> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new StoreError('INVALID_INPUT', `limit must be an integer from 1 to ${MAX_LIMIT}`);
    let query = this.db.selectFrom('alerts').selectAll().where('administration', '=', administration);
    if (filter.direction) query = query.where('direction', '=', filter.direction);
    if (filter.status) query = query.where('status', '=', filter.status);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toAlert);
  }

  /**
   * The received alerts the administration accepted and that are still in force at `now` (or
   * start later): what its pipeline turns into signals. Read before each batch.
   */
  async accepted(administration: string, now: string): Promise<StoredAlert[]> {
    const rows = await this.db
      .selectFrom('alerts')
      .selectAll()
      .where('administration', '=', administration)
      .where('status', '=', 'accepted')
      .where('direction', '=', 'received')
      .where('valid_until', '>=', utc(now, 'now'))
      .orderBy('id')
      .execute();
    return rows.map(toAlert);
  }

  /** Keeps feedback on an alert the administration holds. */
  async addFeedback(
    administration: string,
    entry: Omit<StoredFeedback, 'id' | 'createdAt'> & { createdAt?: string },
  ): Promise<StoredFeedback> {
    const stored: StoredFeedback = {
      id: timeOrderedId(),
      alertId: entry.alertId,
      direction: entry.direction,
      partner: entry.partner,
      feedback: entry.feedback,
      createdAt: entry.createdAt ?? new Date().toISOString(),
      createdBy: boundedText(entry.createdBy, 'actor', 200),
    };
    await this.db
      .insertInto('alert_feedback')
      .values({
        administration,
        id: stored.id,
        alert_id: stored.alertId,
        direction: stored.direction,
        partner: stored.partner,
        outcome: stored.feedback.outcome,
        content: JSON.stringify(stored.feedback),
        created_at: stored.createdAt,
        created_by: stored.createdBy,
      })
      .execute();
    return stored;
  }

  /** Feedback the administration keeps on one of its alerts, oldest first. */
  async feedback(administration: string, alertId: string): Promise<StoredFeedback[]> {
    const rows = await this.db
      .selectFrom('alert_feedback')
      .selectAll()
      .where('administration', '=', administration)
      .where('alert_id', '=', alertId)
      .orderBy('id')
      .execute();
    return rows.map(toFeedback);
  }
}
