import { z } from '@hono/zod-openapi';
import { AssessmentLineSchema } from '../declaration-schemas.ts';
import { HttpError } from '../http-error.ts';

/** Longest a `POST /v1/declarations` through the bus waits for its decisions (`Prefer: wait=`). */
export const MAX_WAIT_SECONDS = 30;
/** The wait without a `Prefer` header: the 200 answer of the in-process mode, for most requests. */
export const DEFAULT_WAIT_SECONDS = 5;

export const SubmissionSchema = z
  .object({
    record: z
      .number()
      .int()
      .positive()
      .optional()
      .openapi({ description: '1-based position in the request' }),
    trackingId: z.string().optional().openapi({
      description: 'The intake stream sequence of the record: `GET /v1/submissions/{trackingId}`',
      example: '18234',
    }),
    declarationId: z.string().optional(),
    status: z.enum(['pending', 'decided', 'rejected']),
    result: AssessmentLineSchema.optional().openapi({
      description: 'The decision or the reject, once there is one',
    }),
  })
  .openapi('Submission');

export const SubmissionsAcceptedSchema = z
  .object({
    submissions: z.array(SubmissionSchema),
    summary: z.object({
      received: z.number().int(),
      decided: z.number().int(),
      rejected: z.number().int(),
      pending: z.number().int(),
    }),
  })
  .openapi('SubmissionsAccepted');

/**
 * The wait a request asks for with `Prefer` (RFC 7240): `respond-async` (§4.1) answers at once
 * with 202 and tracking ids; `wait=N` (§4.3) waits up to N seconds (at most {@link MAX_WAIT_SECONDS});
 * without either, {@link DEFAULT_WAIT_SECONDS}. `applied` goes back in `Preference-Applied`.
 */
export function preferredWait(header: string | undefined): { seconds: number; applied: string } {
  const prefs = (header ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (prefs.includes('respond-async')) return { seconds: 0, applied: 'respond-async' };
  const wait = prefs.find((p) => p.startsWith('wait='));
  if (wait === undefined) return { seconds: DEFAULT_WAIT_SECONDS, applied: `wait=${DEFAULT_WAIT_SECONDS}` };
  const value = wait.slice('wait='.length);
  if (!/^\d{1,6}$/.test(value))
    throw new HttpError(400, 'validation_failed', 'Prefer: wait must be a whole number of seconds', [
      { path: '/headers/prefer', code: 'invalid_value', message: `wait=${value} is not whole seconds` },
    ]);
  const seconds = Math.min(Number(value), MAX_WAIT_SECONDS);
  return { seconds, applied: `wait=${seconds}` };
}
