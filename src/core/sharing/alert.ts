import { z } from 'zod';
import { CHANNELS } from '../decision/signal.ts';
import { Gs1Error, normaliseGtin } from '../declaration/gs1.ts';
import { instantMs, isValidImo } from '../declaration/validation.ts';
import { validUntilMs } from '../rules/compile-criteria.ts';
import { CriterionSchema } from '../rules/risk-profile.ts';
import { containerNumberFault, normaliseContainerNumber } from './container-number.ts';
import {
  instant,
  issuesText,
  objectId,
  type ParseResult,
  parseWith,
  partyName,
  text,
} from './shared-fields.ts';
import { SharingError, type SharingIssue } from './sharing-error.ts';
import { type TlpCode, TlpCodeSchema } from './tlp.ts';

/**
 * An alert (WCO CEN/CENcomm "alert", ICS2 referral, lookout): an analyst tells chosen partners or
 * a closed group what to look for and why. What to look for is the risk-profile criteria language
 * (`core/rules/risk-profile.ts`, validated by the same schema) plus container numbers and vessels;
 * an accepted alert becomes a live signal in the receiver's pipeline (`alert-signals.ts`).
 */

const containerNumber = z
  .string()
  .max(20)
  .transform((value, ctx) => {
    const fault = containerNumberFault(value);
    if (fault) {
      ctx.issues.push({ code: 'custom', input: value, message: fault });
      return z.NEVER;
    }
    return normaliseContainerNumber(value);
  });

const imoNumber = z
  .string()
  .max(12)
  .refine(isValidImo, 'must be an IMO ship number: 7 digits with a valid check digit, e.g. "9074729"')
  .transform((value) => value.replace(/^IMO\s*/i, ''));

const gtin = z
  .string()
  .max(14)
  .transform((value, ctx) => {
    try {
      return normaliseGtin(value);
    } catch (err) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        message: err instanceof Gs1Error ? err.message : String(err),
      });
      return z.NEVER;
    }
  });

/**
 * A counterfeit product an alert names (issue 13): its GTIN and, when known, the lot and the
 * manufacturer the fakes declare. A goods item matches when every given field is its own.
 */
export const AlertProductSchema = z
  .strictObject({
    gtin: gtin.optional(),
    /** GS1 AI 10: 1 to 20 characters of GS1 character set 82. */
    lot: z
      .string()
      .regex(/^[!"%&'()*+,\-./0-9:;<=>?A-Z_a-z]{1,20}$/, '1 to 20 characters of GS1 character set 82')
      .optional(),
    manufacturer: text(300).optional(),
  })
  .refine((p) => p.gtin !== undefined || p.manufacturer !== undefined, {
    message: 'a counterfeit product needs a gtin or a manufacturer',
  })
  .refine((p) => p.lot === undefined || p.gtin !== undefined, {
    message: 'a lot is a lot of a GTIN: give the gtin',
    path: ['lot'],
  });
export type AlertProduct = z.output<typeof AlertProductSchema>;

/** What an alert file holds (the contract: at least title, reason, instructions, handling, validUntil, criteria). */
export const AlertContentSchema = z
  .strictObject({
    title: text(200),
    /** Why partners should look, shown to their officers. */
    reason: text(1000),
    /** What the receiving officer should do or check. */
    instructions: text(4000),
    handling: TlpCodeSchema,
    validFrom: instant.optional(),
    /** Last instant the alert applies (a date alone: the whole day). */
    validUntil: instant,
    /** The risk-profile criteria language; the alert fires where the tree holds. */
    criteria: CriterionSchema.optional(),
    /** ISO 6346 container numbers; with them, a declaration must carry one of these containers. */
    containers: z.array(containerNumber).max(1000).default([]),
    /** IMO ship numbers; with them, the declaration's vessel must be one of these. */
    vessels: z.array(imoNumber).max(100).default([]),
    /**
     * Counterfeit products (GTIN, lot, manufacturer); with them, a goods item must be one of these,
     * and the match is a `product` signal (`MEDICAL_COUNTERFEIT_ALERT`) naming the alert and its sender.
     */
    products: z.array(AlertProductSchema).max(1000).default([]),
    /** Channel the sender recommends at least for a matching declaration. */
    minChannel: z.enum(CHANNELS).default('red'),
    /** Points added to the combined score when it matches. */
    weight: z.number().finite().min(0).max(1000).default(100),
  })
  .superRefine((a, ctx) => {
    if (
      a.criteria === undefined &&
      a.containers.length === 0 &&
      a.vessels.length === 0 &&
      a.products.length === 0
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: 'an alert needs criteria, containers, vessels or products to match on',
      });
    }
    if (a.validFrom !== undefined && instantMs(a.validFrom) > validUntilMs(a.validUntil)) {
      ctx.addIssue({
        code: 'custom',
        path: ['validUntil'],
        message: 'validUntil must not be before validFrom',
      });
    }
  });
