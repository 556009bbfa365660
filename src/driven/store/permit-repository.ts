import type { Selectable } from 'kysely';
import type { EnvironmentReference } from '../../core/environment/environment-reference.ts';
import type {
  DocumentKind,
  QuotaControl,
  QuotaState,
  RegisteredDocument,
} from '../../core/environment/permit.ts';
import { type PermitSnapshot, quotaKey } from '../../core/environment/permit-checks.ts';
import { type CheckedRecord, checkRegisterRecord } from '../../core/environment/register-validation.ts';
import type { ErrorDetail } from '../../core/error.ts';
import type { StoreConnection } from '../database/database.ts';
import type { EnvironmentTables } from '../database/environment-tables.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';
import { writeAudit } from './audit-log.ts';
import { boundedText, type Db, IN_LIST, requireAdministration } from './store-support.ts';

type PermitRow = Selectable<EnvironmentTables['permits']>;

/** One record of a register file or request, numbered from 1. */
export interface RegisterInput {
  record: number;
  value: unknown;
  /** Problems the reader found (bad JSON line): the record is refused with them. */
  errors?: readonly ErrorDetail[];
}

/** What `greenlane permits show` and `GET /v1/permits/{number}` print. */
export interface PermitView extends RegisteredDocument {
  record: unknown;
  consumptions: Array<{
    id: string;
    declarationId: string;
    version: number;
    item: number;
    quantity: number;
    consumedAt: string;
    returnedAt: string | null;
    returnReason: string | null;
  }>;
}

/** Errors shown for a refused file, at most. */
const MAX_DETAILS = 50;

function registeredDocument(r: PermitRow): RegisteredDocument {
  return {
    number: r.number,
    kind: r.kind as DocumentKind,
    direction: r.direction,
    trader: r.trader,
    issuingCountry: r.issuing_country,
    partnerCountry: r.partner_country,
    subject: r.subject,
    appendix: r.appendix,
    unit: r.unit,
    quantity: Number(r.quantity),
    balance: Math.round(Number(r.balance) * 1e9) / 1e9,
    validFrom: r.valid_from,
    validUntil: r.valid_until,
    status: r.status,
    year: r.year === null ? null : Number(r.year),
    odp: r.odp === null ? null : Number(r.odp),
    gwp: r.gwp === null ? null : Number(r.gwp),
    control: r.control as QuotaControl | null,
  };
}

/**
 * The permit and licence register of each administration (docs/ENVIRONMENT.md): loading documents
 * and quotas all or nothing, reading one document with its balance and consumptions, and the
 * batch snapshot the pipeline's checks read once per batch.
 */
