import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import type { InputRecord } from '../../app/ports/input-record.ts';
import { progressBar } from './progress.ts';
import { UsageError } from './usage-error.ts';

/** An input file of records (or `-` for standard input), with its size for the progress bar. */
export interface RecordFile {
  input: Readable;
  fromStdin: boolean;
  /** Bytes, 0 for standard input (no progress bar then). */
  size: number;
}

/** Opens the input of a batch command; an unreadable file is a usage error naming it. */
export function openRecordFile(file: string): RecordFile {
  if (file === '-') return { input: process.stdin, fromStdin: true, size: 0 };
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new UsageError(`cannot read input file "${file}"`);
  }
  return { input: createReadStream(file, { highWaterMark: 1 << 20 }), fromStdin: false, size };
}

/**
 * The loop every batch command shares: reads records into batches of `batchSize`, has each batch
 * decided, writes one JSON line per result to `--out` (or standard output, waiting when it is
 * full) and moves the progress bar by the bytes read. `count` sees each result for the summary.
 */
export async function decideInBatches<Line>(options: {
  file: RecordFile;
  records: AsyncIterable<InputRecord>;
  batchSize: number;
  outFile: string | undefined;
  decide: (batch: InputRecord[]) => Promise<Line[]>;
  count: (line: Line) => void;
}): Promise<void> {
  const { file, outFile } = options;
  const out: Writable = outFile ? createWriteStream(outFile) : process.stdout;
  const bar = progressBar(file.size, 'bytes');
  const flush = async (batch: InputRecord[]) => {
    let text = '';
    for (const line of await options.decide(batch)) {
      options.count(line);
      text += `${JSON.stringify(line)}\n`;
    }
    if (!out.write(text)) await once(out, 'drain');
    if (!file.fromStdin) bar.update((file.input as ReturnType<typeof createReadStream>).bytesRead);
  };
  try {
    let batch: InputRecord[] = [];
    for await (const record of options.records) {
      batch.push(record);
      if (batch.length >= options.batchSize) {
        await flush(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await flush(batch);
  } finally {
    bar.stop();
    if (outFile) {
      out.end();
      await once(out, 'finish');
    }
  }
}
