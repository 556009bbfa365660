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

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    sequence: { sequencer: SlowFirstSequencer },
  },
});
