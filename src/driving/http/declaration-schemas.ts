import { z } from '@hono/zod-openapi';
import { INSPECTION_RESULTS } from '../../app/ports/assessment-store.ts';
import { OVERRIDE_REASON_LENGTH, overrideReasonProblem } from '../../core/decision/decide.ts';
import { CHANNELS, SIGNAL_SOURCES } from '../../core/decision/signal.ts';
import { DeclarationSchema } from '../../core/declaration/declaration.ts';
import { DECLARATION_STATUSES } from '../../driven/store/declaration-records.ts';
import { ApiErrorDetailSchema } from './http-error.ts';
import { isStorableText, STORABLE_TEXT_MESSAGE } from './storable-text.ts';

/**
 * Response schemas of the declaration endpoints. Request bodies reuse the core's
 * `DeclarationSchema` as is, so the OpenAPI document and the validator cannot disagree.
 */

// zod 4 copies prototype methods onto each schema when it is built, so a core schema built before
// @hono/zod-openapi extended zod lacks `.openapi`; a clone is built now and has it.
export const DeclarationComponent = DeclarationSchema.clone().openapi('Declaration');

export const ChannelSchema = z.enum(CHANNELS).openapi('Channel', {
  description: 'ASYCUDA-style lane: green release, yellow documentary check, red physical inspection.',
});

export const ReasonSchema = z
  .object({
    source: z.string().openapi({ example: 'profile' }),
    code: z.string().openapi({ example: 'P-UNDERVALUATION-01' }),
    message: z.string().openapi({ example: 'Unit price far below the norm for this HS subheading' }),
  })
  .openapi('Reason');

export const AcceptedLineSchema = z
  .object({
    record: z.number().int().positive().openapi({ description: '1-based position in the request' }),
    declarationId: z.string(),
    version: z.number().int().positive(),
    status: z.enum(['created', 'unchanged', 'amended']),
    channel: ChannelSchema,
    score: z.number(),
    summary: z.string().openapi({ description: 'One sentence for the officer: the channel and why' }),
    reasons: z.array(ReasonSchema),
    decidedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('AcceptedLine');

export const RejectedLineSchema = z
  .object({
    rejected: z.literal(true),
    record: z.number().int().positive(),
    declarationId: z.string().optional(),
    errors: z.array(ApiErrorDetailSchema),
  })
  .openapi('RejectedLine');

export const AssessmentLineSchema = z
  .union([AcceptedLineSchema, RejectedLineSchema])
  .openapi('AssessmentLine');
export type AssessmentLineBody = z.infer<typeof AssessmentLineSchema>;

export const AssessmentResponseSchema = z
  .object({
    results: z.array(AssessmentLineSchema),
    summary: z.object({
      received: z.number().int(),
      accepted: z.number().int(),
      rejected: z.number().int(),
      channels: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }),
    }),
  })
  .openapi('AssessmentResponse');
export type AssessmentResponse = z.infer<typeof AssessmentResponseSchema>;

export const RiskSignalSchema = z
  .object({
    source: z.enum(SIGNAL_SOURCES),
    code: z.string(),
    message: z.string(),
    score: z.number(),
    minChannel: ChannelSchema.optional(),
    instructions: z.string().optional(),
    items: z.array(z.number().int()).optional(),
    evidence: z.record(z.string(), z.unknown()).optional(),
  })
  .openapi('RiskSignal', { description: 'One reason for the channel, as the officer reads it.' });

export const SelectionSchema = z
  .object({
    keyId: z.string().openapi({
      description: 'Id of the secret selection key the draw was made with; the key itself is never shown',
    }),
    draw: z.number().openapi({
      description:
        'HMAC-SHA256 under the selection key of ["greenlane-selection/v1","channel",administration,declarationId], ' +
        'first 48 bits / 2^48; the same for every version of the declaration',
    }),
    rates: z.object({ yellow: z.number(), red: z.number() }),
    thresholds: z.object({ yellow: z.number(), red: z.number() }),
  })
  .openapi('RandomSelection', {
    description:
      'What an auditor holding the selection keys needs to re-check the random draw (`greenlane selection verify`)',
  });

export const DecisionSchema = z
  .object({
    id: z.string(),
    declarationId: z.string(),
    version: z.number().int(),
    kind: z.enum(['auto', 'override']),
    channel: ChannelSchema,
    score: z.number(),
    reasons: z
      .array(RiskSignalSchema)
      .openapi({ description: 'The explanation: every signal, strongest first' }),
    selection: z.record(z.string(), z.unknown()).nullable().optional(),
    decidedAt: z.string().openapi({ format: 'date-time' }),
    officer: z.string().nullable(),
    reason: z.string().nullable(),
    supersedes: z.string().nullable(),
    profileVersions: z.record(z.string(), z.number()),
    referenceVersion: z.string(),
    modelVersion: z.string().nullable().optional(),
    listVersions: z.record(z.string(), z.string()).nullable().optional(),
    logIndex: z.number().int().nullable(),
  })
  .openapi('Decision');

export const OutcomeSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    decisionId: z.string(),
    result: z.enum(INSPECTION_RESULTS),
    fraud: z.boolean(),
    critical: z.boolean(),
    revenueRecovered: z.number().nullable(),
    notes: z.string().nullable(),
    officer: z.string(),
    recordedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('InspectionOutcome');

export const DeclarationDetailSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    status: z.enum(DECLARATION_STATUSES),
    declaration: DeclarationComponent,
    versions: z.array(
      z.object({
        version: z.number().int(),
        contentHash: z.string(),
        receivedAt: z.string(),
        source: z.string(),
      }),
    ),
    decision: DecisionSchema,
    decisions: z.array(DecisionSchema),
    events: z.array(
      z.object({
        id: z.string(),
        version: z.number().int().nullable(),
        event: z.string(),
        at: z.string(),
        actor: z.string(),
      }),
    ),
    outcomes: z.array(OutcomeSchema),
  })
  .openapi('DeclarationDetail');

/** `POST /v1/declarations/{id}/outcome`: what the inspection found (the model's label). */
export const OutcomeBodySchema = z
  .strictObject({
    result: z.enum(INSPECTION_RESULTS),
    /** Defaults: a discrepancy or seizure is fraud; critical only when said so. */
    fraud: z.boolean().optional(),
    critical: z.boolean().optional(),
    revenueRecovered: z.number().nonnegative().finite().optional(),
    notes: z.string().trim().min(1).max(4000).refine(isStorableText, STORABLE_TEXT_MESSAGE).optional(),
  })
  .openapi('OutcomeBody');

/** `POST /v1/declarations/{id}/override`: an officer changes the channel and says why. */
export const OverrideBodySchema = z
  .strictObject({
    channel: ChannelSchema,
    reason: z
      .string()
      .superRefine((reason, ctx) => {
        const problem = overrideReasonProblem(reason);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `reason ${problem}` });
      })
      .transform((reason) => reason.trim())
      .openapi({
        description:
          'Why the officer changes the channel: well-formed Unicode without control characters (tab and line ' +
          `breaks allowed), ${OVERRIDE_REASON_LENGTH.min} to ${OVERRIDE_REASON_LENGTH.max} characters once trimmed`,
        minLength: OVERRIDE_REASON_LENGTH.min,
        maxLength: OVERRIDE_REASON_LENGTH.max,
      }),
  })
  .openapi('OverrideBody');
