import type { EntityType, ListVersion, NameQuality, SanctionedEntity } from './entity.ts';
import { versionLabel } from './entity.ts';
import { deletions, type NameTables } from './name-tables.ts';
import { type NameForm, type NameKind, normaliseName, TOKEN_NAME } from './normalise.ts';

/**
 * The candidate index: every name of every loaded entity, normalised once, and an inverted index
 * from blocking keys to name ids so a query only ever scores a few dozen names, never the whole
 * list. Keys per name token: the token itself (`t`), its Double Metaphone code (`p`, catches
 * spelling variants), its first four letters (`f`, catches typos late in long tokens) and its
 * consonant skeleton (`s`, used for queries written in Arabic or Hebrew script). Keys are weighted
 * by inverse document frequency, so rare tokens decide which names are candidates.
 */
export interface ScreeningIndex {
  entities: SanctionedEntity[];
  /** Version label per entity (`un:2026-02-27:66b392a4...`). */
  entityVersion: string[];
  /**
   * Per entity, the ids (`list:entityId`) of every loaded entry of the same party, itself included,
   * as the lists' cross references link them (one array shared by the party's entries).
   */
  entityIds: string[][];
  /** Per entity, the first entity of its party: hits are merged per party. */
  entityParty: Int32Array;
  names: IndexedName[];
  /** Entity number (index into `entities`) per name id. */
  nameEntity: Int32Array;
  /** Entity type code per name id (index into ENTITY_TYPE_CODES). */
  nameType: Uint8Array;
  /** Token count per name id: among equally good candidates, the shorter name ranks first. */
  nameLength: Uint8Array;
  postings: Map<string, Int32Array>;
  /** Normalised name (tokens sorted) -> name ids: a listed name queried as written is always a candidate. */
  exact: Map<string, number[]>;
  /** Number of names, for IDF. */
  size: number;
  /** IMO number -> entity numbers. */
  imo: Map<string, number[]>;
  tables: NameTables;
  /** List versions in the index, for reports. */
  versions: string[];
}

/**
 * The index without its name tables: plain data only (arrays, maps, typed arrays), what a snapshot
 * of a built index stores. The tables hold functions (the Japanese reader) and are read again.
 */
export type ScreeningIndexData = Omit<ScreeningIndex, 'tables'>;

export interface IndexedName {
  value: string;
  quality: NameQuality;
  form: NameForm;
}

export const ENTITY_TYPE_CODES: readonly EntityType[] = ['person', 'organization', 'vessel', 'aircraft'];

const KEY_WEIGHT: Record<string, number> = { t: 1, p: 0.6, f: 0.5, s: 0.5, d: 0.5 };

/**
 * Keys of a name with a single name token ("BLUEBELL", "Hamas"): the token with each letter
 * deleted in turn. A typo anywhere in the query's one word ("BUEBELL", "OHNAR" for "HONAR")
 * shares one of them (symmetric deletion, edit distance 1), where a longer name has other tokens
 * to be found by and the first-letters key misses typos in the first four letters.
 */
export function singleTokenKeys(form: NameForm): string[] {
  let at = -1;
  for (let i = 0; i < form.tokens.length; i++) {
    if (form.roles[i] !== TOKEN_NAME) continue;
    if (at >= 0) return [];
    at = i;
  }
  const token = at >= 0 ? form.tokens[at]! : '';
  if (token.length < 4 || token.length > 16 || token.charCodeAt(0) <= 57) return [];
  return deletions(token).map((d) => `d:${d}`);
}

/** Blocking keys of one name form (name tokens only: particles and legal forms do not identify). */
export function blockingKeys(form: NameForm, withSkeleton: boolean): string[] {
  const keys: string[] = [];
  for (let i = 0; i < form.tokens.length; i++) {
    if (form.roles[i] !== TOKEN_NAME) continue;
    const token = form.tokens[i]!;
    keys.push(`t:${token}`);
    if (form.phonetic[i]) keys.push(`p:${form.phonetic[i]}`);
    if (token.length >= 5) keys.push(`f:${token.slice(0, 4)}`);
    if (withSkeleton && form.skeleton[i]!.length >= 2) keys.push(`s:${form.skeleton[i]}`);
  }
  // A name of particles or legal forms only ("YK-AND") is still found by its tokens.
  if (keys.length === 0) for (const token of form.tokens) keys.push(`t:${token}`);
  // A Han name is found through its Korean and Japanese readings as well.
  if (form.readings) {
    for (const reading of form.readings) keys.push(...blockingKeys(reading, withSkeleton));
    return [...new Set(keys)];
  }
  return keys;
}

/** Normalisation kind for a listed entity's names. */
export function kindOf(type: EntityType): NameKind {
  return type === 'person' ? 'person' : type === 'vessel' ? 'vessel' : 'organization';
}

/**
 * Builds the index from loaded list versions.
 *
 * @example
 * const index = buildScreeningIndex([un, ofac, uk, eu], tables);
 */
