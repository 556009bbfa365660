import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildScreeningIndex } from '../../../core/screening/candidate-index.ts';
import { addName, newEntity } from '../../../core/screening/entity.ts';
import { testNameTables } from '../../../core/screening/test-tables.ts';
import { screenLines } from './screen.ts';

const person = newEntity('un', 'QDi.001', 'person');
addName(person, 'Abdul Rahman Yasin', 'primary');
const ship = newEntity('uk', 'DPR0075', 'vessel');
addName(ship, 'Petrel 8', 'primary');
ship.identifiers.push({ type: 'imo', value: '9562233' });
const index = buildScreeningIndex(
  [{ list: 'un', publishedOn: '2026-02-27', sha256: 'c'.repeat(64), origin: [], entities: [person, ship] }],
  testNameTables(),
);
const resolveCountry = (v: string | undefined) =>
  v && /^[a-z]{2}$/i.test(v) ? v.toUpperCase() : v === 'Iraq' ? 'IQ' : undefined;

async function run(text: string, format: 'csv' | 'ndjson') {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c) => chunks.push(String(c)));
  const summary = await screenLines(Readable.from(text.split('\n')), format, index, out, { resolveCountry });
  return {
    summary,
    lines: chunks
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
  };
}

describe('greenlane screen records', () => {
  it('writes exactly one line per CSV record, matches best first, errors for malformed lines', async () => {
    const { summary, lines } = await run(
      [
        'id,name,type,country,dob,imo',
        '1,Abdul Rahman Yasin,person,Iraq,,',
        '2,Jane Doe,any,,,',
        '3,,vessel,,,IMO 9562233',
        '4,Bad Type,alien,,,',
        '5,"unterminated,person,,,',
        '6,No Country,person,Atlantis,,',
        '7,Bad Dob,person,,19xx,',
        ',Missing Id,person,,,',
        '9,too,many,fields,,,,',
        '10,,person,,,',
      ].join('\n'),
      'csv',
    );
    expect(lines).toHaveLength(10);
    expect(summary).toMatchObject({ records: 10, withMatch: 2, errors: 7 });
    expect(Object.keys(lines[0])).toEqual(['id', 'matches']);
    expect(Object.keys(lines[0].matches[0])).toEqual([
      'list',
      'entityId',
      'ids',
      'name',
      'matchedName',
      'score',
      'decision',
      'reasons',
    ]);
    expect(lines[0].matches[0]).toMatchObject({ list: 'un', entityId: 'QDi.001', decision: 'match' });
    expect(lines[0].matches[0].ids).toContain('un:QDi.001');
    expect(lines[1]).toEqual({ id: '2', matches: [] });
    expect(lines[2].matches[0]).toMatchObject({ entityId: 'DPR0075', score: 1 });
    expect(lines[3]).toMatchObject({ id: '4', error: expect.stringMatching(/^type:/) });
    expect(lines[4]).toMatchObject({ id: null, error: expect.stringMatching(/malformed CSV/) });
    expect(lines[5]).toMatchObject({ id: '6', error: 'country: unknown country "Atlantis"' });
    expect(lines[6]).toMatchObject({ id: '7', error: expect.stringMatching(/dob/) });
    expect(lines[7]).toMatchObject({ id: null, error: expect.stringMatching(/id/) });
    expect(lines[8]).toMatchObject({ id: '9', error: 'expected 6 fields, found 8' });
    expect(lines[9]).toMatchObject({ id: '10', error: expect.stringMatching(/name or imo/) });
  });

  it('reads NDJSON records with the same keys and rejects malformed lines', async () => {
    const { lines } = await run(
      [
        '{"id":"a","name":"Abdul Rahman Yasin","type":"person"}',
        '{not json',
        '[1,2]',
        '{"id":7,"imo":"9562233","type":"vessel"}',
      ].join('\n'),
      'ndjson',
    );
    expect(lines).toHaveLength(4);
    expect(lines[0].matches[0].entityId).toBe('QDi.001');
    expect(lines[1]).toMatchObject({ id: null, error: expect.stringMatching(/malformed JSON/) });
    expect(lines[2]).toMatchObject({ id: null, error: 'record is not a JSON object' });
    expect(lines[3]).toMatchObject({ id: '7', matches: [expect.objectContaining({ entityId: 'DPR0075' })] });
  });
});
