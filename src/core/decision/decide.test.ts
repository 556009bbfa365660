import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applyOverride,
  checkOverrideReason,
  decideChannel,
  overrideReasonProblem,
  verifySelection,
} from './decide.ts';
import { DecisionError } from './decision-error.ts';
import {
  type SelectionKey,
  type SelectionPolicy,
  SelectionPolicySchema,
  selectionDraw,
  selectionKeyId,
} from './selection-policy.ts';
import type { RiskSignal } from './signal.ts';

/** A fixed key per label (tests only). */
function keyOf(label: string): SelectionKey {
  const secret = createHash('sha256').update(label).digest();
  return { id: selectionKeyId(secret), secret };
}
const K1 = keyOf('k1');
const noRandom: SelectionPolicy = {
  thresholds: { yellow: 40, red: 80 },
  randomRates: { yellow: 0, red: 0 },
};
const subject = { administration: 'NL', declarationId: 'DECL-1', version: 1 };
const signal = (code: string, score: number, minChannel?: RiskSignal['minChannel']): RiskSignal => ({
  source: 'profile',
  code,
  message: `${code} fired`,
  score,
  ...(minChannel ? { minChannel } : {}),
});

describe('decideChannel thresholds and minimum channels', () => {
  it('is green with a readable reason when nothing fires', () => {
    const d = decideChannel(subject, [], noRandom, K1);
    expect(d.channel).toBe('green');
    expect(d.score).toBe(0);
    expect(d.reasons).toEqual([]);
    expect(d.summary).toBe('no risk profile fired; released');
  });

  it('sums scores against the yellow and red thresholds', () => {
    expect(decideChannel(subject, [signal('A', 39)], noRandom, K1).channel).toBe('green');
    expect(decideChannel(subject, [signal('A', 39)], noRandom, K1).summary).toBe(
      'score 39 is below the yellow threshold 40; released',
    );
    expect(decideChannel(subject, [signal('A', 20), signal('B', 20)], noRandom, K1).channel).toBe('yellow');
    const red = decideChannel(subject, [signal('A', 50), signal('B', 30)], noRandom, K1);
    expect(red.channel).toBe('red');
    expect(red.score).toBe(80);
    expect(red.summary).toBe('red (physical inspection): score 80 reaches the red threshold 80');
  });

  it('raises to a minimum channel whatever the score, and orders reasons by importance', () => {
    const d = decideChannel(
      subject,
      [signal('LOW', 30), signal('HIGH', 35), signal('ODS', 5, 'red')],
      noRandom,
      K1,
    );
    expect(d.channel).toBe('red');
    expect(d.reasons.map((r) => r.code)).toEqual(['ODS', 'HIGH', 'LOW']);
    expect(d.summary).toBe('red (physical inspection): ODS requires at least red');
    expect(decideChannel(subject, [signal('Y', 0, 'yellow'), signal('B', 90)], noRandom, K1).channel).toBe(
      'red',
    );
  });

  it('refuses an inconsistent policy', () => {
    const bad = { ...noRandom, randomRates: { yellow: 0.7, red: 0.5 } };
    expect(() => decideChannel(subject, [], bad, K1)).toThrow(DecisionError);
    expect(() =>
      decideChannel(subject, [], { ...noRandom, thresholds: { yellow: 50, red: 10 } }, K1),
    ).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
    expect(SelectionPolicySchema.safeParse(bad).success).toBe(false);
    // The policy is public configuration: a seed in it is refused, the randomness is the key's.
    expect(SelectionPolicySchema.safeParse({ ...noRandom, seed: 'greenlane-default-seed' }).success).toBe(
      false,
    );
    expect(SelectionPolicySchema.parse(noRandom)).toEqual(noRandom);
  });
});

