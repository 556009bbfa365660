import type { Insertable, Kysely } from 'kysely';
import { type ReleaseForm, releaseForm } from '../../core/sharing/release-policy.ts';
import { parseSeizureReport, type SeizureReport } from '../../core/sharing/seizure.ts';
import { bodyHandling, parseSharedBody } from '../../core/sharing/shared-bodies.ts';
import { mayView, TLP_CODES, type TlpCode } from '../../core/sharing/tlp.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import type { SharingTables } from '../database/sharing-tables.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { auditRow, writeAudit } from './audit-log.ts';
import { writeLedgerRecords } from './ledger-records.ts';
import { pageSize } from './page.ts';
import {
  invalidInput,
  LOCAL_SOURCE,
  type Reader,
  type SeizureFilter,
  type StoredSeizure,
  seizureRecord,
} from './sharing-records.ts';
import { boundedText, type Db, notFound, requireAdministration } from './store-support.ts';

type SeizureRow = SharingTables['seizures'];

/** The audit action of a read that returned persons or companies of a national seizure record. */
export const PERSONAL_DATA_READ = 'seizure.personal-data-read';

const LIST_DEFAULT = 100;

/** The labels of partners' items a reader in this position may not see (TLP 2.0: RED for staff the item was not delivered to). */
function hiddenLabels(reader: Reader): TlpCode[] {
  return TLP_CODES.filter((code) => !mayView(code, reader.audience ?? 'recipient').allowed);
}

/**
 * Fills in what the recording administration knows (its own id, a new seizure id) and refuses a
 * report that claims another administration.
 */
function asRecordedBy(admin: string, input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const given = input as Record<string, unknown>;
  if (given.administration !== undefined && given.administration !== admin) {
    throw new StoreError(
      'INVALID_INPUT',
      `/administration: the seizure is recorded by ${admin}, not by ${String(given.administration)}`,
      {
        details: [
          {
            path: '/administration',
            code: 'invalid',
            message: `must be ${admin} (the recording administration)`,
          },
        ],
      },
    );
  }
  return { ...given, administration: admin, id: given.id ?? timeOrderedId() };
}

/** Does this form of a report name anyone (persons, companies, or the officer's notes)? */
function namesAnyone(report: StoredSeizure['report']): boolean {
  const r = report as Partial<SeizureReport>;
  return (r.persons?.length ?? 0) > 0 || (r.companies?.length ?? 0) > 0 || r.notes !== undefined;
}

/**
 * An administration's seizure reports: the national records it made (`source` local, logged in
 * the transparency log in the same transaction) and the forms partners shared with it. Reads
 * release the asked form (`releaseForm`); a read that returns a national record naming persons
 * or companies is itself written to the audit log (who, when, which seizure, how).
 */
