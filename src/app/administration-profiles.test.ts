import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_PROFILE, testDeclaration } from '../../test/support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { migrateTo } from '../../test/support/migrate-to.ts';
import { testSelectionKey } from '../../test/support/selection-key.ts';
import type { SelectionPolicy } from '../core/decision/selection-policy.ts';
import { compileProfiles } from '../core/rules/evaluate.ts';
import { RiskProfileSchema } from '../core/rules/risk-profile.ts';
import { openDatabase, type StoreConnection } from '../driven/database/database.ts';
import { migrateToLatest } from '../driven/database/migrate.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { DeclarationStore } from '../driven/store/declaration-store.ts';
import { dataDir } from '../installation/config.ts';
import { administrationProfiles } from './administration-profiles.ts';
import { asInputRecords, createAssessmentService } from './assess.ts';

const POLICY: SelectionPolicy = {
  thresholds: { yellow: 20, red: 50 },
  randomRates: { yellow: 0, red: 0 },
};
const reference = referenceData(dataDir());

for (const dialect of DIALECTS) {
  describe(`risk profiles per administration on ${dialect}`, () => {
    let database: TestDatabase;
    let conn: StoreConnection;
    let store: DeclarationStore;
    beforeEach(async () => {
      database = await createTestDatabase(dialect);
      conn = openDatabase(database.url);
      await migrateToLatest(conn);
      store = new DeclarationStore(conn);
      for (const admin of ['XA', 'XB']) await store.ensureAdministration(admin, admin);
    });
    afterEach(async () => {
      await conn.close();
      await database.dispose();
    });

    it("applies an administration's profile change to its next declaration at once, and not to another's", async () => {
      const { assess } = createAssessmentService({
        reference,
        profiles: compileProfiles([], reference),
        profilesFor: administrationProfiles(store, reference, [TEST_PROFILE]),
        policy: POLICY,
        selectionKey: testSelectionKey('profiles-test'),
        store,
      });
      let n = 0;
      const channelOf = async (admin: string) => {
        const [line] = await assess(admin, asInputRecords([testDeclaration(`D-${++n}`, 'CN')]), {
          source: 'test',
          actor: 'test',
        });
        return line as { channel: string; declarationId: string };
      };
      // Nothing stored: both get the installation's profile files (goods from China are red).
      expect((await channelOf('XA')).channel).toBe('red');
      expect((await channelOf('XB')).channel).toBe('red');
      await store.saveProfiles('XB', [{ id: TEST_PROFILE.id, content: TEST_PROFILE }], 'analyst-b');
      await store.saveProfiles('XA', [{ id: TEST_PROFILE.id, content: TEST_PROFILE }], 'analyst-a');
      // A narrows the profile to another origin: A's next declaration is green, B's stays red; no restart.
      const narrowed = RiskProfileSchema.parse({
        ...TEST_PROFILE,
        version: 2,
        criteria: { originCountry: ['KP'] },
      });
      await store.saveProfiles('XA', [{ id: narrowed.id, version: 2, content: narrowed }], 'analyst-a');
      const a = await channelOf('XA');
      expect(a.channel).toBe('green');
      expect((await channelOf('XB')).channel).toBe('red');
      const stored = await store.getDeclaration('XA', a.declarationId);
      expect(stored.decision.profileVersions).toEqual({ [TEST_PROFILE.id]: 2 });
      // B raises the weight of its own version: its decisions record B's version 2, A's do not move.
      const heavier = RiskProfileSchema.parse({ ...TEST_PROFILE, version: 2, weight: 70 });
      await store.saveProfiles('XB', [{ id: heavier.id, version: 2, content: heavier }], 'analyst-b');
      const b = await channelOf('XB');
      expect((await store.getDeclaration('XB', b.declarationId)).decision.profileVersions).toEqual({
        [TEST_PROFILE.id]: 2,
      });
      expect((await channelOf('XA')).channel).toBe('green');
    });

    it('gives the profiles stored before migration 0006 to every administration', async () => {
      const db = await createTestDatabase(dialect);
      const old = openDatabase(db.url);
      try {
        await migrateTo(old, '0005-screening-tenancy');
        const at = '2026-01-01T00:00:00.000Z';
        for (const id of ['NL', 'BE'])
          await sql`insert into administrations (id, name, created_at) values (${id}, ${id}, ${at})`.execute(
            old.db,
          );
        await sql`insert into risk_profiles (id, version, content, content_hash, enabled, created_at, created_by)
          values ('P1', 1, '{"weight":1}', 'h1', 1, ${at}, 'ops')`.execute(old.db);
        await migrateToLatest(old);
        const migrated = new DeclarationStore(old);
        for (const admin of ['NL', 'BE'])
          expect((await migrated.activeProfiles(admin)).map((p) => [p.id, p.version, p.createdBy])).toEqual([
            ['P1', 1, 'ops'],
          ]);
      } finally {
        await old.close();
        await db.dispose();
      }
    });
  });
}
