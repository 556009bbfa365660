import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  type CitesSpecies,
  type EnvironmentReference,
  speciesKey,
} from '../../core/environment/environment-reference.ts';
import {
  ANNEXES,
  type Annex,
  type Blend,
  buildCatalogue,
  type ControlledSubstance,
} from '../../core/environment/substances.ts';
import { ReferenceDataError } from './file-reference-data.ts';

/** The tables, relative to an environment reference folder (`reference/environment` in the repository). */
export const ENVIRONMENT_FILES = {
  substances: 'substances/substances.csv',
  blends: 'substances/blends.csv',
  species: 'cites/cites-species.csv',
} as const;

/**
 * Where the environmental tables are read from: `GREENLANE_ENVIRONMENT_DIR`; else
 * `<data directory>/environment` when an installation put the official tables there; else the
 * curated tables shipped in the repository (`reference/environment`, see their SOURCE.md).
 */
export function environmentReferenceDir(
  dataDirectory: string,
  packageRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (env.GREENLANE_ENVIRONMENT_DIR) return resolve(env.GREENLANE_ENVIRONMENT_DIR);
  const installed = join(dataDirectory, 'environment');
  if (existsSync(join(installed, ENVIRONMENT_FILES.substances))) return installed;
  return join(packageRoot, 'reference', 'environment');
}

type Row = Record<string, string>;

function readRows(dir: string, file: string, hash: ReturnType<typeof createHash>): Row[] {
  const path = join(dir, file);
  if (!existsSync(path)) throw new ReferenceDataError(`environment reference file ${path} is missing`);
  const buf = readFileSync(path);
  hash.update(file).update(buf);
  return parse(buf, { columns: true, bom: true, skip_empty_lines: true, trim: true }) as Row[];
}

function bad(file: string, row: number, field: string, message: string): never {
  throw new ReferenceDataError(`${file} row ${row}: ${field} ${message}`);
}

function number(file: string, row: number, field: string, text: string | undefined): number {
  const value = Number(text);
  if (text === undefined || text === '' || !Number.isFinite(value) || value < 0)
    bad(file, row, field, `must be a non-negative number, got "${text ?? ''}"`);
  return value;
}

function code(file: string, row: number, field: string, text: string | undefined): string {
  if (!text || !/^\d{6}$/.test(text)) bad(file, row, field, `must be a 6-digit HS code, got "${text ?? ''}"`);
  return text;
}

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split('|')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Reads and checks the substance, blend and species tables; a bad row names its file, row and field. */
export function loadEnvironmentReference(dir: string): EnvironmentReference {
  const hash = createHash('sha256');
  const substances: ControlledSubstance[] = readRows(dir, ENVIRONMENT_FILES.substances, hash).map((r, i) => {
    const f = ENVIRONMENT_FILES.substances;
    const row = i + 2;
    if (!r.name) bad(f, row, 'name', 'is empty');
    if (!(ANNEXES as readonly string[]).includes(r.annex ?? ''))
      bad(f, row, 'annex', `must be one of ${ANNEXES.join(', ')}`);
    if (!/^(I|II|III)$/.test(r.group ?? '')) bad(f, row, 'group', 'must be I, II or III');
    return {
      name: r.name,
      annex: r.annex as Annex,
      group: r.group!,
      formula: r.formula ?? '',
      odp: number(f, row, 'odp', r.odp),
      gwp: r.gwp === '' || r.gwp === undefined ? null : number(f, row, 'gwp', r.gwp),
      hs2022: code(f, row, 'hs2022', r.hs2022),
      hs2017: code(f, row, 'hs2017', r.hs2017),
      synonyms: list(r.synonyms),
    };
  });
  const blends: Blend[] = readRows(dir, ENVIRONMENT_FILES.blends, hash).map((r, i) => {
    const f = ENVIRONMENT_FILES.blends;
    const row = i + 2;
    if (!r.name) bad(f, row, 'name', 'is empty');
    const components = list(r.components).map((part) => {
      const [substance, percent] = part.split(':');
      if (!substance || percent === undefined)
        bad(f, row, 'components', `"${part}" is not substance:percent`);
      return { substance, percent: number(f, row, 'components', percent) };
    });
    if (components.length === 0) bad(f, row, 'components', 'is empty');
    return {
      name: r.name,
      components,
      hs2022: code(f, row, 'hs2022', r.hs2022),
      hs2017: code(f, row, 'hs2017', r.hs2017),
      synonyms: list(r.synonyms),
    };
  });
  const { catalogue, problems } = buildCatalogue(substances, blends);
  if (problems.length > 0)
    throw new ReferenceDataError(`environment reference in ${dir} is inconsistent: ${problems.join('; ')}`);
  const species = new Map<string, CitesSpecies>();
  readRows(dir, ENVIRONMENT_FILES.species, hash).forEach((r, i) => {
    const f = ENVIRONMENT_FILES.species;
    if (!r.scientific_name) bad(f, i + 2, 'scientific_name', 'is empty');
    if (!/^(I|II|III)$/.test(r.appendix ?? '')) bad(f, i + 2, 'appendix', 'must be I, II or III');
    species.set(speciesKey(r.scientific_name), {
      scientificName: r.scientific_name,
      commonName: r.common_name ?? '',
      appendix: r.appendix as CitesSpecies['appendix'],
      hs2022: r.hs2022 ?? '',
    });
  });
  return { catalogue, species, version: `env-${hash.digest('hex').slice(0, 16)}` };
}

const cache = new Map<string, EnvironmentReference>();
/** Same as {@link loadEnvironmentReference}, once per folder per process. */
export function environmentReference(dir: string): EnvironmentReference {
  let ref = cache.get(dir);
  if (!ref) {
    ref = loadEnvironmentReference(dir);
    cache.set(dir, ref);
  }
  return ref;
}
