import type { SignalSource } from '../../app/assess.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { EnvironmentReference } from '../../core/environment/environment-reference.ts';
import {
  type BatchClaims,
  emptyClaims,
  type PermitSnapshot,
  permitSignals,
} from '../../core/environment/permit-checks.ts';
import type { ReferenceData } from '../../core/reference/reference-data.ts';
import type { PermitRepository } from './permit-repository.ts';

/** Declarations whose batch snapshot is kept; bounded so batches never decided cannot pile up. */
const MAX_PENDING = 200_000;

interface BatchState {
  snapshot: PermitSnapshot;
  claims: BatchClaims;
  /** Declarations checked in the current pass; one seen again means the batch is decided anew. */
  seen: Set<string>;
}

/**
 * The permit checks as a pipeline risk source of kind `checks` (docs/ENVIRONMENT.md):
 * `prepareBatch` reads the register rows the batch's declarations reference (documents, their
 * consumptions, the traders' quotas and history) once; `signals` then checks each declaration
 * synchronously against that snapshot, carrying what earlier declarations of the batch claimed.
 */
export function createPermitSignalSource(options: {
  permits: PermitRepository;
  reference: ReferenceData;
  environment: EnvironmentReference;
}): SignalSource {
  // Keyed by administration and declaration id: concurrent batches of one administration each
  // keep their own snapshot.
  const pending = new Map<string, BatchState>();
  const key = (administration: string, id: string) => `${administration}\u0000${id}`;
  return {
    name: 'permits',
    kind: 'checks',
    versions: () => ({}),
    async prepareBatch(administration: string, declarations: readonly Declaration[]) {
      const numbers = declarations.flatMap((d) =>
        d.items.flatMap((i) => i.documents.map((doc) => doc.reference.trim())),
      );
      const traders = declarations.flatMap((d) =>
        [d.importer?.id, d.exporter?.id, d.consignee?.id, d.consignor?.id].filter(
          (t): t is string => t !== undefined,
        ),
      );
      const snapshot = await options.permits.snapshot(administration, numbers, traders);
      if (pending.size + declarations.length > MAX_PENDING) pending.clear();
      const state: BatchState = { snapshot, claims: emptyClaims(), seen: new Set() };
      for (const d of declarations) pending.set(key(administration, d.id), state);
    },
    signals(declaration: Declaration, administration: string) {
      const batch = pending.get(key(administration, declaration.id));
      if (!batch) return [];
      // A batch decided again (another submission moved one of its declarations on) starts its claims afresh.
      if (batch.seen.has(declaration.id)) {
        batch.claims = emptyClaims();
        batch.seen.clear();
      }
      batch.seen.add(declaration.id);
      return permitSignals(declaration, {
        reference: options.reference,
        environment: options.environment,
        snapshot: batch.snapshot,
        claims: batch.claims,
      });
    },
  };
}
