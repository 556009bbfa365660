import {
  type CustomsRecord,
  declarationRecords,
  type OutcomeLabel,
} from '../../core/model/customs-record.ts';
import type { LabelledRecords } from '../../core/model/risk-model.ts';
import type { ClearanceReads } from './clearance-reads.ts';

/**
 * Training rows from the outcomes recorded in the store, which closes the loop "select, inspect,
 * record outcome, retrain": every inspected declaration lodged in `[from, to)`, one row per goods
 * item, labelled with its latest outcome (critical fraud > fraud > no fraud).
 */
export async function trainingSetFromStore(
  store: Pick<ClearanceReads, 'trainingRows'>,
  administration: string,
  range: { from?: string; to?: string } = {},
): Promise<LabelledRecords & { declarations: number; randomlySelected: number }> {
  const rows = await store.trainingRows(administration, range);
  const records: CustomsRecord[] = [];
  const outcomes: OutcomeLabel[] = [];
  let randomlySelected = 0;
  for (const row of rows) {
    const outcome: OutcomeLabel = row.critical ? 2 : row.fraud ? 1 : 0;
    if (row.randomlySelected) randomlySelected++;
    for (const r of declarationRecords(row.declaration)) {
      records.push(r);
      outcomes.push(outcome);
    }
  }
  return { records, outcomes, declarations: rows.length, randomlySelected };
}
