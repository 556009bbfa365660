import type { Channel, RiskSignal } from '../decision/signal.ts';
import type { Declaration, GoodsItem, SupportingDocument } from '../declaration/declaration.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import { regulatoryFlagsFor } from '../reference/reference-data.ts';
import { type EnvironmentReference, speciesKey } from './environment-reference.ts';
import { dotted, hsFit } from './hs-fit.ts';
import {
  BALANCE_EPSILON,
  DOCUMENT_NUMBER,
  type DocumentKind,
  itemQuantity,
  type QuotaState,
  type RegisteredDocument,
} from './permit.ts';
import { figuresOf, quotaQuantity, substanceKey } from './substances.ts';

/**
 * The checks of environmentally sensitive goods (docs/ENVIRONMENT.md, "The checks"): every goods
 * item under a regulated HS code needs its document, and every document a declaration references
 * is checked against the register (exists, valid on the lodgement date, issued to this trader, for
 * this species or substance and country, with balance and quota left for the quantity), and the
 * substance must be declared under an HS code that can hold it. Pure: the register rows the batch
 * needs are read before (`PermitSnapshot`), the clock is the declaration's lodgement time.
 */

/** What a batch's checks read from the register, once. */
export interface PermitSnapshot {
  documents: ReadonlyMap<string, RegisteredDocument>;
  /** Document number -> declarations whose release consumed it (not given back). */
  consumedBy: ReadonlyMap<string, ReadonlySet<string>>;
  /** {@link quotaKey} -> the trader's quota of the year and its use. */
  quotas: ReadonlyMap<string, QuotaState>;
  /** Traders with a consumption of a controlled substance before. */
  tradersWithHistory: ReadonlySet<string>;
}

export function quotaKey(trader: string, year: number, control: string): string {
  return `${trader}\u0000${year}\u0000${control}`;
}

/** What a batch's declarations already claimed (several declarations of one batch on one permit). */
export interface BatchClaims {
  /** Document number -> quantity claimed by earlier declarations of the batch. */
  balance: Map<string, number>;
  /** Document number -> the first declaration of the batch that used it. */
  firstUse: Map<string, string>;
  /** {@link quotaKey} -> tonnes, ODP tonnes, CO2-eq tonnes claimed. */
  quota: Map<string, { tonnes: number; odpTonnes: number; co2eqTonnes: number }>;
}

export function emptyClaims(): BatchClaims {
  return { balance: new Map(), firstUse: new Map(), quota: new Map() };
}

/** Regulatory concerns that need a document, and the register kinds that answer them. */
export const REQUIRED_DOCUMENTS: Readonly<Record<string, readonly DocumentKind[]>> = {
  cites: ['cites-permit', 'cites-certificate'],
  ozone_depleting: ['ods-licence'],
  hfc_kigali: ['ods-licence'],
  basel_waste: ['basel-notification', 'basel-movement'],
  drug_precursor: ['precursor-notification'],
  cwc: ['cwc-licence'],
};

/**
 * The concern a document type code speaks of, whatever its format (`CITES`, `cites-permit`,
 * `C400`, `ODS LICENCE`, `hfc_quota`, `Basel TFS`...), or undefined for another document.
 */
export function documentConcern(type: string): keyof typeof REQUIRED_DOCUMENTS | undefined {
  const t = type.toUpperCase().replace(/[^A-Z0-9]/g, '');
  // EU TARIC document codes for CITES: C400 import permit, C401 export permit/re-export certificate, C402 other certificate.
  if (/CITES|WILDLIFE|^C40[0-2]$/.test(t)) return 'cites';
  if (/ODS|OZONE|HFC|HCFC|FGAS|MONTREAL|KIGALI|REFRIG/.test(t)) return 'ozone_depleting';
  if (/BASEL|WASTE|TFS|MOVEMENTDOC/.test(t)) return 'basel_waste';
  if (/PRECURSOR|^PEN$|PREEXPORT/.test(t)) return 'drug_precursor';
  if (/CWC|OPCW|SCHEDULED/.test(t)) return 'cwc';
  return undefined;
}