export function buildScreeningIndex(versions: ListVersion[], tables: NameTables): ScreeningIndex {
  const entities: SanctionedEntity[] = [];
  const entityVersion: string[] = [];
  const names: IndexedName[] = [];
  const nameEntity: number[] = [];
  const nameType: number[] = [];
  const nameLength: number[] = [];
  const lists = new Map<string, number[]>();
  const exact = new Map<string, number[]>();
  const imo = new Map<string, number[]>();
  for (const version of versions) {
    const label = versionLabel(version);
    for (const entity of version.entities) {
      const e = entities.length;
      entities.push(entity);
      entityVersion.push(label);
      const typeCode = ENTITY_TYPE_CODES.indexOf(entity.type);
      for (const id of entity.identifiers) {
        if (id.type !== 'imo') continue;
        const list = imo.get(id.value);
        if (list) list.push(e);
        else imo.set(id.value, [e]);
      }
      const kind = kindOf(entity.type);
      for (const name of entity.names) {
        const form = normaliseName(name.value, tables, kind);
        if (form.tokens.length === 0) continue;
        const n = names.length;
        names.push({ value: name.value, quality: name.quality, form });
        nameEntity.push(e);
        nameType.push(typeCode);
        nameLength.push(Math.min(255, form.tokens.length));
        for (const key of exactKeys(form)) {
          const same = exact.get(key);
          if (same) same.push(n);
          else exact.set(key, [n]);
        }
        for (const key of new Set([...blockingKeys(form, true), ...singleTokenKeys(form)])) {
          const list = lists.get(key);
          if (list) list.push(n);
          else lists.set(key, [n]);
        }
      }
    }
  }
  const postings = new Map<string, Int32Array>();
  for (const [key, list] of lists) postings.set(key, Int32Array.from(list));
  const { entityIds, entityParty } = resolveParties(entities);
  return {
    entities,
    entityVersion,
    entityIds,
    entityParty,
    names,
    nameEntity: Int32Array.from(nameEntity),
    nameType: Uint8Array.from(nameType),
    nameLength: Uint8Array.from(nameLength),
    postings,
    exact,
    size: names.length,
    imo,
    tables,
    versions: versions.map(versionLabel),
  };
}

/** List order of the ids of one party. */
const LIST_ORDER: Record<string, number> = { un: 0, ofac: 1, eu: 2, uk: 3 };

/**
 * Entity resolution across lists: entries the lists themselves link (a UK or EU entry's UN
 * reference number, a UK entry's OFAC UID) are one party. Links are followed both ways and
 * transitively (union-find); a reference to an entry that is not loaded links nothing.
 */
