import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { partyName } from '../../core/sharing/shared-fields.ts';
import type { StoreConnection } from '../database/database.ts';
import type { FederationTables } from '../database/federation-tables.ts';
import type { Database } from '../database/schema.ts';
import { isUniqueViolation } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { FederationError } from './federation-error.ts';

type PartnerRow = Selectable<FederationTables['federation_partners']>;

/** A partner as `partners add` takes it. */
export interface NewPartner {
  name: string;
  url: string;
  /** Ed25519 public key, raw 32 bytes in base64 (what `greenlane identity` prints). */
  publicKey: string;
  administration: string;
  /** The partner pulls from this installation's feed (it accepts no inbound connection). */
  pull?: boolean;
  /** This installation pulls the partner's feed, with a `partner`-role API key of the partner's. */
  pullFrom?: { feedKey: string };
  addedBy: string;
}

/** A partner as shown (never its feed key). */
export interface Partner {
  name: string;
  administration: string;
  url: string;
  publicKey: string;
  logKey: string | null;
  pull: boolean;
  pullFrom: boolean;
  lastSeq: number;
  checkpoint: { size: number; rootHash: string } | null;
  ackedSize: number | null;
  addedAt: string;
  addedBy: string;
}

export interface Refusal {
  id: string;
  partner: string | null;
  code: string;
  message: string;
  at: string;
}

export interface PartnerDetail extends Partner {
  /** The 20 most recent refusals of what the partner sent. */
  refusals: Refusal[];
  /** This installation's deliveries to the partner, by state, and the oldest one waiting. */
  deliveries: {
    pending: number;
    delivered: number;
    refused: number;
    oldestPending: { itemId: string; seq: number; attempts: number; lastError: string | null } | null;
  };
}

export function toPartner(r: PartnerRow): Partner {
  return {
    name: r.name,
    administration: r.administration,
    url: r.url,
    publicKey: r.public_key,
    logKey: r.log_key,
    pull: Number(r.pull) === 1,
    pullFrom: Number(r.pull_from) === 1,
    lastSeq: Number(r.last_seq),
    checkpoint:
      r.checkpoint_size === null || r.checkpoint_root === null
        ? null
        : { size: Number(r.checkpoint_size), rootHash: r.checkpoint_root },
    ackedSize: r.acked_size === null ? null : Number(r.acked_size),
    addedAt: r.added_at,
    addedBy: r.added_by,
  };
}

