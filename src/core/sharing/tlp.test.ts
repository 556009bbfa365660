import { describe, expect, it } from 'vitest';
import {
  AUDIENCES,
  type Audience,
  mayReshare,
  mayReturnFeedback,
  mayView,
  stricterTlp,
  TLP_CODES,
  type TlpCode,
  TlpCodeSchema,
} from './tlp.ts';

// The TLP 2.0 definitions (FIRST), one row per label: who may see the item. Columns follow AUDIENCES:
// sender, recipient, recipient-organization, recipient-client, community, other-partner, public.
const VIEW: Record<TlpCode, [boolean, boolean, boolean, boolean, boolean, boolean, boolean]> = {
  // "Recipients may share TLP:CLEAR information with the world; there is no limit on disclosure."
  CLEAR: [true, true, true, true, true, true, true],
  // "Recipients may share TLP:GREEN information with peers and partner organizations within their
  // community, but not via publicly accessible channels."
  GREEN: [true, true, true, true, true, false, false],
  // "Recipients may share TLP:AMBER information with members of their own organization and its
  // clients on a need-to-know basis."
  AMBER: [true, true, true, true, false, false, false],
  // "TLP:AMBER+STRICT ... restricts sharing to the organization only."
  'AMBER+STRICT': [true, true, true, false, false, false, false],
  // "Recipients may therefore not share TLP:RED information with anyone else."
  RED: [true, true, false, false, false, false, false],
};

describe('mayView', () => {
  for (const code of TLP_CODES) {
    AUDIENCES.forEach((audience, i) => {
      const expected = VIEW[code][i];
      it(`TLP:${code} ${expected ? 'lets' : 'hides from'} ${audience}`, () => {
        const decision = mayView(code, audience);
        expect(decision.allowed).toBe(expected);
        if (!decision.allowed) expect(decision.reason).toContain(`TLP:${code}`);
      });
    });
  }
});

describe('mayReshare', () => {
  const table: Array<[TlpCode, Audience, boolean]> = [
    ['CLEAR', 'public', true],
    ['CLEAR', 'other-partner', true],
    ['GREEN', 'community', true],
    ['GREEN', 'other-partner', false],
    ['GREEN', 'public', false],
    ['AMBER', 'recipient-client', true],
    ['AMBER', 'community', false],
    ['AMBER+STRICT', 'recipient-organization', true],
    ['AMBER+STRICT', 'recipient-client', false],
    ['AMBER+STRICT', 'community', false],
    ['AMBER+STRICT', 'other-partner', false],
    ['RED', 'recipient-organization', false],
    ['RED', 'community', false],
  ];
  for (const [code, to, expected] of table) {
    it(`TLP:${code} to ${to}: ${expected ? 'allowed' : 'refused'}`, () => {
      expect(mayReshare(code, to).allowed).toBe(expected);
    });
  }

  it('refuses an AMBER+STRICT re-share to another partner with a reason naming the rule', () => {
    const decision = mayReshare('AMBER+STRICT', 'other-partner');
    expect(decision).toEqual({
      allowed: false,
      reason:
        "re-sharing refused: TLP:AMBER+STRICT restricts sharing to the recipient's own organization, so it may not go to a partner outside the community",
    });
  });

  it('always allows returning the item to its sender', () => {
    for (const code of TLP_CODES) expect(mayReshare(code, 'sender').allowed).toBe(true);
  });

  it('never lets a stricter label reach further than a looser one', () => {
    for (let i = 1; i < TLP_CODES.length; i++) {
      for (const to of AUDIENCES) {
        if (mayReshare(TLP_CODES[i]!, to).allowed)
          expect(mayReshare(TLP_CODES[i - 1]!, to).allowed).toBe(true);
      }
    }
  });
});

describe('mayReturnFeedback', () => {
  it('always allows feedback to the sender', () => {
    for (const code of TLP_CODES) expect(mayReturnFeedback(code, 'sender')).toEqual({ allowed: true });
  });
  it.each([
    ['CLEAR', true],
    ['GREEN', true],
    ['AMBER', true],
    ['AMBER+STRICT', false],
    ['RED', false],
  ] as const)('to co-recipients under TLP:%s: %s', (code, expected) => {
    expect(mayReturnFeedback(code, 'co-recipients').allowed).toBe(expected);
  });
});

describe('TlpCodeSchema', () => {
  it('accepts codes and written labels', () => {
    expect(TlpCodeSchema.parse('AMBER+STRICT')).toBe('AMBER+STRICT');
    expect(TlpCodeSchema.parse('TLP:amber')).toBe('AMBER');
    expect(TlpCodeSchema.parse(' tlp:clear ')).toBe('CLEAR');
  });
  it('names TLP 1.0 WHITE and rejects the unknown', () => {
    expect(TlpCodeSchema.safeParse('TLP:WHITE').error?.issues[0]?.message).toBe(
      'TLP:WHITE is TLP 1.0; TLP 2.0 calls it CLEAR',
    );
    expect(TlpCodeSchema.safeParse('ORANGE').error?.issues[0]?.message).toContain('must be a TLP 2.0 code');
    expect(TlpCodeSchema.safeParse(3).success).toBe(false);
  });
});

describe('stricterTlp', () => {
  it('keeps the stricter label', () => {
    expect(stricterTlp('GREEN', 'AMBER')).toBe('AMBER');
    expect(stricterTlp('RED', 'CLEAR')).toBe('RED');
    expect(stricterTlp('AMBER+STRICT', 'AMBER')).toBe('AMBER+STRICT');
  });
});
