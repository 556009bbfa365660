import { describe, expect, it } from 'vitest';
import { diffFingerprints, entityFingerprint, partyFingerprint } from './delta.ts';
import { addName, newEntity } from './entity.ts';

describe('delta screening fingerprints', () => {
  it('fingerprints entities independently of order, and changes with their data', () => {
    const a = newEntity('un', 'QDi.1', 'person');
    addName(a, 'Ali Hassan', 'primary');
    addName(a, 'Ali Hasan', 'strong');
    const b = newEntity('un', 'QDi.1', 'person');
    addName(b, 'Ali Hasan', 'strong');
    b.names.unshift({ value: 'Ali Hassan', quality: 'primary' });
    expect(entityFingerprint(a)).toBe(entityFingerprint(b));
    b.birthDates.push({ year: 1970 });
    expect(entityFingerprint(a)).not.toBe(entityFingerprint(b));
  });

  it('fingerprints parties on folded name and their other data', () => {
    const p = partyFingerprint({ name: 'ACME  Trading', type: 'organization', country: 'nl' });
    expect(partyFingerprint({ name: 'acme trading', type: 'organization', country: 'NL' })).toBe(p);
    expect(partyFingerprint({ name: 'acme trading', type: 'organization', country: 'BE' })).not.toBe(p);
  });

  it('lists added, changed and removed entities', () => {
    const before = new Map([
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ]);
    const after = new Map([
      ['1', 'x'],
      ['2', 'y2'],
      ['4', 'w'],
    ]);
    expect(diffFingerprints(before, after)).toEqual({ added: ['4'], changed: ['2'], removed: ['3'] });
  });
});
