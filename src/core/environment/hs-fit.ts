import type { Blend, ControlledSubstance, SubstanceCatalogue } from './substances.ts';

/**
 * Which HS code can hold a controlled substance or blend. HS 2022 names the HFCs in 2903.41-2903.49,
 * the HCFCs, halons and CFCs in 2903.71-2903.79, and created heading 3827 for mixtures, split by
 * composition; HS 2017 held mixtures in 3824.71-3824.79. Misdeclaring an HFC blend under another
 * heading (or an HFO subheading) is the classic way round an HFC licence.
 */

const MIXTURE_HEADINGS = { '2022': '3827', '2017': '3824' } as const;

function isCfc(s: ControlledSubstance): boolean {
  return (s.annex === 'A' && s.group === 'I') || (s.annex === 'B' && s.group === 'I');
}

/** The percent by mass of a substance in a blend (0 when absent). */
function percentOf(blend: Blend, name: string): number {
  return blend.components.find((c) => c.substance === name)?.percent ?? 0;
}

/**
 * The HS 2022 subheading of heading 3827 a blend's composition falls under, by the order of the
 * subheading texts (3827.11 first: a mixture with any CFC is 3827.11 whatever else it holds).
 */
export function mixtureSubheading2022(catalogue: SubstanceCatalogue, blend: Blend): string {
  const parts = blend.components.flatMap((c) => {
    const s = catalogue.substances.get(c.substance);
    return s ? [s] : [];
  });
  const has = (test: (s: ControlledSubstance) => boolean) => parts.some(test);
  const named = (from: string, to: string) => has((s) => s.hs2022 >= from && s.hs2022 <= to);
  if (has(isCfc)) return '382711';
  if (has((s) => s.annex === 'C' && s.group === 'II')) return '382712';
  if (has((s) => s.hs2022 === '290314')) return '382713';
  if (has((s) => s.hs2022 === '290319' && s.annex === 'B')) return '382714';
  if (has((s) => s.annex === 'A' && s.group === 'II')) return '382720';
  if (has((s) => s.annex === 'C' && s.group === 'I')) {
    if (named('290341', '290348')) return '382731';
    if (named('290371', '290375')) return '382732';
    return '382739';
  }
  if (has((s) => s.annex === 'E' || (s.annex === 'C' && s.group === 'III'))) return '382740';
  if (has((s) => s.name === 'HFC-23')) return '382751';
  if (percentOf(blend, 'HFC-143a') >= 15) return '382761';
  if (percentOf(blend, 'HFC-125') >= 55) return '382762';
  if (percentOf(blend, 'HFC-125') >= 40) return '382763';
  if (percentOf(blend, 'HFC-134a') >= 30) return '382764';
  if (percentOf(blend, 'HFC-32') >= 20 && percentOf(blend, 'HFC-125') >= 20) return '382765';
  if (named('290341', '290348')) return '382768';
  return '382769';
}

export type HsFit = { fits: true } | { fits: false; expected: string; reason: string };

/**
 * Whether a goods item's HS code can hold the named substance or blend: a substance in its own
 * subheading of 2903, a blend in the subheading its composition gives (HS 2022 3827.xx, HS 2017
 * 3824.7x). `expected` is the subheading it belongs in.
 */
export function hsFit(
  catalogue: SubstanceCatalogue,
  name: string,
  hsCode: string,
  edition: '2022' | '2017',
): HsFit | undefined {
  const substance = catalogue.substances.get(name);
  const blend = catalogue.blends.get(name);
  const expected = substance
    ? edition === '2022'
      ? substance.hs2022
      : substance.hs2017
    : blend
      ? edition === '2022'
        ? blend.hs2022
        : blend.hs2017
      : undefined;
  if (expected === undefined) return undefined;
  const six = hsCode.slice(0, 6);
  if (six === expected) return { fits: true };
  const what = blend ? `the blend ${name}` : `${name}`;
  const heading = six.slice(0, 4);
  const reason =
    blend && heading === MIXTURE_HEADINGS[edition]
      ? `${what} is declared under ${dotted(six)}, another subheading of ${heading}: its composition puts it in ${dotted(expected)}`
      : `${what} is declared under ${dotted(six)}, a code that cannot hold it: it belongs in ${dotted(expected)} (HS ${edition})`;
  return { fits: false, expected, reason };
}

/** `290341` -> `2903.41`. */
export function dotted(code: string): string {
  return code.length > 4 ? `${code.slice(0, 4)}.${code.slice(4)}` : code;
}
