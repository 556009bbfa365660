import { describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { buildScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { addName, newEntity } from '../../../core/screening/entity.ts';
import { screenParty } from '../../../core/screening/screen.ts';
import { testNameTables } from '../../../core/screening/test-tables.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { hitFingerprints } from '../../../driven/lists/screening-context.ts';
import { ScreeningStore } from '../../../driven/store/screening-store.ts';

const cli = useCliHarness('greenlane-cli-hits-');

/** One exact UN hit on the same party for administrations XA and XB; returns their hit ids. */
async function twoAdministrationsHits(db: string): Promise<{ a: string; b: string }> {
  const person = newEntity('un', 'QDi.77', 'person');
  addName(person, 'Abdul Rahman Yasin', 'primary');
  const version = {
    list: 'un' as const,
    publishedOn: '2026-01-01',
    sha256: 'c'.repeat(64),
    origin: ['t'],
    entities: [person],
  };
  const index = buildScreeningIndex([version], testNameTables());
  const conn = openDatabase(db);
  try {
    await migrateToLatest(conn);
    const store = new ScreeningStore(conn.db);
    await store.saveListVersion(version, 'test');
    const query = { name: 'Abdul Rahman Yasin', type: 'person' as const };
    const ids: string[] = [];
    for (const admin of ['XA', 'XB']) {
      const key = await store.recordParty(admin, query);
      const [hit] = await store.recordHits(
        admin,
        key,
        screenParty(query, index),
        hitFingerprints(index),
        'screen',
      );
      ids.push(hit!.id);
    }
    return { a: ids[0]!, b: ids[1]! };
  } finally {
    await conn.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`greenlane hits (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    it("works on one administration's hits and takes two analysts to clear an exact UN match", async () => {
      const db = cli.db;
      const { a, b } = await twoAdministrationsHits(db);
      const as = (admin: string) => ['--administration', admin, '--db', db];

      expect(await cli.run('hits', 'list', ...as('XB'))).toBe(0);
      expect(
        cli.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).id),
      ).toEqual([b]);
      cli.stdout = '';
      expect(await cli.run('hits', 'show', a, ...as('XB'))).toBe(2);
      expect(cli.stderr).toContain(`no screening hit ${a}`);
      expect(
        await cli.run(
          'hits',
          'adjudicate',
          a,
          '--verdict',
          'false_positive',
          '--analyst',
          'ana',
          ...as('XB'),
        ),
      ).toBe(2);

      expect(
        await cli.run(
          'hits',
          'adjudicate',
          a,
          '--verdict',
          'false_positive',
          '--analyst',
          'ana',
          ...as('XA'),
        ),
      ).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        stage: 'pending',
        hit: { status: 'pending_clearance' },
      });
      expect(cli.stderr).toContain(`greenlane hits confirm ${a}`);
      cli.stderr = '';
      expect(await cli.run('hits', 'confirm', a, '--analyst', 'ana', ...as('XA'))).toBe(2);
      expect(cli.stderr).toContain('four-eyes rule: a different analyst must confirm it');
      expect(await cli.run('hits', 'confirm', a, '--analyst', 'ben', ...as('XB'))).toBe(2);
      cli.stdout = '';
      expect(await cli.run('hits', 'confirm', a, '--analyst', 'ben', ...as('XA'))).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        stage: 'confirmation',
        hit: { status: 'false_positive' },
      });

      cli.stdout = '';
      expect(await cli.run('hits', 'good-parties', ...as('XB'))).toBe(0);
      expect(cli.stdout).toBe('');
      expect(await cli.run('hits', 'good-parties', ...as('XA'))).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({ list: 'un', entityId: 'QDi.77' });
      cli.stdout = '';
      expect(await cli.run('hits', 'show', a, ...as('XA'))).toBe(0);
      expect(JSON.parse(cli.stdout).adjudications.map((x: { stage: string }) => x.stage)).toEqual([
        'pending',
        'confirmation',
      ]);
    });
  });
}
