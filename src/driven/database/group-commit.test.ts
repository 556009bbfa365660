import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../../test/support/databases.ts';
import { openDatabase, type StoreConnection } from './database.ts';
import { GroupCommit } from './group-commit.ts';

for (const dialect of DIALECTS) {
  describe(`GroupCommit on ${dialect}`, () => {
    let testDb: TestDatabase;
    let conn: StoreConnection;
    beforeEach(async () => {
      testDb = await createTestDatabase(dialect);
      conn = openDatabase(testDb.url);
      await sql`create table group_probe (n integer primary key)`.execute(conn.db);
    });
    afterEach(async () => {
      await conn.close();
      await testDb.dispose();
    });

    const stored = async () =>
      (await sql<{ n: number }>`select n from group_probe order by n`.execute(conn.db)).rows.map((r) =>
        Number(r.n),
      );

    it('keeps each write atomic: one that fails leaves nothing and the others of its group commit', async () => {
      const group = GroupCommit.of(conn);
      expect(GroupCommit.of(conn)).toBe(group);
      const insert = (...ns: number[]) =>
        group.run(async (trx) => {
          for (const n of ns) await sql`insert into group_probe (n) values (${n})`.execute(trx);
          return ns.length;
        });
      const results = await Promise.allSettled([insert(1), insert(3, 1), insert(2), insert(4, 5)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      // The failed write's first insert (3) was rolled back with it.
      expect(await stored()).toEqual([1, 2, 4, 5]);
    });

    it('fails every write of a group whose commit fails, and none of an earlier group', async () => {
      if (dialect !== 'sqlite') return; // PostgreSQL: one transaction per write, nothing shared
      const group = GroupCommit.of(conn);
      // A deferred foreign key fails at COMMIT, not at the statement: the whole group goes.
      await sql`create table group_child (n integer references group_probe (n) deferrable initially deferred)`.execute(
        conn.db,
      );
      // The first write holds its transaction until the next three are queued: they share the next one.
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const first = group.run(async (trx) => {
        await sql`insert into group_probe (n) values (6)`.execute(trx);
        await gate;
      });
      const next = [
        group.run((trx) => sql`insert into group_probe (n) values (7)`.execute(trx)),
        group.run((trx) => sql`insert into group_child (n) values (99)`.execute(trx)),
        group.run((trx) => sql`insert into group_probe (n) values (8)`.execute(trx)),
      ];
      open();
      await first;
      const results = await Promise.allSettled(next);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
      expect(await stored()).toEqual([6]);
    });
  });
}
