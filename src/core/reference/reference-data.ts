/**
 * Reference data the core needs, already loaded into memory. The core never reads files: the
 * reference adapter (`src/driven/reference/`) builds this from the data directory.
 */
export interface HsNomenclature {
  edition: '2022' | '2017';
  /** Subheading (6-digit) code -> short description. */
  subheadings: ReadonlyMap<string, string>;
  /** Heading (4-digit) code -> short description. */
  headings: ReadonlyMap<string, string>;
  /** Chapter (2-digit) code -> short description. */
  chapters: ReadonlyMap<string, string>;
}

/** An HS heading or subheading tied to a regulatory concern (`hs-regulatory/`). */
export interface RegulatoryFlag {
  concern: string;
  subconcern: string;
  /** 4 or 6 digit HS 2022 code without dots. */
  hsCode: string;
  confidence: 'high' | 'medium' | 'low';
  notes: string;
}

export interface Country {
  alpha2: string;
  alpha3: string;
  name: string;
}

export interface ReferenceData {
  hs: { '2022': HsNomenclature; '2017': HsNomenclature };
  /** ISO 3166-1 alpha-2 -> country. */
  countries: ReadonlyMap<string, Country>;
  /** ISO 4217 alphabetic codes in current use. */
  currencies: ReadonlySet<string>;
  /** UN/LOCODEs, five characters (country + location), e.g. `NLRTM`. */
  locodes: ReadonlySet<string>;
  /** HS code (4 or 6 digits) -> flags; look up by subheading and by heading. */
  regulatory: ReadonlyMap<string, readonly RegulatoryFlag[]>;
  /** Identifies the loaded data set (hash of its files), recorded with every decision. */
  version: string;
}

/** ISO 3166 user-assigned code used by customs for "unknown / not stated". */
export const UNKNOWN_COUNTRY = 'ZZ';

/** Regulatory flags that apply to an HS code (its 6-digit subheading and 4-digit heading). */
export function regulatoryFlagsFor(ref: ReferenceData, hsCode: string): readonly RegulatoryFlag[] {
  const six = ref.regulatory.get(hsCode.slice(0, 6)) ?? [];
  const four = ref.regulatory.get(hsCode.slice(0, 4)) ?? [];
  if (four.length === 0) return six;
  if (six.length === 0) return four;
  return [...six, ...four];
}
