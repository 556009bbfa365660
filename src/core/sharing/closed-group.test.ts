import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClosedGroup,
  type GroupPost,
  type GroupSeizure,
  mayPostToGroup,
  mayViewGroup,
  operationSummary,
  parseClosedGroup,
} from './closed-group.ts';
import { SEIZURE_CATEGORIES } from './seizure.ts';

const at = (iso: string) => Date.parse(iso);

function group(overrides: Record<string, unknown> = {}): ClosedGroup {
  const parsed = parseClosedGroup({
    id: 'op-stop-3',
    name: 'Operation STOP III',
    coordinator: 'be-customs',
    members: ['be-customs', 'nl-customs', 'in-cbic'],
    from: '2026-12-01',
    until: '2026-12-14',
    ...overrides,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}

describe('parseClosedGroup', () => {
  it('refuses duplicate members, a missing coordinator and an inverted window', () => {
    const parsed = parseClosedGroup({
      id: 'g',
      name: 'G',
      coordinator: 'be-customs',
      members: ['nl-customs', 'nl-customs'],
      from: '2026-12-14',
      until: '2026-12-01',
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues).toEqual([
        { path: '/members', message: 'lists a member twice' },
        { path: '/members', message: 'must include the coordinator be-customs' },
        { path: '/until', message: 'until must not be before from' },
      ]);
    }
  });
});

describe('visibility', () => {
  const g = group();
  it('members only, during and after the operation', () => {
    expect(mayViewGroup(g, 'nl-customs')).toEqual({ allowed: true });
    expect(mayViewGroup(g, 'fr-douane')).toEqual({
      allowed: false,
      reason: 'fr-douane is not a member of group op-stop-3',
    });
  });
  it('posting only inside the window, the last day included', () => {
    expect(mayPostToGroup(g, 'nl-customs', at('2026-12-14T23:59:59Z')).allowed).toBe(true);
    expect(mayPostToGroup(g, 'nl-customs', at('2026-12-15T00:00:00Z'))).toEqual({
      allowed: false,
      reason: 'group op-stop-3 runs from 2026-12-01 until 2026-12-14: not open at 2026-12-15T00:00:00.000Z',
    });
    expect(mayPostToGroup(g, 'fr-douane', at('2026-12-05T00:00:00Z')).allowed).toBe(false);
  });
});

describe('operationSummary', () => {
  const g = group();
  it('counts hits and seizures by category inside the window, by members only', () => {
    const posts: Array<GroupPost | GroupSeizure> = [
      { kind: 'alert', by: 'be-customs', at: at('2026-12-01T09:00:00Z') },
      { kind: 'message', by: 'nl-customs', at: at('2026-12-02T09:00:00Z') },
      {
        kind: 'seizure',
        by: 'nl-customs',
        at: at('2026-12-03T09:00:00Z'),
        category: 'medicines-and-vaccines',
        estimatedValue: { amount: 120_000, currency: 'EUR' },
      },
      {
        kind: 'seizure',
        by: 'in-cbic',
        at: at('2026-12-04T09:00:00Z'),
        category: 'medicines-and-vaccines',
        estimatedValue: { amount: 5_000, currency: 'EUR' },
      },
      { kind: 'seizure', by: 'be-customs', at: at('2026-12-05T09:00:00Z'), category: 'drugs' },
      { kind: 'seizure', by: 'fr-douane', at: at('2026-12-05T09:00:00Z'), category: 'drugs' },
      { kind: 'seizure', by: 'be-customs', at: at('2026-12-20T09:00:00Z'), category: 'drugs' },
    ];
    const feedback = [
      { alertId: 'a-1', from: 'nl-customs', outcome: 'hit' as const, at: '2026-12-03T08:00:00Z' },
      { alertId: 'a-1', from: 'in-cbic', outcome: 'seizure' as const, at: '2026-12-04T08:00:00Z' },
      { alertId: 'a-1', from: 'in-cbic', outcome: 'no-discrepancy' as const, at: '2026-12-04T08:00:00Z' },
      { alertId: 'other', from: 'in-cbic', outcome: 'hit' as const, at: '2026-12-04T08:00:00Z' },
    ];
    const summary = operationSummary(g, posts, feedback, new Set(['a-1']));
    expect(summary).toMatchObject({
      groupId: 'op-stop-3',
      members: 3,
      alerts: 1,
      messages: 1,
      hits: 2,
      hitsByMember: { 'nl-customs': 1, 'in-cbic': 1 },
      seizures: 3,
      seizedValue: { EUR: 125_000 },
      ignored: 2,
    });
    expect(summary.seizuresByCategory['medicines-and-vaccines']).toBe(2);
    expect(summary.seizuresByCategory.drugs).toBe(1);
    expect(summary.seizuresByCategory.wildlife).toBe(0);
  });

  it('property: categories add up to the seizures, and every post is counted or ignored', () => {
    const post = fc.oneof(
      fc.record({
        kind: fc.constantFrom('alert' as const, 'message' as const),
        by: fc.constantFrom('be-customs', 'nl-customs', 'fr-douane'),
        at: fc.integer({ min: at('2026-11-25'), max: at('2026-12-20') }),
      }),
      fc.record({
        kind: fc.constant('seizure' as const),
        by: fc.constantFrom('be-customs', 'in-cbic', 'xx-customs'),
        at: fc.integer({ min: at('2026-11-25'), max: at('2026-12-20') }),
        category: fc.constantFrom(...SEIZURE_CATEGORIES),
      }),
    );
    fc.assert(
      fc.property(fc.array(post, { maxLength: 40 }), (posts) => {
        const s = operationSummary(g, posts, [], new Set());
        const byCategory = Object.values(s.seizuresByCategory).reduce((a, b) => a + b, 0);
        expect(byCategory).toBe(s.seizures);
        expect(s.alerts + s.messages + s.seizures + s.ignored).toBe(posts.length);
      }),
    );
  });
});
