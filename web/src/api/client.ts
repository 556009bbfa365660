/**
 * The one way the workbench talks to the server: `fetch` with the API key as a bearer token
 * (RFC 6750), errors turned into {@link ApiError} with the server's code and message
 * (`{"error":{"code","message","details"}}`, docs/API.md).
 */

const KEY = 'greenlane.apiKey';

/** The key lives in this tab only (sessionStorage): never in a URL, a cookie or a log. */
export const keyStore = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/**
 * A sign-in link `/#key=…` (printed by `greenlane serve --demo`): the fragment never reaches the
 * server or its logs; it is moved to sessionStorage and erased from the address bar.
 */
export function takeKeyFromFragment(): void {
  const fromLink = new URLSearchParams(location.hash.slice(1)).get('key');
  if (fromLink) {
    keyStore.set(fromLink);
    history.replaceState(null, '', location.pathname + location.search);
  }
}

export interface ErrorDetail {
  path: string;
  code: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** Called when the server refuses the key (401), so the app can show the sign-in screen. */
let onUnauthorized: (error: ApiError) => void = () => {};
export function setUnauthorizedHandler(handler: (error: ApiError) => void): void {
  onUnauthorized = handler;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const key = keyStore.get();
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  if (init.body !== undefined && !headers.has('Content-Type'))
    headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers, cache: 'no-store' });
  if (res.ok) return res;
  let error = new ApiError(res.status, 'http_error', res.statusText || `HTTP ${res.status}`);
  try {
    const body = (await res.json()) as { error?: { code: string; message: string; details?: ErrorDetail[] } };
    if (body.error) error = new ApiError(res.status, body.error.code, body.error.message, body.error.details);
  } catch {
    // not JSON: keep the status text
  }
  if (res.status === 401) onUnauthorized(error);
  throw error;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function getText(path: string, accept = 'text/plain'): Promise<string> {
  return (await request(path, { headers: { Accept: accept } })).text();
}

export async function sendJson<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method, body: JSON.stringify(body) })).json()) as T;
}

/** Query string from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') q.set(name, String(value));
  const s = q.toString();
  return s ? `?${s}` : '';
}
