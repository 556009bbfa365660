import { z } from 'zod';
import { CHANNELS } from '../decision/signal.ts';
import { PARTY_ROLES, TRANSPORT_MODES } from '../declaration/declaration.ts';
import { instantMs, isValidInstant, jsonPointer } from '../declaration/validation.ts';

/**
 * A risk profile (ASYCUDA "selectivity criterion", WCO Risk Management Compendium "risk profile"):
 * versioned data written by a risk analyst, never code. `docs/RISK-PROFILES.md` explains every
 * field and criterion with an example.
 *
 * Criteria are a tree of `all` / `any` / `not` over leaf predicates. Each node is an object with
 * exactly one key naming its kind, e.g. `{ all: [{ hsPrefix: ['300241'] }, { not: { originCountry: ['IN'] } }] }`.
 *
 * Item semantics: the tree is evaluated once per goods item, declaration-level leaves seeing the
 * same declaration facts for every item. The profile fires when at least one item satisfies the
 * whole tree, and the hit names those items. So `all` over item leaves means one and the same item
 * satisfies each of them. A tree with no item leaf is evaluated once for the declaration.
 */

const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "CN"');
const nonEmptyList = <T extends z.ZodType>(item: T) => z.array(item).min(1, 'must list at least one value');

/** A numeric comparison; at least one bound. */
const boundsShape = {
  gt: z.number().finite().optional(),
  gte: z.number().finite().optional(),
  lt: z.number().finite().optional(),
  lte: z.number().finite().optional(),
};
const hasBound = (r: { gt?: number; gte?: number; lt?: number; lte?: number }) =>
  r.gt !== undefined || r.gte !== undefined || r.lt !== undefined || r.lte !== undefined;
const BOUND_MESSAGE = 'needs at least one of gt, gte, lt, lte';

/** Bounds on a quantity (kilograms). */
export const QuantityRangeSchema = z.strictObject(boundsShape).refine(hasBound, BOUND_MESSAGE);
/**
 * Bounds on an amount of money in the declaration currency. With `currency`, the leaf applies only
 * to declarations in that ISO 4217 currency (amounts in different currencies are not comparable;
 * converting them is the pipeline's job, before profiles run).
 */
export const MoneyRangeSchema = z
  .strictObject({
    ...boundsShape,
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
      .optional(),
  })
  .refine(hasBound, BOUND_MESSAGE);
export type QuantityRange = z.infer<typeof QuantityRangeSchema>;
export type MoneyRange = z.infer<typeof MoneyRangeSchema>;

export const CONFIDENCES = ['high', 'medium', 'low'] as const;

/** Leaf predicates that look at one goods item. */
export const ITEM_LEAF_SCHEMAS = {
  /** HS code starts with one of these (2 to 10 digits, no dots). */
  hsPrefix: nonEmptyList(
    z.string().regex(/^\d{2,10}$/, 'must be 2 to 10 digits without dots, e.g. "300241"'),
  ),
  /** Item country of origin (WCO DM 5/16) is one of these. */
  originCountry: nonEmptyList(countryCode),
  /** Item invoice value (customs value when no invoice value), in the declaration currency. */
  itemValue: MoneyRangeSchema,
  /** Item net mass in kg. */
  netMass: QuantityRangeSchema,
  /** Item value per kg of net mass, in the declaration currency. */
  unitPrice: MoneyRangeSchema,
  /**
   * Unit price below `ratio` times the median of the HS6 x origin price band, when that band has
   * at least `minSamples` observations; otherwise the HS6 band (all origins) when `fallbackToHs6`.
   */
  unitPriceBelowBand: z.strictObject({
    ratio: z.number().gt(0).lt(1),
    minSamples: z.number().int().min(1).default(20),
    fallbackToHs6: z.boolean().default(true),
  }),
  /** The HS code is tied to one of these concerns in the reference `hs-regulatory` flags. */
  regulatoryConcern: z.strictObject({
    concern: nonEmptyList(z.string().min(1)),
    subconcern: nonEmptyList(z.string().min(1)).optional(),
    /** Ignore flags less certain than this (`low` keeps them all). */
    minConfidence: z.enum(CONFIDENCES).default('low'),
  }),
  /**
   * The item carries none of these document types that is valid at lodgement (a document whose
   * `validUntil` is before, or `validFrom` after, the lodgement time does not count).
   */
  missingDocument: z.strictObject({ types: nonEmptyList(z.string().min(1)) }),
} as const;

