import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/**
 * The rules that keep the folder layout true to the architecture (docs/ARCHITECTURE.md), as
 * plain functions over a list of files so the test can also feed them made-up violations.
 *
 * Layers, innermost first: a file may import from its own layer or an inner one, never outward.
 */
export const LAYERS = ['core', 'app', 'driven', 'installation', 'driving'] as const;
export type Layer = (typeof LAYERS)[number];

/** Modules the pure core must not use: files, network, processes, databases, servers. */
export const CORE_FORBIDDEN_MODULES = [
  /^node:(fs|fs\/promises|net|http|https|http2|dgram|dns|child_process|worker_threads|cluster|os|readline|tty)$/,
  /^(fs|net|http|https|child_process|os)$/,
  /^(pg|better-sqlite3|kysely|hono|@hono\/.*|nats|@nats-io\/.*|ioredis|redis|commander|cli-progress)$/,
];
/** What the core must not read: the environment, the clock, the process. */
export const CORE_FORBIDDEN_CODE: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /\bprocess\.(env|argv|cwd|exit|stdout|stderr|stdin)\b/, what: 'the process or its environment' },
  { pattern: /\bDate\.now\(\)|\bnew Date\(\)|\bperformance\.now\(\)/, what: 'the clock' },
];

export const MAX_LINES = 800;

export interface SourceFile {
  /** Repository-relative path with forward slashes, e.g. `src/app/assess.ts`. */
  path: string;
  text: string;
}

export interface Violation {
  file: string;
  rule: 'layer' | 'cycle' | 'size' | 'core-io' | 'src-imports-test' | 'error-base';
  message: string;
}

const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** The module specifiers a file imports (static, re-exports, side-effect and dynamic imports). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of code.matchAll(IMPORT)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

/** Resolves a relative specifier against the importing file; undefined for packages. */
export function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return normalize(join(dirname(from), specifier))
    .split(sep)
    .join('/');
}

export function layerOf(path: string): Layer | undefined {
  const [top, layer] = path.split('/');
  if (top !== 'src') return undefined;
  return (LAYERS as readonly string[]).includes(layer!) ? (layer as Layer) : undefined;
}

/** `src/driven/store/ledger-records.ts` -> `driven/store`; files directly in a layer folder are their own unit. */
export function unitOf(path: string): string | undefined {
  const parts = path.split('/');
  if (parts[0] !== 'src' || parts.length < 3) return undefined;
  return parts.length === 3 ? parts[1] : `${parts[1]}/${parts[2]}`;
}

const isTest = (path: string) => path.endsWith('.test.ts');

export function checkArchitecture(files: readonly SourceFile[]): Violation[] {
  const violations: Violation[] = [];
  const unitEdges = new Map<string, Map<string, string>>();
  for (const file of files) {
    const lines = file.text.split('\n').length - (file.text.endsWith('\n') ? 1 : 0);
    if (lines > MAX_LINES) {
      violations.push({
        file: file.path,
        rule: 'size',
        message: `${lines} lines, more than ${MAX_LINES}: split it by concept`,
      });
    }
    const layer = layerOf(file.path);
    if (!layer) continue;
    if (!isTest(file.path)) {
      for (const m of file.text.matchAll(
        /class (\w+)(?:<[^>]*>)? extends (?:Error|TypeError|RangeError)\b/g,
      )) {
        if (file.path === 'src/core/error.ts' && m[1] === 'GreenlaneError') continue;
        violations.push({
          file: file.path,
          rule: 'error-base',
          message: `${m[1]} extends ${m[0].split(' extends ')[1]} directly: extend GreenlaneError (src/core/error.ts) so it carries a code`,
        });
      }
    }
    for (const spec of importsOf(file.text)) {
      const target = resolveImport(file.path, spec);
      if (layer === 'core' && !isTest(file.path) && !target) {
        if (CORE_FORBIDDEN_MODULES.some((re) => re.test(spec))) {
          violations.push({ file: file.path, rule: 'core-io', message: `the core imports ${spec}` });
        }
      }
      if (!target) continue;
      if (target.startsWith('test/')) {
        if (!isTest(file.path)) {
          violations.push({ file: file.path, rule: 'src-imports-test', message: `imports ${target}` });
        }
        continue;
      }
      if (isTest(file.path)) continue; // a test may reach any layer to set up what it checks
      const targetLayer = layerOf(target);
      if (!targetLayer) continue;
      if (LAYERS.indexOf(targetLayer) > LAYERS.indexOf(layer)) {
        violations.push({
          file: file.path,
          rule: 'layer',
          message: `${layer} imports ${target} (${targetLayer}): imports must point inward (${LAYERS.join(' < ')})`,
        });
      }
      const from = unitOf(file.path);
      const to = unitOf(target);
      if (from && to && from !== to) {
        if (!unitEdges.has(from)) unitEdges.set(from, new Map());
        if (!unitEdges.get(from)!.has(to)) unitEdges.get(from)!.set(to, `${file.path} -> ${target}`);
      }
    }
    if (layer === 'core' && !isTest(file.path)) {
      for (const { pattern, what } of CORE_FORBIDDEN_CODE) {
        const code = file.text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        if (pattern.test(code))
          violations.push({ file: file.path, rule: 'core-io', message: `the core reads ${what}` });
      }
    }
  }
  for (const cycle of cyclesOf(unitEdges)) {
    const path = cycle.map((u, i) => unitEdges.get(u)!.get(cycle[(i + 1) % cycle.length]!)!);
    violations.push({
      file: path[0]!.split(' -> ')[0]!,
      rule: 'cycle',
      message: `folders import each other in a circle: ${[...cycle, cycle[0]].join(' -> ')} (${path.join('; ')})`,
    });
  }
  return violations;
}

/** Strongly connected components with more than one folder (Tarjan), each as one cycle through it. */
function cyclesOf(edges: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) components.push(comp);
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return components.map((comp) => oneCycle(comp, edges));
}

/** A simple cycle inside a strongly connected component, found by walking edges within it. */
function oneCycle(component: string[], edges: Map<string, Map<string, string>>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0]!;
  const path = [start];
  const seen = new Set([start]);
  let at = start;
  for (;;) {
    const nextUnit = [...(edges.get(at)?.keys() ?? [])].filter((u) => inside.has(u)).sort();
    const back = nextUnit.find((u) => seen.has(u));
    const fresh = nextUnit.find((u) => !seen.has(u));
    if (back !== undefined && (back === start || fresh === undefined)) return path.slice(path.indexOf(back));
    at = fresh!;
    path.push(at);
    seen.add(at);
  }
}

/** Every TypeScript/JavaScript source file under the given repository folders. */
export function sourceFiles(root: string, folders: readonly string[]): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|mts|mjs|js)$/.test(entry.name))
        out.push({ path, text: readFileSync(join(root, path), 'utf8') });
    }
  };
  for (const f of folders) walk(f);
  return out.map((f) => ({ ...f, path: relative('.', f.path).split(sep).join('/') }));
}
