import type { StoreConnection } from '../database/database.ts';
import { StoreError } from '../database/store-error.ts';
import {
  API_KEY_ROLES,
  type ApiKeyRole,
  type ApiKeySummary,
  type ApiPrincipal,
  type CreatedApiKey,
} from './api-key-records.ts';
import { apiKeyIdOf, hashApiKeySecret, newApiKeySecret, sameHash } from './api-key-secret.ts';
import { writeAudit } from './audit-log.ts';
import {
  boundedText,
  type Db,
  notFound,
  requireAdministration,
  retryingConflicts,
  SYSTEM_ACTOR,
} from './store-support.ts';

function checkedKeyFields(label: string, role: ApiKeyRole): string {
  if (!(API_KEY_ROLES as readonly string[]).includes(role)) {
    throw new StoreError('INVALID_INPUT', `role must be one of ${API_KEY_ROLES.join(', ')}`);
  }
  return boundedText(label, 'label', 200);
}

/**
 * API keys bound to an administration and a role: `glk_<key id>_<256-bit secret>`, of which only
 * the SHA-256 is stored. Issuing and revoking are audited in the same transaction.
 */
export class ApiKeyRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Issues an API key bound to an administration. The secret is returned once and only its
   * SHA-256 is stored.
   */
  async createApiKey(
    admin: string,
    label: string,
    role: ApiKeyRole,
    actor = SYSTEM_ACTOR,
  ): Promise<CreatedApiKey> {
    const name = checkedKeyFields(label, role);
    return this.db.transaction().execute((trx) => this.insertApiKey(trx, admin, name, role, actor));
  }

  /**
   * Issues an API key once per installation under a one-time name (e.g. `demo_key`): the first
   * call creates it and returns the secret; every later call, even after the key was revoked,
   * creates nothing and returns the id of the key minted then.
   */
  async createApiKeyOnce(
    once: string,
    admin: string,
    label: string,
    role: ApiKeyRole,
    actor = SYSTEM_ACTOR,
  ): Promise<{ created: CreatedApiKey } | { existingId: string }> {
    const name = checkedKeyFields(label, role);
    return retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('installation_state')
          .select('value')
          .where('name', '=', once)
          .executeTakeFirst();
        if (existing) return { existingId: existing.value };
        const created = await this.insertApiKey(trx, admin, name, role, actor);
        // A concurrent first start inserts the same name: unique violation, retried, sees it.
        await trx
          .insertInto('installation_state')
          .values({ name: once, value: created.id, set_at: new Date().toISOString() })
          .execute();
        return { created };
      }),
    );
  }

  private async insertApiKey(
    trx: Db,
    admin: string,
    name: string,
    role: ApiKeyRole,
    actor: string,
  ): Promise<CreatedApiKey> {
    const { id, secret } = newApiKeySecret();
    await requireAdministration(trx, admin);
    await trx
      .insertInto('api_keys')
      .values({
        id,
        administration: admin,
        label: name,
        role,
        key_hash: hashApiKeySecret(secret),
        created_at: new Date().toISOString(),
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
    await writeAudit(trx, admin, actor, 'api_key.create', id, { label: name, role });
    return { id, secret };
  }

  /**
   * Every API key (of one administration, or of all), by administration, oldest first: id, role,
   * name, created, last used, revoked. Never the secret or its hash.
   */
  async listApiKeys(admin?: string): Promise<ApiKeySummary[]> {
    let query = this.db
      .selectFrom('api_keys')
      .select(['id', 'administration', 'role', 'label', 'created_at', 'last_used_at', 'revoked_at'])
      .orderBy('administration')
      .orderBy('created_at')
      .orderBy('id');
    if (admin !== undefined) query = query.where('administration', '=', admin);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      administration: r.administration,
      role: r.role as ApiKeyRole,
      name: r.label,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revokes a key of this administration; `NOT_FOUND` if it does not exist or is already revoked. */
  async revokeApiKey(admin: string, keyId: string, actor: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx
        .updateTable('api_keys')
        .set({ revoked_at: new Date().toISOString() })
        .where('administration', '=', admin)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) throw notFound(`API key ${keyId}`);
      await writeAudit(trx, admin, actor, 'api_key.revoke', keyId, {});
    });
  }

  /**
   * Resolves a presented secret to its administration and role, or null when it is malformed,
   * unknown or revoked. An arrow property so it can be handed to the HTTP layer unbound.
   */
  readonly authenticate = async (secret: string): Promise<ApiPrincipal | null> => {
    const keyId = apiKeyIdOf(secret);
    if (keyId === null) return null;
    const row = await this.db
      .selectFrom('api_keys')
      .select(['administration', 'role', 'label', 'key_hash', 'last_used_at'])
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row || !sameHash(hashApiKeySecret(secret), row.key_hash)) return null;
    // To the minute: one write per key and minute at most, not one per request.
    const minute = `${new Date().toISOString().slice(0, 16)}:00.000Z`;
    if (row.last_used_at !== minute) {
      await this.db.updateTable('api_keys').set({ last_used_at: minute }).where('id', '=', keyId).execute();
    }
    return { administration: row.administration, keyId, role: row.role as ApiKeyRole, name: row.label };
  };
}
