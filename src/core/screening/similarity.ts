/**
 * String similarity measures for name parts. Written here rather than taken from npm because the
 * hot loop of screening runs them millions of times: no allocation beyond two small reusable
 * buffers, plain char-code comparisons.
 */

const MAX = 64;
const matchA = new Uint8Array(MAX);
const matchB = new Uint8Array(MAX);

/**
 * Jaro-Winkler similarity (Winkler 1990) with the usual prefix scale 0.1 over at most 4 characters.
 * Returns 1 for equal strings, 0 when nothing matches.
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return 1;
  const la = Math.min(a.length, MAX);
  const lb = Math.min(b.length, MAX);
  if (la === 0 || lb === 0) return 0;
  const window = Math.max(0, Math.floor(Math.max(la, lb) / 2) - 1);
  matchA.fill(0, 0, la);
  matchB.fill(0, 0, lb);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window);
    const hi = Math.min(lb - 1, i + window);
    const ca = a.charCodeAt(i);
    for (let j = lo; j <= hi; j++) {
      if (matchB[j] || b.charCodeAt(j) !== ca) continue;
      matchA[i] = 1;
      matchB[j] = 1;
      matches++;
      break;
    }
  }
  if (matches === 0) return 0;
  let transpositions = 0;
  let k = 0;
  for (let i = 0; i < la; i++) {
    if (!matchA[i]) continue;
    while (!matchB[k]) k++;
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++;
    k++;
  }
  const jaro = (matches / la + matches / lb + (matches - transpositions / 2) / matches) / 3;
  let prefix = 0;
  const maxPrefix = Math.min(4, la, lb);
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}

let rowPrev2 = new Int32Array(MAX + 1);
let rowPrev = new Int32Array(MAX + 1);
let rowCur = new Int32Array(MAX + 1);

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transposition, the commonest typing
 * error: "Mohammed" / "Mohammde"). Three reused rows, rotated: no allocation per call.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const la = Math.min(a.length, MAX);
  const lb = Math.min(b.length, MAX);
  if (la === 0) return lb;
  if (lb === 0) return la;
  for (let j = 0; j <= lb; j++) rowPrev[j] = j;
  for (let i = 1; i <= la; i++) {
    rowCur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1);
      let v = Math.min(rowPrev[j]! + 1, rowCur[j - 1]! + 1, rowPrev[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        v = Math.min(v, rowPrev2[j - 2]! + 1);
      }
      rowCur[j] = v;
    }
    const spare = rowPrev2;
    rowPrev2 = rowPrev;
    rowPrev = rowCur;
    rowCur = spare;
  }
  return rowPrev[lb]!;
}

/** Edit distance turned into a similarity in [0, 1] relative to the longer string. */
export function editSimilarity(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 1 : 1 - editDistance(a, b) / longest;
}
