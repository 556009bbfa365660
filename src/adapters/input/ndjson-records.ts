import { type InputRecord, syntaxError } from './input-record.ts';
import { lines } from './text-chunks.ts';

/** NDJSON (one JSON value per line); blank lines are not records. Record N is the Nth non-blank line. */
export async function* ndjsonRecords(text: AsyncIterable<string>): AsyncGenerator<InputRecord> {
  let record = 0;
  for await (const line of lines(text)) {
    if (line.trim() === '') continue;
    record++;
    try {
      yield { record, value: JSON.parse(line) };
    } catch (err) {
      yield syntaxError(record, `line is not valid JSON: ${(err as Error).message}`);
    }
  }
}
