import {
  buildScreeningIndex,
  type ScreeningIndex,
  tokenRarity,
} from '../../core/screening/candidate-index.ts';
import { diffFingerprints, entityFingerprint, partyFingerprint } from '../../core/screening/delta.ts';
import {
  LIST_SOURCES,
  type ListSource,
  type ListVersion,
  type SanctionedEntity,
} from '../../core/screening/entity.ts';
import type { ScreeningHit, ScreeningQuery, ScreeningThresholds } from '../../core/screening/screen.ts';
import { screenParty } from '../../core/screening/screen.ts';
import { goodPartyKey, type ScreeningStore, type StoredHit } from '../store/screening-store.ts';
import type { IndexSnapshotCache, IndexSnapshotRef } from './index-snapshot.ts';
import { releaseJapaneseReader } from './japanese-reader.ts';
import { loadScreeningIndex, loadScreeningTables } from './load-index.ts';

/** Parses `un,ofac` into list names; throws on an unknown one. */
export function parseLists(value: string | undefined): ListSource[] {
  if (!value || value === 'all') return [...LIST_SOURCES];
  const names = value.split(',').map((s) => s.trim().toLowerCase());
  const unknown = names.filter((n) => !(LIST_SOURCES as readonly string[]).includes(n));
  if (unknown.length)
    throw new Error(`unknown list ${unknown.join(', ')}: choose from ${LIST_SOURCES.join(', ')}, all`);
  return names as ListSource[];
}

/**
 * What a screening run needs: the index, each administration's good-party list and a way to
 * record hits. Good-party lists are per administration and read from the store by `refresh`,
 * which the pipeline and the API call before each batch: an adjudication takes effect for the
 * next declaration of its administration, without a restart, and never for another.
 */
export interface ScreeningContext {
  index: ScreeningIndex;
  /** A snapshot holding the same index, when the index cache is on (screening workers read it). */
  snapshot?: IndexSnapshotRef;
  /** `store` or `data directory`. */
  origin: string;
  store: ScreeningStore;
  /** Reads an administration's good-party list from the store again. */
  refresh(administration: string): Promise<void>;
  /**
   * True for a party-entity pair on the administration's good-party list (both sides' data
   * unchanged) as last refreshed; an administration never refreshed has nothing cleared.
   */
  isCleared(administration: string, query: ScreeningQuery, hit: ScreeningHit): boolean;
  /** Stores the party and its new hits for the administration. */
  recordHits(administration: string, query: ScreeningQuery, hits: ScreeningHit[]): Promise<void>;
}

/** Per-administration good-party checks and hit recording over a store and an index. */
export function goodPartyScreening(
  store: ScreeningStore,
  index: ScreeningIndex,
): Pick<ScreeningContext, 'refresh' | 'isCleared' | 'recordHits'> {
  const good = new Map<string, Set<string>>();
  const fingerprintOf = hitFingerprints(index);
  return {
    refresh: async (administration) => {
      good.set(administration, await store.goodPartyKeys(administration));
    },
    isCleared: (administration, query, hit) =>
      good
        .get(administration)
        ?.has(goodPartyKey(partyFingerprint(query), hit.list, hit.entityId, fingerprintOf(hit))) ?? false,
    recordHits: async (administration, query, hits) => {
      const key = await store.recordParty(administration, query);
      await store.recordHits(administration, key, hits, fingerprintOf, 'screen');
    },
  };
}

/** Fingerprint of the entity behind a hit, from the index (memoised). */
export function hitFingerprints(
  index: ScreeningIndex,
): (hit: Pick<ScreeningHit, 'list' | 'entityId'>) => string {
  const byKey = new Map<string, SanctionedEntity>();
  for (const e of index.entities) byKey.set(`${e.list}:${e.entityId}`, e);
  const memo = new Map<string, string>();
  return (hit) => {
    const key = `${hit.list}:${hit.entityId}`;
    let fp = memo.get(key);
    if (!fp) {
      const entity = byKey.get(key);
      fp = entity ? entityFingerprint(entity) : '';
      memo.set(key, fp);
    }
    return fp;
  };
}

