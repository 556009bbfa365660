import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces one named section of a Markdown report (`docs/PERFORMANCE.md`, `docs/QUALITY.md`),
 * between `<!-- section:NAME -->` and `<!-- /section:NAME -->`, leaving other sections alone so
 * each benchmark and evaluation owns its part of the file.
 */
export function writeReportSection(file: string, name: string, markdown: string): void {
  // bench:compare runs benchmarks as children and writes one table of its own.
  if (process.env.GREENLANE_BENCH_NO_REPORT === '1') return;
  const start = `<!-- section:${name} -->`;
  const end = `<!-- /section:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? current.slice(0, from) + block + current.slice(to + end.length)
      : `${current.trimEnd()}${current ? '\n\n' : ''}${block}\n`;
  writeFileSync(file, next);
}

/** Median of a list of numbers (machines are noisy: quote medians of several runs). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
