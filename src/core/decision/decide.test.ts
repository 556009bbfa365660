import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyOverride, decideChannel } from './decide.ts';
import { DecisionError } from './decision-error.ts';
import { type SelectionPolicy, SelectionPolicySchema, selectionDraw } from './selection-policy.ts';
import type { RiskSignal } from './signal.ts';

const noRandom: SelectionPolicy = {
  thresholds: { yellow: 40, red: 80 },
  randomRates: { yellow: 0, red: 0 },
  seed: 's1',
};
const subject = { declarationId: 'DECL-1', version: 1 };
const signal = (code: string, score: number, minChannel?: RiskSignal['minChannel']): RiskSignal => ({
  source: 'profile',
  code,
  message: `${code} fired`,
  score,
  ...(minChannel ? { minChannel } : {}),
});

describe('decideChannel thresholds and minimum channels', () => {
  it('is green with a readable reason when nothing fires', () => {
    const d = decideChannel(subject, [], noRandom);
    expect(d.channel).toBe('green');
    expect(d.score).toBe(0);
    expect(d.reasons).toEqual([]);
    expect(d.summary).toBe('no risk profile fired; released');
  });

  it('sums scores against the yellow and red thresholds', () => {
    expect(decideChannel(subject, [signal('A', 39)], noRandom).channel).toBe('green');
    expect(decideChannel(subject, [signal('A', 39)], noRandom).summary).toBe(
      'score 39 is below the yellow threshold 40; released',
    );
    expect(decideChannel(subject, [signal('A', 20), signal('B', 20)], noRandom).channel).toBe('yellow');
    const red = decideChannel(subject, [signal('A', 50), signal('B', 30)], noRandom);
    expect(red.channel).toBe('red');
    expect(red.score).toBe(80);
    expect(red.summary).toBe('red (physical inspection): score 80 reaches the red threshold 80');
  });

  it('raises to a minimum channel whatever the score, and orders reasons by importance', () => {
    const d = decideChannel(
      subject,
      [signal('LOW', 30), signal('HIGH', 35), signal('ODS', 5, 'red')],
      noRandom,
    );
    expect(d.channel).toBe('red');
    expect(d.reasons.map((r) => r.code)).toEqual(['ODS', 'HIGH', 'LOW']);
    expect(d.summary).toBe('red (physical inspection): ODS requires at least red');
    expect(decideChannel(subject, [signal('Y', 0, 'yellow'), signal('B', 90)], noRandom).channel).toBe('red');
  });

  it('refuses an inconsistent policy', () => {
    const bad = { ...noRandom, randomRates: { yellow: 0.7, red: 0.5 } };
    expect(() => decideChannel(subject, [], bad)).toThrow(DecisionError);
    expect(() => decideChannel(subject, [], { ...noRandom, thresholds: { yellow: 50, red: 10 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_POLICY' }),
    );
    expect(SelectionPolicySchema.safeParse(bad).success).toBe(false);
    expect(SelectionPolicySchema.safeParse({ ...noRandom, seed: 'a|b' }).success).toBe(false);
    expect(SelectionPolicySchema.parse(noRandom)).toEqual(noRandom);
  });
});

describe('reproducible random selection', () => {
  const policy = (seed: string): SelectionPolicy => ({
    thresholds: { yellow: 40, red: 80 },
    randomRates: { yellow: 0.05, red: 0.02 },
    seed,
  });
  const ids = Array.from({ length: 20_000 }, (_, i) => `DECL-${i}`);
  const channels = (seed: string, order: string[]) =>
    new Map(
      order.map((id) => [id, decideChannel({ declarationId: id, version: 1 }, [], policy(seed)).channel]),
    );

  it('derives the draw from SHA-256(seed|declarationId|version), recomputable by hand', () => {
    const hex = createHash('sha256').update('s1|DECL-1|1').digest('hex').slice(0, 12);
    expect(selectionDraw('s1', 'DECL-1', 1)).toBe(Number.parseInt(hex, 16) / 2 ** 48);
    expect(selectionDraw('s1', 'DECL-1', 2)).not.toBe(selectionDraw('s1', 'DECL-1', 1));
    const d = decideChannel(subject, [], policy('s1'));
    expect(d.selection).toEqual({
      seed: 's1',
      draw: selectionDraw('s1', 'DECL-1', 1),
      rates: { yellow: 0.05, red: 0.02 },
      thresholds: { yellow: 40, red: 80 },
    });
  });

  it('gives the same channels for the same seed in any order, other channels for another seed', () => {
    const a = channels('2026-Q1', ids);
    const b = channels('2026-Q1', [...ids].reverse());
    expect([...b.entries()].every(([id, ch]) => a.get(id) === ch)).toBe(true);
    const c = channels('2026-Q2', ids);
    const differ = ids.filter((id) => a.get(id) !== c.get(id)).length;
    // Two independent 7% selections disagree on about 2 * 0.07 * 0.93 = 13% of declarations.
    expect(differ / ids.length).toBeGreaterThan(0.1);
    expect(differ / ids.length).toBeLessThan(0.16);
  });

  it('selects close to the configured rates over 20,000 declarations', () => {
    const counts = { green: 0, yellow: 0, red: 0 };
    for (const ch of channels('rates', ids).values()) counts[ch]++;
    // Binomial standard deviation at n=20,000: sqrt(.05*.95/20000) = 0.0015, sqrt(.02*.98/20000) = 0.001.
    expect(Math.abs(counts.yellow / ids.length - 0.05)).toBeLessThan(0.006);
    expect(Math.abs(counts.red / ids.length - 0.02)).toBeLessThan(0.004);
  });

  it('explains a random selection with a random signal and keeps it when risk already chose the channel', () => {
    const always: SelectionPolicy = { ...noRandom, randomRates: { yellow: 0, red: 1 } };
    const d = decideChannel(subject, [], always);
    expect(d.channel).toBe('red');
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ source: 'random', code: 'RANDOM_RED', minChannel: 'red', score: 0 });
    expect(d.reasons[0]!.message).toMatch(
      /^selected at random for physical inspection: draw 0\.\d{6} fell in \[0, 1\)/,
    );
    expect(d.summary).toBe('red (physical inspection): random selection');
    const withRisk = decideChannel(subject, [signal('ODS', 90, 'red')], always);
    expect(withRisk.reasons.map((r) => r.code)).toEqual(['ODS', 'RANDOM_RED']);
    const yellowOnly: SelectionPolicy = { ...noRandom, randomRates: { yellow: 1, red: 0 } };
    expect(decideChannel(subject, [signal('ODS', 90, 'red')], yellowOnly).channel).toBe('red');
    expect(decideChannel(subject, [], yellowOnly).reasons[0]!.code).toBe('RANDOM_YELLOW');
  });

  it('keeps red selections unchanged when only the yellow rate changes', () => {
    const redOf = (yellow: number) =>
      ids.slice(0, 5000).filter(
        (id) =>
          decideChannel({ declarationId: id, version: 1 }, [], {
            ...policy('x'),
            randomRates: { yellow, red: 0.02 },
          }).channel === 'red',
      );
    expect(redOf(0.3)).toEqual(redOf(0));
  });
});

describe('applyOverride', () => {
  const decision = decideChannel(subject, [signal('ODS', 90, 'red')], noRandom);

  it('changes the channel, records who, when and why, and keeps the original', () => {
    const o = applyOverride(decision, {
      channel: 'green',
      reason: ' licence ODS-2026-17 presented at the counter ',
      officer: 'officer-42',
      at: '2026-03-02T11:00:00Z',
    });
    expect(o.channel).toBe('green');
    expect(o.original).toBe(decision);
    expect(o.override).toEqual({
      channel: 'green',
      reason: 'licence ODS-2026-17 presented at the counter',
      officer: 'officer-42',
      at: '2026-03-02T11:00:00Z',
    });
    expect(o.reasons[0]).toMatchObject({ source: 'override', code: 'OFFICER_OVERRIDE' });
    expect(o.reasons.slice(1)).toEqual(decision.reasons);
    expect(o.summary).toBe(
      'green (release) by officer override, was red: licence ODS-2026-17 presented at the counter',
    );
    expect(decision.channel).toBe('red');
  });

  it('refuses an override without a reason, an officer or a valid time', () => {
    const base = { channel: 'green' as const, reason: 'ok', officer: 'o', at: '2026-03-02T11:00:00Z' };
    expect(() => applyOverride(decision, { ...base, reason: '  ' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OVERRIDE' }),
    );
    expect(() => applyOverride(decision, { ...base, officer: '' })).toThrow(DecisionError);
    expect(() => applyOverride(decision, { ...base, at: 'yesterday' })).toThrow(DecisionError);
  });
});
