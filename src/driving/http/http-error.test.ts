import { describe, expect, it } from 'vitest';
import { StaleVersionError } from '../../app/ports/stale-version-error.ts';
import { StoreError } from '../../driven/database/store-error.ts';
import { toHttpError } from './http-error.ts';

describe('toHttpError', () => {
  it("maps the store's codes and the app's stale version to statuses, keeping the message", () => {
    const cases: Array<[unknown, number, string]> = [
      [new StoreError('NOT_FOUND', 'D1 not found'), 404, 'not_found'],
      [new StoreError('CONFLICT', 'raced'), 409, 'conflict'],
      [new StoreError('INVALID_INPUT', 'limit must be a positive integer'), 400, 'invalid_body'],
      [new StoreError('UNKNOWN_ADMINISTRATION', 'gone'), 403, 'forbidden'],
      [new StaleVersionError('D1 was assessed new but is now at version 2'), 409, 'conflict'],
    ];
    for (const [error, status, code] of cases) {
      const http = toHttpError(error);
      expect([http.status, http.code, http.message]).toEqual([status, code, (error as Error).message]);
      expect(http.cause).toBe(error);
    }
  });

  it('reveals nothing of an unknown error', () => {
    const http = toHttpError(new Error('connection to 10.0.0.5 refused'));
    expect([http.status, http.code, http.message]).toEqual([500, 'internal', 'internal server error']);
  });
});
