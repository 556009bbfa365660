import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/installation/config.ts';
import ar from '../../web/src/i18n/locales/ar.json' with { type: 'json' };
import en from '../../web/src/i18n/locales/en.json' with { type: 'json' };
import es from '../../web/src/i18n/locales/es.json' with { type: 'json' };
import fr from '../../web/src/i18n/locales/fr.json' with { type: 'json' };

type Catalogue = { [key: string]: string | Catalogue };
const CATALOGUES: Record<string, Catalogue> = { en, fr, es, ar };
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(c: Catalogue, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'string') out.set(prefix + k, v);
    else for (const [kk, vv] of flatten(v, `${prefix}${k}.`)) out.set(kk, vv);
  }
  return out;
}
const baseKeys = (flat: Map<string, string>) => new Set([...flat.keys()].map((k) => k.replace(PLURAL, '')));
const variables = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every string of the workbench comes from these catalogues: a key missing anywhere fails here. */
describe('the workbench message catalogues (web/src/i18n/locales)', () => {
  const english = flatten(en);

  it('has, in every language, every key of English and no other', () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      const keys = baseKeys(flatten(catalogue));
      expect(
        [...baseKeys(english)].filter((k) => !keys.has(k)),
        `${lang}: missing`,
      ).toEqual([]);
      expect(
        [...keys].filter((k) => !baseKeys(english).has(k)),
        `${lang}: unknown`,
      ).toEqual([]);
    }
  });

  it("has every plural form a language's CLDR rules use (Arabic: zero, one, two, few, many, other)", () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      const flat = flatten(catalogue);
      const plurals = new Set(
        [...flat.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')),
      );
      const forms = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const key of plurals)
        for (const form of forms) expect(flat.has(`${key}_${form}`), `${lang}: ${key}_${form}`).toBe(true);
    }
  });

  it('uses in each translation only the variables the English text is given', () => {
    for (const [lang, catalogue] of Object.entries(CATALOGUES)) {
      for (const [key, text] of flatten(catalogue)) {
        const source = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        const allowed = new Set([...variables(source ?? ''), 'count']);
        for (const v of variables(text)) expect(allowed.has(v), `${lang} ${key}: {{${v}}}`).toBe(true);
      }
    }
  });

  it('has a key for every t("…") the screens call, and every language a value that is not empty', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(join(PACKAGE_ROOT, 'web', 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*['`]([\w.]+)(\$\{)?/g)) used.add(m[2] ? `${m[1]}*` : m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    const known = baseKeys(english);
    for (const key of used) {
      // A key built at run time (`channel.${c}`): its prefix must name a group of the catalogue.
      if (key.endsWith('*'))
        expect(
          [...known].some((k) => k.startsWith(key.slice(0, -1))),
          key,
        ).toBe(true);
      else expect(known.has(key), `${key} is used but not in en.json`).toBe(true);
    }
    for (const [lang, catalogue] of Object.entries(CATALOGUES))
      for (const [key, text] of flatten(catalogue)) expect(text.trim(), `${lang} ${key}`).not.toBe('');
  });
});
