/**
 * The queue page's script and stylesheet, served from our own origin so the Content-Security-Policy
 * can forbid inline script and style. The script only moves the API key from the form into
 * `sessionStorage` and the server-escaped fragment into the page; it builds no markup from data.
 */
export const QUEUE_SCRIPT = `'use strict';
const KEY = 'greenlane.apiKey';
const $ = (id) => document.getElementById(id);
function show(signedIn) {
  $('key-form').hidden = signedIn;
  $('filters').hidden = !signedIn;
}
async function load(cursor) {
  const key = sessionStorage.getItem(KEY);
  if (!key) { show(false); return; }
  show(true);
  const params = new URLSearchParams();
  for (const [name, value] of new FormData($('filters'))) if (value) params.set(name, String(value));
  if (cursor) params.set('cursor', cursor);
  $('status').textContent = 'Loading…';
  const res = await fetch('/ui/queue?' + params, { headers: { Authorization: 'Bearer ' + key }, cache: 'no-store' });
  if (res.status === 401) {
    sessionStorage.removeItem(KEY);
    show(false);
    $('status').textContent = 'The API key was refused.';
    return;
  }
  if (!res.ok) {
    let message = res.statusText;
    try { message = (await res.json()).error.message; } catch (_) { /* keep the status text */ }
    $('status').textContent = message;
    return;
  }
  $('status').textContent = '';
  // The fragment is rendered and HTML-escaped by the server (src/driving/http/web/queue-page.ts).
  $('queue').innerHTML = await res.text();
  const more = $('more');
  if (more) more.addEventListener('click', () => load(more.dataset.cursor));
}
document.addEventListener('DOMContentLoaded', () => {
  // A link of the form /#key=... (printed by "greenlane serve --demo") signs in directly. The
  // fragment never reaches the server or its logs; it is moved to sessionStorage and erased.
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromLink) {
    sessionStorage.setItem(KEY, fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('key').value.trim());
    $('key').value = '';
    load();
  });
  $('filters').addEventListener('submit', (event) => { event.preventDefault(); load(); });
  $('forget').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    $('queue').textContent = '';
    show(false);
  });
  load();
});
`;

export const QUEUE_STYLE = `[hidden] { display: none !important; }
body { font: 15px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; }
header { background: #17324d; color: #fff; padding: 0.6rem 1.2rem; display: flex; gap: 1rem; align-items: baseline; }
header h1 { font-size: 1.3rem; margin: 0; }
header p { margin: 0; opacity: 0.8; }
main { padding: 1rem 1.2rem; }
form { display: flex; flex-wrap: wrap; gap: 0.8rem; align-items: end; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; font-size: 0.85rem; gap: 0.2rem; }
.hint { flex-basis: 100%; font-size: 0.8rem; color: #555; margin: 0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.id { font-family: ui-monospace, monospace; }
.chip { display: inline-block; padding: 0 0.5rem; border-radius: 0.6rem; color: #fff; font-size: 0.8rem; }
.chip.green { background: #2e7d32; }
.chip.yellow { background: #f9a825; color: #1b1b1b; }
.chip.red { background: #c62828; }
.mix { margin: 0 0 1rem; }
.mix svg { display: block; border-radius: 3px; background: #eee; }
.mix figcaption { font-size: 0.85rem; margin-top: 0.3rem; display: flex; gap: 0.4rem; align-items: center; }
#status { color: #8a1c1c; min-height: 1.2em; }
`;
