import { GreenlaneError } from '../../core/error.ts';

/** Closed set of reasons a reference-data fetch fails. */
export type ReferenceFetchErrorCode =
  | 'BAD_OPTION'
  | 'DOWNLOAD_FAILED'
  | 'HTTP_STATUS'
  | 'TOO_LARGE'
  | 'BAD_ARCHIVE'
  | 'BAD_FORMAT'
  | 'TOO_FEW_ROWS'
  | 'WRITE_FAILED';

/** A fetch that failed; the message names the source and its URL. Nothing was installed. */
export class ReferenceFetchError extends GreenlaneError<ReferenceFetchErrorCode> {
  override name = 'ReferenceFetchError';
}
