import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  GS,
  type Gs1Identifiers,
  gs1CheckDigit,
  gs1Date,
  normaliseGtin,
  parseGs1,
  toDigitalLink,
  toElementString,
  toScannedString,
  tryParseGs1,
} from './gs1.ts';

const today = new Date('2026-12-03T00:00:00Z');
const GTIN = '09506000134352';
const full = { gtin: GTIN, expiry: '2027-06-30', lot: 'A1B2', serial: 'XYZ' };

function reason(text: string): { code: string; reason: string } {
  const r = tryParseGs1(text, today);
  if (r.ok) throw new Error(`"${text}" was accepted as ${JSON.stringify(r.value)}`);
  return { code: r.code, reason: r.reason };
}

describe('GS1 element strings', () => {
  it('reads the parenthesised form', () => {
    expect(parseGs1('(01)09506000134352(17)270600(10)A1B2(21)XYZ', today)).toEqual(full);
  });

  it('reads the concatenated form with GS separators and a symbology identifier', () => {
    expect(parseGs1(`]d201${GTIN}17270600` + `10A1B2${GS}21XYZ`, today)).toEqual(full);
    expect(parseGs1(`]C101${GTIN}21XYZ${GS}10A1B2${GS}17270600`, today)).toEqual(full);
    expect(parseGs1(`${GS}01${GTIN}10A1B2`, today)).toEqual({ gtin: GTIN, lot: 'A1B2' });
  });

  it('reads only the fields present', () => {
    expect(parseGs1(`01${GTIN}`, today)).toEqual({ gtin: GTIN });
    expect(parseGs1('(21)S-1/2', today)).toEqual({ serial: 'S-1/2' });
  });

  it('rejects each malformed form with its reason', () => {
    expect(reason('')).toMatchObject({ code: 'EMPTY' });
    expect(reason(']d2')).toMatchObject({ code: 'EMPTY' });
    expect(reason('(01)09506000134353')).toMatchObject({ code: 'BAD_CHECK_DIGIT' });
    expect(reason('(01)0950600013435')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason('010950600013435')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason('(01)0950600013435X')).toMatchObject({ code: 'INVALID_CHARACTER' });
    expect(reason(`(01)${GTIN}(99)ABC`)).toMatchObject({ code: 'UNKNOWN_AI' });
    expect(reason(`01${GTIN}240ABC`)).toMatchObject({ code: 'UNKNOWN_AI' });
    expect(reason('(17)271300')).toMatchObject({ code: 'INVALID_DATE' });
    expect(reason('(17)270231')).toMatchObject({ code: 'INVALID_DATE' });
    expect(reason('(17)2706')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason('(10)A B')).toMatchObject({ code: 'INVALID_CHARACTER' });
    expect(reason('(10)Ä')).toMatchObject({ code: 'INVALID_CHARACTER' });
    expect(reason('(21)123456789012345678901')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason(`(10)A(10)B`)).toMatchObject({ code: 'DUPLICATE_AI' });
    expect(reason('(10)')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason('(01')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('x(01)')).toMatchObject({ code: 'MALFORMED' });
    expect(reason(`10ABCDEFGHIJKLMNOPQR21XYZ01${GTIN}`)).toMatchObject({ code: 'MISSING_SEPARATOR' });
    expect(reason(`10ABCDEFGHIJKLMNOPQR21XYZ01${GTIN}`).reason).toMatch(/separator is missing after/);
  });

  it('names the AI and the value in its reasons', () => {
    expect(reason('(01)09506000134353').reason).toBe(
      'AI (01) GTIN "09506000134353" has check digit 3, expected 2',
    );
    expect(reason('(10)A\u0007').reason).toContain('\\x07');
  });
});

describe('GS1 dates', () => {
  it('reads day 00 as the last day of the month', () => {
    expect(gs1Date('280200', today)).toBe('2028-02-29');
    expect(gs1Date('270200', today)).toBe('2027-02-28');
    expect(gs1Date('271200', today)).toBe('2027-12-31');
  });

  it('places the century per General Specifications §7.12', () => {
    // In 2026: 26+51=77 and later are last century; 26-50 = -24 (i.e. 76) still this one.
    expect(gs1Date('760101', today)).toBe('2076-01-01');
    expect(gs1Date('770101', today)).toBe('1977-01-01');
    expect(gs1Date('990101', new Date('2049-06-01'))).toBe('2099-01-01');
    expect(gs1Date('000101', new Date('2050-06-01'))).toBe('2100-01-01');
    expect(gs1Date('010101', new Date('2099-06-01'))).toBe('2101-01-01');
  });
});

