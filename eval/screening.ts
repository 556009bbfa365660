/**
 * `npm run eval:screening`: measures party screening on the evaluation sets of `sanctions/eval/`
 * against the targets of issue 3, and on the generated sets of issue 10 (`eval/screening-sets.ts`:
 * non-listed persons and companies in 34 locales, perturbed listed persons, organisations and
 * vessels, every query also with type unknown), reported on their tuning and held-out halves.
 * Writes the report to docs/QUALITY.md.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { writeReportSection } from '../bench/report.ts';
import { exactKey } from '../src/core/screening/candidate-index.ts';
import { normaliseName } from '../src/core/screening/normalise.ts';
import { DEFAULT_THRESHOLDS, type ScreeningHit, screenParty } from '../src/core/screening/screen.ts';
import { loadCountryResolver } from '../src/driven/lists/country-resolver.ts';
import { loadScreeningIndex } from '../src/driven/lists/load-index.ts';
import { dataDir } from '../src/installation/config.ts';
import { crossScriptPairs, labelledPairs } from './screening-pairs.ts';
import { LOCALES, negativeSets, PERTURBATIONS, positiveSets, syllableSwaps } from './screening-sets.ts';

const data = dataDir();
const evalDir = join(data, 'sanctions', 'eval');
const csv = (file: string) =>
  parse(readFileSync(join(evalDir, file)), {
    columns: true,
    skip_empty_lines: true,
    relax_column_count: true,
  }) as Array<Record<string, string>>;
const quick = process.argv.includes('--quick');
const { match, review } = DEFAULT_THRESHOLDS;

const started = Date.now();
const { index, versions } = await loadScreeningIndex({ dataDirectory: data });
const resolveCountry = loadCountryResolver(data);
const rows: string[] = [];
const result = (what: string, target: string, figure: string, met: boolean) => {
  rows.push(`| ${what} | ${target} | ${figure} | ${met ? 'met' : '**missed**'} |`);
  console.log(`${met ? 'MET   ' : 'MISSED'} ${what}: ${figure} (target ${target})`);
};
const details: string[] = [];
/** Scores down to this floor are kept to draw the review-threshold curve. */
const CURVE_FLOOR = 0.7;
const positiveScores: number[] = [];
const negativeScores: number[] = [];

// 1. Every primary name and strong alias of every loaded entity, queried exactly with type unknown,
// is its own top hit.
{
  let total = 0;
  let top = 0;
  const failures: string[] = [];
  index.entities.forEach((entity) => {
    for (const name of entity.names) {
      if (name.quality === 'weak') continue;
      if (quick && total % 20 !== 0) {
        total++;
        continue;
      }
      total++;
      const hits = screenParty({ name: name.value, type: 'any' }, index);
      const best = hits[0]?.score ?? -1;
      // Ties at the top are shared by entities listed under the very same name (the same person on
      // several lists the lists do not link).
      const id = `${entity.list}:${entity.entityId}`;
      if (hits.some((h) => h.score === best && h.ids.includes(id))) top++;
      else if (failures.length < 15)
        failures.push(
          `${entity.list}:${entity.entityId} "${name.value}" -> ${hits[0]?.list}:${hits[0]?.entityId} ${best}`,
        );
    }
  });
  const counted = quick ? Math.ceil(total / 20) : total;
  const rate = top / counted;
  result(
    'primary names and strong aliases, queried exactly with type unknown, are their own top hit',
    '100%',
    `${(rate * 100).toFixed(2)}% (${top}/${counted})`,
    rate === 1,
  );
  if (failures.length)
    details.push(
      `Self-hit failures (first ${failures.length}):\n\n${failures.map((f) => `- ${f}`).join('\n')}`,
    );
}

// 2. Perturbed UN queries: recall of the right entity at the review threshold.
{
  const queries = csv('yente_positives_un_treated.csv');
  const truth = csv('positives_un_truth.csv');
  let linked = 0;
  let found = 0;
  const misses: string[] = [];
  queries.forEach((q, i) => {
    const refs = (truth[i]?.un_reference_numbers ?? '').split(/[;|, ]+/).filter(Boolean);
    if (refs.length === 0) return;
    linked++;
    const hits = screenParty(
      {
        name: q.full_name ?? '',
        type: 'person',
        dob: q.date_of_birth,
        country: resolveCountry(q.nationality),
      },
      index,
      { thresholds: { match, review: CURVE_FLOOR } },
    );
    const right = hits.find((h) => refs.some((ref) => h.ids.includes(`un:${ref}`)));
    positiveScores.push(right?.score ?? 0);
    if (right && right.score >= review) found++;
    else if (misses.length < 20)
      misses.push(`"${q.full_name}" (${q.date_of_birth}) expected ${refs.join('/')}`);
  });
  const recall = found / linked;
  result(
    'perturbed UN queries: recall at review threshold',
    '>= 0.98',
    `${recall.toFixed(4)} (${found}/${linked})`,
    recall >= 0.98,
  );
  if (misses.length)
    details.push(
      `Perturbed UN misses (first ${misses.length}):\n\n${misses.map((m) => `- ${m}`).join('\n')}`,
    );
}

