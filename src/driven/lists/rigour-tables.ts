import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildNameTables, type NameTables, type RawNameTables } from '../../core/screening/name-tables.ts';
import { foldTokens } from '../../core/screening/normalise.ts';

/** The rigour files the name tables are read from (each may be missing). */
export function nameTablePaths(
  dataDirectory: string,
): [stopwords: string, orgTypes: string, symbols: string] {
  const dir = join(dataDirectory, 'sanctions', 'reference', 'rigour');
  return [join(dir, 'stopwords.yml'), join(dir, 'org_types.yml'), join(dir, 'symbols.yml')];
}

/**
 * Reads OpenSanctions' rigour name tables from the data directory
 * (`sanctions/reference/rigour/`: `stopwords.yml` person prefixes, `org_types.yml` legal forms,
 * `symbols.yml` org symbols and person name parts) into the screening core's tables. Missing
 * files fall back to the built-in tables alone.
 */
export function loadNameTables(dataDirectory: string): NameTables {
  const [stopwordsFile, orgTypesFile, symbolsFile] = nameTablePaths(dataDirectory);
  const yml = (file: string): Record<string, unknown> =>
    existsSync(file) ? ((parse(readFileSync(file, 'utf8')) as Record<string, unknown>) ?? {}) : {};
  const stopwords = yml(stopwordsFile);
  const orgTypes = yml(orgTypesFile);
  const symbols = yml(symbolsFile);
  const raw: RawNameTables = {
    personPrefixes: (stopwords.PERSON_NAME_PREFIXES as string[] | undefined) ?? [],
    orgTypes: (orgTypes.types as RawNameTables['orgTypes']) ?? [],
    symbols: {
      ...((symbols.org_symbols as Record<string, string[]> | undefined) ?? {}),
      ...((symbols.person_name_parts as Record<string, string[]> | undefined) ?? {}),
    },
  };
  return buildNameTables(raw, foldTokens);
}
