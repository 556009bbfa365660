import type { SavedAssessment, SignalSource } from '../../app/assess.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import { countedUse, identifiedItems, productSignals } from '../../core/medical/checks.ts';
import {
  type BatchRegistryView,
  composeRegistryView,
  type DeclaredUse,
} from '../../core/medical/registry-view.ts';
import type { ReferenceData } from '../../core/reference/reference-data.ts';
import type { ProductRepository } from '../store/product-repository.ts';

/** Uses kept between deciding and storing; bounded so never-stored ones cannot pile up. */
const MAX_PENDING = 50_000;

/** The product checks as a risk source, and what it records once a batch is stored. */
export interface ProductSignalSource extends SignalSource {
  /** Records the serials and lot units of the declarations just stored (the clone and quantity checks read them). */
  afterSave(administration: string, saved: readonly SavedAssessment[]): Promise<void>;
}

/**
 * The medical product registry as a signal source of kind `checks` (issue 13). `prepareBatch`
 * reads the rows the batch's declarations name (products, lots, serials, earlier declarations of
 * them) in a few keyed queries, so `signals` stays synchronous and pure; each view is held by its
 * declaration objects, so concurrent batches of one administration never see each other's.
 */
export function createProductSignalSource(
  products: ProductRepository,
  reference: ReferenceData,
  options: {
    /** Called once the uses of stored declarations are recorded (lot usage is shared from here). */
    onRecorded?: (administration: string, uses: readonly DeclaredUse[]) => Promise<unknown>;
  } = {},
): ProductSignalSource {
  const views = new WeakMap<Declaration, BatchRegistryView>();
  const pending = new Map<string, DeclaredUse>();
  const pendingKey = (administration: string, id: string) => `${administration}\u0000${id}`;
  return {
    name: 'products',
    kind: 'checks',
    versions: () => ({}),
    async prepareBatch(administration, declarations) {
      const gtins = new Set<string>();
      const lots: Array<[string, string]> = [];
      const serials: Array<[string, string]> = [];
      for (const d of declarations)
        for (const { ids } of identifiedItems(d)) {
          // Unregistered GTINs are looked up too: an unknown one may carry a registered brand.
          if (ids.gtin === undefined) continue;
          gtins.add(ids.gtin);
          if (ids.lot !== undefined) lots.push([ids.gtin, ids.lot]);
          for (const serial of ids.serials) serials.push([ids.gtin, serial]);
        }
      const rows = await products.readBatch(administration, { gtins: [...gtins], lots, serials });
      const view = composeRegistryView(
        rows,
        declarations.map((d) => d.id),
      );
      for (const d of declarations) views.set(d, view);
    },
    signals(declaration, administration) {
      const view = views.get(declaration);
      if (!view) return [];
      const signals = productSignals(declaration, view, reference);
      const use = countedUse(declaration, signals);
      view.record(use);
      if (pending.size >= MAX_PENDING) pending.clear();
      pending.set(pendingKey(administration, declaration.id), use);
      return signals;
    },
    async afterSave(administration, saved) {
      const uses: DeclaredUse[] = [];
      for (const { line } of saved) {
        const k = pendingKey(administration, line.declarationId);
        const use = pending.get(k);
        pending.delete(k);
        if (use && (use.serials.length > 0 || use.lots.length > 0)) uses.push(use);
      }
      await products.recordDeclared(administration, uses);
      if (uses.length > 0) await options.onRecorded?.(administration, uses);
    },
  };
}
