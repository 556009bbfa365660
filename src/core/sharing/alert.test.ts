import { describe, expect, it } from 'vitest';
import {
  type AlertContent,
  type AlertRecord,
  issueAlert,
  parseAlertContent,
  receiveAlert,
  transitionAlert,
} from './alert.ts';
import { SharingError } from './sharing-error.ts';

const NOW = Date.parse('2026-12-03T10:00:00Z');
const LATER = Date.parse('2027-02-01T00:00:00Z');

const file = {
  title: 'Counterfeit vaccines from IN via AE',
  reason: 'Three seizures of falsified vaccine vials shipped this way since October.',
  instructions: 'Open the cold-chain boxes; compare the GS1 codes with the manufacturer register.',
  handling: 'TLP:AMBER',
  validUntil: '2027-01-31',
  criteria: { all: [{ hsPrefix: ['300241'] }, { originCountry: ['IN'] }, { routeIncludes: ['AE'] }] },
  containers: ['csqu 305438-3'],
  vessels: ['IMO 9074729'],
};

function content(overrides: Record<string, unknown> = {}): AlertContent {
  const parsed = parseAlertContent({ ...file, ...overrides });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('parseAlertContent', () => {
  it('accepts an alert file and normalises handling, containers and vessels', () => {
    const c = content();
    expect(c.handling).toBe('AMBER');
    expect(c.containers).toEqual(['CSQU3054383']);
    expect(c.vessels).toEqual(['9074729']);
    expect(c.minChannel).toBe('red');
    expect(c.weight).toBe(100);
  });

  it('validates criteria with the risk-profile schema, naming the path', () => {
    const parsed = parseAlertContent({
      ...file,
      criteria: { all: [{ hsPrefix: ['30.02'] }, { colour: ['red'] }] },
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual([
      '/criteria/all/0/hsPrefix/0',
      '/criteria/all/1/colour',
    ]);
  });

  it('checks ISO 6346 and IMO check digits', () => {
    const parsed = parseAlertContent({ ...file, containers: ['CSQU3054384'], vessels: ['9074728'] });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual([
      { path: '/containers/0', message: 'check digit is 4, ISO 6346 gives 3' },
      {
        path: '/vessels/0',
        message: 'must be an IMO ship number: 7 digits with a valid check digit, e.g. "9074729"',
      },
    ]);
  });

  it('needs something to match on, a known handling code and a consistent validity', () => {
    const { criteria: _c, containers: _k, vessels: _v, ...bare } = file;
    const parsed = parseAlertContent({ ...bare, handling: 'TLP:WHITE', validFrom: '2027-02-01', extra: 1 });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues).toEqual(
      expect.arrayContaining([
        { path: '/handling', message: 'TLP:WHITE is TLP 1.0; TLP 2.0 calls it CLEAR' },
        { path: '/extra', message: '"extra" is not a known field' },
      ]),
    );
    const noMatch = parseAlertContent({ ...bare, validFrom: '2027-02-01' });
    expect(noMatch.ok).toBe(false);
    if (noMatch.ok) return;
    expect(noMatch.issues).toEqual([
      { path: '/criteria', message: 'an alert needs criteria, containers, vessels or products to match on' },
      { path: '/validUntil', message: 'validUntil must not be before validFrom' },
    ]);
  });

  it('requires the contract fields', () => {
    const parsed = parseAlertContent({});
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(['/title', '/reason', '/instructions', '/handling', '/validUntil']),
    );
  });
});

describe('receiveAlert', () => {
  const incoming = { id: 'nl-customs:alert-1', issuer: 'nl-customs', version: 1 };

  it('accepts valid content in force', () => {
    const r = receiveAlert({ ...incoming, content: file }, NOW);
    expect(r.status).toBe('accepted');
    expect(r.content?.handling).toBe('AMBER');
    expect(r.updatedAt).toBe('2026-12-03T10:00:00.000Z');
  });

  it('refuses expired content and invalid content, saying why', () => {
    expect(receiveAlert({ ...incoming, content: file }, LATER)).toMatchObject({
      status: 'refused',
      statusReason: 'expired: valid until 2027-01-31',
    });
    const bad = receiveAlert({ ...incoming, content: { ...file, handling: 'PURPLE' } }, NOW);
    expect(bad.status).toBe('refused');
    expect(bad.content).toBeNull();
    expect(bad.statusReason).toContain('invalid alert: /handling: must be a TLP 2.0 code');
  });

  it('rejects a bad id or version outright', () => {
    expect(() => receiveAlert({ ...incoming, id: 'a b', content: file }, NOW)).toThrow(SharingError);
    expect(() => receiveAlert({ ...incoming, version: 0, content: file }, NOW)).toThrow(/version/);
  });
});

describe('transitionAlert', () => {
  const issued = issueAlert(content(), { id: 'alert-1', issuer: 'nl-customs', now: NOW });
  const accepted = receiveAlert({ id: 'alert-1', issuer: 'nl-customs', version: 1, content: file }, NOW);
  const by = 'nl-customs';

  function code(f: () => unknown): string | undefined {
    try {
      f();
    } catch (e) {
      return e instanceof SharingError ? e.code : 'OTHER';
    }
    return undefined;
  }

  it('amends with the next version on both sides', () => {
    const v2 = content({ title: 'Counterfeit vaccines, now also via OM' });
    expect(transitionAlert(issued, { type: 'amend', by, version: 2, content: v2 }, NOW)).toMatchObject({
      status: 'issued',
      version: 2,
      content: { title: 'Counterfeit vaccines, now also via OM' },
    });
    expect(transitionAlert(accepted, { type: 'amend', by, version: 2, content: v2 }, NOW)).toMatchObject({
      status: 'accepted',
      version: 2,
    });
  });

  it('refuses a stale, replayed or skipped amendment', () => {
    const c = content();
    expect(code(() => transitionAlert(accepted, { type: 'amend', by, version: 1, content: c }, NOW))).toBe(
      'VERSION_CONFLICT',
    );
    expect(code(() => transitionAlert(accepted, { type: 'amend', by, version: 3, content: c }, NOW))).toBe(
      'VERSION_CONFLICT',
    );
  });

  it('only the issuer amends or withdraws', () => {
    expect(() => transitionAlert(accepted, { type: 'withdraw', by: 'be-customs', reason: 'x' }, NOW)).toThrow(
      'alert alert-1 was issued by nl-customs: be-customs may not withdraw it',
    );
  });

  it('an amendment that has expired turns an accepted alert into a refused one', () => {
    const expired = content({ validUntil: '2026-12-01' });
    expect(transitionAlert(accepted, { type: 'amend', by, version: 2, content: expired }, NOW)).toMatchObject(
      {
        status: 'refused',
        statusReason: 'expired: valid until 2026-12-01',
      },
    );
  });

  it('withdrawal is final', () => {
    const withdrawn = transitionAlert(accepted, { type: 'withdraw', by, reason: 'case closed' }, NOW);
    expect(withdrawn).toMatchObject({ status: 'withdrawn', statusReason: 'case closed' });
    expect(() => transitionAlert(withdrawn, { type: 'accept' }, NOW)).toThrow(
      'alert alert-1 is withdrawn: cannot accept it (withdrawn is final)',
    );
    expect(code(() => transitionAlert(withdrawn, { type: 'withdraw', by, reason: 'again' }, NOW))).toBe(
      'ILLEGAL_TRANSITION',
    );
    expect(
      code(() => transitionAlert(withdrawn, { type: 'amend', by, version: 2, content: content() }, NOW)),
    ).toBe('ILLEGAL_TRANSITION');
  });

  it('a receiver may refuse an accepted alert and accept it again while in force', () => {
    const refused = transitionAlert(accepted, { type: 'refuse', reason: 'outside our mandate' }, NOW);
    expect(refused).toMatchObject({ status: 'refused', statusReason: 'outside our mandate' });
    const again = transitionAlert(refused, { type: 'accept' }, NOW);
    expect(again.status).toBe('accepted');
    expect(again).not.toHaveProperty('statusReason');
    expect(() => transitionAlert(refused, { type: 'accept' }, LATER)).toThrow('expired');
  });

  it('names the legal events when an event is illegal', () => {
    expect(() => transitionAlert(issued, { type: 'accept' }, NOW)).toThrow(
      'alert alert-1 is issued: cannot accept it (only amend, withdraw)',
    );
    expect(code(() => transitionAlert(accepted, { type: 'accept' }, NOW))).toBe('ILLEGAL_TRANSITION');
    const refused: AlertRecord = { ...accepted, status: 'refused', statusReason: 'x' };
    expect(code(() => transitionAlert(refused, { type: 'refuse', reason: 'y' }, NOW))).toBe(
      'ILLEGAL_TRANSITION',
    );
  });

  it('a refused alert whose content never validated cannot be accepted, but an amendment can fix it', () => {
    const invalid = receiveAlert({ id: 'alert-1', issuer: by, version: 1, content: { title: 'x' } }, NOW);
    expect(() => transitionAlert(invalid, { type: 'accept' }, NOW)).toThrow('content did not validate');
    expect(transitionAlert(invalid, { type: 'amend', by, version: 2, content: content() }, NOW).status).toBe(
      'accepted',
    );
  });

  it('needs a reason to withdraw or refuse', () => {
    expect(code(() => transitionAlert(accepted, { type: 'withdraw', by, reason: '  ' }, NOW))).toBe(
      'INVALID_INPUT',
    );
  });
});

describe('receiveAlert with the envelope handling', () => {
  it('refuses an alert whose content names another handling code than its envelope', () => {
    const r = receiveAlert(
      { id: 'a-1', issuer: 'nl-customs', version: 1, content: file, handling: 'GREEN' },
      NOW,
    );
    expect(r).toMatchObject({
      status: 'refused',
      statusReason: 'the envelope travelled under TLP:GREEN, the alert says TLP:AMBER',
    });
    expect(
      receiveAlert({ id: 'a-1', issuer: 'nl-customs', version: 1, content: file, handling: 'AMBER' }, NOW)
        .status,
    ).toBe('accepted');
  });
});
