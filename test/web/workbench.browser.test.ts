import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.ts';
import { startWorkbenchServer, type WorkbenchServer } from '../support/workbench-server.ts';

/**
 * The workbench in a real browser (Debian's chromium through playwright-core), against
 * `greenlane serve --demo` on SQLite: one server and one browser for the whole file, to keep the
 * test run short. The API behind each screen is tested on SQLite and PostgreSQL by its route tests;
 * this file proves the screens: the officer's and the analyst's journeys, Arabic right to left,
 * and axe-core on every screen (no serious or critical WCAG 2.2 A/AA violation). Each screen's
 * screenshot is saved among the test artefacts.
 */
describe('the workbench in Chromium', () => {
  let server: WorkbenchServer;
  let browser: BrowserContext;
  let closeBrowser: () => Promise<void>;

  beforeAll(async () => {
    const [s, b] = await Promise.all([startWorkbenchServer(), launchBrowser()]);
    server = s;
    browser = b.browser;
    closeBrowser = b.close;
  }, 180_000);
  afterAll(async () => {
    await closeBrowser?.();
    await server?.dispose();
  });

  /** A new tab signed in with `key` (through the URL fragment, as the demo link does). */
  async function open(path: string, key: string | null, lang = 'en'): Promise<Page> {
    const page = await browser.newPage();
    const sep = path.includes('?') ? '&' : '?';
    await page.goto(`${server.url}${path}${sep}lang=${lang}${key ? `#key=${key}` : ''}`);
    return page;
  }

  /** Screenshot for the artefacts, then axe-core: no serious or critical violation. */
  async function checkScreen(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    const violations = await seriousViolations(page);
    expect(violations, `${name}: axe-core ${JSON.stringify(violations)}`).toEqual([]);
  }

  /** The red row of the dashboard "inspection hit rate per channel": [inspected, positive]. */
  async function redHitRate(key: string, shot?: string): Promise<[number, number]> {
    const page = await open('/dashboards', key);
    const panel = page.locator('section[aria-labelledby="panel-hit-rates-by-channel"]');
    await panel.getByRole('button', { name: 'Download CSV' }).waitFor();
    await page.waitForLoadState('networkidle');
    // Every panel has its figures (and its chart, a chunk of its own) on screen.
    await page.waitForFunction(() => !(globalThis as any).document.body.textContent.includes('Loading…'));
    if (shot) await checkScreen(page, shot);
    let figures: [number, number] = [0, 0];
    if ((await panel.locator('details').count()) > 0) {
      await panel.locator('summary').click();
      for (const row of await panel.locator('tbody tr').all()) {
        const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
        if (cells[0] === 'Red')
          figures = [Number(cells[1]!.replace(/\D/g, '')), Number(cells[2]!.replace(/\D/g, ''))];
      }
    }
    await page.close();
    return figures;
  }

  it('shows a sign-in screen, and a clear refusal for a wrong or revoked key', async () => {
    const page = await open('/', null);
    await page.getByRole('heading', { name: 'Sign in to the workbench' }).waitFor();
    await checkScreen(page, 'signin');
    await page.getByLabel('API key').fill('glk_0000000000000000_wrong');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'This API key was refused' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('revoked');
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.length)).toBe(0);
    await checkScreen(page, 'signin-refused');
    await page.close();
  });

  it('lets an officer open the first red declaration by keyboard, read its reasons, verify it and record a seizure', async () => {
    const { officer } = server.keys;
    const before = await redHitRate(officer);
    const page = await open('/queue?channel=red', officer);
    const rows = page.locator('.queue li a');
    await rows.first().waitFor();
    // The key left the address bar for the tab's sessionStorage.
    expect(page.url()).not.toContain('#key=');
    expect(await page.getByRole('navigation').textContent()).not.toContain('Risk profiles');
    await checkScreen(page, 'queue');

    const first = ((await rows.first().locator('.id').textContent()) ?? '').trim();
    const second = ((await rows.nth(1).locator('.id').textContent()) ?? '').trim();
    await rows.first().focus();
    await page.keyboard.press('ArrowDown');
    expect(
      (await page.evaluate(() => (globalThis as any).document.activeElement?.textContent)) ?? '',
    ).toContain(second);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Declaration ${first}` }).waitFor();

    const stored = await server.api(officer, `/v1/declarations/${encodeURIComponent(first)}`);
    expect(stored.decision.channel).toBe('red');
    const shown = await page.locator('ol.reasons li strong').allInnerTexts();
    expect(shown.sort()).toEqual(stored.decision.reasons.map((r: { message: string }) => r.message).sort());
    await page.getByRole('heading', { name: 'Transparency log' }).waitFor();
    await checkScreen(page, 'declaration');

    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.getByText('Verified: this decision is in the log.').waitFor();

    await page.getByLabel('Seizure').check();
    await page.getByLabel(/Revenue recovered/).fill('125000');
    await page.getByLabel('Notes').fill('cigarettes in false floor');
    await page.getByRole('button', { name: 'Record outcome' }).click();
    await page.getByText('Outcome recorded.').waitFor();
    const after = await server.api(officer, `/v1/declarations/${encodeURIComponent(first)}`);
    expect(after.outcomes.map((o: { result: string }) => o.result)).toEqual(['seizure']);
    expect(after.status).toBe('inspected');

    // The queue changed: it is now among the inspected declarations, no longer among the assessed.
    await page.goto(`${server.url}/queue?channel=red&status=inspected&lang=en`);
    await page.locator('.queue li a').first().waitFor();
    expect(await page.locator('.queue .id').allInnerTexts()).toContain(first);
    await page.goto(`${server.url}/queue?channel=red&status=assessed&lang=en`);
    await page.locator('.queue li a').first().waitFor();
    expect(await page.locator('.queue .id').allInnerTexts()).not.toContain(first);
    await page.close();
    // And the dashboards: one more red declaration inspected, and it was positive.
    const after_ = await redHitRate(officer, 'dashboards');
    expect(after_).toEqual([before[0] + 1, before[1] + 1]);
  });

  it('renders the queue and a declaration right to left in Arabic', async () => {
    const page = await open('/queue?channel=red', server.keys.officer, 'ar');
    await page.getByRole('heading', { name: 'قائمة المعاينة' }).waitFor();
    expect(
      await page.evaluate(() => {
        const html = (globalThis as any).document.documentElement;
        return [html.dir, html.lang];
      }),
    ).toEqual(['rtl', 'ar']);
    await page.locator('.queue li a').first().waitFor();
    // The page mirrors: the brand is at the right edge.
    const box = await page.locator('.brand').boundingBox();
    expect(box!.x).toBeGreaterThan(600);
    await checkScreen(page, 'queue-ar');
    await page.locator('.queue li a').first().click();
    await page.getByRole('heading', { name: /^البيان / }).waitFor();
    await page.getByText('سبب اختياره').waitFor();
    await checkScreen(page, 'declaration-ar');
    await page.close();
  });

  it('shows every screen to the roles that have it, each without a serious accessibility violation', async () => {
    const { admin, analyst, auditor } = server.keys;
    const screens: [path: string, key: string, heading: string, name: string][] = [
      ['/screening', analyst, 'Screening hits', 'screening'],
      ['/models', analyst, 'Models', 'models'],
      ['/log', auditor, 'Transparency log', 'log'],
      ['/queue', admin, 'Inspection queue', 'queue-admin'],
    ];
    for (const [path, key, heading, name] of screens) {
      const page = await open(path, key);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await page.waitForLoadState('networkidle');
      await checkScreen(page, name);
      await page.close();
    }
  });
});
