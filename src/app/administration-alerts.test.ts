import { describe, expect, it } from 'vitest';
import { ALERT_FILE } from '../../test/support/alert-fixtures.ts';
import { testDeclaration } from '../../test/support/api-test-kit.ts';
import { testSelectionKey } from '../../test/support/selection-key.ts';
import { compileProfiles } from '../core/rules/evaluate.ts';
import { type AlertRecord, receiveAlert } from '../core/sharing/alert.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { dataDir } from '../installation/config.ts';
import { administrationAlerts } from './administration-alerts.ts';
import { type AssessedLine, asInputRecords, createAssessmentService } from './assess.ts';
import type { AcceptedAlertReader } from './ports/alert-reads.ts';

const reference = referenceData(dataDir());
const alert = receiveAlert(
  {
    id: 'be:alert-1',
    issuer: 'be',
    version: 1,
    content: { ...ALERT_FILE, validUntil: '2026-12-10', criteria: { hsPrefix: ['8471'] }, containers: [] },
  },
  Date.parse('2026-12-03T00:00:00Z'),
);

/** The accepted alerts an administration holds, in memory (the port the store implements). */
class HeldAlerts implements AcceptedAlertReader {
  reads = 0;
  constructor(private readonly byAdministration: Record<string, AlertRecord[]>) {}
  async accepted(administration: string): Promise<AlertRecord[]> {
    this.reads++;
    return this.byAdministration[administration] ?? [];
  }
}

describe('partners’ alerts per administration in the pipeline', () => {
  it('matches in force only, for the administration that accepted it, read per batch', async () => {
    let now = new Date('2026-12-05T12:00:00Z');
    const held = new HeldAlerts({ NL: [alert] });
    const { assess } = createAssessmentService({
      reference,
      profiles: compileProfiles([], reference),
      alertsFor: administrationAlerts(held, reference),
      policy: { thresholds: { yellow: 30, red: 60 }, randomRates: { yellow: 0, red: 0 } },
      selectionKey: testSelectionKey('alerts'),
      now: () => now,
    });
    const run = async (admin: string) =>
      (
        await assess(admin, asInputRecords([testDeclaration('D-1')]), { source: 't', actor: 't' })
      )[0] as AssessedLine;

    const hit = await run('NL');
    expect(hit).toMatchObject({ channel: 'red', reasons: [{ source: 'alert', code: 'be:alert-1' }] });
    expect((await run('BE')).channel).toBe('green');
    expect(held.reads).toBe(2);
    // Past its last day (the whole of 2026-12-10), the alert no longer matches.
    now = new Date('2026-12-11T00:00:00Z');
    expect(await run('NL')).toMatchObject({ channel: 'green', reasons: [] });
  });
});