/**
 * Builds the index from the latest stored list versions (`store`), from the data directory
 * (`data`), or from the store when it holds versions and else the data directory (`auto`). The
 * store comes from the installation (`src/installation/installation.ts`), which opened and
 * migrated its database; this opens nothing, so there is nothing to close.
 *
 * @example
 * const context = await loadScreeningContext(new ScreeningStore(conn.db), { dataDirectory, source: 'auto' });
 * await context.refresh('NL');
 */
export async function loadScreeningContext(
  store: ScreeningStore,
  options: {
    dataDirectory: string;
    source: 'auto' | 'store' | 'data';
    lists?: string;
    /** Keep the index built from the data directory for the next start (`screeningIndexCache`). */
    cache?: IndexSnapshotCache;
  },
): Promise<ScreeningContext> {
  const lists = parseLists(options.lists);
  let versions: ListVersion[] | undefined;
  if (options.source !== 'data') {
    versions = await store.latestVersions(lists);
    if (versions.length === 0) {
      if (options.source === 'store')
        throw new Error('no list versions stored: run `greenlane lists load` first');
      versions = undefined;
    }
  }
  const { index, snapshot } = await loadScreeningIndex({
    dataDirectory: options.dataDirectory,
    lists,
    ...(versions ? { versions } : {}),
    ...(options.cache ? { cache: options.cache } : {}),
  });
  return {
    index,
    ...(snapshot ? { snapshot } : {}),
    origin: versions ? 'store' : 'data directory',
    store,
    ...goodPartyScreening(store, index),
  };
}

export interface ListUpdateResult {
  versionId: string;
  /** False when this exact version was already stored. */
  stored: boolean;
  previousVersionId?: string;
  added: number;
  changed: number;
  removed: number;
  partiesRescreened: number;
  newHits: StoredHit[];
}

/**
 * Stores a newly loaded list version and re-screens every stored party against what changed
 * since the previous version of that list (delta screening): only added and changed entities
 * are indexed and scored, with token rarity taken from the whole list so scores agree with a
 * full screening. New hits are recorded with cause `delta`, for each administration that
 * screened the party (each against its own good-party list).
 */
export async function applyListUpdate(
  store: ScreeningStore,
  version: ListVersion,
  options: { dataDirectory: string; loadedBy: string; thresholds?: ScreeningThresholds },
): Promise<ListUpdateResult> {
  const { id, stored } = await store.saveListVersion(version, options.loadedBy);
  const previousVersionId = await store.previousVersion(version.list, id);
  const next = await store.fingerprints(id);
  const previous = previousVersionId
    ? await store.fingerprints(previousVersionId)
    : new Map<string, string>();
  const delta = diffFingerprints(previous, next);
  const result: ListUpdateResult = {
    versionId: id,
    stored,
    ...(previousVersionId ? { previousVersionId } : {}),
    added: delta.added.length,
    changed: delta.changed.length,
    removed: delta.removed.length,
    partiesRescreened: 0,
    newHits: [],
  };
  if (!stored) return result;
  const touched = new Set([...delta.added, ...delta.changed]);
  const parties = await store.parties();
  if (touched.size === 0 || parties.length === 0) return result;
  const tables = await loadScreeningTables(options.dataDirectory);
  const rarity = tokenRarity(buildScreeningIndex([version], tables));
  const small = buildScreeningIndex(
    [{ ...version, entities: version.entities.filter((e) => touched.has(e.entityId)) }],
    tables,
  );
  const fingerprintOf = hitFingerprints(small);
  const byParty = new Map<string, { query: ScreeningQuery; administrations: string[] }>();
  for (const p of parties) {
    const entry = byParty.get(p.partyKey) ?? { query: p.query, administrations: [] };
    entry.administrations.push(p.administration);
    byParty.set(p.partyKey, entry);
  }
  for (const [partyKey, party] of byParty) {
    const hits = screenParty(party.query, small, {
      rarity,
      ...(options.thresholds ? { thresholds: options.thresholds } : {}),
    });
    result.partiesRescreened++;
    if (hits.length === 0) continue;
    for (const admin of party.administrations)
      result.newHits.push(...(await store.recordHits(admin, partyKey, hits, fingerprintOf, 'delta')));
  }
  releaseJapaneseReader();
  return result;
}
