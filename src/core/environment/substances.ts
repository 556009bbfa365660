/**
 * Montreal Protocol controlled substances and refrigerant blends, and the arithmetic quotas use:
 * ODP tonnes = tonnes x ODP, CO2-eq tonnes = tonnes x GWP, and a blend's ODP and GWP as the
 * mass-weighted sums of its components' (docs/ENVIRONMENT.md). Pure: the tables are passed in
 * (`src/driven/reference/environment-reference.ts` reads them).
 */

export const ANNEXES = ['A', 'B', 'C', 'E', 'F'] as const;
export type Annex = (typeof ANNEXES)[number];

/** A controlled substance as the Protocol's annexes list it. */
export interface ControlledSubstance {
  name: string;
  annex: Annex;
  /** `I`, `II` or `III`. */
  group: string;
  formula: string;
  odp: number;
  /** The Protocol's 100-year GWP (Annex F, or the Kigali columns of Annexes A and C); null where it prints none. */
  gwp: number | null;
  hs2022: string;
  hs2017: string;
  synonyms: readonly string[];
}

/** A refrigerant blend: nominal composition by mass (ANSI/ASHRAE 34). */
export interface Blend {
  name: string;
  /** Component substance names and mass percentages; they sum to 100. */
  components: ReadonlyArray<{ substance: string; percent: number }>;
  hs2022: string;
  hs2017: string;
  synonyms: readonly string[];
}

/** What `greenlane substances show` prints: a substance or a blend with the Protocol's figures. */
export interface SubstanceFigures {
  name: string;
  /** For a blend, the annexes of its components joined (`C/F`). */
  annex: string;
  /** For a blend, `blend`. */
  group: string;
  odp: number;
  gwp: number | null;
}

export interface SubstanceCatalogue {
  substances: ReadonlyMap<string, ControlledSubstance>;
  blends: ReadonlyMap<string, Blend>;
  /** Normalised name, synonym or R-number -> canonical substance or blend name. */
  index: ReadonlyMap<string, string>;
}

export type SubstanceLookup =
  | { ok: true; kind: 'substance'; substance: ControlledSubstance; figures: SubstanceFigures }
  | { ok: true; kind: 'blend'; blend: Blend; figures: SubstanceFigures }
  | { ok: false; reason: string; near: string[] };

/** Lookup key: case, spaces, hyphens, underscores and dots do not matter (`R-410A` = `r410a`). */
export function substanceKey(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\-_.]+/g, '');
}

/** Rounds away binary noise from sums of decimal figures (0.055 x 0.488 + ...). */
function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Builds the catalogue and checks it: every blend component is a listed substance, compositions
 * sum to 100%, and no name or synonym points at two different entries. Returns the problems
 * instead of throwing, so the loader can name the file and row.
 */
export function buildCatalogue(
  substances: readonly ControlledSubstance[],
  blends: readonly Blend[],
): { catalogue: SubstanceCatalogue; problems: string[] } {
  const problems: string[] = [];
  const bySubstance = new Map(substances.map((s) => [s.name, s]));
  const byBlend = new Map(blends.map((b) => [b.name, b]));
  const index = new Map<string, string>();
  const add = (alias: string, target: string) => {
    const key = substanceKey(alias);
    const had = index.get(key);
    if (had !== undefined && had !== target) problems.push(`"${alias}" names both ${had} and ${target}`);
    else index.set(key, target);
  };
  for (const s of substances) for (const alias of [s.name, ...s.synonyms]) add(alias, s.name);
  for (const b of blends) {
    for (const alias of [b.name, ...b.synonyms]) add(alias, b.name);
    const total = b.components.reduce((sum, c) => sum + c.percent, 0);
    if (Math.abs(total - 100) > 1e-9) problems.push(`${b.name}: components sum to ${total}%, not 100%`);
    for (const c of b.components)
      if (!bySubstance.has(c.substance))
        problems.push(`${b.name}: component ${c.substance} is not a listed substance`);
  }
  return { catalogue: { substances: bySubstance, blends: byBlend, index }, problems };
}