const RED = { score: 60, minChannel: 'red' as Channel };
const YELLOW = { score: 30, minChannel: 'yellow' as Channel };

interface CheckContext {
  reference: ReferenceData;
  environment: EnvironmentReference;
  snapshot: PermitSnapshot;
  claims: BatchClaims;
}

/** The trader a document must be issued to: the importer for an import, the exporter otherwise. */
function traderOf(declaration: Declaration): { role: 'importer' | 'exporter'; id: string | undefined } {
  if (declaration.type === 'export')
    return { role: 'exporter', id: declaration.exporter?.id ?? declaration.consignor?.id };
  return { role: 'importer', id: declaration.importer?.id ?? declaration.consignee?.id };
}

/** Controlled substances and blends a goods description names (`R-410A`, `HCFC 22`, `difluoromethane`). */
export function substancesNamed(
  environment: EnvironmentReference,
  description: string | undefined,
): string[] {
  if (!description) return [];
  const words = description.split(/[\s,;:()/]+/).filter((w) => w.length > 0);
  const found = new Set<string>();
  for (let n = 1; n <= 3; n++)
    for (let i = 0; i + n <= words.length; i++) {
      const target = environment.catalogue.index.get(substanceKey(words.slice(i, i + n).join(' ')));
      if (target !== undefined) found.add(target);
    }
  return [...found];
}

/** CITES-listed species a goods description names by scientific name. */
export function speciesNamed(environment: EnvironmentReference, description: string | undefined): string[] {
  if (!description) return [];
  const text = ` ${speciesKey(description).replace(/[^a-z ]/g, ' ')} `;
  const found: string[] = [];
  for (const [key, species] of environment.species)
    if (text.includes(` ${key} `)) found.push(species.scientificName);
  return found;
}

function signal(
  level: typeof RED,
  code: string,
  message: string,
  instructions: string,
  item: GoodsItem,
  evidence: Record<string, unknown>,
): RiskSignal {
  return { source: 'permit', code, message, instructions, items: [item.sequence], evidence, ...level };
}

/** The checks of one document the item references and the register holds. */
function documentSignals(
  ctx: CheckContext,
  declaration: Declaration,
  item: GoodsItem,
  doc: RegisteredDocument,
): RiskSignal[] {
  const out: RiskSignal[] = [];
  const n = doc.number;
  const lodged = Date.parse(declaration.lodgedAt);
  const ev = { document: n, kind: doc.kind };
  if (doc.status !== 'valid')
    out.push(
      signal(
        RED,
        'PERMIT_CANCELLED',
        `${n} was cancelled by the issuing authority`,
        'Hold the goods; ask the issuing authority',
        item,
        {
          ...ev,
          status: doc.status,
        },
      ),
    );
  if (lodged < Date.parse(doc.validFrom) || lodged > Date.parse(doc.validUntil))
    out.push(
      signal(
        RED,
        'PERMIT_EXPIRED',
        `${n} is not valid on ${declaration.lodgedAt.slice(0, 10)} (valid ${doc.validFrom.slice(0, 10)} to ${doc.validUntil.slice(0, 10)})`,
        'Refuse the document; the trader needs a valid one before release',
        item,
        { ...ev, validFrom: doc.validFrom, validUntil: doc.validUntil, lodgedAt: declaration.lodgedAt },
      ),
    );
  const trader = traderOf(declaration);
  if (trader.id !== doc.trader)
    out.push(
      signal(
        RED,
        'PERMIT_OTHER_TRADER',
        `${n} was issued to ${doc.trader}, not to the ${trader.role} ${trader.id ?? '(none declared)'}`,
        'Check who holds the document; a permit cannot be used by another trader',
        item,
        { ...ev, issuedTo: doc.trader, declared: trader.id ?? null },
      ),
    );
  const wanted = declaration.type === 'export' ? ['export', 're-export'] : ['import'];
  if (!wanted.includes(doc.direction))
    out.push(
      signal(
        YELLOW,
        'PERMIT_OTHER_DIRECTION',
        `${n} is an ${doc.direction} document on an ${declaration.type} declaration`,
        'Ask for the document of this direction',
        item,
        {
          ...ev,
          direction: doc.direction,
        },
      ),
    );
  if (doc.partnerCountry !== null) {
    const countries =
      declaration.type === 'export'
        ? [declaration.destinationCountry]
        : [declaration.dispatchCountry, item.originCountry];
    if (!countries.includes(doc.partnerCountry))
      out.push(
        signal(
          RED,
          'PERMIT_OTHER_COUNTRY',
          `${n} covers trade with ${doc.partnerCountry}, the goods ${declaration.type === 'export' ? 'go to' : 'come from'} ${countries.filter(Boolean).join('/') || 'an undeclared country'}`,
          'Check the country of export/destination against the document',
          item,
          { ...ev, documentCountry: doc.partnerCountry, declared: countries.filter(Boolean) },
        ),
      );
  }
  subjectSignals(ctx, item, doc, out);
  quantitySignals(ctx, declaration, item, doc, out);
  return out;
}

