import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../../../test/support/alert-fixtures.ts';
import { useCliDatabase, useCliHarness } from '../../../../test/support/cli-harness.ts';
import { DIALECTS } from '../../../../test/support/databases.ts';
import { RecordingOutbox } from '../../../../test/support/recording-outbox.ts';
import { openDatabase } from '../../../driven/database/database.ts';
import { alertReceivedHandlers } from '../../../installation/alert-inbox.ts';
import type { CliContext } from '../cli-context.ts';

/** NL shares with partner `be`; BE (an administration of the same database) knows NL as `nl`. */
let outbox: RecordingOutbox;
const context: CliContext = {};
const cli = useCliHarness('greenlane-alerts-', context);
const savedHome = process.env.GREENLANE_HOME;
beforeEach(() => {
  process.env.GREENLANE_HOME = join(cli.work, 'home');
  outbox = new RecordingOutbox('nl', ['be', 'nl']);
  context.sharing = { outbox: () => outbox };
});
afterEach(() => {
  if (savedHome === undefined) delete process.env.GREENLANE_HOME;
  else process.env.GREENLANE_HOME = savedHome;
});

const lines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** What the running server's inbox would do with what the outbox holds for `to`. */
async function deliver(db: string, to: string, administration: string, as: string) {
  const conn = openDatabase(db);
  try {
    return await outbox.deliver(conn.db, alertReceivedHandlers(), { to, administration, as });
  } finally {
    await conn.close();
  }
}

function alertFile(name: string, content: object): string {
  const file = join(cli.work, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

for (const dialect of DIALECTS) {
  describe(`greenlane alerts (${dialect})`, () => {
    useCliDatabase(cli, dialect);

    it('issues, lists on both sides, takes feedback and withdraws', async () => {
      const db = cli.db;
      const file = alertFile('alert.json', { ...ALERT_FILE, validUntil: '2099-12-31' });
      expect(await cli.run('alerts', 'issue', file, '--to', 'be', '--administration', 'NL', '--db', db)).toBe(
        0,
      );
      const issued = JSON.parse(cli.stdout) as { id: string; logIndex: number };
      expect(Object.keys(issued)).toEqual(['id', 'logIndex']);
      expect(issued.logIndex).toBe(await outbox.logIndexOf(outbox.shares[0]!.itemId));
      expect(await deliver(db, 'be', 'BE', 'nl')).toEqual([{ status: 'accepted' }]);

      // An invalid alert from the same partner is kept as refused, with the reason.
      outbox.shares.push({
        ...outbox.shares[0]!,
        itemId: 'x-2',
        seq: 2,
        body: { alertId: 'nl-bad-1', version: 1, content: { title: 'x' } },
      });
      await deliver(db, 'be', 'BE', 'nl');

      cli.stdout = '';
      expect(await cli.run('alerts', 'list', '--received', '--administration', 'BE', '--db', db)).toBe(0);
      expect(lines(cli.stdout)).toEqual([
        expect.objectContaining({
          id: 'nl-bad-1',
          from: 'nl',
          status: 'refused',
          reason: expect.stringContaining('/reason'),
        }),
        expect.objectContaining({
          id: issued.id,
          from: 'nl',
          status: 'accepted',
          title: 'Falsified tablets',
        }),
      ]);
      expect(lines(cli.stdout)[1]).not.toHaveProperty('reason');
      cli.stdout = '';
      expect(await cli.run('alerts', 'list', '--administration', 'NL', '--db', db)).toBe(0);
      expect(lines(cli.stdout)).toEqual([
        expect.objectContaining({ id: issued.id, from: 'NL', status: 'issued', to: ['be'] }),
      ]);

      cli.stdout = '';
      const feedback = ['alerts', 'feedback', issued.id, '--outcome', 'seizure', '--seizure', 'SZ-1'];
      expect(await cli.run(...feedback, '--administration', 'BE', '--db', db)).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        alertId: issued.id,
        outcome: 'seizure',
        logIndex: expect.any(Number),
      });
      expect(outbox.shares.at(-1)).toMatchObject({
        kind: 'alert-feedback',
        administration: 'BE',
        to: ['nl'],
      });

      cli.stdout = '';
      expect(
        await cli.run(
          'alerts',
          'withdraw',
          issued.id,
          '--reason',
          'case closed',
          '--administration',
          'NL',
          '--db',
          db,
        ),
      ).toBe(0);
      expect(JSON.parse(cli.stdout)).toMatchObject({
        id: issued.id,
        status: 'withdrawn',
        logIndex: expect.any(Number),
      });
      await deliver(db, 'be', 'BE', 'nl');
      cli.stdout = '';
      await cli.run(
        'alerts',
        'list',
        '--received',
        '--status',
        'withdrawn',
        '--administration',
        'BE',
        '--db',
        db,
      );
      expect(lines(cli.stdout)).toEqual([
        expect.objectContaining({ id: issued.id, status: 'withdrawn', reason: 'case closed' }),
      ]);
    });

    it('names the field of an invalid alert file, and stores nothing', async () => {
      const file = alertFile('bad.json', { ...ALERT_FILE, handling: 'WHITE' });
      expect(await cli.run('alerts', 'issue', file, '--to', 'be', '--db', cli.db)).toBe(1);
      expect(cli.stderr).toContain('/handling: TLP:WHITE is TLP 1.0; TLP 2.0 calls it CLEAR');
      expect(
        await cli.run('alerts', 'issue', join(cli.work, 'none.json'), '--to', 'be', '--db', cli.db),
      ).toBe(2);
      cli.stdout = '';
      expect(await cli.run('alerts', 'list', '--db', cli.db)).toBe(0);
      expect(cli.stdout).toBe('');
      expect(outbox.shares).toEqual([]);
    });

    it('shares through the installation’s own federation outbox when none is given', async () => {
      delete context.sharing;
      const file = alertFile('alert.json', { ...ALERT_FILE, validUntil: '2099-12-31' });
      expect(await cli.run('alerts', 'issue', file, '--to', 'be', '--db', cli.db)).not.toBe(0);
      expect(cli.stderr).toContain('be is not a partner of administration local');
      expect(
        await cli.run(
          'partners',
          'add',
          '--name',
          'be',
          '--url',
          'https://be.example',
          '--public-key',
          Buffer.alloc(32, 7).toString('base64'),
          '--db',
          cli.db,
        ),
      ).toBe(0);
      cli.stdout = '';
      expect(await cli.run('alerts', 'issue', file, '--to', 'be', '--db', cli.db)).toBe(0);
      const issued = JSON.parse(cli.stdout) as { id: string; logIndex: number };
      expect(Number.isInteger(issued.logIndex)).toBe(true);
      expect(outbox.shares).toEqual([]);
    });
  });
}

describe('greenlane alerts under GREENLANE_HOME', () => {
  it('uses the home’s database when no --db is given', async () => {
    const file = alertFile('alert.json', { ...ALERT_FILE, validUntil: '2099-12-31' });
    expect(await cli.run('alerts', 'issue', file, '--to', 'be')).toBe(0);
    const { id } = JSON.parse(cli.stdout) as { id: string };
    cli.stdout = '';
    expect(await cli.run('alerts', 'list')).toBe(0);
    expect(lines(cli.stdout)).toEqual([expect.objectContaining({ id, from: 'local', status: 'issued' })]);
  });
});
