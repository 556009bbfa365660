import { buildNameTables, type NameTables } from './name-tables.ts';
import { foldTokens } from './normalise.ts';

/**
 * Name tables for unit tests: the built-in tables plus a few legal forms, so core tests need no
 * data files (the adapter tests cover the rigour files).
 */
export function testNameTables(): NameTables {
  return buildNameTables(
    {
      personPrefixes: ['Mr', 'Dr', 'His Excellency'],
      orgTypes: [
        { display: 'LLC', generic: 'LLC', aliases: ['Limited Liability Company', 'OOO', 'L.L.C.'] },
        {
          display: 'JSC',
          generic: 'JSC',
          aliases: ['Joint Stock Company', 'OAO', 'Open Joint Stock Company', 'PJSC'],
        },
        { display: 'Ltd', generic: 'LLC', aliases: ['Limited', 'Ltd.'] },
      ],
      symbols: { co: ['company', 'co', 'corporation', 'corp'] },
    },
    foldTokens,
  );
}