describe('keyed random selection', () => {
  const policy: SelectionPolicy = {
    thresholds: { yellow: 40, red: 80 },
    randomRates: { yellow: 0.05, red: 0.02 },
  };
  const ids = Array.from({ length: 20_000 }, (_, i) => `DECL-${i}`);
  const channels = (key: SelectionKey, order: string[], administration = 'NL') =>
    new Map(
      order.map((id) => [
        id,
        decideChannel({ administration, declarationId: id, version: 1 }, [], policy, key).channel,
      ]),
    );

  it('derives the draw from HMAC-SHA256 under the secret key, recomputable by whoever holds it', () => {
    const mac = createHmac('sha256', K1.secret)
      .update('["greenlane-selection/v1","channel","NL","DECL-1"]')
      .digest('hex')
      .slice(0, 12);
    expect(selectionDraw(K1.secret, 'channel', 'NL', 'DECL-1')).toBe(Number.parseInt(mac, 16) / 2 ** 48);
    const d = decideChannel(subject, [], policy, K1);
    expect(d.selection).toEqual({
      keyId: K1.id,
      draw: selectionDraw(K1.secret, 'channel', 'NL', 'DECL-1'),
      rates: { yellow: 0.05, red: 0.02 },
      thresholds: { yellow: 40, red: 80 },
    });
  });

  it('cannot be computed from anything public: not from the old public seed formula, nor from the key id', () => {
    // Before: SHA-256("greenlane-default-seed|DECL-1|1"), computable by any trader.
    const publicDraw =
      Number.parseInt(
        createHash('sha256').update('greenlane-default-seed|DECL-1|1').digest('hex').slice(0, 12),
        16,
      ) /
      2 ** 48;
    expect(decideChannel(subject, [], policy, K1).selection.draw).not.toBe(publicDraw);
    const always: SelectionPolicy = { ...noRandom, randomRates: { yellow: 0, red: 1 } };
    const text = JSON.stringify(decideChannel(subject, [], always, K1));
    for (const encoding of ['hex', 'base64', 'base64url'] as const) {
      expect(text).not.toContain(Buffer.from(K1.secret).toString(encoding));
    }
    expect(text).toContain(K1.id);
    expect(K1.id).toMatch(/^sel_[0-9a-f]{16}$/);
  });

  it('gives every version of a declaration the same draw, and another administration another draw', () => {
    const v1 = decideChannel(subject, [], policy, K1);
    const v7 = decideChannel({ ...subject, version: 7 }, [], policy, K1);
    expect(v7.selection.draw).toBe(v1.selection.draw);
    expect(decideChannel({ ...subject, administration: 'BE' }, [], policy, K1).selection.draw).not.toBe(
      v1.selection.draw,
    );
  });

  it('gives the same channels for the same key in any order, other channels for another key', () => {
    const a = channels(K1, ids);
    const b = channels(K1, [...ids].reverse());
    expect(b.size).toBe(ids.length);
    expect([...b.entries()].every(([id, ch]) => a.get(id) === ch)).toBe(true);
    const c = channels(keyOf('k2'), ids);
    const differ = ids.filter((id) => a.get(id) !== c.get(id)).length;
    // Two independent 7% selections disagree on about 2 * 0.07 * 0.93 = 13% of declarations.
    expect(differ / ids.length).toBeGreaterThan(0.1);
    expect(differ / ids.length).toBeLessThan(0.16);
  });

  it('selects close to the configured rates over 20,000 declarations', () => {
    const counts = { green: 0, yellow: 0, red: 0 };
    for (const ch of channels(keyOf('rates'), ids).values()) counts[ch]++;
    // Binomial standard deviation at n=20,000: sqrt(.05*.95/20000) = 0.0015, sqrt(.02*.98/20000) = 0.001.
    expect(Math.abs(counts.yellow / ids.length - 0.05)).toBeLessThan(0.006);
    expect(Math.abs(counts.red / ids.length - 0.02)).toBeLessThan(0.004);
  });

  it('refuses a key shorter than 32 bytes', () => {
    const short = { id: 'sel_short', secret: new Uint8Array(16) };
    expect(() => decideChannel(subject, [], policy, short)).toThrow(
      expect.objectContaining({ code: 'INVALID_KEY' }),
    );
  });

  it('explains a random selection with a random signal and keeps it when risk already chose the channel', () => {
    const always: SelectionPolicy = { ...noRandom, randomRates: { yellow: 0, red: 1 } };
    const d = decideChannel(subject, [], always, K1);
    expect(d.channel).toBe('red');
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatchObject({ source: 'random', code: 'RANDOM_RED', minChannel: 'red', score: 0 });
    expect(d.reasons[0]!.message).toMatch(
      new RegExp(
        `^selected at random for physical inspection: draw 0\\.\\d{6} fell in \\[0, 1\\) \\(rate 1, key ${K1.id}\\)$`,
      ),
    );
    expect(d.reasons[0]!.evidence).toEqual({ keyId: K1.id, draw: d.selection.draw, rate: 1 });
    expect(d.summary).toBe('red (physical inspection): random selection');
    const withRisk = decideChannel(subject, [signal('ODS', 90, 'red')], always, K1);
    expect(withRisk.reasons.map((r) => r.code)).toEqual(['ODS', 'RANDOM_RED']);
    const yellowOnly: SelectionPolicy = { ...noRandom, randomRates: { yellow: 1, red: 0 } };
    expect(decideChannel(subject, [signal('ODS', 90, 'red')], yellowOnly, K1).channel).toBe('red');
    expect(decideChannel(subject, [], yellowOnly, K1).reasons[0]!.code).toBe('RANDOM_YELLOW');
  });

  it('keeps red selections unchanged when only the yellow rate changes', () => {
    const redOf = (yellow: number) =>
      ids
        .slice(0, 5000)
        .filter(
          (id) =>
            decideChannel(
              { administration: 'NL', declarationId: id, version: 1 },
              [],
              { ...policy, randomRates: { yellow, red: 0.02 } },
              K1,
            ).channel === 'red',
        );
    expect(redOf(0.3)).toEqual(redOf(0));
  });
});