/** Leaf predicates that look at the declaration as a whole. */
export const DECLARATION_LEAF_SCHEMAS = {
  dispatchCountry: nonEmptyList(countryCode),
  destinationCountry: nonEmptyList(countryCode),
  /** A route UN/LOCODE is listed, or starts with a listed country (2 letters). */
  routeIncludes: nonEmptyList(
    z
      .string()
      .regex(/^[A-Z]{2}([A-Z2-9]{3})?$/, 'must be a country (2 letters) or a UN/LOCODE (5 characters)'),
  ),
  customsOffice: nonEmptyList(z.string().min(1)),
  transportMode: nonEmptyList(z.enum(TRANSPORT_MODES)),
  /**
   * A party in one of `role` (any role when omitted) matches every attribute given: id, name
   * (case- and space-insensitive) and country, each "in list".
   */
  party: z
    .strictObject({
      role: nonEmptyList(z.enum(PARTY_ROLES)).optional(),
      id: nonEmptyList(z.string().min(1)).optional(),
      name: nonEmptyList(z.string().min(1)).optional(),
      country: nonEmptyList(countryCode).optional(),
    })
    .refine((p) => p.id !== undefined || p.name !== undefined || p.country !== undefined, {
      message: 'needs at least one of id, name, country',
    }),
  invoiceTotal: MoneyRangeSchema,
  /** The party in this role has never been seen before (the pipeline supplies the fact). */
  firstTimeTrader: z.strictObject({ role: z.enum(PARTY_ROLES) }),
  /** The party in this role is present and its AEO / trusted-trader status equals `trusted`. */
  trustedTrader: z.strictObject({ role: z.enum(PARTY_ROLES), trusted: z.boolean().default(true) }),
} as const;

type ItemLeafSpec = { [K in keyof typeof ITEM_LEAF_SCHEMAS]: z.output<(typeof ITEM_LEAF_SCHEMAS)[K]> };
type DeclarationLeafSpec = {
  [K in keyof typeof DECLARATION_LEAF_SCHEMAS]: z.output<(typeof DECLARATION_LEAF_SCHEMAS)[K]>;
};
export type LeafSpec = ItemLeafSpec & DeclarationLeafSpec;
export type LeafKind = keyof LeafSpec;
export type ItemLeafKind = keyof ItemLeafSpec;

/** One leaf: an object with exactly one key, e.g. `{ originCountry: ['CN'] }`. */
export type LeafCriterion = { [K in LeafKind]: { [P in K]: LeafSpec[K] } }[LeafKind];
export type Criterion = { all: Criterion[] } | { any: Criterion[] } | { not: Criterion } | LeafCriterion;

const LEAF_SCHEMAS: Record<LeafKind, z.ZodType> = { ...ITEM_LEAF_SCHEMAS, ...DECLARATION_LEAF_SCHEMAS };
const ITEM_LEAF_KINDS: ReadonlySet<string> = new Set(Object.keys(ITEM_LEAF_SCHEMAS));

export function isItemLeaf(kind: string): kind is ItemLeafKind {
  return ITEM_LEAF_KINDS.has(kind);
}

/** Deepest criteria nesting accepted; deeper trees are almost surely generated by mistake. */
const MAX_DEPTH = 32;

type IssueSink = (path: Array<string | number>, message: string) => void;

function parseCriterion(
  value: unknown,
  path: Array<string | number>,
  depth: number,
  fail: IssueSink,
): Criterion | undefined {
  if (depth > MAX_DEPTH) {
    fail(path, `criteria are nested deeper than ${MAX_DEPTH} levels`);
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(path, 'a criterion must be an object with one key: all, any, not or a leaf such as hsPrefix');
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length !== 1) {
    fail(
      path,
      `a criterion must have exactly one key, got ${keys.length === 0 ? 'none' : keys.join(', ')} (combine several with "all")`,
    );
    return undefined;
  }
  const kind = keys[0]!;
  const body = (value as Record<string, unknown>)[kind];
  if (kind === 'all' || kind === 'any') {
    if (!Array.isArray(body) || body.length === 0) {
      fail([...path, kind], `"${kind}" must be a non-empty list of criteria`);
      return undefined;
    }
    const children: Criterion[] = [];
    body.forEach((child, i) => {
      const parsed = parseCriterion(child, [...path, kind, i], depth + 1, fail);
      if (parsed) children.push(parsed);
    });
    if (children.length !== body.length) return undefined;
    return kind === 'all' ? { all: children } : { any: children };
  }
  if (kind === 'not') {
    const child = parseCriterion(body, [...path, 'not'], depth + 1, fail);
    return child && { not: child };
  }
  const schema = LEAF_SCHEMAS[kind as LeafKind];
  if (!schema) {
    fail(
      [...path, kind],
      `unknown criterion "${kind}"; expected all, any, not or one of ${Object.keys(LEAF_SCHEMAS).join(', ')}`,
    );
    return undefined;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      fail([...path, kind, ...(issue.path as Array<string | number>)], issue.message);
    }
    return undefined;
  }
  return { [kind]: parsed.data } as LeafCriterion;
}

