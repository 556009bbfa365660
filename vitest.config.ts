import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that take minutes (they start real servers and CLI processes), slowest first. Vitest hands
 * files to its two workers in order, so these start at once instead of last: without a cache of
 * earlier runs (a clean clone, CI) it would order by file size, and a short file that runs for
 * two minutes, started last, keeps one worker busy while the other idles.
 */
const SLOW_FIRST = [
  'test/ledger-crash-api.test.ts',
  'test/ledger-crash.test.ts',
  'test/cli-assess.test.ts',
  'test/federation-processes.test.ts',
  'src/driving/cli/commands/serve.test.ts',
  'test/cluster-faults.test.ts',
  'src/driving/cli/commands/hits.test.ts',
  'src/driving/cli/commands/partners.test.ts',
  'src/driving/cli/commands/log.test.ts',
  'test/web/workbench.browser.test.ts',
  'src/driving/cli/commands/keys.test.ts',
  'src/driving/cli/commands/override.test.ts',
  'test/screen-health.test.ts',
];

class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const i = SLOW_FIRST.findIndex((f) => spec.moduleId.endsWith(`/${f}`));
      return i === -1 ? SLOW_FIRST.length : i;
    };
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort((a, b) => rank(a.spec) - rank(b.spec) || a.i - b.i)
      .map(({ spec }) => spec);
  }
}

/**
 * Files that must run in a fresh module graph: they set `process.env` (GREENLANE_HOME) for the
 * commands they run in-process, or start servers and processes for minutes (nothing to gain from
 * sharing modules). Every other file runs in its worker's shared module graph: importing the
 * store, the HTTP app and the pipeline afresh for each of ~170 files was about a third of the
 * suite's time. A file there must not depend on module state being fresh (see
 * time-ordered-id.test.ts) and must restore what it changes.
 */
const ISOLATED = [
  ...SLOW_FIRST,
  'src/driving/cli/commands/alerts.test.ts',
  'src/driving/cli/commands/assess.test.ts',
  'src/driving/cli/commands/log-check-record.test.ts',
  'src/driving/cli/commands/selection.test.ts',
  'src/driving/cli/commands/seizures.test.ts',
  'src/driving/http/routes/log.test.ts',
  'src/installation/ledger-recording.test.ts',
  'test/malformed-input.test.ts',
  'test/cli-bundle.test.ts',
];

const ALL = ['src/**/*.test.ts', 'test/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'isolated', include: ISOLATED, isolate: true } },
      { extends: true, test: { name: 'shared', include: ALL, exclude: ISOLATED, isolate: false } },
    ],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
