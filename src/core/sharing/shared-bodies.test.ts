import { describe, expect, it } from 'vitest';
import { releaseForm } from './release-policy.ts';
import { bodyHandling, parseSharedBody } from './shared-bodies.ts';
import { makeSeizure } from './test-fixtures.ts';

describe('parseSharedBody', () => {
  it('accepts each kind’s body', () => {
    expect(parseSharedBody('alert', { alertId: 'a-1', version: 1, content: { anything: true } }).ok).toBe(
      true,
    );
    expect(parseSharedBody('alert-amendment', { alertId: 'a-1', version: 2, content: {} }).ok).toBe(true);
    expect(parseSharedBody('alert-withdrawal', { alertId: 'a-1', reason: 'case closed' }).ok).toBe(true);
    expect(
      parseSharedBody('alert-feedback', {
        alertId: 'a-1',
        alertVersion: 1,
        from: 'b.example',
        outcome: 'seizure',
        seizureId: 'S-1',
        at: '2026-12-03T10:00:00Z',
      }).ok,
    ).toBe(true);
    expect(
      parseSharedBody('seizure', { form: 'global', report: releaseForm(makeSeizure(), 'global') }).ok,
    ).toBe(true);
    expect(parseSharedBody('seizure', { form: 'national', report: makeSeizure() }).ok).toBe(true);
    expect(
      parseSharedBody('group-post', { groupId: 'op-1', post: { kind: 'message', text: 'Briefing at 10:00' } })
        .ok,
    ).toBe(true);
  });

  it('reports problems under /body', () => {
    const parsed = parseSharedBody('alert-amendment', { alertId: 'a-1', version: 1, content: {} });
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: '/body/version', message: 'Too small: expected number to be >=2' }],
    });
    const global = parseSharedBody('seizure', { form: 'global', report: makeSeizure() });
    expect(global.ok).toBe(false);
    if (!global.ok) {
      expect(global.issues.map((i) => i.path).sort()).toEqual(
        [
          '/body/report/companies',
          '/body/report/declarationId',
          '/body/report/goods',
          '/body/report/notes',
          '/body/report/persons',
        ].sort(),
      );
    }
  });
});

describe('bodyHandling', () => {
  it('keeps national seizure reports under AMBER+STRICT or RED', () => {
    const national = { form: 'national', report: makeSeizure() };
    expect(bodyHandling('seizure', national, 'RED')).toEqual({ allowed: true });
    expect(bodyHandling('seizure', national, 'AMBER+STRICT')).toEqual({ allowed: true });
    expect(bodyHandling('seizure', national, 'GREEN').allowed).toBe(false);
    expect(bodyHandling('seizure', { form: 'global' }, 'CLEAR')).toEqual({ allowed: true });
  });
});