export type AlertContent = z.output<typeof AlertContentSchema>;
export type AlertContentInput = z.input<typeof AlertContentSchema>;

/** Validates an alert file's content; every problem with its path, e.g. `/criteria/all/0/hsPrefix/0`. */
export function parseAlertContent(input: unknown): ParseResult<AlertContent> {
  return parseWith(AlertContentSchema, input);
}

/**
 * Where an alert stands, on each side.
 * - `issued`: the sender's own alert (amendable, withdrawable)
 * - `accepted`: received, verified and in force at the receiver: it matches declarations
 * - `refused`: received but not taken on, with the reason
 * - `withdrawn`: the sender took it back; terminal on both sides
 */
export const ALERT_STATUSES = ['issued', 'accepted', 'refused', 'withdrawn'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** An alert as either side keeps it. */
export interface AlertRecord {
  id: string;
  /** The administration (or partner installation) that issued it. */
  issuer: string;
  /** 1 at issue, +1 per amendment. */
  version: number;
  /** Null when what arrived did not validate (the record is then `refused` and says why). */
  content: AlertContent | null;
  status: AlertStatus;
  /** Why it was refused or withdrawn. */
  statusReason?: string;
  /** Instant (ISO 8601) of the last change. */
  updatedAt: string;
}

/**
 * A change to an alert. Amendments carry the next version number so a stale or skipped one is
 * caught; amendments and withdrawals name who sends them (only the issuer may).
 */
export type AlertEvent =
  | { type: 'amend'; by: string; version: number; content: AlertContent }
  | { type: 'withdraw'; by: string; reason: string }
  | { type: 'accept' }
  | { type: 'refuse'; reason: string };

/** Why a received alert cannot be accepted, or undefined when it can (valid content, not yet expired). */
export function receivedAlertFault(content: AlertContent, now: number): string | undefined {
  if (validUntilMs(content.validUntil) < now) return `expired: valid until ${content.validUntil}`;
  return undefined;
}

/** The sender's record of a new alert. */
export function issueAlert(
  content: AlertContent,
  meta: { id: string; issuer: string; now: number },
): AlertRecord {
  assertMeta(meta.id, meta.issuer);
  return {
    id: meta.id,
    issuer: meta.issuer,
    version: 1,
    content,
    status: 'issued',
    updatedAt: iso(meta.now),
  };
}

/**
 * The receiver's record of an alert that arrived (after `verifyEnvelope` accepted its envelope):
 * content that does not validate, has expired, or names another handling code than the envelope
 * it came in (pass `handling`) is kept as `refused`, with the reason, so the sender can be told;
 * anything else is `accepted`.
 */
export function receiveAlert(
  input: { id: string; issuer: string; version: number; content: unknown; handling?: TlpCode },
  now: number,
): AlertRecord {
  assertMeta(input.id, input.issuer);
  if (!Number.isSafeInteger(input.version) || input.version < 1) {
    throw new SharingError('INVALID_INPUT', `alert ${input.id}: version must be a positive integer`);
  }
  const base = { id: input.id, issuer: input.issuer, version: input.version, updatedAt: iso(now) };
  const parsed = parseAlertContent(input.content);
  if (!parsed.ok) {
    return {
      ...base,
      content: null,
      status: 'refused',
      statusReason: `invalid alert: ${issuesText(parsed.issues)}`,
    };
  }
  const fault =
    input.handling !== undefined && input.handling !== parsed.value.handling
      ? `the envelope travelled under TLP:${input.handling}, the alert says TLP:${parsed.value.handling}`
      : receivedAlertFault(parsed.value, now);
  return fault
    ? { ...base, content: parsed.value, status: 'refused', statusReason: fault }
    : { ...base, content: parsed.value, status: 'accepted' };
}

/** Which events each status admits, for the error message of an illegal one. */
const LEGAL: Record<AlertStatus, readonly AlertEvent['type'][]> = {
  issued: ['amend', 'withdraw'],
  accepted: ['amend', 'withdraw', 'refuse'],
  refused: ['amend', 'withdraw', 'accept'],
  withdrawn: [],
};

/**
 * The alert lifecycle as a pure state machine:
 *
 * | from \ event | amend (version + 1)                    | withdraw  | accept              | refuse  |
 * |--------------|----------------------------------------|-----------|---------------------|---------|
 * | issued       | issued                                 | withdrawn | -                   | -       |
 * | accepted     | accepted, or refused if expired         | withdrawn | -                   | refused |
 * | refused      | accepted, or refused if expired         | withdrawn | accepted if in force| -       |
 * | withdrawn    | -                                      | -         | -                   | -       |
 *
 * Anything else throws `ILLEGAL_TRANSITION`, and so does an amendment or withdrawal by anyone but
 * the issuer; an amendment whose version is not the next one
 * throws `VERSION_CONFLICT` (a replayed or skipped amendment is never applied silently).
 */
export function transitionAlert(record: AlertRecord, event: AlertEvent, now: number): AlertRecord {
  if (!LEGAL[record.status].includes(event.type)) {
    const allowed = LEGAL[record.status];
    throw new SharingError(
      'ILLEGAL_TRANSITION',
      `alert ${record.id} is ${record.status}: cannot ${event.type} it${
        allowed.length === 0 ? ' (withdrawn is final)' : ` (only ${allowed.join(', ')})`
      }`,
    );
  }
  if ((event.type === 'amend' || event.type === 'withdraw') && event.by !== record.issuer) {
    throw new SharingError(
      'ILLEGAL_TRANSITION',
      `alert ${record.id} was issued by ${record.issuer}: ${event.by} may not ${event.type} it`,
    );
  }
  const updatedAt = iso(now);
  const { statusReason: _drop, ...rest } = record;
  switch (event.type) {
    case 'amend': {
      if (event.version !== record.version + 1) {
        throw new SharingError(
          'VERSION_CONFLICT',
          `alert ${record.id} is at version ${record.version}: amendment ${event.version} is not ${record.version + 1}`,
        );
      }
      const next = { ...rest, version: event.version, content: event.content, updatedAt };
      if (record.status === 'issued') return { ...next, status: 'issued' };
      const fault = receivedAlertFault(event.content, now);
      return fault ? { ...next, status: 'refused', statusReason: fault } : { ...next, status: 'accepted' };
    }
    case 'withdraw':
      return {
        ...rest,
        status: 'withdrawn',
        statusReason: requireReason(event.reason, record.id),
        updatedAt,
      };
    case 'refuse':
      return { ...rest, status: 'refused', statusReason: requireReason(event.reason, record.id), updatedAt };
    case 'accept': {
      if (record.content === null) {
        throw new SharingError(
          'ILLEGAL_TRANSITION',
          `alert ${record.id} cannot be accepted: its content did not validate`,
        );
      }
      const fault = receivedAlertFault(record.content, now);
      if (fault)
        throw new SharingError('ILLEGAL_TRANSITION', `alert ${record.id} cannot be accepted: ${fault}`);
      return { ...rest, status: 'accepted', updatedAt };
    }
  }
}

/** What a receiver sends back about an alert: what came of it. */
export const AlertFeedbackSchema = z.strictObject({
  alertId: objectId,
  alertVersion: z.number().int().min(1),
  /** The receiving administration. */
  from: partyName,
  outcome: z.enum(['hit', 'no-discrepancy', 'discrepancy', 'seizure']),
  /** The seizure report it led to, when it did (its global form travels separately). */
  seizureId: objectId.optional(),
  at: instant,
  /** Plain note for the sender's analyst; the receiver decides what it says. */
  note: text(1000).optional(),
});
export type AlertFeedback = z.output<typeof AlertFeedbackSchema>;

function requireReason(reason: string, id: string): string {
  const trimmed = reason.trim();
  if (!trimmed) throw new SharingError('INVALID_INPUT', `alert ${id}: a reason is required`);
  return trimmed.slice(0, 1000);
}

function assertMeta(id: string, issuer: string): void {
  const problems: SharingIssue[] = [];
  if (!objectId.safeParse(id).success)
    problems.push({ path: '/id', message: `"${id}" is not a valid alert id` });
  if (!issuer.trim()) problems.push({ path: '/issuer', message: 'issuer is required' });
  if (problems.length > 0) throw new SharingError('INVALID_INPUT', issuesText(problems));
}

function iso(ms: number): string {
  if (!Number.isFinite(ms))
    throw new SharingError('INVALID_INPUT', `now must be epoch milliseconds, got ${ms}`);
  return new Date(ms).toISOString();
}