describe('GS1 Digital Link', () => {
  it('reads attributes in path and query on any host and prefix', () => {
    expect(parseGs1('https://id.gs1.org/01/09506000134352/10/A1B2/21/XYZ?17=270600', today)).toEqual(full);
    expect(
      parseGs1('http://example.com/a/b/01/09506000134352/21/XYZ?linkType=all&17=270600&10=A1B2', today),
    ).toEqual(full);
  });

  it('pads GTIN-8/12/13 and decodes percent-encoding', () => {
    expect(parseGs1('https://x.test/01/9506000134352/10/A%2F1%25', today)).toEqual({
      gtin: GTIN,
      lot: 'A/1%',
    });
    expect(parseGs1('https://x.test/01/96385074', today)).toEqual({ gtin: '00000096385074' });
  });

  it('keeps a lot or serial that is a dot: the URL parser would drop it as a dot segment', () => {
    const x = { gtin: '09506000134352', lot: '..', serial: '.' };
    const link = toDigitalLink(x, 'https://resolver.example.org/pharma');
    expect(link).toBe('https://resolver.example.org/pharma/01/09506000134352/10/%2E%2E/21/%2E');
    expect(parseGs1(link, today)).toEqual(x);
    expect(parseGs1('https://x.test/01/09506000134352/21/.', today)).toEqual({
      gtin: '09506000134352',
      serial: '.',
    });
  });

  it('rejects malformed URIs with their reason', () => {
    expect(reason('https://x.test/10/A1')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('https://x.test/01/09506000134352/10')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('https://x.test/01/09506000134352/21/S/10/L')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('https://x.test/01/09506000134352/17/270600')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('https://x.test/01/09506000134352/99/1')).toMatchObject({ code: 'UNKNOWN_AI' });
    expect(reason('https://x.test/01/09506000134352?99=1')).toMatchObject({ code: 'UNKNOWN_AI' });
    expect(reason('https://x.test/01/09506000134352/10/A%ZZ')).toMatchObject({ code: 'MALFORMED' });
    expect(reason('https://x.test/01/09506000134352/10/A?10=B')).toMatchObject({ code: 'DUPLICATE_AI' });
    expect(reason('https://x.test/01/09506000134353')).toMatchObject({ code: 'BAD_CHECK_DIGIT' });
    expect(reason('https://x.test/01/095060001343')).toMatchObject({ code: 'BAD_CHECK_DIGIT' });
    expect(reason('https://x.test/01/0950600013')).toMatchObject({ code: 'WRONG_LENGTH' });
    expect(reason('https://x.test/01/09506000134352/10/A%20B')).toMatchObject({ code: 'INVALID_CHARACTER' });
    expect(reason('https://x.test/01/09506000134352?17=271301')).toMatchObject({ code: 'INVALID_DATE' });
    expect(reason('https://')).toMatchObject({ code: 'MALFORMED' });
  });
});

const CSET82_CHARS = `!"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
/** Values of AI 10/21 without "(": in the parenthesised form a "(" would start the next AI. */
const value = fc
  .array(fc.constantFrom(...CSET82_CHARS.replace('(', '')), { minLength: 1, maxLength: 20 })
  .map((cs) => cs.join(''));
const gtin = fc
  .array(fc.integer({ min: 0, max: 9 }), { minLength: 13, maxLength: 13 })
  .map((ds) => ds.join(''))
  .map((body) => `${body}${gs1CheckDigit(body)}`);
const expiry = fc
  .date({ min: new Date('1977-01-01T00:00:00Z'), max: new Date('2076-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const ids: fc.Arbitrary<Gs1Identifiers> = fc.record(
  { gtin, lot: value, expiry, serial: value },
  { requiredKeys: ['gtin'] },
);

describe('GS1 properties', () => {
  it('element string, scanned string and Digital Link all read back to the same identifiers', () => {
    fc.assert(
      fc.property(ids, (x) => {
        expect(parseGs1(toElementString(x), today)).toEqual(x);
        expect(parseGs1(toScannedString(x), today)).toEqual(x);
        const link = toDigitalLink(x, 'https://resolver.example.org/pharma');
        expect(parseGs1(link, today)).toEqual(x);
        expect(toElementString(parseGs1(link, today))).toBe(toElementString(x));
      }),
    );
  });

  it('every wrong check digit is rejected, every right one accepted', () => {
    fc.assert(
      fc.property(gtin, fc.integer({ min: 1, max: 9 }), (g, shift) => {
        const wrong = `${g.slice(0, 13)}${(Number(g[13]) + shift) % 10}`;
        expect(tryParseGs1(`(01)${wrong}`, today)).toMatchObject({ ok: false, code: 'BAD_CHECK_DIGIT' });
        expect(normaliseGtin(g)).toBe(g);
      }),
    );
  });

  it('a character outside set 82 in a lot or serial is rejected, whatever the form', () => {
    const outside = fc
      .integer({ min: 0, max: 0x2ff })
      .map((c) => String.fromCharCode(c))
      .filter((c) => !CSET82_CHARS.includes(c) && c !== GS && c.trim() === c);
    fc.assert(
      fc.property(gtin, value, outside, (g, v, bad) => {
        const lot = `${v.slice(0, 10)}${bad}`;
        expect(tryParseGs1(`(01)${g}(10)${lot}`, today)).toMatchObject({
          ok: false,
          code: 'INVALID_CHARACTER',
        });
        expect(tryParseGs1(`01${g}10${lot}`, today)).toMatchObject({ ok: false, code: 'INVALID_CHARACTER' });
        const link = `https://x.test/01/${g}/10/${encodeURIComponent(lot)}`;
        expect(tryParseGs1(link, today)).toMatchObject({ ok: false });
      }),
    );
  });

  it('any invalid month or day is rejected as an invalid date', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        fc.integer({ min: 0, max: 99 }),
        (y, m, d) => {
          const p = (n: number) => String(n).padStart(2, '0');
          const r = tryParseGs1(`(17)${p(y)}${p(m)}${p(d)}`, today);
          const year = y - 26 >= 51 ? 1900 + y : 2000 + y;
          const valid = m >= 1 && m <= 12 && d <= new Date(Date.UTC(year, m, 0)).getUTCDate();
          expect(r.ok).toBe(valid);
          if (!r.ok) expect(r.code).toBe('INVALID_DATE');
        },
      ),
    );
  });

  it('never throws anything but a reason on arbitrary input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const r = tryParseGs1(text, today);
        if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
      }),
    );
  });
});
