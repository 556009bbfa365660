import { type ConsignmentService, createConsignmentService } from '../app/consignments.ts';
import { type ConsignmentModel, trainConsignmentModel } from '../core/ecommerce/consignment-model.ts';
import { type ConsignmentLane, openConsignmentLane } from '../core/ecommerce/lane.ts';
import { DEFAULT_LANE_CONFIG, type LaneConfig } from '../core/ecommerce/lane-config.ts';
import { PartyScreeningCache } from '../core/ecommerce/party-screening.ts';
import type { ScreeningIndex } from '../core/screening/candidate-index.ts';
import type { StoreConnection } from '../driven/database/database.ts';
import { referenceData } from '../driven/reference/file-reference-data.ts';
import { ConsignmentRepository } from '../driven/store/consignment-repository.ts';

const models = new Map<string, ConsignmentModel>();

/**
 * The lane's model, trained once per process and configuration on the generated set (same seeds,
 * same trees: every worker of a cluster decides with the same model).
 */
export function laneModel(config: LaneConfig = DEFAULT_LANE_CONFIG): ConsignmentModel {
  const key = JSON.stringify(config);
  let model = models.get(key);
  if (!model) {
    model = trainConsignmentModel(config);
    models.set(key, model);
  }
  return model;
}

export interface ConsignmentLaneParts {
  dataDirectory: string;
  /** The sanctions index to screen sellers and platforms with (the installation's, loaded once). */
  screening?: ScreeningIndex;
  /** Store decisions on this connection; without it nothing is stored. */
  conn?: StoreConnection;
  config?: LaneConfig;
  /**
   * Decide with the model: `true` (default) trains it now, `lazy` at the first batch (a server
   * starts without waiting; its first batch waits a few seconds), `false` never.
   */
  model?: boolean | 'lazy';
}

export interface ConsignmentLaneService {
  lane: ConsignmentLane;
  service: ConsignmentService;
  repository?: ConsignmentRepository;
  /** What the lane decides with, one line each, for a command's stderr. */
  describe: string[];
}

/**
 * Puts the e-commerce lane together: reference data, the screening index (its answers remembered
 * in a {@link PartyScreeningCache}), the model and the repository. `greenlane consignments assess`,
 * `greenlane serve` and the bus workers open it the same way.
 */
export function openConsignmentLaneService(parts: ConsignmentLaneParts): ConsignmentLaneService {
  const config = parts.config ?? DEFAULT_LANE_CONFIG;
  const model = parts.model === false || parts.model === 'lazy' ? undefined : laneModel(config);
  const lane = openConsignmentLane({
    ref: referenceData(parts.dataDirectory),
    config,
    ...(parts.screening ? { screening: new PartyScreeningCache(parts.screening) } : {}),
    ...(model ? { model } : {}),
  });
  const repository = parts.conn ? new ConsignmentRepository(parts.conn) : undefined;
  const service = createConsignmentService({ lane, ...(repository ? { store: repository } : {}) });
  return {
    lane,
    service:
      parts.model === 'lazy'
        ? {
            assessConsignments: (administration, records, options) => {
              lane.model ??= laneModel(config);
              return service.assessConsignments(administration, records, options);
            },
          }
        : service,
    ...(repository ? { repository } : {}),
    describe: [
      `e-commerce lane: screening ${parts.screening ? 'of sellers and platforms on' : 'off'}, model ${
        model
          ? `${model.trees} trees (generated training set, seed ${model.training.seed})`
          : parts.model === 'lazy'
            ? 'trained at the first batch'
            : 'off'
      }, decisions ${repository ? 'stored' : 'not stored'}`,
    ],
  };
}
