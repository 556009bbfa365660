import { SharingError } from './sharing-error.ts';

/**
 * The part of RFC 9651 Structured Field Values that HTTP Message Signatures (RFC 9421 §4) use:
 * Dictionaries whose members are Inner Lists of Strings with Parameters (`Signature-Input`) or
 * Byte Sequences (`Signature`, `Content-Digest`). Parsing is strict: the header values come from
 * the network and anything unexpected is refused rather than guessed at.
 */

/** An RFC 9651 Token (unquoted), kept apart from Strings so serialisation round-trips. */
export class Token {
  constructor(readonly value: string) {}
}

export type BareItem = number | string | boolean | Token | Uint8Array;
export type Parameters = Map<string, BareItem>;
export interface Item {
  value: BareItem;
  params: Parameters;
}
export interface InnerList {
  items: Item[];
  params: Parameters;
}
export type DictionaryMember = Item | InnerList;

const fail = (message: string): never => {
  throw new SharingError('MALFORMED_SIGNATURE', `structured field: ${message}`);
};

class Parser {
  private at = 0;
  constructor(private readonly input: string) {}

  get done(): boolean {
    return this.at >= this.input.length;
  }
  private peek(): string {
    return this.input[this.at] ?? '';
  }
  private skipSp(): void {
    while (this.peek() === ' ') this.at++;
  }
  private skipOws(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.at++;
  }
  private expect(ch: string): void {
    if (this.peek() !== ch) fail(`expected "${ch}" at ${this.at}, found "${this.peek() || 'end'}"`);
    this.at++;
  }

  /** RFC 9651 §4.2.2 Parsing a Dictionary (duplicate keys are refused, not overwritten). */
  dictionary(): Map<string, DictionaryMember> {
    const out = new Map<string, DictionaryMember>();
    this.skipSp();
    while (!this.done) {
      const key = this.key();
      if (out.has(key)) fail(`dictionary key "${key}" appears twice`);
      let member: DictionaryMember;
      if (this.peek() === '=') {
        this.at++;
        member = this.peek() === '(' ? this.innerList() : this.item();
      } else member = { value: true, params: this.parameters() };
      out.set(key, member);
      this.skipOws();
      if (this.done) break;
      this.expect(',');
      this.skipOws();
      if (this.done) fail('trailing comma');
    }
    return out;
  }

  /** §4.2.1.2 Parsing an Inner List. */
  private innerList(): InnerList {
    this.expect('(');
    const items: Item[] = [];
    for (;;) {
      this.skipSp();
      if (this.peek() === ')') {
        this.at++;
        return { items, params: this.parameters() };
      }
      items.push(this.item());
      if (this.peek() !== ' ' && this.peek() !== ')') fail(`expected a space or ")" at ${this.at}`);
    }
  }

  private item(): Item {
    return { value: this.bareItem(), params: this.parameters() };
  }

  /** §4.2.3.2 Parsing Parameters. */
  private parameters(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ';') {
      this.at++;
      this.skipSp();
      const key = this.key();
      if (params.has(key)) fail(`parameter "${key}" appears twice`);
      let value: BareItem = true;
      if (this.peek() === '=') {
        this.at++;
        value = this.bareItem();
      }
      params.set(key, value);
    }
    return params;
  }

  /** §4.2.3.3 Parsing a Key. */
  private key(): string {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(this.input.slice(this.at));
    if (!m) fail(`expected a key at ${this.at}`);
    this.at += m![0].length;
    return m![0];
  }

  /** §4.2.3.1 Parsing a Bare Item: integer, decimal, string, token, byte sequence or boolean. */
  private bareItem(): BareItem {
    const ch = this.peek();
    if (ch === '"') return this.string();
    if (ch === ':') return this.binary();
    if (ch === '?') return this.boolean();
    if (ch === '-' || (ch >= '0' && ch <= '9')) return this.number();
    if (/[A-Za-z*]/.test(ch)) return this.token();
    return fail(`unexpected "${ch || 'end'}" at ${this.at}`);
  }

  private string(): string {
    this.expect('"');
    let out = '';
    for (;;) {
      const ch = this.input[this.at++];
      if (ch === undefined) fail('unterminated string');
      if (ch === '"') return out;
      if (ch === '\\') {
        const next = this.input[this.at++];
        if (next !== '"' && next !== '\\') fail('invalid escape in string');
        out += next;
      } else {
        const c = ch!.charCodeAt(0);
        if (c < 0x20 || c > 0x7e) fail('string contains a character outside printable ASCII');
        out += ch;
      }
    }
  }

  private token(): Token {
    const m = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*/.exec(this.input.slice(this.at));
    this.at += m![0].length;
    return new Token(m![0]);
  }

  private binary(): Uint8Array {
    this.expect(':');
    const end = this.input.indexOf(':', this.at);
    if (end < 0) fail('unterminated byte sequence');
    const b64 = this.input.slice(this.at, end);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) fail('byte sequence is not base64');
    this.at = end + 1;
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }

  private boolean(): boolean {
    this.expect('?');
    const ch = this.input[this.at++];
    if (ch === '1') return true;
    if (ch === '0') return false;
    return fail('boolean must be ?0 or ?1');
  }

  private number(): number {
    const m = /^-?\d{1,15}(\.\d{1,3})?/.exec(this.input.slice(this.at));
    if (!m) fail(`invalid number at ${this.at}`);
    if (!m![1] && /^-?\d{16}/.test(this.input.slice(this.at))) fail('integer has more than 15 digits');
    this.at += m![0].length;
    return Number(m![0]);
  }
}

/** Parses a Dictionary field value (leading and trailing spaces allowed, as after field-line trimming). */
export function parseDictionary(value: string): Map<string, DictionaryMember> {
  const parser = new Parser(value.replace(/ +$/, ''));
  return parser.dictionary();
}

/** §4.1.6 Serializing a String. */
export function serializeString(value: string): string {
  if (!/^[\x20-\x7e]*$/.test(value)) fail('string contains a character outside printable ASCII');
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function serializeBareItem(value: BareItem): string {
  if (typeof value === 'string') return serializeString(value);
  if (typeof value === 'boolean') return value ? '?1' : '?0';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Math.abs(value) > 999_999_999_999_999)
      fail(`${value} is not an sf-integer`);
    return String(value);
  }
  if (value instanceof Token) return value.value;
  return `:${Buffer.from(value).toString('base64')}:`;
}

/** §4.1.1.2 Serializing Parameters. */
export function serializeParameters(params: Parameters): string {
  let out = '';
  for (const [key, value] of params)
    out += value === true ? `;${key}` : `;${key}=${serializeBareItem(value)}`;
  return out;
}

/** §4.1.1.1 Serializing an Inner List. */
export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map((i) => serializeBareItem(i.value) + serializeParameters(i.params)).join(' ')})${serializeParameters(list.params)}`;
}

/** Serializes a Byte Sequence item. */
export function serializeBinary(bytes: Uint8Array): string {
  return serializeBareItem(bytes);
}

export function isInnerList(member: DictionaryMember): member is InnerList {
  return 'items' in member;
}
