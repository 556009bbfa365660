import type { RiskSignal } from '../decision/signal.ts';
import type { Declaration, PartyRole } from '../declaration/declaration.ts';
import { partiesOf } from '../declaration/declaration.ts';
import type { ScreeningIndex } from './candidate-index.ts';
import { type ScreeningHit, type ScreeningQuery, type ScreenOptions, screenParty } from './screen.ts';

/** Who on a declaration was screened: a party role, or the vessel of the means of transport. */
export type ScreenedRole = PartyRole | 'vessel';

export interface ScreenedParty {
  role: ScreenedRole;
  query: ScreeningQuery;
  hits: ScreeningHit[];
}

/** Result of screening every party and the vessel of one declaration. */
export interface DeclarationScreening {
  declarationId: string;
  parties: ScreenedParty[];
}

export interface DeclarationScreenOptions extends ScreenOptions {
  /**
   * Pairs cleared by an analyst (good-party list): `isCleared(query, hit)` true drops the hit.
   * The store keys clearances on the party's and the entity's data, so a change raises it again.
   */
  isCleared?: (party: ScreenedParty['query'], hit: ScreeningHit) => boolean;
}

/**
 * Screens the importer, exporter, consignor, consignee, declarant and carrier (as organisations or
 * persons: declarations do not say which) and the vessel (IMO number and name, WCO DM transport
 * means) of a declaration.
 *
 * @example
 * const screening = screenDeclarationParties(declaration, index);
 * const signals = screeningSignals(screening);
 */
export function screenDeclarationParties(
  declaration: Declaration,
  index: ScreeningIndex,
  options: DeclarationScreenOptions = {},
): DeclarationScreening {
  const parties: ScreenedParty[] = [];
  for (const { role, party } of partiesOf(declaration)) {
    if (!party.name) continue;
    const country = party.country ?? party.address?.country;
    const query: ScreeningQuery = {
      id: `${declaration.id}/${role}`,
      name: party.name,
      type: 'any',
      ...(country ? { country } : {}),
    };
    parties.push({ role, query, hits: screenUncleared(query, index, options) });
  }
  const transport = declaration.transport;
  if (transport && (transport.vesselImo || transport.vesselName)) {
    const query: ScreeningQuery = {
      id: `${declaration.id}/vessel`,
      name: transport.vesselName ?? '',
      type: 'vessel',
      ...(transport.vesselImo ? { imo: transport.vesselImo } : {}),
    };
    parties.push({ role: 'vessel', query, hits: screenUncleared(query, index, options) });
  }
  return { declarationId: declaration.id, parties };
}

/**
 * Screens one party and leaves out the hits an analyst cleared (good-party list): what the
 * pipeline, `greenlane screen` and `POST /v1/screen` all report.
 */
export function screenUncleared(
  query: ScreeningQuery,
  index: ScreeningIndex,
  options: DeclarationScreenOptions = {},
): ScreeningHit[] {
  const hits = screenParty(query, index, options);
  return options.isCleared ? hits.filter((h) => !options.isCleared!(query, h)) : hits;
}

/** A hit as the `screen` contract prints it: `{list, entityId, ids, name, matchedName, score, decision, reasons}`. */
export function matchOf(hit: ScreeningHit) {
  return {
    list: hit.list,
    entityId: hit.entityId,
    ids: hit.ids,
    name: hit.name,
    matchedName: hit.matchedName,
    score: hit.score,
    decision: hit.decision,
    reasons: hit.reasons,
  };
}

/**
 * Turns screening hits into risk signals for the channel decision: a `match` requires red
 * (`SANCTIONS_MATCH`), a `review` at least yellow (`SANCTIONS_REVIEW`). One signal per screened
 * party, from its best hit, with the hit explained in the message and kept as evidence.
 */
export function screeningSignals(result: DeclarationScreening): RiskSignal[] {
  const signals: RiskSignal[] = [];
  for (const party of result.parties) {
    const best = party.hits[0];
    if (!best) continue;
    const match = best.decision === 'match';
    const who = party.role === 'vessel' ? 'Vessel' : party.role[0]!.toUpperCase() + party.role.slice(1);
    const others =
      party.hits.length > 1
        ? ` (${party.hits.length - 1} further hit${party.hits.length > 2 ? 's' : ''})`
        : '';
    signals.push({
      source: 'screening',
      code: match ? 'SANCTIONS_MATCH' : 'SANCTIONS_REVIEW',
      message: `${who} "${party.query.name || party.query.imo}" ${match ? 'matches' : 'may match'} ${best.list.toUpperCase()} entry ${best.entityId} "${best.matchedName}" (score ${best.score})${others}: ${best.reasons.join('; ')}`,
      score: best.score,
      minChannel: match ? 'red' : 'yellow',
      instructions: match
        ? 'Hold the goods: verify the party against the official list entry before any release.'
        : 'Check the party against the listed entry (identity documents, date of birth, address) and adjudicate the hit.',
      evidence: {
        role: party.role,
        query: party.query,
        hits: party.hits.map((h) => ({
          list: h.list,
          entityId: h.entityId,
          ids: h.ids,
          name: h.name,
          matchedName: h.matchedName,
          score: h.score,
          decision: h.decision,
          version: h.version,
          reasons: h.reasons,
        })),
      },
    });
  }
  return signals;
}
