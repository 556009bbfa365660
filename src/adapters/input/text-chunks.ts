import { StringDecoder } from 'node:string_decoder';

/** Decodes a byte stream to UTF-8 text chunks (multi-byte characters split across chunks are kept whole). */
export async function* textChunks(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of source) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/** Splits text chunks into lines (LF or CRLF), without holding more than one line in memory. */
export async function* lines(source: AsyncIterable<string>): AsyncGenerator<string> {
  let carry = '';
  for await (const chunk of source) {
    let start = 0;
    let text = carry + chunk;
    carry = '';
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
    }
    carry = text.slice(start);
    text = '';
  }
  if (carry) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}
