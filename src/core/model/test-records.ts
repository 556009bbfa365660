import type { CustomsRecord, OutcomeLabel } from './customs-record.ts';
import { seededRandom } from './random.ts';

/**
 * Small synthetic customs records for the model's tests: fraud concentrates on a few risky
 * importers and under-priced HS 6403.99 shoes from CN, so a working pipeline must find both.
 */
export function syntheticRecords(
  n: number,
  seed: number,
): { records: CustomsRecord[]; outcomes: OutcomeLabel[] } {
  const random = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const records: CustomsRecord[] = [];
  const outcomes: OutcomeLabel[] = [];
  for (let i = 0; i < n; i++) {
    const importer = `IMP${Math.floor(random() * 40)}`;
    const hs6 = pick(['640399', '420231', '851712', '090121']);
    const origin = pick(['CN', 'VN', 'IT', 'US']);
    const mass = 1 + Math.floor(random() * 500);
    const underpriced = hs6 === '640399' && origin === 'CN' && random() < 0.5;
    const unitPrice = (hs6 === '851712' ? 500 : 20) * (underpriced ? 0.1 : 0.8 + random() * 0.4);
    const riskyImporter = importer === 'IMP1' || importer === 'IMP2';
    const fraud = underpriced || (riskyImporter && random() < 0.8) || random() < 0.03;
    records.push({
      declarationId: String(100000 + i),
      itemSequence: 1,
      date: `2020-${String(1 + (i % 12)).padStart(2, '0')}-01`,
      office: pick(['10', '20']),
      processType: 'B',
      importType: '11',
      importUse: '21',
      paymentType: '11',
      transportMode: pick(['sea', 'air']),
      declarant: `DEC${Math.floor(random() * 5)}`,
      importer,
      seller: `SEL${Math.floor(random() * 30)}`,
      courier: '',
      hs6,
      departure: origin,
      origin,
      taxRate: 8,
      taxType: 'A',
      originIndicator: 'E',
      netMass: mass,
      itemPrice: mass * unitPrice,
    });
    outcomes.push(fraud ? (random() < 0.1 ? 2 : 1) : 0);
  }
  return { records, outcomes };
}
