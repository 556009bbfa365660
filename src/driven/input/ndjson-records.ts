import { type InputRecord, MAX_RECORD_CHARS, tooLarge } from './input-record.ts';
import { parseJsonRecord } from './json-records.ts';
import { lines } from './text-chunks.ts';

/** NDJSON (one JSON value per line); blank lines are not records. Record N is the Nth non-blank line. */
export async function* ndjsonRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let record = 0;
  for await (const line of lines(text, MAX_RECORD_CHARS)) {
    if (line.overLength === undefined && line.text.trim() === '') continue;
    record++;
    yield line.overLength !== undefined
      ? tooLarge(record, 'the line', line.overLength, line.text)
      : parseJsonRecord(record, line.text, 'the line');
  }
}
