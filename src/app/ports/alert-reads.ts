import type { AlertRecord } from '../../core/sharing/alert.ts';

/** What the pipeline reads of an administration's alerts (implemented by `driven/store/alert-repository.ts`). */
export interface AcceptedAlertReader {
  /** The received alerts the administration accepted that are in force at `now` (ISO 8601) or later. */
  accepted(administration: string, now: string): Promise<AlertRecord[]>;
}