/** The criteria tree. Hand-written dispatch on the single key gives one precise error per problem. */
export const CriterionSchema = z.unknown().transform((value, ctx): Criterion => {
  const parsed = parseCriterion(value, [], 0, (path, message) =>
    ctx.issues.push({ code: 'custom', message, input: value, path }),
  );
  return parsed ?? z.NEVER;
});

const instant = z.string().refine(isValidInstant, 'must be an ISO 8601 date or date-time, e.g. "2026-01-31"');

export const RiskProfileSchema = z
  .strictObject({
    /** Stable identifier; it is the signal code officers and statistics see. */
    id: z
      .string()
      .regex(
        /^[A-Z0-9][A-Z0-9_-]{2,63}$/,
        'must be 3-64 capitals, digits, "-" or "_", e.g. "ODS-NO-LICENCE"',
      ),
    /** Increases with every change; decisions record id + version. */
    version: z.number().int().min(1),
    title: z.string().trim().min(1).max(200),
    /** Why the declaration was selected, shown to the officer (concrete facts are appended). */
    reason: z.string().trim().min(1).max(1000),
    /** What the officer should check. */
    instructions: z.string().trim().min(1).max(4000),
    criteria: CriterionSchema,
    /** Points added to the combined score when the profile fires. */
    weight: z.number().finite().min(0).max(1000),
    /** Channel the declaration gets at least when the profile fires, whatever the score. */
    minChannel: z.enum(CHANNELS).optional(),
    /** Active from this instant (inclusive), compared with the lodgement time. */
    validFrom: instant.optional(),
    /** Active until this instant (inclusive; a date alone means the whole day). */
    validUntil: instant.optional(),
    enabled: z.boolean().default(true),
    tags: z.array(z.string().min(1).max(40)).max(20).optional(),
  })
  .refine((p) => !p.validFrom || !p.validUntil || instantMs(p.validFrom) <= instantMs(p.validUntil), {
    message: 'validUntil must not be before validFrom',
    path: ['validUntil'],
  });
export type RiskProfile = z.output<typeof RiskProfileSchema>;
/** A profile as written in a file (defaults not yet applied). */
export type RiskProfileInput = z.input<typeof RiskProfileSchema>;

/** One problem in a profile file: where (RFC 6901 pointer into the file's document) and what. */
export interface ProfileIssue {
  path: string;
  message: string;
}

export type ProfileParseResult =
  | { ok: true; profiles: RiskProfile[] }
  | { ok: false; issues: ProfileIssue[] };

/**
 * Validates a parsed profile document: one profile object or an array of them. Never throws;
 * every problem comes back with its path, e.g. `/criteria/all/1/hsPrefix/0`.
 */
export function parseRiskProfiles(document: unknown): ProfileParseResult {
  const list = Array.isArray(document) ? document : [document];
  const prefix = (i: number) => (Array.isArray(document) ? [i] : []);
  const profiles: RiskProfile[] = [];
  const issues: ProfileIssue[] = [];
  list.forEach((entry, i) => {
    const parsed = RiskProfileSchema.safeParse(entry);
    if (parsed.success) profiles.push(parsed.data);
    else {
      for (const issue of parsed.error.issues) {
        const at = [...prefix(i), ...issue.path];
        if (issue.code === 'unrecognized_keys') {
          for (const key of issue.keys) {
            issues.push({
              path: jsonPointer([...at, key]),
              message: `"${key}" is not a profile field (check the spelling)`,
            });
          }
        } else issues.push({ path: jsonPointer(at), message: issue.message });
      }
    }
  });
  return issues.length > 0 ? { ok: false, issues } : { ok: true, profiles };
}
