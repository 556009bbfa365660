import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDeclaration } from '../../test/support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { asInputRecords } from '../app/assess.ts';
import { addName, newEntity } from '../core/screening/entity.ts';
import { MIGRATIONS } from '../driven/database/migrations/index.ts';
import { type InstallationConfig, installationConfig, PACKAGE_ROOT, testPostgresUrl } from './config.ts';
import { openInstallation, withInstallation } from './installation.ts';

const listed = newEntity('un', 'QDi.900', 'person');
addName(listed, 'Abdul Rahman Yasin', 'primary');
const UN_VERSION = {
  list: 'un' as const,
  publishedOn: '2026-02-27',
  sha256: 'a'.repeat(64),
  origin: ['test'],
  entities: [listed],
};

/** Sessions of this test's PostgreSQL pool, found by the application name its URL sets. */
async function postgresSessions(applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where application_name = $1',
      [applicationName],
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/** File descriptors this process holds on the SQLite file (the database, its WAL and shared memory). */
function sqliteHandles(url: string): number {
  const file = url.slice('sqlite:'.length);
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(file)) n++;
    } catch {
      // The directory's own descriptor is gone by the time it is read: not a database handle.
    }
  }
  return n;
}

for (const dialect of DIALECTS) {
  describe(`installation on ${dialect}`, () => {
    let tdb: TestDatabase;
    let home: string;
    let config: InstallationConfig;
    const applicationName = `greenlane_installation_test_${process.pid}`;
    /** What the installation still holds open on its database. */
    const openHandles = () =>
      dialect === 'sqlite' ? Promise.resolve(sqliteHandles(tdb.url)) : postgresSessions(applicationName);

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      home = mkdtempSync(join(tmpdir(), 'greenlane-installation-'));
      const url = dialect === 'postgres' ? `${tdb.url}&application_name=${applicationName}` : tdb.url;
      config = installationConfig(url, { GREENLANE_HOME: home });
    });
    afterEach(async () => {
      await tdb.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    it('migrates once: every migration at the first open, none at the next', async () => {
      const first = await openInstallation(config, { log: false });
      expect(first.migrated).toEqual(Object.keys(MIGRATIONS));
      await first.close();
      const second = await openInstallation(config, { log: false });
      expect(second.migrated).toEqual([]);
      await second.close();
    });

    it('opens the stores and the log, and close releases the database (twice is harmless)', async () => {
      const inst = await openInstallation(config);
      await inst.store.ensureAdministration('NL', 'Netherlands');
      const key = await inst.store.createApiKey('NL', 'desk', 'admin');
      expect((await inst.store.authenticate(key.secret))?.administration).toBe('NL');
      expect(await inst.screeningStore.listVersions()).toEqual([]);
      expect(await inst.models('NL').list()).toEqual([]);
      expect(inst.log.verifierKey).toMatch(/^greenlane\.local\/log/);
      expect(await openHandles()).toBeGreaterThan(0);
      await inst.close();
      await inst.close();
      expect(await openHandles()).toBe(0);
      await expect(inst.conn.db.selectFrom('administrations').select('id').execute()).rejects.toThrow();
    });

    it('closes what it opened when a later step fails: the database and the log', async () => {
      // No list version stored: the screening index cannot be built from the store.
      await expect(openInstallation(config, { screening: { source: 'store' } })).rejects.toThrow(
        /no list versions stored/,
      );
      expect(await openHandles()).toBe(0);
      // The log opened before the failure was closed with a final drain: it opens again cleanly.
      const again = await openInstallation(config);
      expect(await again.log.verify()).toMatchObject({ ok: true });
      await again.close();
    });

    it('closes the database when the log refuses to open (a signing key of another installation)', async () => {
      await withInstallation(config, {}, async () => {});
      const otherHome = mkdtempSync(join(tmpdir(), 'greenlane-installation-'));
      try {
        await expect(
          openInstallation(installationConfig(config.databaseUrl, { GREENLANE_HOME: otherHome })),
        ).rejects.toMatchObject({ code: 'KEY_MISMATCH' });
        expect(await openHandles()).toBe(0);
      } finally {
        rmSync(otherHome, { recursive: true, force: true });
      }
    });

    it('opens nothing when a profile file is broken', async () => {
      const profiles = join(home, 'profiles');
      mkdirSync(profiles);
      writeFileSync(join(profiles, 'broken.yaml'), 'id: [unclosed');
      await expect(
        openInstallation(config, { assessment: { profilesDir: profiles, profiles: 'stored' } }),
      ).rejects.toThrow();
      expect(await openHandles()).toBe(0);
    });

    it('assesses, stores and logs with screening from the stored lists, as serve does', async () => {
      await withInstallation(config, { log: false }, (inst) =>
        inst.screeningStore.saveListVersion(UN_VERSION, 'test'),
      );
      const inst = await openInstallation(config, {
        screening: true,
        assessment: { profilesDir: join(PACKAGE_ROOT, 'profiles'), profiles: 'stored', actor: 'test' },
      });
      try {
        expect(inst.assessment.describe[0]).toMatch(/^screening: un:.* \(store, [0-9.]+ s\)$/);
        await inst.store.ensureAdministration('NL', 'NL');
        const declaration = testDeclaration('D-1') as { importer: { name: string } };
        declaration.importer.name = 'Abdul Rahman Yasin';
        const [line] = await inst.assessment.assess('NL', asInputRecords([declaration]), {
          source: 'test',
          actor: 'test',
        });
        expect(line).toMatchObject({ declarationId: 'D-1', channel: 'red' });
        const stored = await inst.store.getDeclaration('NL', 'D-1');
        expect(stored.decisions[0]!.logIndex).toEqual(expect.any(Number));
        expect(await inst.screeningStore.hits('NL', {})).toHaveLength(1);
      } finally {
        await inst.close();
      }
      expect(await openHandles()).toBe(0);
    });
  });
}

describe('the composition root', () => {
  it('is the only production code that migrates or opens a database', () => {
    const callers: Record<string, string[]> = { migrateToLatest: [], openDatabase: [] };
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const text = readFileSync(path, 'utf8');
          for (const name of Object.keys(callers))
            if (new RegExp(`(?<!function |\\.)\\b${name}\\(`).test(text.replace(/^\s*\*.*$/gm, '')))
              callers[name]!.push(relative(PACKAGE_ROOT, path));
        }
      }
    };
    walk(join(PACKAGE_ROOT, 'src'));
    expect(callers.migrateToLatest).toEqual(['src/installation/installation.ts']);
    expect(callers.openDatabase).toEqual(['src/installation/installation.ts']);
  });
});
