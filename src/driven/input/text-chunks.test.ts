import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lines, type TextLine } from './text-chunks.ts';

async function split(chunks: string[], maxChars: number, loneCr = false): Promise<TextLine[]> {
  const out: TextLine[] = [];
  for await (const line of lines(Readable.from(chunks), maxChars, loneCr)) out.push(line);
  return out;
}

describe('lines', () => {
  it('splits at LF and CRLF, also across chunks, and keeps a last line without a break', async () => {
    expect((await split(['a\r\nb', 'c\r', '\nd\n\ne'], 100)).map((l) => l.text)).toEqual([
      'a',
      'bc',
      'd',
      '',
      'e',
    ]);
  });

  it('with loneCr, also splits at a CR alone, and a CRLF split between chunks is one break', async () => {
    const texts = (await split(['a\rb\r', '\nc\r\r\nd'], 100, true)).map((l) => l.text);
    expect(texts).toEqual(['a', 'b', 'c', '', 'd']);
  });

  it('keeps only the limit of an overlong line and says how long it was', async () => {
    const out = await split(['short\n', 'abcdefg', 'hijklmn', '\nnext'], 10);
    expect(out).toEqual([{ text: 'short' }, { text: 'abcdefghij', overLength: 14 }, { text: 'next' }]);
  });
});
