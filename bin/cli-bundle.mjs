// The `greenlane` command line as one bundled ES module, built from the TypeScript sources by
// esbuild and kept in node_modules/.cache/greenlane-cli/<fingerprint>/. Starting from the bundle
// skips tsx's resolving and transforming of some 300 TypeScript files at every start (seconds of
// CPU on a modest machine). The fingerprint is a hash of the sources, so an edited, pulled or
// upgraded tree builds a new bundle at its first start; a stale bundle is never run.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The package root: the folder above `bin/`. */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} dir @returns {string[]} */
function tsFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...tsFiles(path));
    else if (entry.isFile() && /\.(ts|mjs)$/.test(entry.name) && !entry.name.endsWith('.test.ts'))
      out.push(path);
  }
  return out;
}

/**
 * SHA-256 of what a bundle is made from: every source file under `src/` but tests (path and content), the
 * lockfile (external packages are resolved at run time, but a version change may change what the
 * bundle imports) and this builder.
 * @returns {string}
 */
export function cliSourceFingerprint(root = PACKAGE_ROOT) {
  const files = tsFiles(join(root, 'src')).sort();
  files.push(fileURLToPath(import.meta.url));
  const lock = join(root, 'package-lock.json');
  if (existsSync(lock)) files.push(lock);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(root, file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/**
 * esbuild plugins every Greenlane bundle needs: the `greenlane-cli-entry` module (runs the CLI's
 * `main`), and each `import.meta.url` (`.dirname`, `.filename`) of a source file replaced by that
 * file's own location, so paths the code resolves from its module (the package root, the
 * screening worker thread, kuromoji's dictionary) are the same in a bundle as under tsx.
 * @returns {import('esbuild').Plugin[]}
 */
export function bundlePlugins(root = PACKAGE_ROOT) {
  return [
    {
      name: 'greenlane-cli-entry',
      setup(builder) {
        builder.onResolve({ filter: /^greenlane-cli-entry$/ }, () => ({ path: 'entry', namespace: 'cli' }));
        builder.onLoad({ filter: /.*/, namespace: 'cli' }, () => ({
          contents: "import { main } from './src/driving/cli/main.ts';\nawait main(process.argv);\n",
          resolveDir: root,
          loader: 'ts',
        }));
      },
    },
    {
      name: 'source-locations',
      setup(builder) {
        builder.onLoad({ filter: /\.ts$/ }, (args) => {
          const text = readFileSync(args.path, 'utf8')
            .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
            .replaceAll('import.meta.dirname', JSON.stringify(join(args.path, '..')))
            .replaceAll('import.meta.filename', JSON.stringify(args.path));
          return { contents: text, loader: 'ts' };
        });
      },
    },
  ];
}

/**
 * The esbuild options of a bundle: ES modules sharing chunks (dynamic imports stay lazy), packages
 * left in `node_modules`. `outdir` must lie inside the package so the bundle finds them.
 * @param {Record<string, string>} entryPoints @param {string} outdir
 * @returns {import('esbuild').BuildOptions}
 */
export function bundleOptions(entryPoints, outdir, root = PACKAGE_ROOT) {
  return {
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    plugins: bundlePlugins(root),
    logLevel: 'silent',
  };
}

/**
 * The path of a bundle of the current sources, built now when there is none: into a fresh folder,
 * renamed into place when complete (two first starts at once both end with a whole bundle), older
 * bundles removed. Undefined when it cannot be built here (esbuild missing, a read-only install,
 * no sources): the caller then runs the sources through tsx, as before.
 * @returns {Promise<string | undefined>}
 */
export async function freshCliBundle(root = PACKAGE_ROOT) {
  const cacheDir = join(root, 'node_modules', '.cache', 'greenlane-cli');
  try {
    const fingerprint = cliSourceFingerprint(root).slice(0, 20);
    const dir = join(cacheDir, fingerprint);
    const script = join(dir, 'greenlane.mjs');
    if (existsSync(script)) return script;
    const { build } = await import('esbuild');
    const staging = join(cacheDir, `.tmp-${process.pid}-${Date.now()}`);
    mkdirSync(staging, { recursive: true });
    try {
      await build(bundleOptions({ greenlane: 'greenlane-cli-entry' }, staging, root));
      renameSync(staging, dir);
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      if (!existsSync(script)) throw err; // another start renamed its bundle into place first: use it
    }
    for (const old of readdirSync(cacheDir)) {
      if (old !== fingerprint && !old.startsWith('.tmp-'))
        rmSync(join(cacheDir, old), { recursive: true, force: true });
    }
    return script;
  } catch {
    return undefined;
  }
}
