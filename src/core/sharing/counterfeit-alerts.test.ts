import { describe, expect, it } from 'vitest';
import { makeDeclaration } from '../../../test/support/declaration-fixture.ts';
import type { RiskSignal } from '../decision/signal.ts';
import { withoutFastLaneOnFindings } from '../medical/checks.ts';
import { type AlertRecord, parseAlertContent, receiveAlert } from './alert.ts';
import { alertSignals, COUNTERFEIT_ALERT_CODE } from './alert-signals.ts';
import { EMPTY_REFERENCE } from './test-fixtures.ts';

/*
 * A partner's counterfeit alert (issue 13): the products it names (GTIN, lot, manufacturer) match
 * goods items, and a match is a `product` signal naming the alert and its sender.
 */

const NOW = Date.parse('2026-12-03T10:00:00Z');
const ctx = { reference: EMPTY_REFERENCE };

const alertFile = (products: unknown[], extra: Record<string, unknown> = {}) => ({
  title: 'Falsified Vaxora lot L7',
  reason: 'Falsified vaccine packs of lot L7 seized in Antwerp.',
  instructions: 'Detain and sample; do not open temperature-controlled containers without cause.',
  handling: 'AMBER',
  validUntil: '2026-12-31',
  products,
  ...extra,
});

function accepted(content: Record<string, unknown>, id = 'be-customs:alert-3'): AlertRecord {
  const r = receiveAlert({ id, issuer: 'be-customs', version: 1, content }, NOW);
  if (r.status !== 'accepted') throw new Error(r.statusReason);
  return r;
}

const declaration = (items: Array<Record<string, unknown>>) =>
  makeDeclaration(
    {},
    items.map((i) => ({ hsCode: '300241', ...i })),
  );

describe('counterfeit alerts from partners', () => {
  it('raises a product signal on the items of the named GTIN and lot, with the alert and its sender in the evidence', () => {
    const alert = accepted(alertFile([{ gtin: '9506000134352', lot: 'L7' }]));
    const d = declaration([
      { gs1: '(01)09506000134352(17)270630(10)L7(21)S1' },
      { gtin: '09506000134352', lot: 'L8' },
      { gtin: '09506000134352', lot: 'L7' },
    ]);
    const [signal, ...rest] = alertSignals([alert], d, NOW, ctx);
    expect(rest).toEqual([]);
    expect(signal).toMatchObject({
      source: 'product',
      code: COUNTERFEIT_ALERT_CODE,
      minChannel: 'red',
      items: [1, 3],
      evidence: {
        alertId: 'be-customs:alert-3',
        issuer: 'be-customs',
        alertVersion: 1,
        matched: [
          { item: 1, gtin: '09506000134352', lot: 'L7' },
          { item: 3, gtin: '09506000134352', lot: 'L7' },
        ],
      },
    });
    expect(signal!.message).toContain('Counterfeit alert from be-customs');
    expect(signal!.message).toContain('item 1: GTIN 09506000134352, lot L7 is named as counterfeit');
  });

  it('matches a manufacturer with or without a GTIN, by name regardless of case and punctuation', () => {
    const byMaker = accepted(alertFile([{ manufacturer: 'Vaxora Bio-Logics Ltd' }]));
    const d = declaration([
      { gtin: '09506000134352', manufacturer: 'VAXORA BIO LOGICS LTD.' },
      { gtin: '09506000134352', manufacturer: 'Vaxora Biologics' },
      { gtin: '09506000134352' },
    ]);
    expect(alertSignals([byMaker], d, NOW, ctx)[0]).toMatchObject({ source: 'product', items: [1] });
    const gtinAndMaker = accepted(
      alertFile([{ gtin: '09506000134352', manufacturer: 'Vaxora Biologics' }, { gtin: '09506000134369' }]),
    );
    expect(alertSignals([gtinAndMaker], d, NOW, ctx)[0]).toMatchObject({ items: [2] });
  });

  it('does not match other products, withdrawn alerts, or items outside the alert’s criteria', () => {
    const alert = accepted(alertFile([{ gtin: '09506000134352' }]));
    expect(alertSignals([alert], declaration([{ gtin: '09506000134369' }, {}]), NOW, ctx)).toEqual([]);
    expect(
      alertSignals([{ ...alert, status: 'withdrawn' }], declaration([{ gtin: '09506000134352' }]), NOW, ctx),
    ).toEqual([]);
    const narrowed = accepted(
      alertFile([{ gtin: '09506000134352' }], { criteria: { originCountry: ['CN'] } }),
    );
    const d = declaration([
      { gtin: '09506000134352', originCountry: 'IN' },
      { gtin: '09506000134352', originCountry: 'CN' },
    ]);
    expect(alertSignals([narrowed], d, NOW, ctx)[0]).toMatchObject({ items: [2] });
  });

  it('keeps a TLP:RED counterfeit alert’s content and what it names out of the reason', () => {
    const alert = accepted(alertFile([{ gtin: '09506000134352', lot: 'L7' }], { handling: 'RED' }));
    const [signal] = alertSignals([alert], declaration([{ gtin: '09506000134352', lot: 'L7' }]), NOW, ctx);
    expect(signal).toMatchObject({ source: 'product', code: COUNTERFEIT_ALERT_CODE, items: [1] });
    expect(signal!.evidence).toEqual({
      alertId: 'be-customs:alert-3',
      issuer: 'be-customs',
      alertVersion: 1,
      handling: 'RED',
    });
    expect(JSON.stringify(signal)).not.toContain('Falsified');
  });

  it('refuses malformed counterfeit products, naming the field', () => {
    const r = parseAlertContent(
      alertFile([{ gtin: '09506000134353' }, { lot: 'L7' }, { gtin: '09506000134352', lot: 'L 7' }, {}]),
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issues = r.issues.map((i) => `${i.path}: ${i.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/products\/0\/gtin: .*check digit/),
        '/products/1/lot: a lot is a lot of a GTIN: give the gtin',
        expect.stringMatching(/^\/products\/2\/lot: /),
        '/products/3: a counterfeit product needs a gtin or a manufacturer',
      ]),
    );
  });

  it('takes a declaration out of the fast lane: no "release on arrival" beside a counterfeit finding', () => {
    const alert = accepted(alertFile([{ gtin: '09506000134352' }]));
    const [counterfeit] = alertSignals([alert], declaration([{ gtin: '09506000134352' }]), NOW, ctx);
    const fast: RiskSignal = { source: 'product', code: 'MEDICAL_FAST_LANE', message: 'fast lane', score: 0 };
    const profile: RiskSignal = { source: 'profile', code: 'P1', message: 'profile', score: 10 };
    expect(withoutFastLaneOnFindings([fast, profile])).toEqual([fast, profile]);
    expect(withoutFastLaneOnFindings([fast, counterfeit!, profile])).toEqual([counterfeit, profile]);
  });
});
