import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import type { RouteModule } from '../route-module.ts';
import type { WebBuildInfo } from './web-build.ts';

/** Headers of every page and asset (OWASP Secure Headers Project). */
export const PAGE_HEADERS: Record<string, string> = {
  // Only our own script, style and API: no inline script or style, no other origin, no framing.
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: blob:; " +
    "font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * The paths the single-page application routes in the browser (web/src/app/App.tsx): each answers
 * the same `index.html`, so a reload or a shared link opens the right screen.
 */
export const APP_PATHS = [
  '/',
  '/queue',
  '/declarations/*',
  '/profiles',
  '/profiles/*',
  '/screening',
  '/models',
  '/log',
  '/dashboards',
] as const;

interface Asset {
  body: Uint8Array;
  gzip: Uint8Array;
  type: string;
  immutable: boolean;
}

/** The built workbench, read once into memory (and gzipped once) when the server starts. */
export interface WebAssets {
  info: WebBuildInfo;
  files: ReadonlyMap<string, Asset>;
}

export function loadWebAssets(outDir: string, info: WebBuildInfo): WebAssets {
  const files = new Map<string, Asset>();
  for (const file of info.files) {
    const body = readFileSync(join(outDir, file));
    const type = TYPES[extname(file)];
    if (!type) continue;
    // Vite names every asset under assets/ by its content hash: it never changes under its name.
    files.set(`/${file}`, {
      body,
      gzip: gzipSync(body, { level: 9 }),
      type,
      immutable: file.startsWith('assets/'),
    });
  }
  if (!files.has('/index.html')) throw new Error(`the web build in ${outDir} has no index.html`);
  return { info, files };
}

function send(c: Context, asset: Asset): Response {
  const gzip = /\bgzip\b/.test(c.req.header('Accept-Encoding') ?? '');
  const headers: Record<string, string> = {
    ...PAGE_HEADERS,
    'Content-Type': asset.type,
    'Cache-Control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    Vary: 'Accept-Encoding',
  };
  if (gzip) headers['Content-Encoding'] = 'gzip';
  return c.body((gzip ? asset.gzip : asset.body) as Uint8Array<ArrayBuffer>, 200, headers);
}

/**
 * The workbench: `index.html` at every application path and the built assets under `/assets/`.
 * None of it holds data: the page asks for an API key, keeps it in the tab's sessionStorage and
 * calls the API with it, so nothing is published to whoever can reach the port.
 */
export function webRoutes(deps: { web?: WebAssets }): RouteModule {
  return {
    name: 'web',
    register: (app) => {
      const web = deps.web;
      // Servers composed without the workbench (API tests) answer the same paths with 503.
      const unbuilt = (c: Context) =>
        c.text('The workbench is not built into this server (greenlane serve builds it).', 503, PAGE_HEADERS);
      const index = web?.files.get('/index.html');
      for (const path of APP_PATHS) app.get(path, (c) => (index ? send(c, index) : unbuilt(c)));
      app.get('/assets/*', (c) => {
        if (!web) return unbuilt(c);
        const asset = web.files.get(c.req.path);
        return asset ? send(c, asset) : c.notFound();
      });
    },
  };
}
