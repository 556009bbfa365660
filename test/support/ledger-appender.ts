// Child process of test/ledger-crash.test.ts: appends to the transparency log as fast as it can
// and prints "ack <index> <id>" only after an append resolved (i.e. was acknowledged as durable).
// On SQLite it imports as little as possible (no pg, no zod, no migrations: the parent migrated)
// so that the restarts stay fast; on PostgreSQL it opens the database as the server does.
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { NOTE_ALG_ED25519 } from '../../src/core/ledger/signed-note.ts';
import type { StoreConnection } from '../../src/driven/database/database.ts';
import type { Database } from '../../src/driven/database/schema.ts';
import { loadOrCreateKey, newKeyName } from '../../src/driven/ledger/signing-keys.ts';
import { TransparencyLog } from '../../src/driven/ledger/transparency-log.ts';

const [url, run, home] = process.argv.slice(2) as [string, string, string];

async function connect(): Promise<StoreConnection> {
  if (!url.startsWith('sqlite:'))
    return (await import('../../src/driven/database/database.ts')).openDatabase(url);
  const sqlite = new SQLite(url.slice('sqlite:'.length));
  // The same pragmas as openDatabase() (src/driven/database/database.ts).
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

const key = loadOrCreateKey(home, 'log.key', () => newKeyName('crash.test/log'), NOTE_ALG_ED25519);
const log = await TransparencyLog.open({
  conn: await connect(),
  key,
  checkpointIntervalMs: 50,
});
process.stdout.write('ready\n');
let seq = 0;
const writer = async () => {
  for (;;) {
    const n = 1 + Math.floor(Math.random() * 40);
    const ids = Array.from({ length: n }, () => `${run}-${seq++}`);
    const acks = await log.append(ids.map((id) => ({ kind: 'decision', id, channel: 'green' })));
    process.stdout.write(acks.map((a, k) => `ack ${a.index} ${ids[k]}\n`).join(''));
  }
};
await Promise.all([writer(), writer(), writer(), writer()]);
