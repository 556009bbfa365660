import { z } from 'zod';
import { AlertFeedbackSchema } from './alert.ts';
import { ClosedGroupSchema } from './closed-group.ts';
import type { EnvelopeKind } from './envelope.ts';
import { GlobalSeizureReportSchema } from './release-policy.ts';
import { SeizureReportSchema } from './seizure.ts';
import { objectId, type ParseResult, parseWith, text } from './shared-fields.ts';
import type { HandlingDecision, TlpCode } from './tlp.ts';

/**
 * What each kind of envelope carries. The receiver checks the body against its kind before
 * anything is applied. An alert's content is not checked here but by `receiveAlert`, so a
 * partner's invalid alert is kept as refused, with the reason, rather than dropped.
 */
export const SHARED_BODY_SCHEMAS = {
  alert: z.strictObject({ alertId: objectId, version: z.literal(1), content: z.unknown() }),
  'alert-amendment': z.strictObject({
    alertId: objectId,
    version: z.number().int().min(2),
    content: z.unknown(),
  }),
  'alert-withdrawal': z.strictObject({ alertId: objectId, reason: text(1000) }),
  'alert-feedback': AlertFeedbackSchema,
  seizure: z.discriminatedUnion('form', [
    z.strictObject({ form: z.literal('global'), report: GlobalSeizureReportSchema }),
    z.strictObject({ form: z.literal('national'), report: SeizureReportSchema }),
  ]),
  group: ClosedGroupSchema,
  'group-post': z.strictObject({
    groupId: objectId,
    post: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('message'), text: text(4000) }),
      z.strictObject({ kind: z.literal('alert'), alertId: objectId }),
      z.strictObject({ kind: z.literal('seizure'), report: GlobalSeizureReportSchema }),
    ]),
  }),
  /**
   * The sender's own cumulative units declared of a medical lot (issue 13): a figure that replaces
   * the sender's previous one for the lot, never added to it.
   */
  'lot-usage': z.strictObject({
    gtin: z.string().regex(/^[0-9]{14}$/, 'must be a GTIN-14 (14 digits)'),
    lot: z.string().min(1).max(20),
    units: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    asOf: z.iso.datetime({ offset: true }),
  }),
} as const satisfies Record<EnvelopeKind, z.ZodType>;

export type SharedBody<K extends EnvelopeKind> = z.output<(typeof SHARED_BODY_SCHEMAS)[K]>;

/** Validates a body against its kind; problems are reported under `/body`. */
export function parseSharedBody<K extends EnvelopeKind>(kind: K, body: unknown): ParseResult<SharedBody<K>> {
  const parsed = parseWith(SHARED_BODY_SCHEMAS[kind] as z.ZodType, body);
  if (parsed.ok) return parsed as ParseResult<SharedBody<K>>;
  return { ok: false, issues: parsed.issues.map((i) => ({ ...i, path: `/body${i.path}` })) };
}

/**
 * Handling a body demands whatever the envelope says: a national seizure report names persons,
 * so it travels under AMBER+STRICT or RED only (to the partner national law allows, and no further).
 */
export function bodyHandling(kind: EnvelopeKind, body: unknown, handling: TlpCode): HandlingDecision {
  if (kind === 'seizure' && (body as { form?: unknown }).form === 'national') {
    if (handling !== 'AMBER+STRICT' && handling !== 'RED') {
      return {
        allowed: false,
        reason: `a national seizure report carries personal data: it travels under AMBER+STRICT or RED, not ${handling}`,
      };
    }
  }
  return { allowed: true };
}
