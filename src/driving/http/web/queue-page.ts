import type { Channel } from '../../../core/decision/signal.ts';
import { CHANNELS } from '../../../core/decision/signal.ts';
import type { QueueEntry } from '../../../driven/store/declaration-records.ts';
import type { Page } from '../../../driven/store/page.ts';
import { html, type SafeHtml } from './html.ts';

/**
 * The queue page. Why it is built this way:
 * - The page at `/` holds no data. It asks for an API key, keeps it in `sessionStorage` (gone when
 *   the tab closes, never in a URL, a log or a cookie, so there is no CSRF surface) and fetches the
 *   queue as a server-rendered, HTML-escaped fragment from `/ui/queue` with `Authorization: Bearer`.
 *   Rendering the demo administration's queue to anyone who can reach the port would publish
 *   declarations without authentication as soon as `--host 0.0.0.0` is used.
 * - Every value is escaped by the `html` template; the Content-Security-Policy allows only our own
 *   script and stylesheet, so even a missed escape could not run injected script.
 */

const CHANNEL_COLOURS: Record<Channel, string> = { green: '#2e7d32', yellow: '#f9a825', red: '#c62828' };

/** Headers of every page response (OWASP Secure Headers Project). */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

/** The static page at `/`: key form, filters, and an empty area the script fills. */
export function renderQueueShell(): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Greenlane · inspection queue</title>
<link rel="stylesheet" href="/assets/queue.css">
<script src="/assets/queue.js" defer></script>
</head>
<body>
<header><h1>Greenlane</h1><p>Inspection queue</p></header>
<main>
<form id="key-form" autocomplete="off">
  <label>API key <input id="key" name="key" type="password" required spellcheck="false"></label>
  <button type="submit">Open queue</button>
  <p class="hint">The key stays in this browser tab only (sessionStorage) and is sent as a bearer token.</p>
</form>
<form id="filters" hidden>
  <label>Channel <select name="channel"><option value="red,yellow" selected>to check (red + yellow)</option><option value="">all</option>${CHANNELS.map((ch) => html`<option value="${ch}">${ch}</option>`)}</select></label>
  <label>Office <input name="office" maxlength="20" size="10"></label>
  <label>Decided on <input name="date" type="date"></label>
  <button type="submit">Filter</button>
  <button type="button" id="forget">Forget key</button>
</form>
<p id="status" role="status"></p>
<section id="queue" aria-live="polite"></section>
</main>
</body>
</html>`;
}

/** Counts per channel as an SVG bar (attributes, not inline styles, so the strict CSP holds). */
export function renderChannelMix(items: readonly QueueEntry[]): SafeHtml {
  const counts = Object.fromEntries(CHANNELS.map((ch) => [ch, 0])) as Record<Channel, number>;
  for (const item of items) counts[item.channel]++;
  const total = items.length;
  if (total === 0) return html``;
  let x = 0;
  const bars = CHANNELS.filter((ch) => counts[ch] > 0).map((ch) => {
    const width = (counts[ch] / total) * 100;
    const rect = html`<rect x="${x.toFixed(2)}%" y="0" width="${width.toFixed(2)}%" height="16" fill="${CHANNEL_COLOURS[ch]}"><title>${ch}: ${counts[ch]}</title></rect>`;
    x += width;
    return rect;
  });
  const legend = CHANNELS.map((ch) => html`<span class="chip ${ch}">${ch} ${counts[ch]}</span>`);
  return html`<figure class="mix"><svg width="100%" height="16" role="img" aria-label="channel mix">${bars}</svg><figcaption>Channel mix of the ${total} declarations shown: ${legend}</figcaption></figure>`;
}

/** The most important reason, as the officer reads it first; the summary when nothing fired. */
function topReason(entry: QueueEntry): string {
  return entry.reasons[0]?.message ?? entry.summary;
}

/** The queue fragment `/ui/queue` returns: channel mix, table, and the link to the next page. */
export function renderQueueFragment(page: Page<QueueEntry>): SafeHtml {
  if (page.items.length === 0) return html`<p class="empty">No declaration matches these filters.</p>`;
  const rows = page.items.map(
    (e) => html`<tr>
<td><span class="chip ${e.channel}">${e.channel}</span>${e.kind === 'override' ? html` <small>override</small>` : ''}</td>
<td class="id">${e.declarationId}</td>
<td>${e.customsOffice}</td>
<td class="num">${Number.isInteger(e.score) ? e.score : e.score.toFixed(2)}</td>
<td>${topReason(e)}</td>
<td><time datetime="${e.decidedAt}">${e.decidedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time></td>
</tr>`,
  );
  return html`${renderChannelMix(page.items)}
<table>
<thead><tr><th>Channel</th><th>Declaration</th><th>Office</th><th>Score</th><th>Top reason</th><th>Decided</th></tr></thead>
<tbody>${rows}</tbody>
</table>
${page.nextCursor ? html`<button type="button" id="more" data-cursor="${page.nextCursor}">Next page</button>` : ''}`;
}
