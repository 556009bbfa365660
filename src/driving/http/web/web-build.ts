import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GreenlaneError } from '../../../core/error.ts';

/**
 * The workbench single-page application (`web/` at the repository root) is built by Vite from its
 * sources; nothing built is committed. A build records the hash of the sources it was made from
 * (`build-info.json`), and `greenlane serve` compares it with the sources on disk before serving:
 * a missing or stale build is rebuilt, so what is served always matches the code beside it.
 */

/** `web/` of this checkout (two levels above `src/driving/http/web/`). */
export const WEB_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'web');
const REPO_DIR = dirname(WEB_DIR);
const BUILD_INFO = 'build-info.json';

export class WebBuildError extends GreenlaneError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WEB_BUILD_FAILED', message, options);
  }
}

export interface WebBuildInfo {
  /** SHA-256 of the web sources and the lockfile (see {@link webSourceHash}). */
  sourceHash: string;
  builtAt: string;
  /** Every file of the build, relative to the output folder, with `/` separators. */
  files: string[];
}

function listFiles(dir: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip(path)) continue;
    if (entry.isDirectory()) out.push(...listFiles(path, skip));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Hash of everything a build depends on: every file under `web/` except the build output, and the
 * lockfile (a dependency upgrade changes the bundle). Paths are part of the hash, so a rename
 * counts as a change.
 */
export function webSourceHash(webDir = WEB_DIR): string {
  const outDir = join(webDir, 'dist');
  const files = listFiles(webDir, (p) => p === outDir || p.endsWith(`${sep}node_modules`)).sort();
  const lock = join(dirname(webDir), 'package-lock.json');
  if (existsSync(lock)) files.push(lock);
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(relative(dirname(webDir), file).split(sep).join('/'));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

export function readBuildInfo(outDir: string): WebBuildInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(outDir, BUILD_INFO), 'utf8')) as WebBuildInfo;
  } catch {
    return undefined;
  }
}

/** Builds `web/` with Vite into `outDir`: into a fresh folder first, renamed into place when complete. */
export async function buildWeb(webDir = WEB_DIR, outDir = join(webDir, 'dist')): Promise<WebBuildInfo> {
  const sourceHash = webSourceHash(webDir);
  const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch (err) {
    throw new WebBuildError('cannot build the web app: Vite is not installed (run npm install)', {
      cause: err,
    });
  }
  try {
    await vite.build({
      root: webDir,
      configFile: existsSync(join(webDir, 'vite.config.ts')) ? join(webDir, 'vite.config.ts') : false,
      logLevel: 'warn',
      build: { outDir: staging, emptyOutDir: true },
    });
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw new WebBuildError(`the web app failed to build: ${(err as Error).message}`, { cause: err });
  }
  const files = listFiles(staging, () => false).map((f) => relative(staging, f).split(sep).join('/'));
  const info: WebBuildInfo = { sourceHash, builtAt: new Date().toISOString(), files };
  writeFileSync(join(staging, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(dirname(outDir), { recursive: true });
  renameSync(staging, outDir);
  return info;
}

/**
 * The build to serve: the existing one when its source hash matches the sources, else a new one
 * (`onBuild` is told why, so `serve` can say it). With `rebuild: false` a stale or missing build is
 * refused with a {@link WebBuildError} instead (for installations that must not run a bundler).
 */
export async function ensureWebBuild(
  options: {
    webDir?: string;
    outDir?: string;
    rebuild?: boolean;
    onBuild?: (reason: 'missing' | 'stale') => void;
  } = {},
): Promise<{ outDir: string; info: WebBuildInfo; built: boolean }> {
  const webDir = options.webDir ?? WEB_DIR;
  const outDir = options.outDir ?? join(webDir, 'dist');
  const current = readBuildInfo(outDir);
  const hash = webSourceHash(webDir);
  if (current && current.sourceHash === hash) return { outDir, info: current, built: false };
  const reason = current ? 'stale' : 'missing';
  if (options.rebuild === false)
    throw new WebBuildError(
      `the web app build in ${relative(REPO_DIR, outDir)} is ${reason === 'stale' ? 'older than its sources' : 'missing'}: run npm run build:web`,
    );
  options.onBuild?.(reason);
  return { outDir, info: await buildWeb(webDir, outDir), built: true };
}