describe('amendments never lower the channel', () => {
  it('holds an amendment at the highest channel an earlier version was assigned, and says why', () => {
    const d = decideChannel(
      { ...subject, version: 2, floor: { channel: 'red', version: 1 } },
      [],
      noRandom,
      K1,
    );
    expect(d.channel).toBe('red');
    expect(d.reasons).toEqual([
      expect.objectContaining({ source: 'amendment', code: 'AMENDMENT_FLOOR', minChannel: 'red', score: 0 }),
    ]);
    expect(d.reasons[0]!.message).toBe(
      "version 1 was assigned red (physical inspection); an amendment never lowers the channel, only an officer's override can",
    );
    expect(d.summary).toBe('red (physical inspection): an earlier version was red');
  });

  it('adds nothing when the amendment reaches that channel anyway, and still raises above it', () => {
    const floor = { channel: 'yellow' as const, version: 1 };
    const same = decideChannel({ ...subject, version: 2, floor }, [signal('Y', 0, 'yellow')], noRandom, K1);
    expect(same.reasons.map((r) => r.code)).toEqual(['Y']);
    const higher = decideChannel({ ...subject, version: 2, floor }, [signal('R', 0, 'red')], noRandom, K1);
    expect(higher.channel).toBe('red');
    expect(higher.reasons.map((r) => r.code)).toEqual(['R']);
  });
});

describe('verifySelection', () => {
  const always: SelectionPolicy = { ...noRandom, randomRates: { yellow: 0.5, red: 0.5 } };
  const decision = decideChannel(subject, [], always, K1);

  it('confirms a decision with the key it names', () => {
    const check = verifySelection(subject, decision, K1);
    expect(check).toMatchObject({ ok: true, problems: [], draw: decision.selection.draw });
    expect(check.randomChannel).toBe(decision.reasons[0]!.minChannel);
  });

  it('names each discrepancy: another key, a changed draw, a removed random signal', () => {
    const other = verifySelection(subject, decision, keyOf('other')).problems;
    expect(other[0]).toBe(`decision names key ${K1.id}, checked with ${keyOf('other').id}`);
    expect(other[1]).toMatch(/^recorded draw .* but the key gives /);
    const tampered = { ...decision, selection: { ...decision.selection, draw: 0.999 } };
    expect(verifySelection(subject, tampered, K1).problems).toEqual([
      `recorded draw 0.999 but the key gives ${decision.selection.draw}`,
    ]);
    const unsigned = { ...decision, reasons: [] };
    expect(verifySelection(subject, unsigned, K1).problems[0]).toMatch(
      /but the decision carries no random signal$/,
    );
    expect(verifySelection({ ...subject, declarationId: 'DECL-2' }, decision, K1).ok).toBe(false);
    const forged = { id: K1.id, secret: keyOf('forged').secret };
    expect(verifySelection(subject, decision, forged).problems).toContain(
      `key ${K1.id} does not match its id`,
    );
  });
});

describe('override reasons', () => {
  it('accepts trimmed, well-formed text of 3 to 2000 characters, emoji and line breaks included', () => {
    expect(checkOverrideReason('  licence shown 👍\nat the desk  ')).toBe('licence shown 👍\nat the desk');
    expect(overrideReasonProblem('x'.repeat(2000))).toBeUndefined();
  });

  it('refuses a lone surrogate, a control character, blank, too short or too long text, naming the field', () => {
    expect(() => checkOverrideReason('cleared \ud800')).toThrow(
      new DecisionError(
        'INVALID_OVERRIDE',
        'reason is not well-formed Unicode: lone surrogate U+D800 at position 8',
      ),
    );
    expect(overrideReasonProblem('a\udc00bc')).toBe(
      'is not well-formed Unicode: lone surrogate U+DC00 at position 1',
    );
    expect(overrideReasonProblem('nul\u0000here')).toBe(
      'must not contain control character U+0000 (position 3)',
    );
    expect(overrideReasonProblem('   ')).toBe('must say why, in at least 3 characters');
    expect(overrideReasonProblem('x'.repeat(2001))).toBe('is longer than 2000 characters');
    expect(overrideReasonProblem(42)).toBe('must be a string');
  });
});

describe('applyOverride', () => {
  const decision = decideChannel(subject, [signal('ODS', 90, 'red')], noRandom, K1);

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
    const base = { channel: 'green' as const, reason: 'ok, seen', officer: 'o', at: '2026-03-02T11:00:00Z' };
    expect(applyOverride(decision, base).channel).toBe('green');
    expect(() => applyOverride(decision, { ...base, reason: '  ' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OVERRIDE' }),
    );
    expect(() => applyOverride(decision, { ...base, officer: '' })).toThrow(DecisionError);
    expect(() => applyOverride(decision, { ...base, at: 'yesterday' })).toThrow(DecisionError);
    expect(() => applyOverride(decision, { ...base, channel: 'purple' as 'green' })).toThrow(
      new DecisionError('INVALID_OVERRIDE', 'channel: must be one of green, yellow, red'),
    );
  });
});
