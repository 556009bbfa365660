import type { ValidationIssue } from '../core/declaration/validation.ts';
import { intrinsicValue } from '../core/ecommerce/consignment.ts';
import { CONSIGNMENT_FEATURES } from '../core/ecommerce/consignment-model.ts';
import { validateConsignment } from '../core/ecommerce/consignment-validation.ts';
import { type ConsignmentLane, decideConsignment, openConsignmentLane } from '../core/ecommerce/lane.ts';
import { type ConsignmentCheck, type Lane, toEur } from '../core/ecommerce/lane-config.ts';
import type { AssessedConsignment, ConsignmentStore } from './ports/consignment-store.ts';
import type { InputRecord } from './ports/input-record.ts';

/** One decided consignment, as the CLI prints it and the API returns it. */
export interface ConsignmentDecisionLine {
  record: number;
  consignmentId: string;
  lane: Lane;
  score: number;
  reasons: Array<{ check: ConsignmentCheck; code: string; message: string }>;
  modelScore?: number;
  /** Time the lane took for this consignment (validation and decision, not storage), milliseconds. */
  ms: number;
  decidedAt: string;
}

/** A record that is not a valid consignment: what is wrong, field by field. */
export interface ConsignmentRejectLine {
  rejected: true;
  record: number;
  consignmentId?: string;
  errors: ValidationIssue[];
}

export type ConsignmentLine = ConsignmentDecisionLine | ConsignmentRejectLine;

export interface ConsignmentServiceDeps {
  /** The lane (reference data, configuration, screening answers, model); its split window is replaced per administration. */
  lane: ConsignmentLane;
  /** Where decisions are kept; without one the service decides and stores nothing. */
  store?: ConsignmentStore;
  /** The clock (decision instants) and a timer for the per-consignment milliseconds. */
  now?: () => Date;
  timer?: () => number;
}

export interface ConsignmentService {
  /**
   * Validates and decides a batch of consignment records of one administration, stores the
   * decided ones (one transaction, when the service has a store) and returns one line per record,
   * in order. A bad record is a rejected line and never stops the others. This is what
   * `greenlane consignments assess`, `POST /v1/consignments` and a bus worker call.
   *
   * @example
   * const lines = await service.assessConsignments('NL', [{ record: 1, value: parcel }], { actor: 'worker-1' });
   */
  assessConsignments(
    administration: string,
    records: readonly InputRecord[],
    options?: { actor?: string },
  ): Promise<ConsignmentLine[]>;
}

export function createConsignmentService(deps: ConsignmentServiceDeps): ConsignmentService {
  const now = deps.now ?? (() => new Date());
  const timer = deps.timer ?? (() => performance.now());
  // Split consignments are found within one administration's parcels only.
  const lanes = new Map<string, ConsignmentLane>();
  const laneOf = (administration: string): ConsignmentLane => {
    let lane = lanes.get(administration);
    if (!lane) {
      lane = openConsignmentLane({
        ref: deps.lane.ref,
        config: deps.lane.config,
        ...(deps.lane.screening ? { screening: deps.lane.screening } : {}),
        ...(deps.lane.model ? { model: deps.lane.model } : {}),
      });
      lanes.set(administration, lane);
    }
    return lane;
  };
  const features = new Float64Array(CONSIGNMENT_FEATURES.length);

  return {
    async assessConsignments(administration, records, options = {}) {
      const lane = laneOf(administration);
      const decidedAt = now().toISOString();
      const lines: ConsignmentLine[] = [];
      const assessed: AssessedConsignment[] = [];
      for (const input of records) {
        const started = timer();
        if (input.errors && input.errors.length > 0) {
          lines.push(reject(input.record, input.declarationId, input.errors));
          continue;
        }
        const valid = validateConsignment(input.value, lane.ref);
        if (!valid.ok) {
          lines.push(reject(input.record, valid.consignmentId, valid.errors));
          continue;
        }
        const c = valid.consignment;
        const decision = decideConsignment(c, lane, features);
        const ms = Math.round((timer() - started) * 1000) / 1000;
        lines.push({
          record: input.record,
          consignmentId: c.id,
          lane: decision.lane,
          score: decision.score,
          reasons: decision.reasons.map(({ check, code, message }) => ({ check, code, message })),
          ...(decision.modelScore !== undefined ? { modelScore: decision.modelScore } : {}),
          ms,
          decidedAt,
        });
        assessed.push({
          consignment: c,
          decision,
          valueEur: toEur(intrinsicValue(c), c.currency, lane.config),
          decidedAt,
        });
      }
      if (deps.store && assessed.length > 0) {
        await deps.store.saveConsignments(administration, options.actor ?? 'unknown', assessed);
      }
      return lines;
    },
  };
}

function reject(
  record: number,
  consignmentId: string | undefined,
  errors: ValidationIssue[],
): ConsignmentRejectLine {
  return { rejected: true, record, ...(consignmentId !== undefined ? { consignmentId } : {}), errors };
}
