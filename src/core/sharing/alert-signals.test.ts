import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import { decideChannel } from '../decision/decide.ts';
import { type AlertRecord, receiveAlert, transitionAlert } from './alert.ts';
import { alertSignals, compileAlerts } from './alert-signals.ts';
import { EMPTY_REFERENCE } from './test-fixtures.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const ctx = { reference: EMPTY_REFERENCE };

const file = {
  title: 'Falsified medicaments from IN',
  reason: 'Falsified tablets found in three consignments from this exporter.',
  instructions: 'Sample the tablets; check the batch numbers with the manufacturer.',
  handling: 'AMBER',
  validUntil: '2026-12-31',
  criteria: { all: [{ hsPrefix: ['3004'] }, { party: { role: ['exporter'], id: ['IN-EXP-77'] } }] },
};

function accepted(content: Record<string, unknown> = file, id = 'nl-customs:alert-7'): AlertRecord {
  const r = receiveAlert({ id, issuer: 'nl-customs', version: 1, content }, NOW);
  if (r.status !== 'accepted') throw new Error(r.statusReason);
  return r;
}

const medicaments = makeDeclaration(
  { containers: ['CSQU3054383'], transport: { mode: 'sea', vesselImo: '9074729' } },
  [{ hsCode: '300490' }, { hsCode: '610910' }],
);

describe('alertSignals', () => {
  it('raises a signal with source "alert" and code the alert id, naming the facts and items', () => {
    const [signal, ...rest] = alertSignals([accepted()], medicaments, NOW, ctx);
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({
      source: 'alert',
      code: 'nl-customs:alert-7',
      score: 100,
      minChannel: 'red',
      items: [1],
      instructions: file.instructions,
      evidence: { issuer: 'nl-customs', alertVersion: 1, handling: 'AMBER', title: file.title },
    });
    expect(signal!.message).toBe(
      'Alert from nl-customs: Falsified tablets found in three consignments from this exporter: exporter Sun Generics Pvt Ltd, id IN-EXP-77, IN matches; item 1: HS 300490 is under 3004.',
    );
  });

  it('keeps a TLP:RED alert’s content out of the reason: officers read reasons, RED is for the analysts', () => {
    const [signal] = alertSignals([accepted({ ...file, handling: 'RED' })], medicaments, NOW, ctx);
    expect(signal).toMatchObject({
      source: 'alert',
      code: 'nl-customs:alert-7',
      minChannel: 'red',
      items: [1],
    });
    expect(signal!.evidence).toEqual({ issuer: 'nl-customs', alertVersion: 1, handling: 'RED' });
    const shown = JSON.stringify(signal);
    for (const secret of [file.title, file.reason, file.instructions, 'IN-EXP-77'])
      expect(shown).not.toContain(secret);
  });

  it('raises the channel to red through decideChannel', () => {
    const signals = alertSignals([accepted()], medicaments, NOW, ctx);
    const decision = decideChannel(
      { administration: 'be-customs', declarationId: medicaments.id, version: 1 },
      signals,
      { thresholds: { yellow: 1000, red: 2000 }, randomRates: { yellow: 0, red: 0 } },
      { id: 'sel_test', secret: new Uint8Array(32) },
    );
    expect(decision.channel).toBe('red');
  });

  it('does not match a declaration that fails the criteria', () => {
    const other = makeDeclaration({}, [{ hsCode: '610910' }]);
    expect(alertSignals([accepted()], other, NOW, ctx)).toEqual([]);
  });

  it('matches on containers and vessels, each facet required when given', () => {
    const byContainer = accepted({ ...file, criteria: undefined, containers: ['CSQU3054383'] }, 'a-1');
    const byVessel = accepted({ ...file, criteria: undefined, vessels: ['9074729'] }, 'a-2');
    const both = accepted({ ...file, containers: ['CSQU3054383'], vessels: ['9321483'] }, 'a-3');
    const signals = alertSignals([byContainer, byVessel, both], medicaments, NOW, ctx);
    expect(signals.map((s) => s.code)).toEqual(['a-1', 'a-2']);
    expect(signals[0]!.message).toContain('container CSQU3054383 is named in the alert');
    expect(signals[1]!.message).toContain('vessel IMO 9074729 is named in the alert');
  });

  it('never matches once withdrawn, refused or expired, nor before validFrom', () => {
    const alert = accepted();
    const withdrawn = transitionAlert(alert, { type: 'withdraw', by: 'nl-customs', reason: 'done' }, NOW);
    const refused = transitionAlert(alert, { type: 'refuse', reason: 'no' }, NOW);
    expect(alertSignals([withdrawn, refused], medicaments, NOW, ctx)).toEqual([]);
    expect(alertSignals([alert], medicaments, Date.parse('2027-01-01T00:00:00Z'), ctx)).toEqual([]);
    // The last millisecond of the validUntil day still matches.
    expect(alertSignals([alert], medicaments, Date.parse('2026-12-31T23:59:59.999Z'), ctx)).toHaveLength(1);
    const later = accepted({ ...file, validFrom: '2026-12-10' }, 'a-later');
    expect(alertSignals([later], medicaments, NOW, ctx)).toEqual([]);
  });

  it('compiled alerts give the same signals as records', () => {
    const alerts = [accepted(), accepted({ ...file, criteria: { originCountry: ['IN'] } }, 'a-2')];
    const compiled = compileAlerts(alerts, EMPTY_REFERENCE);
    expect(compiled.alerts).toHaveLength(2);
    expect(alertSignals(compiled, medicaments, NOW, ctx)).toEqual(
      alertSignals(alerts, medicaments, NOW, ctx),
    );
  });

  it('property: only accepted alerts in force ever match', () => {
    const statusArb = fc.constantFrom('accepted', 'refused', 'withdrawn');
    fc.assert(
      fc.property(
        fc.array(fc.tuple(statusArb, fc.integer({ min: -40, max: 40 })), { maxLength: 6 }),
        fc.integer({ min: -50, max: 50 }),
        (specs, nowOffsetDays) => {
          const records = specs.map(([status, days], i) => {
            const until = new Date(NOW + days * 86_400_000).toISOString().slice(0, 10);
            const r = receiveAlert(
              { id: `a-${i}`, issuer: 'nl-customs', version: 1, content: { ...file, validUntil: until } },
              NOW - 100 * 86_400_000,
            );
            return status === 'accepted'
              ? r
              : transitionAlert(
                  r,
                  status === 'refused'
                    ? { type: 'refuse', reason: 'x' }
                    : { type: 'withdraw', by: 'nl-customs', reason: 'x' },
                  NOW,
                );
          });
          const now = NOW + nowOffsetDays * 86_400_000;
          const codes = alertSignals(records, medicaments, now, ctx).map((s) => s.code);
          const expected = records
            .filter(
              (r) => r.status === 'accepted' && Date.parse(`${r.content!.validUntil}T23:59:59.999Z`) >= now,
            )
            .map((r) => r.id);
          expect(codes).toEqual(expected);
        },
      ),
    );
  });
});