export function resolveParties(entities: SanctionedEntity[]): {
  entityIds: string[][];
  entityParty: Int32Array;
} {
  const byId = new Map<string, number>();
  entities.forEach((e, i) => {
    byId.set(`${e.list}:${e.entityId}`, i);
  });
  const parent = Int32Array.from(entities, (_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  entities.forEach((e, i) => {
    for (const id of e.sameAs ?? []) {
      const j = byId.get(id);
      if (j === undefined) continue;
      const [a, b] = [root(i), root(j)];
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  });
  const members = new Map<number, string[]>();
  const entityParty = new Int32Array(entities.length);
  entities.forEach((e, i) => {
    const r = root(i);
    entityParty[i] = r;
    const ids = members.get(r);
    if (ids) ids.push(`${e.list}:${e.entityId}`);
    else members.set(r, [`${e.list}:${e.entityId}`]);
  });
  for (const ids of members.values())
    ids.sort(
      (a, b) =>
        (LIST_ORDER[a.split(':')[0]!] ?? 9) - (LIST_ORDER[b.split(':')[0]!] ?? 9) || a.localeCompare(b),
    );
  return { entityIds: entities.map((_, i) => members.get(entityParty[i]!)!), entityParty };
}

/**
 * How much a token identifies: 1 for rare tokens, down to 0.35 for the commonest ("muhammad",
 * "ali", "company"), from its document frequency among listed names. A shared rare surname says
 * more than a shared common given name.
 */
export function tokenRarity(index: ScreeningIndex): (token: string) => number {
  const scale = Math.log(index.size / 3);
  const memo = new Map<string, number>();
  return (token) => {
    let r = memo.get(token);
    if (r === undefined) {
      const df = index.postings.get(`t:${token}`)?.length ?? 0;
      r = df <= 3 ? 1 : 0.35 + 0.65 * Math.min(1, Math.log(index.size / df) / scale);
      if (memo.size < 200_000) memo.set(token, r);
    }
    return r;
  };
}

/** Order-independent key of a whole normalised name. */
export function exactKey(form: NameForm): string {
  return [...form.tokens].sort().join(' ');
}

/** Exact keys of a name and of its readings (a Han name's Korean and Japanese readings). */
function exactKeys(form: NameForm): string[] {
  if (!form.readings) return [exactKey(form)];
  return [...new Set([exactKey(form), ...form.readings.map(exactKey)])];
}

/**
 * Keys of the listed tokens a query wrote joined or split: "Alekseevichfyodorov" (patronymic fused
 * to the surname), "Cholnam" (a Korean given name as one word), "Alzawahiri" (the article fused)
 * find "Alekseevich", "Fyodorov", "Chol", "Nam", "Zawahiri"; "Sana Ullah" finds "Sanaullah". Only
 * tokens the lists do not contain as written are split, only into parts they do contain; the name
 * comparison then joins the listed tokens the same way (`joinTokens` in name-compare.ts).
 */
export function rejoinedKeys(index: ScreeningIndex, form: NameForm): string[] {
  // Plain loops and no closures: this runs on every query.
  const keys: string[] = [];
  const { postings } = index;
  const { equivalents, particles } = index.tables;
  for (let i = 0; i < form.tokens.length; i++) {
    if (form.roles[i] !== TOKEN_NAME) continue;
    const token = form.written[i]!;
    const next = form.written[i + 1];
    if (next !== undefined) {
      const key = `t:${equivalents.get(token + next) ?? token + next}`;
      if (postings.has(key)) keys.push(key);
    }
    if (token.length < 5 || postings.has(`t:${form.tokens[i]!}`)) continue;
    for (let k = 2; k <= token.length - 2; k++) {
      // The tail first: a long tail is rarely a listed token, a short head often is.
      const tailKey = `t:${equivalents.get(token.slice(k)) ?? token.slice(k)}`;
      if (!postings.has(tailKey)) continue;
      const head = equivalents.get(token.slice(0, k)) ?? token.slice(0, k);
      const particle = particles.has(head);
      const headKey = `t:${head}`;
      if (particle || postings.has(headKey)) {
        if (!particle) keys.push(headKey);
        keys.push(tailKey);
      }
    }
  }
  return keys;
}

/** Keys shared by more than this share of all names are too common to select candidates. */
const MAX_POSTING_SHARE = 0.03;

let accumulator = new Float32Array(0);

/**
 * Ids of the names most likely to match `form`, best first: at most `limit`, among names whose
 * entity type is allowed by `typeMask` (bit per ENTITY_TYPE_CODES entry).
 */
export function candidateNames(
  index: ScreeningIndex,
  form: NameForm,
  typeMask: number,
  limit: number,
): number[] {
  if (accumulator.length < index.size) accumulator = new Float32Array(index.size);
  const acc = accumulator;
  const touched: number[] = [];
  const keys = [...blockingKeys(form, form.abjad), ...rejoinedKeys(index, form), ...singleTokenKeys(form)];
  const maxPostings = Math.max(50, index.size * MAX_POSTING_SHARE);
  const usable: string[] = [];
  for (const k of keys) if ((index.postings.get(k)?.length ?? 0) <= maxPostings) usable.push(k);
  // A name made only of very common tokens ("Muhammad Ali") still needs candidates.
  const selected = usable.length > 0 ? usable : keys;
  for (const key of selected) {
    const list = index.postings.get(key);
    if (!list) continue;
    const weight = KEY_WEIGHT[key[0]!]! * Math.log(1 + index.size / list.length);
    for (let k = 0; k < list.length; k++) {
      const n = list[k]!;
      if (!((typeMask >> index.nameType[n]!) & 1)) continue;
      if (acc[n] === 0) touched.push(n);
      acc[n] = acc[n]! + weight;
    }
  }
  // Listed names longer than the query rank lower at equal key mass: "Muhammad Umar" first finds
  // "Muhammad Umar", then "Muhammad Umar Abd al-Rahman".
  const queryLength = form.tokens.length;
  let best = 0;
  for (const n of touched) {
    const extra = index.nameLength[n]! - queryLength;
    if (extra > 0) acc[n] = acc[n]! / (1 + 0.15 * extra);
    if (acc[n]! > best) best = acc[n]!;
  }
  // Names equal to the query come first whatever the key mass: a name made only of common tokens
  // ("Muhammad al-Muhammad") would otherwise tie with hundreds of others.
  const out: number[] = [];
  for (const key of exactKeys(form)) {
    for (const n of index.exact.get(key) ?? []) {
      if ((typeMask >> index.nameType[n]!) & 1 && !out.includes(n)) {
        out.push(n);
        acc[n] = 0;
      }
    }
  }
  // The best `limit` of the rest, by insertion into a short sorted list (no sort of all touched names).
  const floor = best * 0.3;
  const room = Math.max(0, limit - out.length);
  const topIds: number[] = [];
  const topScores: number[] = [];
  for (const n of touched) {
    const score = acc[n]!;
    acc[n] = 0;
    if (score < floor || room === 0) continue;
    if (topIds.length === room && score <= topScores[room - 1]!) continue;
    let at = topIds.length === room ? room - 1 : topIds.length;
    while (at > 0 && topScores[at - 1]! < score) {
      topIds[at] = topIds[at - 1]!;
      topScores[at] = topScores[at - 1]!;
      at--;
    }
    topIds[at] = n;
    topScores[at] = score;
  }
  for (const n of topIds) out.push(n);
  return out;
}
