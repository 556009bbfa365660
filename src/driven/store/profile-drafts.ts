import type { StoreConnection } from '../database/database.ts';
import { writeAudit } from './audit-log.ts';
import { boundedText, type Db, requireAdministration } from './store-support.ts';

/** A profile being edited: the analyst's YAML text, applied to nothing until activated. */
export interface ProfileDraft {
  id: string;
  yaml: string;
  updatedAt: string;
  updatedBy: string;
}

/** Longest draft text kept: far beyond any real profile, small enough to lint on every keystroke. */
export const MAX_DRAFT_LENGTH = 100_000;

/** An administration's risk profile drafts (migration 0015); each save is audited. */
export class ProfileDraftRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /** Saves (or replaces) the draft of a profile id. */
  async save(admin: string, id: string, yaml: string, actor: string): Promise<ProfileDraft> {
    const who = boundedText(actor, 'actor', 200);
    const text = boundedText(yaml, 'yaml', MAX_DRAFT_LENGTH);
    const now = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, admin);
      await trx
        .insertInto('risk_profile_drafts')
        .values({ administration: admin, id, yaml: text, updated_at: now, updated_by: who })
        .onConflict((oc) =>
          oc.columns(['administration', 'id']).doUpdateSet({ yaml: text, updated_at: now, updated_by: who }),
        )
        .execute();
      await writeAudit(trx, admin, who, 'profile.draft', id, { length: text.length });
      return { id, yaml: text, updatedAt: now, updatedBy: who };
    });
  }

  /** The draft of a profile id, if any. */
  async get(admin: string, id: string): Promise<ProfileDraft | undefined> {
    const row = await this.db
      .selectFrom('risk_profile_drafts')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && { id: row.id, yaml: row.yaml, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }

  /** Every draft of the administration, without its text. */
  async list(admin: string): Promise<Omit<ProfileDraft, 'yaml'>[]> {
    const rows = await this.db
      .selectFrom('risk_profile_drafts')
      .select(['id', 'updated_at', 'updated_by'])
      .where('administration', '=', admin)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, updatedAt: r.updated_at, updatedBy: r.updated_by }));
  }

  /** Drops the draft once it is activated. */
  async remove(admin: string, id: string): Promise<void> {
    await this.db
      .deleteFrom('risk_profile_drafts')
      .where('administration', '=', admin)
      .where('id', '=', id)
      .execute();
  }
}