/** The document's species or substance against the goods: named in the description, and the HS code. */
function subjectSignals(
  ctx: CheckContext,
  item: GoodsItem,
  doc: RegisteredDocument,
  out: RiskSignal[],
): void {
  const ev = { document: doc.number, kind: doc.kind, documentSubject: doc.subject };
  if (doc.kind === 'ods-licence') {
    const named = substancesNamed(ctx.environment, item.description);
    if (named.length > 0 && !named.includes(doc.subject))
      out.push(
        signal(
          RED,
          'PERMIT_OTHER_SUBSTANCE',
          `${doc.number} licenses ${doc.subject}, the goods are described as ${named.join(', ')}`,
          'Sample and analyse the gas; the licence does not cover it',
          item,
          { ...ev, described: named },
        ),
      );
    const fit = hsFit(ctx.environment.catalogue, doc.subject, item.hsCode, item.hsEdition);
    if (fit && !fit.fits)
      out.push(
        signal(
          RED,
          'SUBSTANCE_WRONG_HEADING',
          fit.reason,
          'Check the classification and the cylinders; an HFC under another code evades the licence',
          item,
          {
            ...ev,
            declaredCode: dotted(item.hsCode.slice(0, 6)),
            expectedCode: dotted(fit.expected),
          },
        ),
      );
  }
  if (doc.kind === 'cites-permit' || doc.kind === 'cites-certificate') {
    const named = speciesNamed(ctx.environment, item.description);
    if (named.length > 0 && !named.some((s) => speciesKey(s) === speciesKey(doc.subject)))
      out.push(
        signal(
          RED,
          'PERMIT_OTHER_SPECIES',
          `${doc.number} is for ${doc.subject}, the goods are described as ${named.join(', ')}`,
          'Have the specimens identified; the permit does not cover this species',
          item,
          { ...ev, described: named },
        ),
      );
  }
}

