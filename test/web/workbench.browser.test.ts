import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/installation/config.ts';
import { launchBrowser, screenshot, seriousViolations } from '../support/browser.ts';
import {
  registerModel,
  startWorkbenchServer,
  trainTrialModel,
  type WorkbenchServer,
} from '../support/workbench-server.ts';

/** A string of the workbench's message catalogue in `lang`, with its variables filled in. */
function t(lang: string, key: string, vars: Record<string, string | number> = {}): string {
  const catalogue = JSON.parse(
    readFileSync(join(PACKAGE_ROOT, 'web', 'src', 'i18n', 'locales', `${lang}.json`), 'utf8'),
  );
  const text = key.split('.').reduce((node, part) => node[part], catalogue) as string;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => String(vars[name]));
}

/** The model card of a declaration page: its chart drawn (SVG) and the same figures in a table. */
async function expectModelChart(page: Page): Promise<void> {
  const card = page.locator('section[aria-labelledby="model-title"]');
  await card.locator('.chart svg').first().waitFor();
  expect(await card.locator('tbody tr').count()).toBeGreaterThan(0);
}

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

  /** Declarations assessed once the trial model is in force: a red one and a yellow one. */
  let assessed: { red: string; yellow: string };

  beforeAll(async () => {
    const starting = Promise.all([startWorkbenchServer(), launchBrowser()]);
    // The model trains in this process while the server and the browser start in theirs.
    const trained = trainTrialModel();
    const [s, b] = await starting;
    server = s;
    browser = b.browser;
    closeBrowser = b.close;
    const modelId = await registerModel(server.db, 'DEMO', trained);
    await server.api(server.keys.analyst, `/v1/models/${encodeURIComponent(modelId)}/activation`, {
      method: 'POST',
      body: {},
    });
    assessed = await assessWithModel();
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

  /**
   * New versions of demo declarations selected by a profile (a red and a yellow one), assessed
   * now that a model is in force: its score mostly stays below the yellow threshold, and the
   * declaration page must still show its contributions.
   */
  async function assessWithModel(): Promise<{ red: string; yellow: string }> {
    const { admin } = server.keys;
    const queue = await server.api(admin, '/v1/queue?channel=red,yellow&limit=200');
    const bySource = (channel: string, code: string) =>
      queue.items.find(
        (e: { channel: string; reasons: { code: string }[] }) =>
          e.channel === channel && e.reasons.some((r) => r.code === code),
      ).declarationId as string;
    const sources = [
      bySource('red', 'ENV-BASEL-WASTE-NO-NOTIFICATION'),
      bySource('yellow', 'ENV-CITES-NO-PERMIT'),
    ];
    const copies = await Promise.all(
      sources.map(async (id) => {
        const { declaration } = await server.api(admin, `/v1/declarations/${id}`);
        return { ...declaration, id: `M${id}`, lodgedAt: new Date().toISOString() };
      }),
    );
    const { results } = await server.api(admin, '/v1/declarations', { method: 'POST', body: copies });
    const channels = results.map((l: { channel?: string; errors?: unknown }) => l.channel ?? l.errors);
    expect(channels[0]).toBe('red');
    // A random draw may send the yellow copy to red (a few in a hundred): then it is the red one shown.
    return { red: copies[0].id, yellow: channels[1] === 'yellow' ? copies[1].id : copies[0].id };
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
    // The newest red declaration was assessed with the model in force: its contributions are drawn.
    expect(first).toBe(assessed.red);
    await expectModelChart(page);
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

    // A yellow declaration (a documentary check) shows the model's contributions too.
    const yellow = await open(`/declarations/${assessed.yellow}`, officer);
    await yellow.getByRole('heading', { name: `Declaration ${assessed.yellow}` }).waitFor();
    await expectModelChart(yellow);
    await checkScreen(yellow, 'declaration-yellow');
    await yellow.close();
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

  /**
   * The analyst's journey in `lang`: a profile written in the editor (a bad one shows its lint
   * findings beside the text, then fixed), backtested over the stored history, activated, and the
   * next assessed declaration shows that it fired, with what the officer must check.
   */
  async function analystJourney(lang: 'en' | 'ar'): Promise<void> {
    const { analyst, admin } = server.keys;
    const suffix = lang === 'en' ? '' : `-${lang}`;
    const id = `P-BROWSER-${lang.toUpperCase()}`;
    const instructions = `Open the cartons of plastic articles (${lang})`;
    const yaml = (weight: string) =>
      [
        `id: ${id}`,
        'version: 1',
        'title: Plastic articles from CN',
        'reason: Plastic articles declared from CN, often undervalued',
        `instructions: ${instructions}`,
        `weight: ${weight}`,
        'minChannel: yellow',
        'criteria:',
        '  all:',
        '    - hsPrefix: ["3926"]',
        '    - originCountry: ["CN"]',
        '',
      ].join('\n');
    const dir = () => page.evaluate(() => (globalThis as any).document.documentElement.dir);

    const page = await open('/profiles', analyst, lang);
    await page.getByRole('heading', { level: 1, name: t(lang, 'profiles.title') }).waitFor();
    expect(await dir()).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    await page.locator('table tbody tr').first().waitFor();
    await checkScreen(page, `profiles${suffix}`);

    await page.getByRole('link', { name: t(lang, 'profiles.new') }).click();
    const editor = page.getByLabel(t(lang, 'profiles.yaml'));
    await editor.fill(yaml('heavy'));
    // The finding is shown beside the text with its line: `weight` is line 6.
    const issue = page.locator('ul.issues li').first();
    await issue.waitFor();
    expect(await issue.textContent()).toContain(t(lang, 'profiles.at', { line: 6, column: 9 }).slice(0, 6));
    expect(await issue.locator('code').textContent()).toBe('/weight');
    expect(await dir()).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    // axe-core checks the editor in each language once, with its backtest below (the longer page).
    if (lang === 'en') await checkScreen(page, 'profile-lint');
    else await screenshot(page, `profile-lint${suffix}`);

    await editor.fill(yaml('40'));
    await page.getByText(t(lang, 'profiles.lintOk')).waitFor();
    await page.getByRole('button', { name: t(lang, 'profiles.backtest') }).click();
    const result = page.locator('section[aria-labelledby="backtest-title"]');
    await result.waitFor();
    const expected = await server.api(analyst, '/v1/profiles/backtest', {
      method: 'POST',
      body: { yaml: yaml('40') },
    });
    expect(expected.hits).toBeGreaterThan(0);
    const number = (n: number) =>
      page.evaluate(([v, l]) => new Intl.NumberFormat(l as string).format(v as number), [n, lang]);
    const shown = (await result.textContent()) ?? '';
    expect(shown).toContain(
      t(lang, 'profiles.wouldHit', {
        hits: await number(expected.hits),
        scanned: await number(expected.scanned),
      }),
    );
    // The hit rate on the declarations with a known outcome, or that none has one yet.
    expect(shown).toContain(
      expected.hitRate.withOutcome > 0
        ? await number(expected.hitRate.withOutcome)
        : t(lang, 'profiles.noOutcomes'),
    );
    expect(shown).toContain(t(lang, 'profiles.overlap'));
    for (const o of expected.overlap) expect(shown).toContain(o.profileId);
    await checkScreen(page, `profile-backtest${suffix}`);

    await page.getByRole('button', { name: t(lang, 'profiles.activate') }).click();
    await page.getByText(t(lang, 'profiles.activated', { id, version: 1 })).waitFor();
    await page.close();

    // The next declaration assessed (through the API, as a declarant's system would send it) is decided with it.
    const queue = await server.api(admin, '/v1/queue?channel=green&limit=1');
    const { declaration } = await server.api(admin, `/v1/declarations/${queue.items[0].declarationId}`);
    const next = {
      ...declaration,
      id: `${lang.toUpperCase()}-${declaration.id}`,
      lodgedAt: new Date().toISOString(),
      items: [{ ...declaration.items[0], hsCode: '392690', originCountry: 'CN' }],
    };
    const { results } = await server.api(admin, '/v1/declarations', { method: 'POST', body: next });
    expect(results[0].reasons?.map((r: { code: string }) => r.code) ?? results[0].errors).toContain(id);

    const shownTo = await open(`/declarations/${next.id}`, analyst, lang);
    const fired = shownTo.locator('section[aria-labelledby="instructions-title"]');
    await fired.waitFor();
    const firedText = await fired.textContent();
    expect(firedText).toContain(`${id} v1`);
    expect(firedText).toContain(instructions);
    await expectModelChart(shownTo);
    expect(await shownTo.evaluate(() => (globalThis as any).document.documentElement.dir)).toBe(
      lang === 'ar' ? 'rtl' : 'ltr',
    );
    await checkScreen(shownTo, `declaration-profile${suffix}`);
    await shownTo.close();
  }

  it('lets an analyst write a profile, see its lint findings, backtest it and activate it; the next declaration shows it', async () => {
    await analystJourney('en');
  });

  it('runs the analyst journey right to left in Arabic', async () => {
    await analystJourney('ar');
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
