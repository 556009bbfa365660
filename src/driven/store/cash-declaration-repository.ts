import {
  type CashDeclaration,
  cashSeizure,
  isSeizable,
  parseCashDeclaration,
} from '../../core/sharing/cash-declaration.ts';
import type { SeizureReport } from '../../core/sharing/seizure.ts';
import type { StoreConnection } from '../database/database.ts';
import type { SharingTables } from '../database/sharing-tables.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { auditRow, writeAudit } from './audit-log.ts';
import { writeLedgerRecords } from './ledger-records.ts';
import { pageSize } from './page.ts';
import type { SeizureRepository } from './seizure-repository.ts';
import {
  type CashScreening,
  cashDeclarationRecord,
  invalidInput,
  type Reader,
  type StoredCashDeclaration,
} from './sharing-records.ts';
import { boundedText, type Db, notFound, requireAdministration } from './store-support.ts';

/** The audit action of a read of a cash declaration (each names its traveller). */
export const CASH_PERSONAL_DATA_READ = 'cash-declaration.personal-data-read';

const MAX_ID = 128;

/** The derived seizure's id: `cash-<declaration id>` while that fits an object id. */
function seizureIdOf(cash: CashDeclaration): string {
  const id = `cash-${cash.id}`;
  return id.length <= MAX_ID ? id : timeOrderedId();
}

function withAdministration(admin: string, input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const given = input as Record<string, unknown>;
  if (given.administration !== undefined && given.administration !== admin) {
    throw new StoreError(
      'INVALID_INPUT',
      `/administration: the cash declaration is recorded by ${admin}, not by ${String(given.administration)}`,
      { details: [{ path: '/administration', code: 'invalid', message: `must be ${admin}` }] },
    );
  }
  return { ...given, administration: admin, id: given.id ?? timeOrderedId() };
}

function toStored(r: SharingTables['cash_declarations']): StoredCashDeclaration {
  return {
    declaration: JSON.parse(r.record) as CashDeclaration,
    seizureId: r.seizure_id,
    screening: r.screening === null ? null : (JSON.parse(r.screening) as CashScreening),
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/** What recording a cash declaration did. */
export interface RecordedCash {
  stored: StoredCashDeclaration;
  /** The seizure derived from an undeclared, falsely declared or suspicious movement. */
  seizure: SeizureReport | null;
}

/**
 * Cash and bearer-negotiable-instrument declarations (FATF R.32) of an administration. A movement
 * that is not plainly `declared` derives its seizure report (`cashSeizure`), stored and logged in
 * the same transaction as the declaration; the traveller's screening result is kept with it.
 */
export class CashDeclarationRepository {
  private readonly db: Db;

  constructor(
    conn: StoreConnection,
    private readonly seizures: SeizureRepository,
  ) {
    this.db = conn.db;
  }

  /** Validates a declaration (problems named by pointer); `administration` and `id` are filled in when absent. */
  parse(admin: string, input: unknown): CashDeclaration {
    const parsed = parseCashDeclaration(withAdministration(admin, input));
    if (!parsed.ok) throw invalidInput('invalid cash declaration', parsed.issues);
    return parsed.value;
  }

  /**
   * Stores a parsed declaration with its screening result and, when seizable, its seizure: all in
   * one transaction, each with its log record. An id already recorded is `CONFLICT`.
   */
  async record(
    admin: string,
    cash: CashDeclaration,
    screening: CashScreening | null,
    actor: string,
  ): Promise<RecordedCash> {
    const who = boundedText(actor, 'actor', 200);
    try {
      return await this.db.transaction().execute(async (trx) => {
        await requireAdministration(trx, admin);
        const existing = await trx
          .selectFrom('cash_declarations')
          .select('id')
          .where('administration', '=', admin)
          .where('id', '=', cash.id)
          .executeTakeFirst();
        if (existing) throw alreadyRecorded(cash.id);
        const seizure = isSeizable(cash)
          ? await this.seizures.recordIn(trx, admin, cashSeizure(cash, seizureIdOf(cash)), who)
          : null;
        const row = {
          administration: admin,
          id: cash.id,
          record: JSON.stringify(cash),
          status: cash.status,
          at: cash.at,
          seizure_id: seizure?.id ?? null,
          screening: screening === null ? null : JSON.stringify(screening),
          created_at: new Date().toISOString(),
          created_by: who,
        };
        await trx.insertInto('cash_declarations').values(row).execute();
        await writeAudit(trx, admin, who, 'cash-declaration.record', `cash-declaration/${cash.id}`, {
          status: cash.status,
          seizureId: row.seizure_id,
        });
        await writeLedgerRecords(trx, [cashDeclarationRecord(admin, cash, row.seizure_id, who)]);
        return { stored: toStored(row), seizure };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyRecorded(cash.id, err);
      throw err;
    }
  }

  /** One declaration; the read is logged (it names the traveller). */
  async get(admin: string, id: string, reader: Reader): Promise<StoredCashDeclaration> {
    const row = await this.db
      .selectFrom('cash_declarations')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound(`cash declaration ${id}`);
    await this.logReads(admin, [row.id], reader);
    return toStored(row);
  }

  /** Declarations newest first (by when they were made); every one returned is a logged read. */
  async list(
    admin: string,
    filter: { from?: string; to?: string; status?: string; limit?: number },
    reader: Reader,
  ): Promise<StoredCashDeclaration[]> {
    let query = this.db.selectFrom('cash_declarations').selectAll().where('administration', '=', admin);
    if (filter.from !== undefined) query = query.where('at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('at', '<', `${filter.to}~`);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    const rows = await query
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit ?? 100))
      .execute();
    await this.logReads(
      admin,
      rows.map((r) => r.id),
      reader,
    );
    return rows.map(toStored);
  }

  private async logReads(admin: string, ids: readonly string[], reader: Reader): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .insertInto('audit_log')
      .values(
        ids.map((id) =>
          auditRow(admin, reader.actor, CASH_PERSONAL_DATA_READ, `cash-declaration/${id}`, {
            via: reader.via,
          }),
        ),
      )
      .execute();
  }
}

function alreadyRecorded(id: string, cause?: unknown): StoreError {
  return new StoreError('CONFLICT', `cash declaration ${id} is already recorded`, {
    ...(cause === undefined ? {} : { cause }),
  });
}
