import type { ProfileVersionStore, StoredProfile } from '../../app/ports/profile-versions.ts';
import { ContentHashError, contentHash } from '../../core/declaration/content-hash.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import { chunked } from '../database/sql-batches.ts';
import { StoreError } from '../database/store-error.ts';
import { writeAudit } from './audit-log.ts';
import { profileRecord, writeLedgerRecords } from './ledger-records.ts';
import type { ProfileInput, ProfileSaveResult } from './profile-records.ts';
import { boundedText, type Db, IN_LIST, requireAdministration, retryingConflicts } from './store-support.ts';

function storedProfile(r: Database['risk_profiles']): StoredProfile {
  return {
    id: r.id,
    version: Number(r.version),
    content: JSON.parse(r.content) as unknown,
    contentHash: r.content_hash,
    enabled: Number(r.enabled) === 1,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

/** The content hash of a profile; content that is not JSON is the caller's `INVALID_INPUT`. */
function profileHash(content: unknown): string {
  try {
    return contentHash(content);
  } catch (err) {
    if (err instanceof ContentHashError) throw new StoreError('INVALID_INPUT', err.message, { cause: err });
    throw err;
  }
}

/**
 * An administration's risk profiles, as versions: each change is a new version, audited and with
 * its pending log entry in the same transaction. Profiles belong to one administration and never
 * change another's decisions.
 */
export class ProfileRepository implements ProfileVersionStore {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Saves an administration's risk profiles as versions: the same id with the same content and
   * enabled flag is `unchanged`; anything different becomes the next version (`created` for a new
   * id, `amended` otherwise). Profiles belong to one administration and never change another's
   * decisions; each change is audited.
   */
  async saveProfiles(
    admin: string,
    profiles: readonly ProfileInput[],
    actor: string,
  ): Promise<ProfileSaveResult[]> {
    const who = boundedText(actor, 'actor', 200);
    return retryingConflicts(() =>
      this.db.transaction().execute(async (trx) => {
        await requireAdministration(trx, admin);
        // Every stored version of each id: (id, version) -> content hash and enabled flag.
        const stored = new Map<string, { version: number; hash: string; enabled: boolean }>();
        const latest = new Map<string, { version: number; hash: string; enabled: boolean }>();
        for (const ids of chunked([...new Set(profiles.map((p) => p.id))], IN_LIST)) {
          const rows = await trx
            .selectFrom('risk_profiles')
            .select(['id', 'version', 'content_hash', 'enabled'])
            .where('administration', '=', admin)
            .where('id', 'in', ids)
            .orderBy('version')
            .execute();
          for (const r of rows) {
            const row = {
              version: Number(r.version),
              hash: r.content_hash,
              enabled: Number(r.enabled) === 1,
            };
            stored.set(`${r.id}\u0000${row.version}`, row);
            latest.set(r.id, row);
          }
        }
        const now = new Date().toISOString();
        const results: ProfileSaveResult[] = [];
        for (const p of profiles) {
          const id = boundedText(p.id, 'profile id', 100);
          const hash = profileHash(p.content);
          const enabled = p.enabled ?? true;
          const prev = p.version === undefined ? latest.get(id) : stored.get(`${id}\u0000${p.version}`);
          if (prev && prev.hash === hash && prev.enabled === enabled) {
            results.push({ id, status: 'unchanged', version: p.version ?? prev.version });
            continue;
          }
          if (p.version !== undefined && prev) {
            // The analyst's version number names one content: changing it needs a new version.
            throw new StoreError(
              'CONFLICT',
              `risk profile ${id} version ${p.version} is already stored with different content; give the changed profile a new version`,
            );
          }
          const version = p.version ?? (latest.get(id)?.version ?? 0) + 1;
          if (!Number.isInteger(version) || version < 1) {
            throw new StoreError('INVALID_INPUT', `risk profile ${id}: version must be a positive integer`);
          }
          await trx
            .insertInto('risk_profiles')
            .values({
              administration: admin,
              id,
              version,
              content: JSON.stringify(p.content),
              content_hash: hash,
              enabled: enabled ? 1 : 0,
              created_at: now,
              created_by: who,
            })
            .execute();
          await writeAudit(trx, admin, who, 'profile.save', id, { version, enabled, contentHash: hash });
          const row = { version, hash, enabled };
          const existed = latest.has(id);
          await writeLedgerRecords(trx, [
            profileRecord(
              admin,
              { id, version, status: existed ? 'amended' : 'created', contentHash: hash },
              who,
            ),
          ]);
          stored.set(`${id}\u0000${version}`, row);
          if (version >= (latest.get(id)?.version ?? 0)) latest.set(id, row);
          results.push({ id, status: existed ? 'amended' : 'created', version });
        }
        return results;
      }),
    );
  }

  /** An administration's latest version of every profile whose latest version is enabled, by id. */
  async activeProfiles(admin: string): Promise<StoredProfile[]> {
    const rows = await this.db
      .selectFrom('risk_profiles as p')
      .selectAll('p')
      .where('p.administration', '=', admin)
      .where('p.enabled', '=', 1)
      .where((eb) =>
        eb(
          'p.version',
          '=',
          eb
            .selectFrom('risk_profiles as q')
            .select((q) => q.fn.max('q.version').as('v'))
            .whereRef('q.administration', '=', 'p.administration')
            .whereRef('q.id', '=', 'p.id'),
        ),
      )
      .orderBy('p.id')
      .execute();
    return rows.map(storedProfile);
  }

  /**
   * Every stored version of an administration's profiles, by id and version: what its assessments
   * apply (each declaration gets the newest version enabled and valid at its lodgement time).
   */
  async profileVersions(admin: string): Promise<StoredProfile[]> {
    const rows = await this.db
      .selectFrom('risk_profiles')
      .selectAll()
      .where('administration', '=', admin)
      .orderBy('id')
      .orderBy('version')
      .execute();
    return rows.map(storedProfile);
  }
}
