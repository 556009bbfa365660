import { StoreError } from '../database/store-error.ts';

/** A page of results, newest first; pass `nextCursor` back for the next page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** The rows a page holds: 1..1000, default 50. */
export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1)
    throw new StoreError('INVALID_INPUT', 'limit must be a positive integer');
  return Math.min(limit, MAX_PAGE);
}
