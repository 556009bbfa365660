import type { InspectionResult } from '../../app/ports/assessment-store.ts';

/** What the lifecycle repository reads and writes: clearance milestones and inspection outcomes. */

/** Time Release Study milestones (WCO Guide to Measure the Time Required for the Release of Goods). */
export const LIFECYCLE_EVENTS = [
  'arrival',
  'lodgement',
  'decision',
  'inspection_start',
  'inspection_end',
  'outcome',
  'release',
  /** The declaration was cancelled (invalidated): what its release took from permits is given back. */
  'cancellation',
] as const;
export type LifecycleEventName = (typeof LIFECYCLE_EVENTS)[number];

export interface EventInput {
  event: LifecycleEventName;
  /** ISO 8601 instant; defaults to now. */
  at?: string;
  /** The version concerned; defaults to the current one. */
  version?: number;
}

export interface StoredEvent {
  id: string;
  version: number | null;
  event: LifecycleEventName;
  at: string;
  actor: string;
}

export interface StoredOutcome {
  id: string;
  version: number;
  decisionId: string;
  result: InspectionResult;
  fraud: boolean;
  critical: boolean;
  revenueRecovered: number | null;
  notes: string | null;
  officer: string;
  recordedAt: string;
}
