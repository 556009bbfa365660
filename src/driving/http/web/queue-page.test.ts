import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../../driven/store/declaration-records.ts';
import { renderChannelMix, renderQueueFragment, renderQueueShell } from './queue-page.ts';

function entry(over: Partial<QueueEntry>): QueueEntry {
  return {
    declarationId: 'D1',
    version: 1,
    type: 'import',
    customsOffice: 'NLRTM01',
    lodgedAt: '2026-11-28',
    status: 'assessed',
    channel: 'green',
    score: 0,
    decidedAt: '2026-11-28T10:00:00.000Z',
    decisionId: 'x',
    kind: 'auto',
    summary: 'no risk profile fired; released',
    reasons: [],
    ...over,
  };
}

describe('queue page', () => {
  it('escapes every value taken from a declaration', () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const out = renderQueueFragment({
      items: [
        entry({
          declarationId: evil,
          customsOffice: evil,
          channel: 'red',
          score: 12.345,
          reasons: [{ source: 'profile', code: 'P1', message: evil, score: 10 }],
        }),
      ],
      nextCursor: `"><script>`,
    }).value;
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(out).toContain('data-cursor="&quot;&gt;&lt;script&gt;"');
    expect(out).toContain('<td class="num">12.35</td>');
  });

  it('shows channel, id, office, score, top reason and decided time per row', () => {
    const out = renderQueueFragment({
      items: [
        entry({
          declarationId: '41256141',
          customsOffice: '40',
          channel: 'yellow',
          score: 7,
          kind: 'override',
          reasons: [
            { source: 'model', code: 'MODEL_SCORE', message: 'Model risk 0.81', score: 7 },
            { source: 'random', code: 'RANDOM', message: 'second', score: 0 },
          ],
        }),
      ],
      nextCursor: null,
    }).value;
    const row = out.slice(out.indexOf('<tbody>'));
    for (const cell of [
      'yellow',
      '41256141',
      '<td>40</td>',
      '<td class="num">7</td>',
      'Model risk 0.81',
      '2026-11-28 10:00:00 UTC',
      'override',
    ]) {
      expect(row).toContain(cell);
    }
    expect(row).not.toContain('second');
    expect(out).not.toContain('id="more"');
  });

  it('draws the channel mix in proportion, with counts', () => {
    const items = [
      entry({ channel: 'green' }),
      entry({ channel: 'green' }),
      entry({ channel: 'red' }),
      entry({ channel: 'yellow' }),
    ];
    const svg = renderChannelMix(items).value;
    expect(svg).toContain('x="0.00%" y="0" width="50.00%"');
    expect(svg).toContain('x="50.00%" y="0" width="25.00%"');
    expect(svg).toContain('x="75.00%" y="0" width="25.00%"');
    expect(svg).toContain('green 2');
    expect(renderChannelMix([]).value).toBe('');
  });

  it('says so when nothing matches, and the shell carries no data, no inline script', () => {
    expect(renderQueueFragment({ items: [], nextCursor: null }).value).toContain('No declaration matches');
    const shell = renderQueueShell().value;
    expect(shell).toContain('<script src="/assets/queue.js" defer></script>');
    expect(shell).not.toMatch(/<script>(?!<)/);
    expect(shell).toContain('type="password"');
  });
});