// 3. Synthetic non-listed persons: alerts per 1,000 at the review threshold.
{
  const people = [...csv('yente_negatives_global.csv'), ...csv('yente_negatives_us.csv')];
  const sample = quick ? people.filter((_, i) => i % 10 === 0) : people;
  let alerts = 0;
  const examples: string[] = [];
  for (const p of sample) {
    const hits = screenParty(
      {
        name: p.full_name ?? '',
        type: 'person',
        dob: p.date_of_birth,
        country: resolveCountry(p.nationality),
      },
      index,
      { thresholds: { match, review: CURVE_FLOOR } },
    );
    negativeScores.push(hits[0]?.score ?? 0);
    if (hits.length > 0 && hits[0]!.score >= review) {
      alerts++;
      if (examples.length < 20)
        examples.push(
          `"${p.full_name}" -> ${hits[0]!.list}:${hits[0]!.entityId} "${hits[0]!.matchedName}" ${hits[0]!.score}`,
        );
    }
  }
  const perThousand = (alerts / sample.length) * 1000;
  result(
    'synthetic non-listed persons: alerts per 1,000 at review',
    '<= 2',
    `${perThousand.toFixed(2)} (${alerts}/${sample.length})`,
    perThousand <= 2,
  );
  if (examples.length)
    details.push(`False alerts (first ${examples.length}):\n\n${examples.map((m) => `- ${m}`).join('\n')}`);
}

// Review-threshold curve: perturbed-UN recall against false alerts per 1,000 non-listed persons.
{
  const lines = [0.75, 0.78, 0.8, 0.82, 0.84, 0.86, 0.88, 0.9].map((t) => {
    const recall = positiveScores.filter((x) => x >= t).length / positiveScores.length;
    const alerts = (negativeScores.filter((x) => x >= t).length / negativeScores.length) * 1000;
    return `| ${t} | ${recall.toFixed(4)} | ${alerts.toFixed(2)} |`;
  });
  const curve = `Review threshold curve (same run):\n\n| threshold | perturbed UN recall | alerts per 1,000 non-listed |\n|---|---|---|\n${lines.join('\n')}`;
  details.unshift(curve);
  console.log(curve);
}

// 4. Labelled name pairs: F1 at the match threshold, beside OpenSanctions logic-v2 on the same file.
{
  const { cases, mine, theirs, theirCases } = labelledPairs(index, evalDir, match);
  result(
    `labelled name pairs (${cases}): F1 at match threshold ${match}`,
    '>= 0.85 (logic-v2: 0.79)',
    `${mine.f1.toFixed(3)} (P ${mine.precision.toFixed(3)}, R ${mine.recall.toFixed(3)}); logic-v2 frozen scores on its ${theirCases} pairs: F1 ${theirs.f1.toFixed(3)}`,
    mine.f1 >= 0.85,
  );
}

// 5. Cross-script pairs: our name score at least the pair's expected minimum.
{
  const { pass, total, failed } = crossScriptPairs(index, evalDir);
  const rate = pass / total;
  result('cross-script pairs pass', '>= 90%', `${(rate * 100).toFixed(1)}% (${pass}/${total})`, rate >= 0.9);
  if (failed.length) details.push(`Cross-script failures:\n\n${failed.map((m) => `- ${m}`).join('\n')}`);
}

// 6. Vessels by IMO number.
{
  let total = 0;
  let found = 0;
  index.entities.forEach((entity) => {
    for (const id of entity.identifiers) {
      if (id.type !== 'imo') continue;
      total++;
      const hits = screenParty({ name: '', type: 'vessel', imo: id.value }, index);
      if (hits.some((h) => h.ids.includes(`${entity.list}:${entity.entityId}`) && h.decision === 'match'))
        found++;
    }
  });
  const rate = found / total;
  result(
    'vessels found by IMO number (decision match)',
    '100%',
    `${(rate * 100).toFixed(2)}% (${found}/${total})`,
    rate === 1,
  );
}

