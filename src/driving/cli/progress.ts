import cliProgress from 'cli-progress';

export interface Progress {
  update(value: number): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

/** A progress bar on stderr when it is a terminal and the total is known; silent otherwise. */
export function progressBar(total: number, unit: string): Progress {
  if (!process.stderr.isTTY || total <= 0) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `{bar} {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (v) => bar.update(Math.min(v, total)), stop: () => bar.stop() };
}
