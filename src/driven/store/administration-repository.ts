import type { StoreConnection } from '../database/database.ts';
import { boundedText, type Db } from './store-support.ts';

/** The administrations (tenants) every other record belongs to. */
export class AdministrationRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /** Creates the administration (tenant) if it does not exist yet. */
  async ensureAdministration(id: string, name: string): Promise<void> {
    await this.db
      .insertInto('administrations')
      .values({ id: boundedText(id, 'administration id', 64), name, created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  /** The administration's id and name; undefined when there is none of that id. */
  async administration(id: string): Promise<{ id: string; name: string } | undefined> {
    return this.db
      .selectFrom('administrations')
      .select(['id', 'name'])
      .where('id', '=', id)
      .executeTakeFirst();
  }
}