function quantitySignals(
  ctx: CheckContext,
  declaration: Declaration,
  item: GoodsItem,
  doc: RegisteredDocument,
  out: RiskSignal[],
): void {
  const ev = { document: doc.number, kind: doc.kind };
  const claims = ctx.claims;
  // CITES permits serve one shipment (Res. Conf. 12.3): another declaration using it is a reuse.
  if (doc.kind === 'cites-permit') {
    const released = [...(ctx.snapshot.consumedBy.get(doc.number) ?? [])].filter(
      (id) => id !== declaration.id,
    );
    const first = claims.firstUse.get(doc.number);
    const other = released[0] ?? (first !== undefined && first !== declaration.id ? first : undefined);
    if (other !== undefined)
      out.push(
        signal(
          RED,
          'PERMIT_ALREADY_USED',
          `${doc.number} was already used for declaration ${other}`,
          'A CITES permit covers one shipment: hold the goods and ask the management authority',
          item,
          {
            ...ev,
            usedBy: other,
          },
        ),
      );
  }
  if (!claims.firstUse.has(doc.number)) claims.firstUse.set(doc.number, declaration.id);
  const quantity = itemQuantity(item, doc.unit);
  if (quantity === undefined) {
    out.push(
      signal(
        YELLOW,
        'PERMIT_QUANTITY_MISSING',
        `item ${item.sequence} gives no quantity in ${doc.unit}, the unit of ${doc.number}`,
        `Ask for the quantity in ${doc.unit}`,
        item,
        ev,
      ),
    );
    return;
  }
  const claimed = claims.balance.get(doc.number) ?? 0;
  const left = doc.balance - claimed;
  if (left <= BALANCE_EPSILON)
    out.push(
      signal(
        RED,
        'PERMIT_NO_BALANCE',
        `${doc.number} has no balance left`,
        'The document is used up: refuse release under it',
        item,
        {
          ...ev,
          balance: doc.balance,
          claimedInBatch: claimed,
        },
      ),
    );
  else if (quantity > left + BALANCE_EPSILON)
    out.push(
      signal(
        RED,
        'PERMIT_OVER_BALANCE',
        `${quantity} ${doc.unit} declared, ${doc.number} has ${round(left)} ${doc.unit} left`,
        'Release only up to the balance; weigh or count the goods',
        item,
        {
          ...ev,
          declared: quantity,
          balance: doc.balance,
          claimedInBatch: claimed,
        },
      ),
    );
  claims.balance.set(doc.number, claimed + quantity);
  if (doc.control === null) return;
  const year = doc.year ?? Number(declaration.lodgedAt.slice(0, 4));
  const key = quotaKey(doc.trader, year, doc.control);
  const quota = ctx.snapshot.quotas.get(key);
  const take = quotaQuantity({ odp: doc.odp ?? 0, gwp: doc.gwp }, doc.unit === 'kg' ? quantity : 0);
  const before = claims.quota.get(key) ?? { tonnes: 0, odpTonnes: 0, co2eqTonnes: 0 };
  claims.quota.set(key, {
    tonnes: before.tonnes + take.tonnes,
    odpTonnes: before.odpTonnes + take.odpTonnes,
    co2eqTonnes: before.co2eqTonnes + take.co2eqTonnes,
  });
  if (quota) {
    const over = (['tonnes', 'odpTonnes', 'co2eqTonnes'] as const).filter((m) => {
      const limit = quota.limit[m];
      return limit !== null && quota.used[m] + before[m] + take[m] > limit + BALANCE_EPSILON;
    });
    if (over.length > 0)
      out.push(
        signal(
          RED,
          'QUOTA_EXHAUSTED',
          `the ${doc.control} quota ${year} of ${doc.trader} has no room for ${round(take.tonnes)} t of ${doc.subject} (${over.join(', ')} over the limit)`,
          'Refuse release: the trader has used up the annual quota',
          item,
          {
            ...ev,
            quota: {
              year,
              control: doc.control,
              limit: quota.limit,
              used: quota.used,
              claimedInBatch: before,
            },
            take,
          },
        ),
      );
  }
  if (!ctx.snapshot.tradersWithHistory.has(doc.trader))
    out.push({
      source: 'permit',
      code: 'FIRST_TIME_CONTROLLED_TRADER',
      message: `${doc.trader} has never before released a controlled substance`,
      instructions: 'Check the trader’s registration with the national ozone unit',
      items: [item.sequence],
      evidence: { ...ev, trader: doc.trader },
      score: 10,
    });
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** True for a chemical chapter, where a goods description naming a substance means the substance itself. */
function chemicalChapter(hsCode: string): boolean {
  return /^(28|29|38)/.test(hsCode);
}

/**
 * The permit signals of one declaration. `claims` carries what earlier declarations of the same
 * batch took, so two declarations of one batch cannot both spend the same balance unnoticed.
 */
export function permitSignals(
  declaration: Declaration,
  ctx: {
    reference: ReferenceData;
    environment: EnvironmentReference;
    snapshot: PermitSnapshot;
    claims: BatchClaims;
  },
): RiskSignal[] {
  const out: RiskSignal[] = [];
  for (const item of declaration.items) {
    const present = new Set<DocumentKind>();
    const concerned = new Set<string>();
    for (const document of item.documents) {
      const reference = document.reference.trim();
      const registered = ctx.snapshot.documents.get(reference);
      if (registered) {
        present.add(registered.kind);
        out.push(...documentSignals(ctx, declaration, item, registered));
        continue;
      }
      const concern = documentConcern(document.type);
      if (concern === undefined) continue;
      concerned.add(concern);
      out.push(unregisteredSignal(item, document, concern));
    }
    out.push(...missingDocumentSignals(ctx, item, present, concerned));
  }
  return out;
}

function unregisteredSignal(item: GoodsItem, document: SupportingDocument, concern: string): RiskSignal {
  const reference = document.reference.trim();
  const ev = { type: document.type, reference: document.reference, concern };
  if (!DOCUMENT_NUMBER.test(reference))
    return signal(
      RED,
      'PERMIT_REFERENCE_MALFORMED',
      `document reference "${document.reference}" (type ${document.type}) is not a document number: 3 to 64 letters, digits or / . - _`,
      'Ask for the document number exactly as printed on the permit or licence',
      item,
      ev,
    );
  return signal(
    RED,
    'PERMIT_NOT_FOUND',
    `${reference} (type ${document.type}) is not in the register`,
    'Verify the document with the issuing authority: a number not in the register may be forged',
    item,
    ev,
  );
}

/** A regulated code, or a chemical named as a controlled substance, without the document it needs. */
function missingDocumentSignals(
  ctx: CheckContext,
  item: GoodsItem,
  present: ReadonlySet<DocumentKind>,
  concerned: ReadonlySet<string>,
): RiskSignal[] {
  const out: RiskSignal[] = [];
  const needs = new Map<string, string>();
  for (const flag of regulatoryFlagsFor(ctx.reference, item.hsCode)) {
    if (!(flag.concern in REQUIRED_DOCUMENTS)) continue;
    const named =
      flag.concern === 'cites'
        ? speciesNamed(ctx.environment, item.description).length > 0
        : substancesNamed(ctx.environment, item.description).length > 0;
    if (flag.confidence === 'high' || (flag.confidence === 'medium' && named))
      needs.set(flag.concern, `HS ${dotted(item.hsCode.slice(0, 6))} (${flag.subconcern})`);
  }
  const substances = chemicalChapter(item.hsCode) ? substancesNamed(ctx.environment, item.description) : [];
  if (substances.length > 0) {
    needs.set('ozone_depleting', `the description names ${substances.join(', ')}`);
    if (!present.has('ods-licence'))
      for (const s of substances) {
        const fit = hsFit(ctx.environment.catalogue, s, item.hsCode, item.hsEdition);
        if (fit && !fit.fits)
          out.push(
            signal(
              RED,
              'SUBSTANCE_WRONG_HEADING',
              fit.reason,
              'Check the classification and the cylinders; an HFC under another code evades the licence',
              item,
              {
                described: s,
                declaredCode: dotted(item.hsCode.slice(0, 6)),
                expectedCode: dotted(fit.expected),
                figures: figuresOf(ctx.environment.catalogue, s),
              },
            ),
          );
      }
  }
  for (const [concern, why] of needs) {
    const kinds = REQUIRED_DOCUMENTS[concern] ?? [];
    if (
      kinds.some((k) => present.has(k)) ||
      concerned.has(concern === 'hfc_kigali' ? 'ozone_depleting' : concern)
    )
      continue;
    if (concern === 'hfc_kigali' && needs.has('ozone_depleting')) continue;
    out.push(
      signal(
        YELLOW,
        'PERMIT_MISSING',
        `item ${item.sequence} needs a ${kinds.join(' or ')}: ${why}`,
        `Ask for the ${kinds.join(' or ')} before release`,
        item,
        { concern, requires: kinds, reason: why },
      ),
    );
  }
  return out;
}