// 7-8. Issue 10: generated sets, each split into a tuning half and a held-out half (fixed by a
// salted hash before any constant was tuned). Targets apply to the held-out half.
const hitIds = (h: ScreeningHit) => h.ids;
const ratio = (n: number, d: number) => (d === 0 ? '-' : `${(n / d).toFixed(4)} (${n}/${d})`);
const generated: string[] = [];
{
  const perType = quick ? 300 : 1500;
  const positives = positiveSets(index, perType);
  // Recall per split, per kind and per party type (the party type a declaration states, or unknown).
  const tally = new Map<string, { found: number; total: number }>();
  const count = (key: string, ok: boolean) => {
    const t = tally.get(key) ?? { found: 0, total: 0 };
    t.total++;
    if (ok) t.found++;
    tally.set(key, t);
  };
  const misses: string[] = [];
  for (const q of positives) {
    for (const type of [q.type, 'any'] as const) {
      const hits = screenParty({ name: q.name, type }, index);
      const ok = hits.some((h) => hitIds(h).includes(q.source));
      const party = type === 'any' ? 'unknown' : q.type;
      count(`${q.split}|all`, ok);
      count(`${q.split}|kind|${q.kind}`, ok);
      count(`${q.split}|type|${party}`, ok);
      if (!ok && q.split === 'tuning' && misses.length < 40)
        misses.push(
          `${q.kind} ${type} "${q.name}" (from "${q.from}") expected ${q.source}; top ${hits[0] ? `${hitIds(hits[0]).join('/')} ${hits[0].score}` : 'none'}`,
        );
    }
  }
  const get = (key: string) => tally.get(key) ?? { found: 0, total: 0 };
  const rate = (key: string) => {
    const t = get(key);
    return t.total === 0 ? 1 : t.found / t.total;
  };
  const overall = rate('held-out|all');
  result(
    'perturbed listed persons, organisations and vessels (typed and unknown type): recall at review, held-out half',
    '>= 0.98',
    ratio(get('held-out|all').found, get('held-out|all').total),
    overall >= 0.98,
  );
  const lines: string[] = [];
  for (const kind of PERTURBATIONS) {
    const held = get(`held-out|kind|${kind}`);
    if (held.total === 0 && get(`tuning|kind|${kind}`).total === 0) continue;
    const ok = rate(`held-out|kind|${kind}`) >= 0.95;
    lines.push(
      `| kind: ${kind} | ${ratio(held.found, held.total)} | ${ratio(get(`tuning|kind|${kind}`).found, get(`tuning|kind|${kind}`).total)} | ${ok ? 'met' : '**missed**'} |`,
    );
  }
  for (const party of ['person', 'organization', 'vessel', 'unknown']) {
    const held = get(`held-out|type|${party}`);
    const ok = rate(`held-out|type|${party}`) >= 0.95;
    lines.push(
      `| party type: ${party} | ${ratio(held.found, held.total)} | ${ratio(get(`tuning|type|${party}`).found, get(`tuning|type|${party}`).total)} | ${ok ? 'met' : '**missed**'} |`,
    );
  }
  const worst = Math.min(
    ...PERTURBATIONS.map((k) => rate(`held-out|kind|${k}`)),
    ...['person', 'organization', 'vessel', 'unknown'].map((t) => rate(`held-out|type|${t}`)),
  );
  result(
    'perturbed listed names: recall of the weakest perturbation kind or party type, held-out half',
    '>= 0.95 each',
    worst.toFixed(4),
    worst >= 0.95,
  );
  generated.push(
    `Recall at review (${DEFAULT_THRESHOLDS.review}) of perturbed listed names: up to ${perType} entities of each type from all four lists (chosen by hash), every perturbation that applies to the primary name and one strong alias, each queried with its party type and again with type unknown (\`any\`); a query is found when a hit at or above review carries the source entity's id. Target per row: >= 0.95 on the held-out half. The abbreviation kind abbreviates with the generator's own word list (\`TRADE_ABBREVIATIONS\` in eval/screening-sets.ts), most of whose words the matcher's table also holds, so its recall shows that the table is applied more than how unseen abbreviations fare.\n\n| | held-out | tuning | |\n|---|---|---|---|\n${lines.join('\n')}\n| all | ${ratio(get('held-out|all').found, get('held-out|all').total)} | ${ratio(get('tuning|all').found, get('tuning|all').total)} | ${overall >= 0.98 ? 'met' : '**missed**'} (>= 0.98) |`,
  );
  for (const l of lines) console.log(l);
  if (misses.length)
    details.push(
      `Perturbed listed-name misses, tuning half (first ${misses.length}):\n\n${misses.map((m) => `- ${m}`).join('\n')}`,
    );
}
{
  const isListed = (kind: 'person' | 'organization') => (name: string) =>
    index.exact.has(exactKey(normaliseName(name, index.tables, kind)));
  const perLocale = quick ? 60 : 300;
  const negatives = negativeSets(perLocale, (n) => isListed('person')(n) || isListed('organization')(n));
  const swaps = syllableSwaps(index);
  const tally = new Map<string, { alerts: number; total: number }>();
  const count = (key: string, alert: boolean) => {
    const t = tally.get(key) ?? { alerts: 0, total: 0 };
    t.total++;
    if (alert) t.alerts++;
    tally.set(key, t);
  };
  const examples: string[] = [];
  for (const q of [...negatives, ...swaps]) {
    for (const type of [q.type, 'any'] as const) {
      const hits = screenParty({ name: q.name, type }, index);
      const alert = hits.length > 0;
      const group = q.kind === 'syllable-swap' ? 'swap' : q.type;
      count(`${q.split}|${group}`, alert);
      count(`${q.split}|${group}|${type === 'any' ? 'unknown' : 'typed'}`, alert);
      if (q.kind === 'surname-legal-form') count(`${q.split}|surname-legal-form`, alert);
      if (alert && q.split === 'tuning' && examples.length < 40)
        examples.push(
          `${group} ${type} (${q.locale}) "${q.name}" -> ${hitIds(hits[0]!).join('/')} "${hits[0]!.matchedName}" ${hits[0]!.score}`,
        );
    }
  }
  const get = (key: string) => tally.get(key) ?? { alerts: 0, total: 0 };
  const per1000 = (key: string) => {
    const t = get(key);
    return t.total === 0 ? 0 : (t.alerts / t.total) * 1000;
  };
  const fig = (key: string) => `${per1000(key).toFixed(2)} (${get(key).alerts}/${get(key).total})`;
  result(
    `non-listed persons, ${LOCALES.length} locales, typed and unknown type: alerts per 1,000 at review, held-out half`,
    '<= 2',
    fig('held-out|person'),
    per1000('held-out|person') <= 2,
  );
  result(
    `non-listed companies, ${LOCALES.length} locales, typed and unknown type: alerts per 1,000 at review, held-out half`,
    '<= 3',
    fig('held-out|organization'),
    per1000('held-out|organization') <= 3,
  );
  const rowsOf = (label: string, key: string) =>
    `| ${label} | ${fig(`held-out|${key}`)} | ${fig(`tuning|${key}`)} |`;
  generated.push(
    `Alerts per 1,000 (any hit at or above review) on generated non-listed names: faker ${perLocale} persons, companies and one-surname companies per locale (${LOCALES.join(', ')}; seed fixed), names equal to a listed name left out; each queried with its party type and with type unknown.\n\n| | held-out | tuning |\n|---|---|---|\n${[
      rowsOf('persons', 'person'),
      rowsOf('persons, typed', 'person|typed'),
      rowsOf('persons, unknown type', 'person|unknown'),
      rowsOf('companies', 'organization'),
      rowsOf('companies, typed', 'organization|typed'),
      rowsOf('companies, unknown type', 'organization|unknown'),
      rowsOf('companies of one surname and a legal form', 'surname-legal-form'),
      rowsOf('listed Korean / Chinese persons, given-name syllables swapped (other people)', 'swap'),
    ].join('\n')}`,
  );
  console.log(generated[generated.length - 1]);
  if (examples.length)
    details.push(
      `False alerts on generated names, tuning half (first ${examples.length}):\n\n${examples.map((m) => `- ${m}`).join('\n')}`,
    );
}

const seconds = ((Date.now() - started) / 1000).toFixed(0);
const markdown = `## Party screening (issue 3)

Command: \`npm run eval:screening${quick ? ' -- --quick' : ''}\` — run ${new Date().toISOString().slice(0, 10)}, ${seconds} s.
Thresholds: match ${match}, review ${review}. The sets of sanctions/eval/ have no held-out split: thresholds and the issue-3 constants were chosen on them. The generated sets of issue 10 are split by a salted hash into a tuning half (constants chosen there) and a held-out half (targets reported there). Lists: ${versions.map((v) => `${v.list} ${v.publishedOn} (${v.entities.length} entries)`).join(', ')}.
${quick ? '\n**Quick run: sampled (1 in 20 self-hits, 1 in 10 negatives); not the reference figures.**\n' : ''}
| measure | target | result | |
|---|---|---|---|
${rows.join('\n')}

### Generated sets of issue 10 (tuning and held-out halves)

${generated.join('\n\n')}

${details.join('\n\n')}
`;
writeReportSection('docs/QUALITY.md', 'screening', markdown);
console.log(`written to docs/QUALITY.md (${seconds} s)`);