export class SeizureRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Records a seizure of `admin`: validated (`SeizureReportSchema`, problems named by pointer),
   * `administration` filled in, an id given when none is. A `declarationId` must be one of the
   * administration's own declarations; an id already recorded is `CONFLICT`.
   */
  async record(admin: string, input: unknown, actor: string): Promise<SeizureReport> {
    try {
      return await this.db.transaction().execute((trx) => this.recordIn(trx, admin, input, actor));
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyRecorded(input, err);
      throw err;
    }
  }

  /** {@link record} inside the caller's transaction (a cash declaration derives its seizure in its own). */
  async recordIn(
    trx: Kysely<Database>,
    admin: string,
    input: unknown,
    actor: string,
  ): Promise<SeizureReport> {
    const who = boundedText(actor, 'actor', 200);
    const parsed = parseSeizureReport(asRecordedBy(admin, input));
    if (!parsed.ok) throw invalidInput('invalid seizure report', parsed.issues);
    const report = parsed.value;
    await requireAdministration(trx, admin);
    const existing = await trx
      .selectFrom('seizures')
      .select('id')
      .where('administration', '=', admin)
      .where('source', '=', LOCAL_SOURCE)
      .where('id', '=', report.id)
      .executeTakeFirst();
    if (existing) throw alreadyRecorded(report);
    if (report.declarationId !== undefined) {
      const declaration = await trx
        .selectFrom('declarations')
        .select('id')
        .where('administration', '=', admin)
        .where('id', '=', report.declarationId)
        .executeTakeFirst();
      // Another administration's declaration answers exactly like one that does not exist.
      if (!declaration) {
        throw new StoreError(
          'INVALID_INPUT',
          `/declarationId: declaration ${report.declarationId} is not a declaration of this administration`,
          {
            details: [
              {
                path: '/declarationId',
                code: 'unknown_declaration',
                message: 'must be a declaration of the recording administration',
              },
            ],
          },
        );
      }
    }
    const now = new Date().toISOString();
    await trx
      .insertInto('seizures')
      .values({
        administration: admin,
        source: LOCAL_SOURCE,
        id: report.id,
        form: 'national',
        record: JSON.stringify(report),
        category: report.category,
        date: report.date,
        office: report.office,
        handling: null,
        item_id: null,
        declaration_id: report.declarationId ?? null,
        created_at: now,
        created_by: who,
      })
      .execute();
    await writeAudit(trx, admin, who, 'seizure.record', `seizure/${report.id}`, {
      category: report.category,
      ...(report.declarationId === undefined ? {} : { declarationId: report.declarationId }),
    });
    await writeLedgerRecords(trx, [seizureRecord(admin, report, who)]);
    return report;
  }

  /**
   * Stores a seizure report a partner shared (body of kind `seizure`), in the inbox transaction:
   * the global form always, the national form only under AMBER+STRICT or RED. The same partner's
   * report of the same id replaces the earlier one (a corrected report).
   */
  async receive(
    trx: Kysely<Database>,
    admin: string,
    received: { partner: string; itemId: string; handling: TlpCode; body: unknown },
  ): Promise<{ status: 'accepted' } | { status: 'refused'; reason: string }> {
    const parsed = parseSharedBody('seizure', received.body);
    if (!parsed.ok)
      return { status: 'refused', reason: parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
    const allowed = bodyHandling('seizure', parsed.value, received.handling);
    if (!allowed.allowed) return { status: 'refused', reason: allowed.reason };
    const { form, report } = parsed.value;
    const row: Insertable<SeizureRow> = {
      administration: admin,
      source: received.partner,
      id: report.id,
      form,
      record: JSON.stringify(report),
      category: report.category,
      date: report.date,
      office: report.office,
      handling: received.handling,
      item_id: received.itemId,
      declaration_id: null,
      created_at: new Date().toISOString(),
      created_by: `partner:${received.partner}`,
    };
    await trx
      .deleteFrom('seizures')
      .where('administration', '=', admin)
      .where('source', '=', received.partner)
      .where('id', '=', report.id)
      .execute();
    await trx.insertInto('seizures').values(row).execute();
    await writeAudit(
      trx,
      admin,
      row.created_by,
      'seizure.receive',
      `seizure/${received.partner}/${report.id}`,
      {
        form,
        handling: received.handling,
        itemId: received.itemId,
      },
    );
    return { status: 'accepted' };
  }

  /** One seizure of `admin` (own by default, or `source`'s), in `form`; reads of personal data are logged. */
  async get(
    admin: string,
    id: string,
    opts: { source?: string; form: ReleaseForm; reader: Reader },
  ): Promise<StoredSeizure> {
    const source = opts.source ?? LOCAL_SOURCE;
    const row = await this.db
      .selectFrom('seizures')
      .selectAll()
      .where('administration', '=', admin)
      .where('source', '=', source)
      .where('id', '=', id)
      .executeTakeFirst();
    // One the reader may not see answers exactly like a missing one.
    if (!row || hiddenLabels(opts.reader).includes(row.handling as TlpCode)) throw notFound(`seizure ${id}`);
    const [shown] = await this.release(admin, [row], opts.form, opts.reader);
    return shown!;
  }

  /** An administration's seizures, newest first, in `form`; every one shown with personal data is logged. */
  async list(
    admin: string,
    filter: SeizureFilter,
    opts: { form: ReleaseForm; reader: Reader },
  ): Promise<StoredSeizure[]> {
    let query = this.db.selectFrom('seizures').selectAll().where('administration', '=', admin);
    const hidden = hiddenLabels(opts.reader);
    if (hidden.length > 0)
      query = query.where((eb) => eb.or([eb('handling', 'is', null), eb('handling', 'not in', hidden)]));
    if (filter.from !== undefined) query = query.where('date', '>=', filter.from);
    // Dates and instants of the last day all sort before "<day>~".
    if (filter.to !== undefined) query = query.where('date', '<', `${filter.to}~`);
    if (filter.category !== undefined) query = query.where('category', '=', filter.category);
    if (filter.source === 'received') query = query.where('source', '<>', LOCAL_SOURCE);
    else if (filter.source !== undefined) query = query.where('source', '=', filter.source);
    const rows = await query
      .orderBy('date', 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(pageSize(filter.limit ?? LIST_DEFAULT))
      .offset(filter.offset ?? 0)
      .execute();
    return this.release(admin, rows, opts.form, opts.reader);
  }

  /**
   * Runs `share` with the administration's own national record, in one transaction with the
   * audit entry of the sharing (a national form leaving is a personal-data disclosure): the
   * outbox writes its item in the same transaction, so nothing is half-shared.
   */
  async share<T>(
    admin: string,
    id: string,
    what: { form: ReleaseForm; to: readonly string[]; handling: TlpCode; actor: string },
    share: (trx: Kysely<Database>, report: SeizureReport) => Promise<T>,
  ): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('seizures')
        .select('record')
        .where('administration', '=', admin)
        .where('source', '=', LOCAL_SOURCE)
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(`seizure ${id}`);
      const report = JSON.parse(row.record) as SeizureReport;
      const result = await share(trx, report);
      await writeAudit(trx, admin, boundedText(what.actor, 'actor', 200), 'seizure.share', `seizure/${id}`, {
        form: what.form,
        to: what.to,
        handling: what.handling,
      });
      return result;
    });
  }

  /** Releases rows in `form` (a received global report stays global) and logs the personal-data reads. */
  private async release(
    admin: string,
    rows: readonly SeizureRow[],
    form: ReleaseForm,
    reader: Reader,
  ): Promise<StoredSeizure[]> {
    const shown = rows.map((r): StoredSeizure => {
      const stored = JSON.parse(r.record) as SeizureReport;
      const shownForm: ReleaseForm = r.form === 'national' ? form : 'global';
      return {
        source: r.source,
        form: shownForm,
        report: releaseForm(stored, shownForm),
        handling: (r.handling as TlpCode | null) ?? null,
        createdAt: r.created_at,
        createdBy: r.created_by,
      };
    });
    const reads = shown
      .filter((s) => s.form === 'national' && namesAnyone(s.report))
      .map((s) => {
        const r = s.report as SeizureReport;
        return auditRow(
          admin,
          reader.actor,
          PERSONAL_DATA_READ,
          `seizure/${s.source === LOCAL_SOURCE ? '' : `${s.source}/`}${r.id}`,
          {
            via: reader.via,
            source: s.source,
            persons: r.persons.length,
            companies: r.companies.length,
          },
        );
      });
    if (reads.length > 0) await this.db.insertInto('audit_log').values(reads).execute();
    return shown;
  }
}

function alreadyRecorded(input: unknown, cause?: unknown): StoreError {
  const id = (input as { id?: unknown } | null)?.id;
  return new StoreError(
    'CONFLICT',
    `seizure ${String(id)} is already recorded; give a new seizure a new id`,
    {
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
