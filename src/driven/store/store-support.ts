import type { Kysely } from 'kysely';
import { CHANNELS, type Channel } from '../../core/decision/signal.ts';
import type { Database } from '../database/schema.ts';
import { isUniqueViolation, StoreError } from '../database/store-error.ts';

/** What the repositories share: input checks, the conflict retry and the tenant check. */

export type Db = Kysely<Database>;

/** The actor of what the engine does by itself (automatic decisions, derived events). */
export const SYSTEM_ACTOR = 'system';

/** Ids per `IN (...)` list: far below both databases' parameter limits. */
export const IN_LIST = 500;

const MAX_TEXT = 4000;
/** A unique violation under concurrency is retried this many times before `CONFLICT`. */
const ATTEMPTS = 3;

/** Trimmed, non-empty text of at most `max` characters, else `INVALID_INPUT` naming the field. */
export function boundedText(value: string, field: string, max = MAX_TEXT): string {
  const text = value.trim();
  if (text === '') throw new StoreError('INVALID_INPUT', `${field} must not be empty`);
  if (text.length > max) throw new StoreError('INVALID_INPUT', `${field} is longer than ${max} characters`);
  return text;
}

export function checkChannel(channel: string): Channel {
  if (!(CHANNELS as readonly string[]).includes(channel)) {
    throw new StoreError('INVALID_INPUT', `channel must be one of ${CHANNELS.join(', ')}`);
  }
  return channel as Channel;
}

export function notFound(what: string): StoreError {
  return new StoreError('NOT_FOUND', `${what} not found`);
}

/** `UNKNOWN_ADMINISTRATION` unless the tenant exists (checked inside the writing transaction). */
export async function requireAdministration(db: Db, admin: string): Promise<void> {
  const row = await db.selectFrom('administrations').select('id').where('id', '=', admin).executeTakeFirst();
  if (!row) throw new StoreError('UNKNOWN_ADMINISTRATION', `administration "${admin}" does not exist`);
}

/** Runs a write, retrying when a concurrent writer took the same key first (PostgreSQL races). */
export async function retryingConflicts<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      if (attempt >= ATTEMPTS) {
        throw new StoreError('CONFLICT', 'a concurrent writer changed the same records; retry the request', {
          cause: error,
        });
      }
    }
  }
}
