import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/installation/config.ts';
import { checkArchitecture, importsOf, type SourceFile, sourceFiles } from './support/architecture-rules.ts';

const file = (path: string, text: string): SourceFile => ({ path, text });

describe('the architecture rules', () => {
  it('hold for the repository: imports point inward, no folder cycles, no file over 800 lines, a core without I/O', () => {
    const files = sourceFiles(PACKAGE_ROOT, ['src', 'test', 'bench', 'eval']);
    expect(files.length).toBeGreaterThan(200);
    expect(checkArchitecture(files)).toEqual([]);
  });

  it('read every kind of import', () => {
    const text = [
      "import { a } from './a.ts';",
      "import type { B } from '../b.ts';",
      "export { c } from './c.ts';",
      "import './side-effect.ts';",
      "const d = await import('./d.ts');",
      "// import { e } from './commented.ts';",
      "/* import { f } from './block.ts'; */",
      'import {',
      '  g,',
      "} from './g.ts';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a.ts', '../b.ts', './c.ts', './side-effect.ts', './d.ts', './g.ts']);
  });

  it('name an import that points outward', () => {
    const v = checkArchitecture([
      file('src/app/assess.ts', "import { DeclarationStore } from '../driven/store/declaration-store.ts';"),
      file('src/driven/store/declaration-store.ts', ''),
    ]);
    expect(v).toEqual([expect.objectContaining({ file: 'src/app/assess.ts', rule: 'layer' })]);
    expect(v[0]!.message).toContain('src/driven/store/declaration-store.ts');
  });

  it('allow inward imports, and let tests reach any layer', () => {
    expect(
      checkArchitecture([
        file('src/driving/cli/main.ts', "import { x } from '../../installation/installation.ts';"),
        file('src/installation/installation.ts', "import { s } from '../driven/store/s.ts';"),
        file('src/driven/store/s.ts', "import { p } from '../../app/ports.ts';"),
        file('src/app/ports.ts', "import { d } from '../core/declaration/declaration.ts';"),
        file('src/core/declaration/declaration.ts', "import { createHash } from 'node:crypto';"),
        file(
          'src/app/assess.test.ts',
          "import { db } from '../../test/support/databases.ts';\nimport '../driven/store/s.ts';",
        ),
      ]),
    ).toEqual([]);
  });

  it('find folders that import each other in a circle, even through a third', () => {
    const v = checkArchitecture([
      file('src/driven/store/a.ts', "import '../ledger/b.ts';"),
      file('src/driven/ledger/b.ts', "import '../lists/c.ts';"),
      file('src/driven/lists/c.ts', "import '../store/a.ts';"),
    ]);
    expect(v).toHaveLength(1);
    expect(v[0]!.rule).toBe('cycle');
    expect(v[0]!.message).toContain('driven/ledger -> driven/lists -> driven/store -> driven/ledger');
  });

  it('flag a file over 800 lines, I/O or a clock in the core, production code importing tests, an error class off the base', () => {
    const v = checkArchitecture([
      file('src/core/rules/big.ts', 'x;\n'.repeat(801)),
      file('src/core/rules/fine.ts', 'x;\n'.repeat(800)),
      file('src/core/rules/io.ts', "import { readFileSync } from 'node:fs';"),
      file('src/core/rules/env.ts', 'const home = process.env.HOME;'),
      file('src/core/rules/clock.ts', 'const t = Date.now();'),
      file('src/driving/http/kit.ts', "import '../../../test/support/databases.ts';"),
      file('src/driven/lists/list-error.ts', 'export class ListError extends Error {}'),
      file('src/core/error.ts', 'export class GreenlaneError<Code extends string = string> extends Error {}'),
    ]);
    expect(v.map((x) => `${x.rule} ${x.file}`).sort()).toEqual([
      'core-io src/core/rules/clock.ts',
      'core-io src/core/rules/env.ts',
      'core-io src/core/rules/io.ts',
      'error-base src/driven/lists/list-error.ts',
      'size src/core/rules/big.ts',
      'src-imports-test src/driving/http/kit.ts',
    ]);
  });
});
