import { beforeAll, describe, expect, it } from 'vitest';
import { sampleConsignment } from '../../../test/support/consignment-fixture.ts';
import { referenceData } from '../../driven/reference/file-reference-data.ts';
import { dataDir } from '../../installation/config.ts';
import type { ReferenceData } from '../reference/reference-data.ts';
import { buildScreeningIndex } from '../screening/candidate-index.ts';
import { addName, type ListVersion, newEntity } from '../screening/entity.ts';
import { testNameTables } from '../screening/test-tables.ts';
import { type Consignment, type ConsignmentInput, ConsignmentSchema } from './consignment.ts';
import { type ConsignmentLane, decideConsignment, openConsignmentLane } from './lane.ts';
import { DEFAULT_LANE_CONFIG } from './lane-config.ts';
import { PartyScreeningCache } from './party-screening.ts';

const listed = newEntity('ofac', '99001', 'organization');
addName(listed, 'Golden Crescent Petrochemical Trading LLC', 'primary');
const version: ListVersion = {
  list: 'ofac',
  publishedOn: '2026-10-01',
  sha256: 'b'.repeat(64),
  origin: ['test'],
  entities: [listed],
};

let ref: ReferenceData;
let lane: ConsignmentLane;
beforeAll(() => {
  ref = referenceData(dataDir());
  lane = freshLane();
});

function laneWith(screening: PartyScreeningCache): ConsignmentLane {
  return openConsignmentLane({ ref, config: DEFAULT_LANE_CONFIG, screening });
}

function freshLane(): ConsignmentLane {
  const index = buildScreeningIndex([version], testNameTables());
  return openConsignmentLane({ ref, config: DEFAULT_LANE_CONFIG, screening: new PartyScreeningCache(index) });
}

const parse = (input: ConsignmentInput): Consignment => ConsignmentSchema.parse(input);
// A new lane per call (same screening answers): the split window would otherwise link the tests' parcels.
const decide = (overrides: Partial<ConsignmentInput>, on = laneWith(lane.screening!)) =>
  decideConsignment(parse(sampleConsignment(overrides)), on);
const codes = (overrides: Partial<ConsignmentInput>) => decide(overrides).reasons.map((r) => r.code);

describe('decideConsignment', () => {
  it('releases a plausible consignment with no reasons', () => {
    expect(decide({ id: 'clean-1' })).toEqual({
      consignmentId: 'clean-1',
      lane: 'release',
      score: 0,
      reasons: [],
    });
  });

  it('inspects a parcel from a listed seller, and says who it matches', () => {
    const d = decide({ seller: { name: 'GOLDEN CRESCENT PETROCHEMICAL TRADING', country: 'AE' } });
    expect(d.lane).toBe('inspect');
    expect(d.reasons[0]).toMatchObject({ check: 'screening', code: 'SELLER_SANCTIONED', lane: 'inspect' });
    expect(d.reasons[0]!.message).toMatch(/on the OFAC list \(99001/);
  });

  it('screens the platform as well', () => {
    expect(codes({ platform: { name: 'Golden Crescent Petrochemical Trading LLC' } })).toContain(
      'PLATFORM_SANCTIONED',
    );
  });

  it('holds a seller in an embargoed country', () => {
    expect(decide({ seller: { name: 'Pyongyang Goods', country: 'KP' } }).lane).toBe('hold');
  });

  it('inspects prohibited goods and holds restricted goods, by words and by HS code', () => {
    const item = (description: string, hs6?: string) => ({
      items: [{ description, value: 20, quantity: 1, ...(hs6 ? { hs6 } : {}) }],
    });
    expect(decide(item('tadalafil 20mg')).lane).toBe('inspect');
    expect(decide(item('R-22 refrigerant gas')).lane).toBe('hold');
    expect(decide(item('metal parts', '930200')).reasons[0]).toMatchObject({
      code: 'PROHIBITED_HS',
      lane: 'inspect',
    });
    expect(decide(item('metal parts', '930690')).reasons[0]).toMatchObject({
      code: 'PROHIBITED_HS',
      lane: 'inspect',
    });
    expect(decide(item('dried fish', '030571')).reasons[0]).toMatchObject({
      code: 'RESTRICTED_HS',
      lane: 'hold',
    });
    expect(decide(item('cooling liquid', '290371')).reasons[0]!.message).toBe(
      'item 1: HS 290371 is tied to ozone depleting (CFC halon HCFC, high confidence)',
    );
  });

  it('holds goods declared below what such goods cost, and says by how much', () => {
    const d = decide({ items: [{ description: 'smartphone', value: 9.9, quantity: 1 }], grossMassKg: 0.3 });
    expect(d.lane).toBe('hold');
    expect(d.reasons[0]!.message).toBe(
      'item 1: EUR 9.9 per unit is below the EUR 40 a mobile phone costs at least',
    );
  });

  it('converts the currency before comparing with the threshold', () => {
    const above = decide({
      currency: 'USD',
      items: [{ description: 'lamp', value: 170, quantity: 1 }],
      grossMassKg: 1,
    });
    expect(above.reasons.map((r) => r.code)).toEqual(['ABOVE_THRESHOLD']);
    const near = decide({
      currency: 'USD',
      items: [{ description: 'lamp', value: 150, quantity: 1 }],
      grossMassKg: 1,
    });
    expect(near).toMatchObject({ lane: 'release', reasons: [{ code: 'JUST_UNDER_THRESHOLD' }] });
  });

  it('holds a parcel far heavier or lighter than its goods', () => {
    const heavy = decide({ items: [{ description: 't-shirt', value: 8, quantity: 1 }], grossMassKg: 12 });
    expect(heavy.reasons.map((r) => r.code)).toEqual(['TOO_HEAVY']);
    const light = decide({ items: [{ description: 'laptop', value: 140, quantity: 1 }], grossMassKg: 0.2 });
    expect(light.reasons.map((r) => r.code)).toContain('TOO_LIGHT');
  });

  it('holds the second parcel of an order split to stay under the threshold, not the first', () => {
    const on = freshLane();
    const part = (id: string, lodgedAt: string) =>
      decide({ id, lodgedAt, items: [{ description: 'lamp', value: 100, quantity: 1 }], grossMassKg: 1 }, on);
    expect(part('split-1', '2026-11-02T10:00:00Z').lane).toBe('release');
    const second = part('split-2', '2026-11-03T09:00:00Z');
    expect(second.lane).toBe('hold');
    expect(second.reasons[0]!.message).toMatch(/1 earlier consignment\(s\).* EUR 200, above the threshold/);
    // The same parcel sent again is not a split of itself; outside the window nothing is added up.
    expect(part('split-2', '2026-11-03T09:00:00Z').reasons.map((r) => r.code)).toEqual(['SPLIT_CONSIGNMENT']);
    expect(part('split-3', '2026-11-09T09:00:00Z').lane).toBe('release');
  });

  it('remembers screening answers: a seller is screened once', () => {
    const on = freshLane();
    decide({ id: 'a' }, on);
    decide({ id: 'b' }, on);
    expect(on.screening).toMatchObject({ misses: 2, hits: 2 });
  });
});
