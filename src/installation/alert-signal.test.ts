import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../test/support/alert-fixtures.ts';
import { testDeclaration } from '../../test/support/api-test-kit.ts';
import { createTestDatabase, DIALECTS, type TestDatabase } from '../../test/support/databases.ts';
import { RecordingOutbox } from '../../test/support/recording-outbox.ts';
import { type AssessedLine, asInputRecords } from '../app/assess.ts';
import { alertReceivedHandlers } from './alert-inbox.ts';
import { AlertService } from './alert-service.ts';
import { installationConfig } from './config.ts';
import { openInstallation } from './installation.ts';
import { DEFAULT_PROFILES_DIR } from './runtime.ts';

/** A computer (HS 8471) from Germany, in the container the alert names, or in none. */
function declaration(id: string, containers: string[]) {
  return { ...testDeclaration(id), containers };
}

/** BE's analyst warns NL about one container of computers; NL's pipeline picks it up per batch. */
const ALERT = {
  ...ALERT_FILE,
  validUntil: '2099-12-31',
  criteria: { hsPrefix: ['8471'] },
  containers: ['CSQU3054383'],
  minChannel: 'red',
};

for (const dialect of DIALECTS) {
  describe(`an accepted alert as a live signal on ${dialect}`, () => {
    let tdb: TestDatabase;
    let home: string;

    beforeEach(async () => {
      tdb = await createTestDatabase(dialect);
      home = mkdtempSync(join(tmpdir(), 'greenlane-alert-signal-'));
    });
    afterEach(async () => {
      await tdb.dispose();
      rmSync(home, { recursive: true, force: true });
    });

    it('raises the channel of a matching declaration with the alert as the reason, until withdrawn', async () => {
      const config = installationConfig(tdb.url, {
        GREENLANE_HOME: home,
        GREENLANE_RANDOM_YELLOW: '0',
        GREENLANE_RANDOM_RED: '0',
      });
      const inst = await openInstallation(config, {
        log: false,
        assessment: { profilesDir: DEFAULT_PROFILES_DIR, profiles: 'stored' },
      });
      try {
        for (const admin of ['NL', 'BE']) await inst.store.ensureAdministration(admin, admin);
        const outbox = new RecordingOutbox('be', ['nl']);
        const be = new AlertService({ conn: inst.conn, outbox });
        const handlers = alertReceivedHandlers();
        const assess = async (admin: string, id: string, containers: string[]) => {
          const [line] = await inst.assessment.assess(admin, asInputRecords([declaration(id, containers)]), {
            source: 'test',
            actor: 'test',
          });
          return line as AssessedLine;
        };
        const alertReasons = (line: AssessedLine) => line.reasons.filter((r) => r.source === 'alert');

        // Before the alert arrives: the same declaration is green at NL.
        expect(await assess('NL', 'D-0', ['CSQU3054383'])).toMatchObject({ channel: 'green' });

        const { alert } = await be.issue('BE', ALERT, ['nl'], 'analyst-be');
        expect(await outbox.deliver(inst.conn.db, handlers, { to: 'nl', administration: 'NL' })).toEqual([
          { status: 'accepted' },
        ]);

        const hit = await assess('NL', 'D-1', ['CSQU 305438-3']);
        expect(hit.channel).toBe('red');
        expect(alertReasons(hit)).toEqual([
          {
            source: 'alert',
            code: alert.id,
            message: expect.stringMatching(
              /^Alert from be: Falsified tablets found in three consignments: container CSQU3054383/,
            ),
          },
        ]);
        // Another container does not match; nor does the issuer's own pipeline.
        expect(alertReasons(await assess('NL', 'D-2', ['MSCU1234566']))).toEqual([]);
        expect(alertReasons(await assess('BE', 'D-3', ['CSQU3054383']))).toEqual([]);

        await be.withdraw('BE', alert.id, 'consignment intercepted', 'analyst-be');
        await outbox.deliver(inst.conn.db, handlers, { to: 'nl', administration: 'NL' });
        const after = await assess('NL', 'D-4', ['CSQU3054383']);
        expect(after.channel).toBe('green');
        expect(alertReasons(after)).toEqual([]);
      } finally {
        await inst.close();
      }
    });
  });
}
