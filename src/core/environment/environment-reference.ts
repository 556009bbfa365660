import type { SubstanceCatalogue } from './substances.ts';

/** A CITES-listed species and the appendix it is in (`reference/environment/cites/`). */
export interface CitesSpecies {
  scientificName: string;
  commonName: string;
  appendix: 'I' | 'II' | 'III';
  hs2022: string;
}

/** The environmental reference tables, loaded once (substances, blends, CITES species). */
export interface EnvironmentReference {
  catalogue: SubstanceCatalogue;
  /** Lower-case scientific name -> species. */
  species: ReadonlyMap<string, CitesSpecies>;
  /** Hash of the loaded files, e.g. `env-3f2a...`. */
  version: string;
}

/** Species key: case and runs of spaces do not matter (`Psittacus  erithacus`). */
export function speciesKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase();
}
