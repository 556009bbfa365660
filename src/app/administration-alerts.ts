import type { ReferenceData } from '../core/reference/reference-data.ts';
import { type CompiledAlerts, compileAlerts } from '../core/sharing/alert-signals.ts';
import type { AcceptedAlertReader } from './ports/alert-reads.ts';

/**
 * Partners' accepted alerts per administration for the assessment pipeline
 * (`AssessmentDeps.alertsFor`): read again before each batch (one query; recompiled only when
 * they changed), so an alert accepted, amended, withdrawn or expired takes effect at that
 * administration's next batch, and never for another administration.
 *
 * @example
 * createAssessmentService({ ...deps, alertsFor: administrationAlerts(alertRepository, reference) });
 */
export function administrationAlerts(
  reader: AcceptedAlertReader,
  reference: ReferenceData,
): (administration: string, now: Date) => Promise<CompiledAlerts> {
  const compiled = new Map<string, { signature: string; alerts: CompiledAlerts }>();
  return async (administration, now) => {
    const records = await reader.accepted(administration, now.toISOString());
    const signature = records.map((r) => `${r.id}\u0000${r.version}\u0000${r.updatedAt}`).join('\u0001');
    const cached = compiled.get(administration);
    if (cached?.signature === signature) return cached.alerts;
    const alerts = compileAlerts(records, reference);
    compiled.set(administration, { signature, alerts });
    return alerts;
  };
}
