import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { sampleDeclaration } from '../../../../test/support/fixtures.ts';
import { asInputRecords, createAssessmentService } from '../../../app/assess.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { openSelectionKeys } from '../../../driven/selection/selection-keys.ts';
import { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { assessmentDeps, defaultSelectionPolicy } from '../../../installation/runtime.ts';

const cli = useCliHarness('greenlane-cli-selection-');
const greenlane = cli.run;
const dbUrl = () => cli.db;
const lines = () =>
  cli.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Assesses declarations with the installation's current key, as `serve` and `assess` do. */
async function assess(declarations: unknown[]): Promise<void> {
  const conn = openDatabase(dbUrl());
  try {
    await migrateToLatest(conn);
    const store = new DeclarationStore(conn);
    await store.ensureAdministration('NL', 'NL');
    const policy = { ...defaultSelectionPolicy({}), randomRates: { yellow: 0.4, red: 0.4 } };
    const { assess } = createAssessmentService(assessmentDeps({ store, policy, loadedProfiles: [] }));
    await assess('NL', asInputRecords(declarations), { source: 'test', actor: 'test' });
  } finally {
    await conn.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`greenlane selection (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    const home = process.env.GREENLANE_HOME;
    beforeEach(() => {
      process.env.GREENLANE_HOME = join(cli.work, 'home');
    });
    afterEach(() => {
      if (home === undefined) delete process.env.GREENLANE_HOME;
      else process.env.GREENLANE_HOME = home;
    });

    it('lists and rotates key ids without ever printing a key', async () => {
      const first = openSelectionKeys(process.env.GREENLANE_HOME!).current;
      expect(await greenlane('selection', 'keys')).toBe(0);
      expect(lines()).toEqual([{ id: first.id, createdAt: expect.any(String), current: true }]);
      cli.stdout = '';
      expect(await greenlane('selection', 'rotate-key')).toBe(0);
      const [rotated] = lines();
      expect(rotated).toMatchObject({ current: true });
      expect(rotated!.id).not.toBe(first.id);
      expect(cli.stderr).toContain('restart running servers');
      const secret = Buffer.from(first.secret);
      for (const text of [cli.stdout, cli.stderr]) {
        for (const enc of ['hex', 'base64', 'base64url'] as const)
          expect(text).not.toContain(secret.toString(enc));
      }
    });

    it('re-checks stored draws with the key each decision names, across a rotation, and catches a changed draw', async () => {
      await assess([sampleDeclaration({ id: 'V-1' })]);
      expect(await greenlane('selection', 'rotate-key')).toBe(0);
      // The amendment is drawn with the new key: the same draw only if the key were the same.
      await assess([sampleDeclaration({ id: 'V-1', invoiceTotal: 1 })]);
      cli.stdout = '';
      expect(await greenlane('selection', 'verify', 'V-1', '--administration', 'NL', '--db', dbUrl())).toBe(
        0,
      );
      const checks = lines();
      expect(checks.map((c) => [c.version, c.ok])).toEqual([
        [1, true],
        [2, true],
      ]);
      expect(checks[0]!.keyId).not.toBe(checks[1]!.keyId);
      expect(cli.stderr).toContain('every draw matches its key');

      // Someone edits the stored draw of version 1 (e.g. to make a random red look unselected).
      const conn = openDatabase(dbUrl());
      try {
        const row = await conn.db
          .selectFrom('decisions')
          .select(['id', 'explanation'])
          .where('version', '=', 1)
          .executeTakeFirstOrThrow();
        const explanation = JSON.parse(row.explanation);
        explanation.selection.draw = 0.999;
        await conn.db
          .updateTable('decisions')
          .set({ explanation: JSON.stringify(explanation) })
          .where('id', '=', row.id)
          .execute();
      } finally {
        await conn.close();
      }
      cli.stdout = '';
      expect(await greenlane('selection', 'verify', 'V-1', '--administration', 'NL', '--db', dbUrl())).toBe(
        1,
      );
      const [tampered] = lines();
      expect(tampered).toMatchObject({ version: 1, ok: false });
      expect(tampered!.problems).toContainEqual(
        expect.stringMatching(/^recorded draw 0\.999 but the key gives /),
      );
      expect(cli.stderr).toContain('do NOT match');
    });

    it('says so when the declaration does not exist (usage error)', async () => {
      expect(await greenlane('selection', 'verify', 'NOPE', '--administration', 'NL', '--db', dbUrl())).toBe(
        2,
      );
    });
  });
}
