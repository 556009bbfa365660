/**
 * Folding and term matching for goods descriptions, shared by the prohibited-goods keywords and the
 * goods categories: one pass of two compiled regular expressions per description, whatever the
 * number of terms, because the lane decides tens of thousands of consignments a second.
 */

const COMBINING = /[\u0300-\u036f]/g;
/** Scripts written without spaces between words: their terms match anywhere in the text. */
const UNSPACED = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** Lower case, accents removed (NFKD then combining marks dropped), hyphens and spaces collapsed. */
export function foldDescription(text: string): string {
  return text
    .normalize('NFKD')
    .replace(COMBINING, '')
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');
}

const bare = (s: string): string => s.replace(/[- ]/g, '');

export function escapeRegExp(term: string): string {
  return term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A set of terms compiled for matching, each with its payload. */
export class TermMatcher<T> {
  private readonly bounded: RegExp | undefined;
  private readonly unbounded: RegExp | undefined;
  private readonly byTerm = new Map<string, T>();
  /** The same terms without separators, for text that writes them otherwise ("r22" for "r-22"). */
  private readonly byBare = new Map<string, { term: string; value: T }>();

  /** @param terms written as people write them (case and accents do not matter). */
  constructor(terms: ReadonlyArray<{ term: string; value: T }>) {
    const bounded: string[] = [];
    const unbounded: string[] = [];
    for (const { term, value } of terms) {
      const folded = foldDescription(term).trim();
      if (this.byTerm.has(folded)) throw new Error(`the term "${term}" is listed twice`);
      this.byTerm.set(folded, value);
      this.byBare.set(bare(folded), { term: folded, value });
      // A space or hyphen in a term matches a space, a hyphen or nothing ("r-22", "r 22", "r22").
      const pattern = escapeRegExp(folded).replace(/\\?[- ]/g, '[- ]?');
      if (UNSPACED.test(folded)) unbounded.push(pattern);
      // Latin and Cyrillic terms match whole words, plurals included ("pistols", "cigarettes").
      else bounded.push(`${pattern}(?:e?s)?`);
    }
    // Longest first so that "rhino horn" wins over "horn" inside one alternation.
    const byLength = (a: string, b: string) => b.length - a.length;
    this.bounded =
      bounded.length > 0
        ? new RegExp(`(?<![\\p{L}\\p{N}])(?:${bounded.sort(byLength).join('|')})(?![\\p{L}\\p{N}])`, 'gu')
        : undefined;
    this.unbounded = unbounded.length > 0 ? new RegExp(unbounded.sort(byLength).join('|'), 'g') : undefined;
  }

  /** Every listed term found in `folded` (the output of {@link foldDescription}), in order found. */
  find(folded: string): Array<{ term: string; value: T }> {
    const out: Array<{ term: string; value: T }> = [];
    for (const re of [this.bounded, this.unbounded]) {
      if (!re) continue;
      re.lastIndex = 0;
      for (let m = re.exec(folded); m !== null; m = re.exec(folded)) {
        const value = this.lookup(m[0]);
        if (value) out.push(value);
      }
    }
    return out;
  }

  private lookup(found: string): { term: string; value: T } | undefined {
    const candidates = [found, found.replace(/e?s$/, ''), found.replace(/s$/, '')];
    for (const c of candidates) {
      const exact = this.byTerm.get(c);
      if (exact !== undefined) return { term: c, value: exact };
    }
    for (const c of candidates) {
      const written = this.byBare.get(bare(c));
      if (written) return written;
    }
    return undefined;
  }
}