export class PermitRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Validates every record, then stores them all in one transaction, or nothing: a document number
   * registered before with other content or twice in the input, or any invalid field, refuses the
   * whole load with `INVALID_INPUT` and one detail per problem naming the record and the field. A
   * document registered before with the same content is a replay and counted `unchanged` (its
   * balance stays), so a load sent again answers as the first did. Quotas of the same trader, year
   * and control replace the earlier limits (what was used stays).
   */
  async load(
    admin: string,
    inputs: readonly RegisterInput[],
    reference: EnvironmentReference,
    actor: string,
    onProgress?: (done: number) => void,
  ): Promise<{ documents: number; quotas: number; unchanged: number }> {
    const who = boundedText(actor, 'actor', 200);
    const details: ErrorDetail[] = [];
    const checked: Array<{ record: number; checked: CheckedRecord }> = [];
    const numbers = new Map<string, number>();
    for (const input of inputs) {
      const at = `record ${input.record}`;
      if (input.errors?.length) {
        for (const e of input.errors) details.push({ ...e, path: `${at}${e.path}` });
        continue;
      }
      const result = checkRegisterRecord(input.value, reference);
      if (!result.ok) {
        for (const e of result.issues) details.push({ ...e, path: `${at}${e.path}` });
        continue;
      }
      if (result.record.type === 'document') {
        const n = result.record.document.number;
        const first = numbers.get(n);
        if (first !== undefined)
          details.push({ path: `${at}/number`, code: 'duplicate', message: `${n} is also record ${first}` });
        else numbers.set(n, input.record);
      }
      checked.push({ record: input.record, checked: result.record });
    }
    // A document registered before with exactly the same record is a replay (a load sent again
    // after a lost answer): skipped, its balance untouched. With any other content, a conflict.
    const replayed = new Set<string>();
    if (details.length === 0 && numbers.size > 0) {
      const sent = new Map(
        checked.flatMap(({ checked: c }) =>
          c.type === 'document' ? [[c.document.number, JSON.stringify(c.document)] as const] : [],
        ),
      );
      const list = [...numbers.keys()];
      for (let i = 0; i < list.length; i += IN_LIST) {
        const existing = await this.db
          .selectFrom('permits')
          .select(['number', 'record'])
          .where('administration', '=', admin)
          .where('number', 'in', list.slice(i, i + IN_LIST))
          .execute();
        for (const e of existing) {
          if (e.record === sent.get(e.number)) {
            replayed.add(e.number);
            continue;
          }
          details.push({
            path: `record ${numbers.get(e.number)}/number`,
            code: 'already_registered',
            message: `${e.number} is already in the register with other content`,
          });
        }
      }
    }
    if (details.length > 0)
      throw new StoreError(
        'INVALID_INPUT',
        `nothing was loaded: ${details.length} problem${details.length === 1 ? '' : 's'} (first: ${details[0]!.path}: ${details[0]!.message})`,
        { details: details.slice(0, MAX_DETAILS) },
      );

    const now = new Date().toISOString();
    let documents = 0;
    let quotas = 0;
    try {
      await this.db.transaction().execute(async (trx) => {
        await requireAdministration(trx, admin);
        let done = 0;
        for (const { checked: c } of checked) {
          if (c.type === 'quota') {
            const q = c.quota;
            const limits = {
              limit_tonnes: q.tonnes ?? null,
              limit_odp_tonnes: q.odpTonnes ?? null,
              limit_co2eq_tonnes: q.co2eqTonnes ?? null,
            };
            await trx
              .insertInto('permit_quotas')
              .values({
                administration: admin,
                trader: q.trader,
                year: q.year,
                control: q.control,
                ...limits,
                used_tonnes: 0,
                used_odp_tonnes: 0,
                used_co2eq_tonnes: 0,
                created_at: now,
                created_by: who,
              })
              .onConflict((oc) =>
                oc.columns(['administration', 'trader', 'year', 'control']).doUpdateSet(limits),
              )
              .execute();
            quotas++;
          } else if (!replayed.has(c.document.number)) {
            const d = c.document;
            await trx
              .insertInto('permits')
              .values({
                administration: admin,
                number: d.number,
                kind: d.kind,
                direction: d.direction,
                trader: d.trader,
                issuing_country: d.issuingCountry,
                partner_country: d.partnerCountry ?? null,
                subject: c.subject,
                appendix: 'appendix' in d ? d.appendix : null,
                unit: d.unit,
                quantity: d.quantity,
                balance: d.quantity,
                valid_from: new Date(d.validFrom).toISOString(),
                valid_until: new Date(d.validUntil).toISOString(),
                status: d.status,
                year: 'year' in d ? d.year : null,
                odp: c.odp,
                gwp: c.gwp,
                control: c.control,
                record: JSON.stringify(d),
                created_at: now,
                created_by: who,
              })
              .execute();
            documents++;
          }
          done++;
          if (done % 500 === 0) onProgress?.(done);
        }
        await writeAudit(trx, admin, who, 'permits.load', 'permits', {
          documents,
          quotas,
          unchanged: replayed.size,
        });
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw new StoreError(
          'CONFLICT',
          'nothing was loaded: a document of the input was registered meanwhile',
          {
            cause: err,
          },
        );
      throw err;
    }
    onProgress?.(checked.length);
    return { documents, quotas, unchanged: replayed.size };
  }

  /** One document with its balance and consumptions, or undefined. */
  async show(admin: string, number: string): Promise<PermitView | undefined> {
    const row = await this.db
      .selectFrom('permits')
      .selectAll()
      .where('administration', '=', admin)
      .where('number', '=', number)
      .executeTakeFirst();
    if (!row) return undefined;
    const consumptions = await this.db
      .selectFrom('permit_consumptions')
      .selectAll()
      .where('administration', '=', admin)
      .where('permit_number', '=', number)
      .orderBy('id')
      .execute();
    return {
      ...registeredDocument(row),
      record: JSON.parse(row.record),
      consumptions: consumptions.map((c) => ({
        id: c.id,
        declarationId: c.declaration_id,
        version: Number(c.version),
        item: Number(c.item_sequence),
        quantity: Number(c.quantity),
        consumedAt: c.consumed_at,
        returnedAt: c.returned_at,
        returnReason: c.return_reason,
      })),
    };
  }

  /** Documents of the register, oldest number first, after a cursor (a document number). */
  async list(
    admin: string,
    options: { after?: string; limit: number; trader?: string },
  ): Promise<RegisteredDocument[]> {
    let q = this.db.selectFrom('permits').selectAll().where('administration', '=', admin);
    if (options.after !== undefined) q = q.where('number', '>', options.after);
    if (options.trader !== undefined) q = q.where('trader', '=', options.trader);
    const rows = await q.orderBy('number').limit(options.limit).execute();
    return rows.map(registeredDocument);
  }

  /**
   * What the checks of a batch need, read once: the documents its declarations reference, the
   * quotas of its traders, which traders consumed a controlled substance before, and which
   * declarations already consumed each document.
   */
  async snapshot(
    admin: string,
    numbers: readonly string[],
    traders: readonly string[],
  ): Promise<PermitSnapshot> {
    const documents = new Map<string, RegisteredDocument>();
    const consumedBy = new Map<string, Set<string>>();
    const quotas = new Map<string, QuotaState>();
    const tradersWithHistory = new Set<string>();
    const uniqueNumbers = [...new Set(numbers)];
    for (let i = 0; i < uniqueNumbers.length; i += IN_LIST) {
      const slice = uniqueNumbers.slice(i, i + IN_LIST);
      const rows = await this.db
        .selectFrom('permits')
        .selectAll()
        .where('administration', '=', admin)
        .where('number', 'in', slice)
        .execute();
      for (const r of rows) documents.set(r.number, registeredDocument(r));
      const used = await this.db
        .selectFrom('permit_consumptions')
        .select(['permit_number', 'declaration_id'])
        .where('administration', '=', admin)
        .where('permit_number', 'in', slice)
        .where('returned_at', 'is', null)
        .execute();
      for (const u of used) {
        const set = consumedBy.get(u.permit_number) ?? new Set<string>();
        set.add(u.declaration_id);
        consumedBy.set(u.permit_number, set);
      }
    }
    const uniqueTraders = [...new Set(traders)];
    for (let i = 0; i < uniqueTraders.length; i += IN_LIST) {
      const slice = uniqueTraders.slice(i, i + IN_LIST);
      const rows = await this.db
        .selectFrom('permit_quotas')
        .selectAll()
        .where('administration', '=', admin)
        .where('trader', 'in', slice)
        .execute();
      for (const q of rows)
        quotas.set(quotaKey(q.trader, Number(q.year), q.control), {
          trader: q.trader,
          year: Number(q.year),
          control: q.control as QuotaControl,
          limit: {
            tonnes: q.limit_tonnes === null ? null : Number(q.limit_tonnes),
            odpTonnes: q.limit_odp_tonnes === null ? null : Number(q.limit_odp_tonnes),
            co2eqTonnes: q.limit_co2eq_tonnes === null ? null : Number(q.limit_co2eq_tonnes),
          },
          used: {
            tonnes: Number(q.used_tonnes),
            odpTonnes: Number(q.used_odp_tonnes),
            co2eqTonnes: Number(q.used_co2eq_tonnes),
          },
        });
      const history = await this.db
        .selectFrom('permit_consumptions')
        .select('trader')
        .distinct()
        .where('administration', '=', admin)
        .where('trader', 'in', slice)
        .where('control', 'is not', null)
        .execute();
      for (const h of history) tradersWithHistory.add(h.trader);
    }
    return { documents, consumedBy, quotas, tradersWithHistory };
  }
}
