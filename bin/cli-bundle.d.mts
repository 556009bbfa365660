import type { BuildOptions, Plugin } from 'esbuild';

/** The package root: the folder above `bin/`. */
export const PACKAGE_ROOT: string;
/** SHA-256 of the CLI's sources (not tests), the lockfile and the builder: see cli-bundle.mjs. */
export function cliSourceFingerprint(root?: string): string;
/** The `greenlane-cli-entry` module and the source-location rewrite every bundle needs. */
export function bundlePlugins(root?: string): Plugin[];
/** esbuild options of a Greenlane bundle with these entry points, written to `outdir`. */
export function bundleOptions(
  entryPoints: Record<string, string>,
  outdir: string,
  root?: string,
): BuildOptions;
/** A bundle of the current sources (built now when missing), or undefined where none can be built. */
export function freshCliBundle(root?: string): Promise<string | undefined>;
