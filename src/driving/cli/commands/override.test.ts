import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { sampleDeclaration } from '../../../../test/support/fixtures.ts';
import { testSelectionKey } from '../../../../test/support/selection-key.ts';
import { asInputRecords, createAssessmentService } from '../../../app/assess.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { migrateToLatest } from '../../../driven/database/migrate.ts';
import { DeclarationStore } from '../../../driven/store/declaration-store.ts';
import { assessmentDeps } from '../../../installation/runtime.ts';

const cli = useCliHarness('greenlane-cli-override-');
const greenlane = cli.run;
const dbUrl = () => cli.db;

async function withStore<T>(fn: (store: DeclarationStore) => Promise<T>): Promise<T> {
  const conn = openDatabase(dbUrl());
  try {
    await migrateToLatest(conn);
    return await fn(new DeclarationStore(conn));
  } finally {
    await conn.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`greenlane override (${dialect})`, () => {
    useCliDatabase(cli, dialect);
    const home = process.env.GREENLANE_HOME;
    beforeEach(async () => {
      process.env.GREENLANE_HOME = join(cli.work, 'home');
      await withStore(async (store) => {
        await store.ensureAdministration('NL', 'NL');
        const { assess } = createAssessmentService(
          assessmentDeps({ store, selectionKey: testSelectionKey(), loadedProfiles: [] }),
        );
        await assess('NL', asInputRecords([sampleDeclaration({ id: 'CLI-1' })]), {
          source: 'test',
          actor: 't',
        });
      });
    });
    afterEach(() => {
      if (home === undefined) delete process.env.GREENLANE_HOME;
      else process.env.GREENLANE_HOME = home;
    });

    const override = (...extra: string[]) =>
      greenlane('override', 'CLI-1', '--administration', 'NL', '--db', dbUrl(), ...extra);

    it('changes the channel with a reason, names the officer and logs it', async () => {
      expect(
        await override('--channel', 'red', '--reason', 'tip-off from the port authority', '--officer', 'o-7'),
      ).toBe(0);
      const decision = JSON.parse(cli.stdout) as Record<string, unknown>;
      expect(decision).toMatchObject({
        kind: 'override',
        channel: 'red',
        officer: 'o-7',
        logIndex: expect.any(Number),
      });
      expect((await withStore((s) => s.getDeclaration('NL', 'CLI-1'))).decision.channel).toBe('red');
    });

    it('refuses a channel outside the set and a malformed reason as usage errors, storing nothing', async () => {
      expect(await override('--channel', 'purple', '--reason', 'a fine reason')).toBe(2);
      expect(cli.stderr).toMatch(/--channel.*purple/s);
      expect(await override('--channel', 'green', '--reason', 'cleared \ud800')).toBe(2);
      expect(cli.stderr).toContain('--reason is not well-formed Unicode: lone surrogate U+D800');
      expect(await override('--channel', 'green', '--reason', '  ')).toBe(2);
      expect(cli.stderr).toContain('--reason must say why');
      expect(await override('--channel', 'green', '--reason', 'x'.repeat(2001))).toBe(2);
      expect((await withStore((s) => s.getDeclaration('NL', 'CLI-1'))).decisions).toHaveLength(1);
      expect(
        await greenlane(
          'override',
          'NOPE',
          '--administration',
          'NL',
          '--db',
          dbUrl(),
          '--channel',
          'red',
          '--reason',
          'why not',
        ),
      ).toBe(2);
    });
  });
}