/** A blend's ODP and GWP: mass-weighted sums of its components' (null GWP if a component has none). */
export function blendFigures(catalogue: SubstanceCatalogue, blend: Blend): SubstanceFigures {
  let odp = 0;
  let gwp: number | null = 0;
  const annexes = new Set<string>();
  for (const c of blend.components) {
    const s = catalogue.substances.get(c.substance);
    // buildCatalogue refuses such blends; were one to slip through, its GWP is unknown, not lower.
    if (!s) {
      gwp = null;
      continue;
    }
    const share = c.percent / 100;
    odp += share * s.odp;
    gwp = gwp === null || s.gwp === null ? null : gwp + share * s.gwp;
    annexes.add(s.annex);
  }
  return {
    name: blend.name,
    annex: [...annexes].sort().join('/'),
    group: 'blend',
    odp: round(odp, 6),
    gwp: gwp === null ? null : round(gwp, 3),
  };
}

function substanceFigures(s: ControlledSubstance): SubstanceFigures {
  return { name: s.name, annex: s.annex, group: s.group, odp: s.odp, gwp: s.gwp };
}

/** Levenshtein distance, for "did you mean" suggestions (names are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

/** Canonical names whose key is close to the query's (at most 3 edits, or sharing its digits). */
export function nearNames(catalogue: SubstanceCatalogue, query: string, limit = 5): string[] {
  const key = substanceKey(query);
  const digits = key.replace(/\D/g, '');
  const scored = new Map<string, number>();
  for (const [alias, target] of catalogue.index) {
    let d = distance(key, alias);
    if (digits.length >= 2 && alias.replace(/\D/g, '') === digits) d = Math.min(d, 2);
    if (d <= 3 && d < (scored.get(target) ?? Number.POSITIVE_INFINITY)) scored.set(target, d);
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name]) => name);
}

/** Finds a substance or blend by chemical name, common name or R-number. */
export function lookupSubstance(catalogue: SubstanceCatalogue, name: string): SubstanceLookup {
  const target = catalogue.index.get(substanceKey(name));
  const substance = target === undefined ? undefined : catalogue.substances.get(target);
  if (substance) return { ok: true, kind: 'substance', substance, figures: substanceFigures(substance) };
  const blend = target === undefined ? undefined : catalogue.blends.get(target);
  if (blend) return { ok: true, kind: 'blend', blend, figures: blendFigures(catalogue, blend) };
  const near = nearNames(catalogue, name);
  return {
    ok: false,
    reason: `"${name}" is not a Montreal Protocol controlled substance or a listed refrigerant blend${near.length ? `; did you mean ${near.join(', ')}?` : ''}`,
    near,
  };
}

/** Tonnes a quantity in kilograms makes, and its ODP tonnes and CO2-equivalent tonnes. */
export interface QuotaQuantity {
  tonnes: number;
  odpTonnes: number;
  co2eqTonnes: number;
}

/** ODP tonnes = tonnes x ODP; CO2-eq tonnes = tonnes x GWP (0 where the Protocol gives no GWP). */
export function quotaQuantity(
  figures: Pick<SubstanceFigures, 'odp' | 'gwp'>,
  kilograms: number,
): QuotaQuantity {
  const tonnes = kilograms / 1000;
  return {
    tonnes: round(tonnes, 6),
    odpTonnes: round(tonnes * figures.odp, 6),
    co2eqTonnes: round(tonnes * (figures.gwp ?? 0), 6),
  };
}

/**
 * The figures of a name (substance or blend), or undefined: what the checks and reports use when
 * they only need the numbers.
 */
export function figuresOf(catalogue: SubstanceCatalogue, name: string): SubstanceFigures | undefined {
  const found = lookupSubstance(catalogue, name);
  return found.ok ? found.figures : undefined;
}
