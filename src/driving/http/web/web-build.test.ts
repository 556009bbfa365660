import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { ensureWebBuild, readBuildInfo, WebBuildError, webSourceHash } from './web-build.ts';
import { APP_PATHS, loadWebAssets, webRoutes } from './web-routes.ts';

/** A two-file web app in a temporary folder: what `ensureWebBuild` does to `web/`, in a second. */
describe('the workbench build and its serving', () => {
  let root: string;
  let webDir: string;
  const write = (name: string, text: string) => writeFileSync(join(webDir, name), text);

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'greenlane-web-'));
    webDir = join(root, 'web');
    mkdirSync(webDir);
    write('index.html', '<!doctype html><title>t</title><script type="module" src="/main.js"></script>');
    write('main.js', "document.title = 'one';\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('builds when missing, reuses a current build, rebuilds a stale one and can refuse instead', async () => {
    const reasons: string[] = [];
    const onBuild = (r: string) => reasons.push(r);
    const first = await ensureWebBuild({ webDir, onBuild });
    expect(first.built).toBe(true);
    expect(first.info.sourceHash).toBe(webSourceHash(webDir));
    expect(first.info.files).toContain('index.html');
    expect(readBuildInfo(first.outDir)?.sourceHash).toBe(first.info.sourceHash);

    expect((await ensureWebBuild({ webDir, onBuild })).built).toBe(false);

    write('main.js', "document.title = 'two';\n");
    await expect(ensureWebBuild({ webDir, rebuild: false })).rejects.toThrow(WebBuildError);
    await expect(ensureWebBuild({ webDir, rebuild: false })).rejects.toThrow(
      /older than its sources.*build:web/,
    );
    const again = await ensureWebBuild({ webDir, onBuild });
    expect(again.built).toBe(true);
    expect(again.info.sourceHash).not.toBe(first.info.sourceHash);
    expect(reasons).toEqual(['missing', 'stale']);

    // What is served is the new build.
    const app = createApp({
      authenticate: async () => undefined,
      routes: [webRoutes({ web: loadWebAssets(again.outDir, again.info) })],
    });
    const script = again.info.files.find((f) => f.endsWith('.js'))!;
    const res = await app.request(`/${script}`);
    expect(await res.text()).toContain('two');
  });

  it('answers index.html with a strict CSP at every application path, gzip when accepted', async () => {
    const { outDir, info } = await ensureWebBuild({ webDir });
    const app = createApp({
      authenticate: async () => undefined,
      routes: [webRoutes({ web: loadWebAssets(outDir, info) })],
    });
    for (const path of APP_PATHS) {
      const res = await app.request(path.replace('*', 'X-1'));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('content-security-policy')).not.toContain('unsafe-inline');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('<!doctype html>');
    }
    const script = info.files.find((f) => f.endsWith('.js'))!;
    const zipped = await app.request(`/${script}`, { headers: { 'Accept-Encoding': 'gzip, br' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('cache-control')).toContain('immutable');
    expect((await app.request('/assets/nothing.js')).status).toBe(404);
  });

  it('answers 503 at the same paths when the server was composed without the workbench', async () => {
    const app = createApp({ authenticate: async () => undefined, routes: [webRoutes({})] });
    expect((await app.request('/')).status).toBe(503);
    expect((await app.request('/assets/index.js')).status).toBe(503);
  });
});
