import type { SignalSource } from '../../app/assess.ts';
import type { Declaration } from '../../core/declaration/declaration.ts';
import type { ScreeningIndex } from '../../core/screening/candidate-index.ts';
import type { ScreeningHit, ScreeningQuery } from '../../core/screening/screen.ts';
import { screenDeclarationParties, screeningSignals } from '../../core/screening/signals.ts';

/**
 * Party screening as a risk source of the assessment pipeline (`AssessmentDeps.sources`): every
 * party and the vessel of each declaration are screened; a match requires red, a review yellow.
 * `versions()` names the list versions used, so each decision records them.
 *
 * @example
 * const context = await openScreeningContext({ dataDirectory: dataDir(), databaseUrl, source: 'auto' });
 * createAssessmentService({ ..., sources: [screeningSignalSource(() => context.index, context.isCleared)] });
 */
export function screeningSignalSource(
  index: () => ScreeningIndex,
  isCleared?: (query: ScreeningQuery, hit: ScreeningHit) => boolean,
): SignalSource {
  return {
    name: 'screening',
    kind: 'lists',
    signals: (declaration: Declaration) =>
      screeningSignals(screenDeclarationParties(declaration, index(), isCleared ? { isCleared } : {})),
    versions: () => Object.fromEntries(index().versions.map((label) => [label.split(':')[0]!, label])),
  };
}
