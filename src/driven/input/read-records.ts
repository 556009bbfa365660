import { closeSync, openSync, readSync } from 'node:fs';
import { extname } from 'node:path';
import { csvRecords } from './csv-records.ts';
import { customsCsvRecords } from './customs-csv.ts';
import type { InputFormat, InputRecord } from './input-record.ts';
import { jsonRecords } from './json-records.ts';
import { ndjsonRecords } from './ndjson-records.ts';
import { textChunks } from './text-chunks.ts';

/** Picks the format from the file name when none is given; `-` (stdin) defaults to NDJSON. */
export function guessFormat(file: string, firstLine?: string): InputFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ndjson' || ext === '.jsonl') return 'ndjson';
  if (ext === '.csv') return firstLine?.startsWith('Declaration ID,') ? 'customs-csv' : 'csv';
  return 'ndjson';
}

/** The format of a file from its name and, for CSV, its header line. */
export function sniffFormat(file: string): InputFormat {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return guessFormat(
      file,
      buf
        .subarray(0, n)
        .toString('utf8')
        .replace(/^\uFEFF/, ''),
    );
  } finally {
    closeSync(fd);
  }
}

/** Reads records of the given format from a byte stream, lazily and in constant memory. */
export function readRecords(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  format: InputFormat,
): AsyncGenerator<InputRecord> {
  const text = textChunks(source);
  switch (format) {
    case 'json':
      return jsonRecords(text);
    case 'ndjson':
      return ndjsonRecords(text);
    case 'csv':
      return csvRecords(text);
    case 'customs-csv':
      return customsCsvRecords(text);
  }
}