/** An Ed25519 public key from its raw 32 bytes in base64; throws INVALID_INPUT naming the field. */
export function publicKeyFromBase64(text: string, field = '/publicKey'): KeyObject {
  const raw = /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : undefined;
  if (raw?.length !== 32)
    throw new FederationError(
      'INVALID_INPUT',
      `${field}: must be an Ed25519 public key, 32 bytes in base64 (what "greenlane identity" prints)`,
    );
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** A partner's base URL: http(s), no query or fragment, no trailing slash. */
function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new FederationError('INVALID_INPUT', `/url: "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new FederationError('INVALID_INPUT', '/url: must be an http or https URL');
  if (url.search || url.hash || url.username)
    throw new FederationError('INVALID_INPUT', '/url: must have no query, fragment or credentials');
  return url.toString().replace(/\/+$/, '');
}

/** Partners and refusals. Every read by administration answers another's partner like a missing one. */
export class PartnerStore {
  constructor(private readonly conn: StoreConnection) {}

  private get db(): Kysely<Database> {
    return this.conn.db;
  }

  /**
   * Adds a partner. `self` is this installation's identity: a partner under its name or with its
   * key would receive its own items and post in groups as this installation, so it is refused.
   */
  async add(p: NewPartner, self?: { name: string; publicKey: string }): Promise<Partner> {
    const name = partyName.safeParse(p.name);
    if (!name.success)
      throw new FederationError('INVALID_INPUT', `/name: ${name.error.issues[0]?.message ?? 'invalid'}`);
    publicKeyFromBase64(p.publicKey);
    if (self && p.name === self.name)
      throw new FederationError('INVALID_INPUT', `/name: ${p.name} is this installation's own name`);
    if (self && p.publicKey === self.publicKey)
      throw new FederationError('INVALID_INPUT', "/publicKey: this is this installation's own key");
    const row = {
      name: p.name,
      administration: p.administration,
      url: baseUrl(p.url),
      public_key: p.publicKey,
      log_key: null,
      pull: p.pull ? 1 : 0,
      pull_from: p.pullFrom ? 1 : 0,
      feed_key: p.pullFrom?.feedKey ?? null,
      last_seq: 0,
      checkpoint_size: null,
      checkpoint_root: null,
      acked_size: null,
      feed_cursor: 0,
      share_lot_usage: 0,
      added_at: new Date().toISOString(),
      added_by: p.addedBy,
    };
    try {
      await this.db.insertInto('federation_partners').values(row).execute();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const clash = await this.db
        .selectFrom('federation_partners')
        .select('name')
        .where('name', '=', p.name)
        .executeTakeFirst();
      throw new FederationError(
        'CONFLICT',
        clash
          ? `/name: a partner named ${p.name} is already added`
          : '/publicKey: another partner has this key',
        { cause: err },
      );
    }
    return toPartner(row);
  }

  async list(administration?: string): Promise<Partner[]> {
    let q = this.db.selectFrom('federation_partners').selectAll().orderBy('name');
    if (administration !== undefined) q = q.where('administration', '=', administration);
    return (await q.execute()).map(toPartner);
  }

  /** The partner of `administration` named `name`, or undefined (also when it is another administration's). */
  async get(administration: string, name: string): Promise<Partner | undefined> {
    const row = await this.row(name);
    return row && row.administration === administration ? toPartner(row) : undefined;
  }

  /** The stored row, feed key and cursors included (for the adapters). */
  async row(name: string, db: Kysely<Database> = this.db): Promise<PartnerRow | undefined> {
    return db.selectFrom('federation_partners').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async byKey(publicKey: string): Promise<PartnerRow | undefined> {
    return this.db
      .selectFrom('federation_partners')
      .selectAll()
      .where('public_key', '=', publicKey)
      .executeTakeFirst();
  }

  /**
   * Opts a partner of `administration` in (or out) of receiving the administration's cumulative
   * medical lot usage (`lot-usage` items, issue 13). False when there is no such partner.
   */
  async setLotUsageSharing(administration: string, name: string, on: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('federation_partners')
      .set({ share_lot_usage: on ? 1 : 0 })
      .where('administration', '=', administration)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Partners whose feed this installation pulls. */
  async pullSources(): Promise<PartnerRow[]> {
    return this.db.selectFrom('federation_partners').selectAll().where('pull_from', '=', 1).execute();
  }

  async detail(administration: string, name: string): Promise<PartnerDetail | undefined> {
    const partner = await this.get(administration, name);
    if (!partner) return undefined;
    const refusals = await this.db
      .selectFrom('federation_refusals')
      .selectAll()
      .where('partner', '=', name)
      .orderBy('id', 'desc')
      .limit(20)
      .execute();
    const counts = await this.db
      .selectFrom('federation_deliveries')
      .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
      .where('partner', '=', name)
      .groupBy('state')
      .execute();
    const oldest = await this.db
      .selectFrom('federation_deliveries')
      .select(['item_id', 'seq', 'attempts', 'last_error'])
      .where('partner', '=', name)
      .where('state', '=', 'pending')
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    const count = (state: string) => Number(counts.find((c) => c.state === state)?.n ?? 0);
    return {
      ...partner,
      refusals: refusals.map((r) => ({
        id: r.id,
        partner: r.partner,
        code: r.code,
        message: r.message,
        at: r.at,
      })),
      deliveries: {
        pending: count('pending'),
        delivered: count('delivered'),
        refused: count('refused'),
        oldestPending: oldest
          ? {
              itemId: oldest.item_id,
              seq: Number(oldest.seq),
              attempts: Number(oldest.attempts),
              lastError: oldest.last_error,
            }
          : null,
      },
    };
  }

  /** Records a refused envelope or feed item, on its own (nothing else of the request is written). */
  async recordRefusal(
    partner: { name: string; administration: string } | undefined,
    code: string,
    message: string,
  ): Promise<void> {
    await this.db
      .insertInto('federation_refusals')
      .values({
        id: timeOrderedId(),
        partner: partner?.name ?? null,
        administration: partner?.administration ?? null,
        code,
        message: message.slice(0, 2000),
        at: new Date().toISOString(),
      })
      .execute();
  }

  /** Refusals, newest first (all partners, or those of one administration's partners and unknown senders). */
  async refusals(limit = 100): Promise<Refusal[]> {
    const rows = await this.db
      .selectFrom('federation_refusals')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ id: r.id, partner: r.partner, code: r.code, message: r.message, at: r.at }));
  }
}
