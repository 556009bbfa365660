import { describe, expect, it } from 'vitest';
import { AlertContentSchema } from './alert.ts';
import {
  type CashDeclaration,
  cashAlertDraft,
  cashScreeningQueries,
  cashSeizure,
  parseCashDeclaration,
} from './cash-declaration.ts';
import { releaseForm } from './release-policy.ts';
import { SeizureReportSchema } from './seizure.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');

const input = {
  id: 'CASH-2026-31',
  administration: 'be-customs',
  at: '2026-12-02T18:40:00Z',
  office: 'BE212000',
  direction: 'exit',
  traveller: {
    name: 'Karim Haddad',
    dateOfBirth: '1979-03-14',
    nationality: 'LB',
    documentType: 'passport',
    documentNumber: 'LR0456123',
  },
  amount: 148_000,
  currency: 'EUR',
  instruments: ['banknotes-and-coins'],
  originOfFunds: 'sale of a car',
  intendedUse: 'family expenses',
  transportMode: 'air',
  route: { departure: 'BE', transit: ['TR'], destination: 'LB' },
  status: 'undeclared',
  grounds: 'Banknotes wrapped in carbon paper in a suitcase lining.',
};

function cash(overrides: Record<string, unknown> = {}): CashDeclaration {
  const parsed = parseCashDeclaration({ ...input, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('parseCashDeclaration', () => {
  it('accepts a FATF R.32 declaration', () => {
    expect(cash().traveller.nationality).toBe('LB');
  });

  it('asks for the declared amount of a false declaration and the grounds of a suspicion', () => {
    const { grounds: _g, ...noGrounds } = input;
    const parsed = parseCashDeclaration({ ...noGrounds, status: 'falsely-declared' });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues).toEqual([
        { path: '/declaredAmount', message: 'a false declaration needs the declared amount' },
      ]);
    }
    const suspicious = parseCashDeclaration({ ...noGrounds, status: 'suspicious' });
    expect(suspicious.ok).toBe(false);
    if (!suspicious.ok) expect(suspicious.issues.map((i) => i.path)).toEqual(['/grounds']);
  });

  it('names each faulty field', () => {
    const parsed = parseCashDeclaration({
      ...input,
      amount: -5,
      currency: 'euro',
      instruments: [],
      direction: 'out',
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues.map((i) => i.path).sort()).toEqual([
        '/amount',
        '/currency',
        '/direction',
        '/instruments',
      ]);
    }
  });
});

describe('cashSeizure', () => {
  it('derives a cash seizure whose personal data stays national', () => {
    const seizure = cashSeizure(cash(), 'BE-S-9');
    expect(SeizureReportSchema.safeParse(seizure).success).toBe(true);
    expect(seizure).toMatchObject({
      id: 'BE-S-9',
      category: 'cash-and-bearer-instruments',
      direction: 'export',
      quantity: { value: 148_000, unit: 'currency-units' },
      estimatedValue: { amount: 148_000, currency: 'EUR' },
      persons: [{ role: 'traveller', name: 'Karim Haddad', documentNumber: 'LR0456123' }],
    });
    expect(seizure.notes).toContain('grounds: Banknotes wrapped in carbon paper');
    const global = JSON.stringify(releaseForm(seizure, 'global'));
    for (const secret of ['Karim', 'LR0456123', 'carbon paper', 'sale of a car', '1979-03-14']) {
      expect(global).not.toContain(secret);
    }
  });

  it('refuses to seize a plain declaration', () => {
    const { grounds: _g, ...plain } = input;
    const declared = parseCashDeclaration({ ...plain, status: 'declared' });
    if (!declared.ok) throw new Error('fixture');
    expect(() => cashSeizure(declared.value, 'X')).toThrow('is declared and unsuspicious');
    expect(() => cashAlertDraft(declared.value, 'BE', NOW)).toThrow(/no alert/);
  });
});

describe('cashScreeningQueries', () => {
  it('screens the traveller and the principal', () => {
    expect(cashScreeningQueries(cash({ onBehalfOf: { name: 'Cedar Trading SAL', country: 'LB' } }))).toEqual([
      {
        id: 'CASH-2026-31/traveller',
        name: 'Karim Haddad',
        type: 'person',
        country: 'LB',
        dob: '1979-03-14',
      },
      { id: 'CASH-2026-31/on-behalf-of', name: 'Cedar Trading SAL', type: 'any', country: 'LB' },
    ]);
  });
});

describe('cashAlertDraft', () => {
  it('drafts a valid AMBER+STRICT alert for the other countries on the route', () => {
    const draft = cashAlertDraft(cash(), 'BE', NOW);
    expect(draft.countries).toEqual(['TR', 'LB']);
    expect(draft.content.handling).toBe('AMBER+STRICT');
    expect(draft.content.validUntil).toBe('2027-01-02');
    expect(draft.content.criteria).toEqual({ party: { name: ['Karim Haddad'], country: ['LB'] } });
    // It is what an alert file would parse to.
    expect(AlertContentSchema.parse(draft.content)).toEqual(draft.content);
  });
});
