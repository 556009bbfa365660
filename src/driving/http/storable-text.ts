import type { MiddlewareHandler } from 'hono';
import { jsonPointer } from '../../core/declaration/validation.ts';
import { HttpError } from './http-error.ts';

// U+0000 cannot be stored in a PostgreSQL text column (SQLite stores it), and a lone UTF-16
// surrogate has no UTF-8 form: text holding either would be kept on one database and fail with
// a 500 on the other, so the API refuses it up front with a 400 that names the field.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a text cannot be stored alike on SQLite and PostgreSQL, or undefined when it can. */
export function unstorableReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must not contain a lone UTF-16 surrogate (not valid Unicode)';
  return undefined;
}

/** A zod refinement: `z.string().refine(isStorableText, STORABLE_TEXT_MESSAGE)`. */
export const isStorableText = (text: string): boolean => unstorableReason(text) === undefined;
export const STORABLE_TEXT_MESSAGE = 'must not contain U+0000 or a lone UTF-16 surrogate';

/**
 * Refuses a request whose path or query holds text no database can store alike (see
 * {@link unstorableReason}): 400 `validation_failed` naming the part, before any handler runs.
 * Bodies are checked field by field by their schemas (a bad declaration is a reject of its own).
 */
export function storableRequestText(): MiddlewareHandler {
  return async (c, next) => {
    const pathReason = unstorableReason(c.req.path);
    if (pathReason) {
      throw new HttpError(400, 'validation_failed', `the path ${pathReason}`, [
        { path: '', code: 'invalid_character', message: `the path ${pathReason}` },
      ]);
    }
    const details = Object.entries(c.req.queries()).flatMap(([name, values]) =>
      [name, ...values].flatMap((v) => {
        const reason = unstorableReason(v);
        return reason
          ? [
              {
                path: jsonPointer([name]),
                code: 'invalid_character',
                message: `query parameter ${name} ${reason}`,
              },
            ]
          : [];
      }),
    );
    if (details.length > 0) {
      throw new HttpError(400, 'validation_failed', 'the query does not match the schema', details);
    }
    await next();
  };
}
