import type { Kysely } from 'kysely';
import { type ClosedGroup, mayPostToGroup, parseClosedGroup } from '../../core/sharing/closed-group.ts';
import { parseSharedBody } from '../../core/sharing/shared-bodies.ts';
import { mayView, type TlpCode } from '../../core/sharing/tlp.ts';
import type { StoreConnection } from '../database/database.ts';
import type { Database } from '../database/schema.ts';
import type { SharingTables } from '../database/sharing-tables.ts';
import { StoreError } from '../database/store-error.ts';
import { timeOrderedId } from '../database/time-ordered-id.ts';
import { writeAudit } from './audit-log.ts';
import {
  type GroupPostBody,
  invalidInput,
  LOCAL_SOURCE,
  type Reader,
  type StoredGroup,
  type StoredGroupPost,
} from './sharing-records.ts';
import { boundedText, type Db, notFound, requireAdministration } from './store-support.ts';

type Received = { status: 'accepted' } | { status: 'refused'; reason: string };

/** Who reads, for TLP 2.0: the analysts a partner's group was delivered to, or other staff. */
type GroupReader = NonNullable<Reader['audience']>;

/** An own group is the sender's; a partner's is shown as its label allows the reader (never RED to other staff). */
function visibleTo(group: StoredGroup, reader: GroupReader): boolean {
  return group.source === LOCAL_SOURCE || mayView(group.handling, reader).allowed;
}

/** What an analyst gives to open a group: the administration coordinates it and is a member. */
export interface GroupInput {
  name: string;
  /** Partner names; the administration itself is added. */
  members: readonly string[];
  from: string;
  until: string;
  purpose?: string;
}

function toGroup(r: SharingTables['sharing_groups']): StoredGroup {
  return {
    group: JSON.parse(r.record) as ClosedGroup,
    source: r.source,
    memberName: r.member_name,
    handling: r.handling as TlpCode,
    createdAt: r.created_at,
    createdBy: r.created_by,
  };
}

function toPost(r: SharingTables['group_posts']): StoredGroupPost {
  return {
    id: r.id,
    groupId: r.group_id,
    by: r.posted_by,
    at: r.at,
    post: JSON.parse(r.body) as GroupPostBody,
  };
}

/**
 * The closed groups (joint operations) an administration coordinates or was made a member of by
 * a partner, and what was posted to them. Only the administration holding a group sees it; the
 * writes that reach the other members go through the caller's `share` in the same transaction.
 */
export class GroupRepository {
  private readonly db: Db;

  constructor(conn: StoreConnection) {
    this.db = conn.db;
  }

  /**
   * Opens a group coordinated by `admin` (named `memberName` among the members) and calls `share`
   * in the same transaction to send it to the other members.
   */
  async create(
    admin: string,
    input: GroupInput,
    opts: { memberName: string; handling: TlpCode; actor: string },
    share: (trx: Kysely<Database>, group: ClosedGroup) => Promise<void>,
  ): Promise<StoredGroup> {
    const who = boundedText(opts.actor, 'actor', 200);
    const members = [opts.memberName, ...input.members.filter((m) => m !== opts.memberName)];
    const parsed = parseClosedGroup({
      id: timeOrderedId(),
      name: input.name,
      coordinator: opts.memberName,
      members,
      from: input.from,
      until: input.until,
      ...(input.purpose === undefined ? {} : { purpose: input.purpose }),
    });
    if (!parsed.ok) throw invalidInput('invalid group', parsed.issues);
    const group = parsed.value;
    return this.db.transaction().execute(async (trx) => {
      await requireAdministration(trx, admin);
      const row = {
        administration: admin,
        id: group.id,
        source: LOCAL_SOURCE,
        record: JSON.stringify(group),
        member_name: opts.memberName,
        handling: opts.handling,
        created_at: new Date().toISOString(),
        created_by: who,
      };
      await trx.insertInto('sharing_groups').values(row).execute();
      await writeAudit(trx, admin, who, 'group.create', `group/${group.id}`, {
        members: group.members,
        handling: opts.handling,
      });
      await share(trx, group);
      return toGroup(row);
    });
  }

  /**
   * One group the administration holds and `reader` may see; any other answers `NOT_FOUND`, like
   * one that does not exist.
   */
  async get(admin: string, id: string, reader: GroupReader = 'recipient'): Promise<StoredGroup> {
    const row = await this.db
      .selectFrom('sharing_groups')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', id)
      .executeTakeFirst();
    const group = row && toGroup(row);
    if (!group || !visibleTo(group, reader)) throw notFound(`group ${id}`);
    return group;
  }

