import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { StaleVersionError } from '../../app/ports/stale-version-error.ts';
import { GreenlaneError } from '../../core/error.ts';
import { LedgerError } from '../../core/ledger/ledger-error.ts';
import { StoreError, type StoreErrorCode } from '../../driven/database/store-error.ts';
import { HttpError, toHttpError } from './http-error.ts';

describe('HTTP error mapping', () => {
  it.each<[StoreErrorCode, number, string]>([
    ['NOT_FOUND', 404, 'not_found'],
    ['CONFLICT', 409, 'conflict'],
    ['INVALID_INPUT', 400, 'invalid_body'],
    ['UNKNOWN_ADMINISTRATION', 403, 'forbidden'],
  ])('a store error %s is a %i %s with its message and cause', (code, status, apiCode) => {
    const err = new StoreError(code, `store says ${code}`);
    const http = toHttpError(err);
    expect(http.status).toBe(status);
    expect(http.toBody()).toEqual({ error: { code: apiCode, message: `store says ${code}` } });
    expect(http.cause).toBe(err);
  });

  it("maps the app's stale version to a 409 conflict with its message", () => {
    const err = new StaleVersionError('D1 was assessed new but is now at version 2');
    const http = toHttpError(err);
    expect([http.status, http.code, http.message]).toEqual([409, 'conflict', err.message]);
    expect(http.cause).toBe(err);
  });

  it('passes the details of a mapped coded error to the client', () => {
    const details = [{ path: '/reason', code: 'empty', message: 'a reason is required' }];
    const http = toHttpError(new StoreError('INVALID_INPUT', 'the override is not valid', { details }));
    expect(http.toBody()).toEqual({
      error: { code: 'invalid_body', message: 'the override is not valid', details },
    });
  });

  it.each([
    [
      'a coded error of a type the client cannot act on',
      new LedgerError('NOT_FOUND', 'entries 3..4 are incomplete'),
    ],
    ['a bare coded error', new GreenlaneError('NOT_FOUND', 'internal lookup failed')],
    ['an unexpected error', new TypeError('x is undefined')],
    ['a thrown string', 'boom'],
  ])('%s is a 500 that reveals nothing', (_, err) => {
    const http = toHttpError(err);
    expect(http.status).toBe(500);
    expect(http.toBody()).toEqual({ error: { code: 'internal', message: 'internal server error' } });
    expect(http.cause).toBe(err);
  });

  it("keeps an HttpError as it is and a Hono HTTPException's status", () => {
    const own = new HttpError(429, 'rate_limited', 'slow down', [], { headers: { 'Retry-After': '2' } });
    expect(toHttpError(own)).toBe(own);
    expect(own.toBody()).toEqual({ error: { code: 'rate_limited', message: 'slow down' } });
    const hono = toHttpError(new HTTPException(413));
    expect([hono.status, hono.toBody()]).toEqual([
      413,
      { error: { code: 'payload_too_large', message: 'payload too large' } },
    ]);
  });

  it('is a coded error itself: code, message and details on the base', () => {
    const details = [{ path: '/id', code: 'required', message: 'id is required' }];
    const err = new HttpError(400, 'validation_failed', 'the declaration is not valid', details);
    expect(err).toBeInstanceOf(GreenlaneError);
    expect([err.code, err.message, err.details]).toEqual([
      'validation_failed',
      'the declaration is not valid',
      details,
    ]);
    expect(err.toBody().error.details).toEqual(details);
  });
});