  /** The administration's groups `reader` may see, newest first. */
  async list(admin: string, reader: GroupReader = 'recipient'): Promise<StoredGroup[]> {
    const rows = await this.db
      .selectFrom('sharing_groups')
      .selectAll()
      .where('administration', '=', admin)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toGroup).filter((g) => visibleTo(g, reader));
  }

  /**
   * Posts to a group as the administration, while the operation runs (`mayPostToGroup`, else
   * `CONFLICT` with the reason), and calls `share` in the same transaction.
   */
  async post(
    admin: string,
    groupId: string,
    post: GroupPostBody,
    opts: { actor: string; now: number },
    share: (trx: Kysely<Database>, group: StoredGroup, post: StoredGroupPost) => Promise<void>,
  ): Promise<StoredGroupPost> {
    const who = boundedText(opts.actor, 'actor', 200);
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('sharing_groups')
        .selectAll()
        .where('administration', '=', admin)
        .where('id', '=', groupId)
        .executeTakeFirst();
      if (!row) throw notFound(`group ${groupId}`);
      const group = toGroup(row);
      const may = mayPostToGroup(group.group, group.memberName, opts.now);
      if (!may.allowed) throw new StoreError('CONFLICT', may.reason);
      const stored: StoredGroupPost = {
        id: timeOrderedId(),
        groupId,
        by: group.memberName,
        at: new Date(opts.now).toISOString(),
        post,
      };
      await insertPost(trx, admin, stored, who);
      await writeAudit(trx, admin, who, 'group.post', `group/${groupId}`, {
        post: stored.id,
        kind: post.kind,
      });
      await share(trx, group, stored);
      return stored;
    });
  }

  /** What was posted to a group the administration holds, oldest first. */
  async posts(admin: string, groupId: string, reader: GroupReader = 'recipient'): Promise<StoredGroupPost[]> {
    await this.get(admin, groupId, reader);
    const rows = await this.db
      .selectFrom('group_posts')
      .selectAll()
      .where('administration', '=', admin)
      .where('group_id', '=', groupId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return rows.map(toPost);
  }

  /**
   * Stores a group a partner coordinates and shared (kind `group`) in the inbox transaction: the
   * partner must be its coordinator and the administration (`memberName`) one of its members. A
   * later copy from the same coordinator replaces the earlier one (members or window changed).
   */
  async receiveGroup(
    trx: Kysely<Database>,
    admin: string,
    received: { partner: string; memberName: string; handling: TlpCode; body: unknown },
  ): Promise<Received> {
    const parsed = parseSharedBody('group', received.body);
    if (!parsed.ok) return refused(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    const group = parsed.value;
    if (group.coordinator !== received.partner) {
      return refused(`group ${group.id} is coordinated by ${group.coordinator}, not by ${received.partner}`);
    }
    if (!group.members.includes(received.memberName)) {
      return refused(`group ${group.id} does not list ${received.memberName} among its members`);
    }
    const existing = await trx
      .selectFrom('sharing_groups')
      .select('source')
      .where('administration', '=', admin)
      .where('id', '=', group.id)
      .executeTakeFirst();
    if (existing && existing.source !== received.partner) {
      return refused(`group id ${group.id} is already used by another group here`);
    }
    const who = `partner:${received.partner}`;
    await trx
      .deleteFrom('sharing_groups')
      .where('administration', '=', admin)
      .where('id', '=', group.id)
      .execute();
    await trx
      .insertInto('sharing_groups')
      .values({
        administration: admin,
        id: group.id,
        source: received.partner,
        record: JSON.stringify(group),
        member_name: received.memberName,
        handling: received.handling,
        created_at: new Date().toISOString(),
        created_by: who,
      })
      .execute();
    await writeAudit(trx, admin, who, 'group.receive', `group/${group.id}`, { members: group.members });
    return { status: 'accepted' };
  }

  /**
   * Stores a post a member sent (kind `group-post`): the group must be one the administration
   * holds, the sender a member, and the operation running at `now`.
   */
  async receivePost(
    trx: Kysely<Database>,
    admin: string,
    received: { partner: string; itemId: string; body: unknown; now: number },
  ): Promise<Received> {
    const parsed = parseSharedBody('group-post', received.body);
    if (!parsed.ok) return refused(parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '));
    const { groupId, post } = parsed.value;
    const row = await trx
      .selectFrom('sharing_groups')
      .selectAll()
      .where('administration', '=', admin)
      .where('id', '=', groupId)
      .executeTakeFirst();
    if (!row) return refused(`no group ${groupId} here`);
    const may = mayPostToGroup(toGroup(row).group, received.partner, received.now);
    if (!may.allowed) return refused(may.reason);
    const who = `partner:${received.partner}`;
    await insertPost(
      trx,
      admin,
      { id: received.itemId, groupId, by: received.partner, at: new Date(received.now).toISOString(), post },
      who,
    );
    return { status: 'accepted' };
  }
}

async function insertPost(trx: Kysely<Database>, admin: string, post: StoredGroupPost, who: string) {
  await trx
    .insertInto('group_posts')
    .values({
      administration: admin,
      group_id: post.groupId,
      id: post.id,
      posted_by: post.by,
      kind: post.post.kind,
      body: JSON.stringify(post.post),
      at: post.at,
      created_by: who,
    })
    .execute();
}

const refused = (reason: string): Received => ({ status: 'refused', reason });
