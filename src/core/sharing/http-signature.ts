import { createHash, type KeyObject, sign, verify } from 'node:crypto';
import { SharingError } from './sharing-error.ts';
import {
  type InnerList,
  isInnerList,
  type Parameters,
  parseDictionary,
  serializeBinary,
  serializeInnerList,
  serializeString,
  Token,
} from './structured-fields.ts';

/**
 * HTTP Message Signatures (RFC 9421) with Ed25519 (§3.3.6), and the Content-Digest field
 * (RFC 9530) that binds the body to them. Pure: the caller passes the message and the keys.
 */

/** An HTTP request as the signature sees it. */
export interface HttpMessage {
  method: string;
  /** The absolute target URI, e.g. `https://b.example/v1/federation/inbox`. */
  url: string;
  /** Field lines; names in any case, a list for a field sent on several lines. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** The signature metadata parameters of RFC 9421 §2.3 this implementation signs and checks. */
export interface SignatureParams {
  /** UNIX time, seconds. */
  created?: number;
  expires?: number;
  nonce?: string;
  alg?: string;
  keyid?: string;
  tag?: string;
}

const PARAM_TYPES: Record<keyof SignatureParams, 'integer' | 'string'> = {
  created: 'integer',
  expires: 'integer',
  nonce: 'string',
  alg: 'string',
  keyid: 'string',
  tag: 'string',
};

/** RFC 9530 §2: `sha-256=:<base64 of SHA-256(content)>:`. */
export function contentDigest(body: Uint8Array): string {
  return `sha-256=${serializeBinary(createHash('sha256').update(body).digest())}`;
}

/**
 * Checks a Content-Digest field against the received body (RFC 9530 §2): it must carry a
 * sha-256 member and that member must match. Returns the reason it does not, or undefined.
 */
export function contentDigestFault(field: string | undefined, body: Uint8Array): string | undefined {
  if (field === undefined) return 'no Content-Digest field';
  const dict = parseDictionary(field);
  const member = dict.get('sha-256');
  if (!member || isInnerList(member) || !(member.value instanceof Uint8Array)) {
    return 'Content-Digest has no sha-256 byte sequence';
  }
  const actual = createHash('sha256').update(body).digest();
  return Buffer.from(member.value).equals(actual) ? undefined : 'Content-Digest does not match the body';
}

function fieldValue(message: HttpMessage, name: string): string | undefined {
  let lines: readonly string[] | undefined;
  for (const [key, value] of Object.entries(message.headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    lines = [...(lines ?? []), ...(typeof value === 'string' ? [value] : value)];
  }
  // RFC 9421 §2.1: each line trimmed, obs-fold replaced, lines joined with ", ".
  return lines?.map((l) => l.replace(/\r?\n[ \t]+/g, ' ').trim()).join(', ');
}

function targetUrl(message: HttpMessage): URL {
  try {
    return new URL(message.url);
  } catch (cause) {
    throw new SharingError('MALFORMED_SIGNATURE', `target URI "${message.url}" is not absolute`, { cause });
  }
}

/** RFC 9421 §2.1-2.2: the value of one covered component. */
export function componentValue(message: HttpMessage, component: string): string {
  const url = targetUrl(message);
  switch (component) {
    case '@method':
      return message.method;
    case '@target-uri':
      return message.url;
    case '@authority':
      // §2.2.3: host lower-cased, default port omitted (URL.host does both).
      return url.host;
    case '@scheme':
      return url.protocol.replace(/:$/, '');
    case '@path':
      return url.pathname || '/';
    case '@query':
      return url.search || '?';
    default: {
      if (component.startsWith('@') || component !== component.toLowerCase()) {
        throw new SharingError('MALFORMED_SIGNATURE', `component "${component}" is not supported`);
      }
      const value = fieldValue(message, component);
      if (value === undefined) {
        throw new SharingError('MALFORMED_SIGNATURE', `covered field "${component}" is not in the message`);
      }
      return value;
    }
  }
}

function paramsList(components: readonly string[], params: SignatureParams): InnerList {
  const listParams: Parameters = new Map();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    const type = PARAM_TYPES[name as keyof SignatureParams];
    if (!type) throw new SharingError('MALFORMED_SIGNATURE', `unknown signature parameter "${name}"`);
    listParams.set(name, value as string | number);
  }
  return { items: components.map((c) => ({ value: c, params: new Map() })), params: listParams };
}

/** The `@signature-params` value: the inner list of covered components with the parameters, in their order. */
export function signatureParamsValue(components: readonly string[], params: SignatureParams): string {
  return serializeInnerList(paramsList(components, params));
}

/**
 * RFC 9421 §2.5 Creating the Signature Base: one line `"<component>": <value>` per covered
 * component, then `"@signature-params": <params>`, joined by LF with no final newline.
 */
export function signatureBase(
  message: HttpMessage,
  components: readonly string[],
  params: SignatureParams,
): string {
  if (new Set(components).size !== components.length) {
    throw new SharingError('MALFORMED_SIGNATURE', 'a component is covered twice');
  }
  const lines = components.map((c) => {
    const value = componentValue(message, c);
    if (/[\r\n]/.test(value))
      throw new SharingError('MALFORMED_SIGNATURE', `component "${c}" has a line break`);
    return `${serializeString(c)}: ${value}`;
  });
  lines.push(`"@signature-params": ${signatureParamsValue(components, params)}`);
  return lines.join('\n');
}

/** The two fields a signer adds (RFC 9421 §4.1, §4.2). */
export interface SignatureFields {
  'signature-input': string;
  signature: string;
}

/**
 * Signs a request with Ed25519 (RFC 9421 §3.3.6: the signature over the signature base's
 * bytes, 64 bytes), under `label`.
 *
 * @example
 * const fields = signMessage(message, { label: 'greenlane', components: ['@method', '@target-uri', 'content-digest'],
 *   params: { created, keyid, alg: 'ed25519', nonce }, privateKey });
 */
export function signMessage(
  message: HttpMessage,
  options: { label: string; components: readonly string[]; params: SignatureParams; privateKey: KeyObject },
): SignatureFields {
  if (!/^[a-z*][a-z0-9_\-.*]*$/.test(options.label)) {
    throw new SharingError('MALFORMED_SIGNATURE', `label "${options.label}" is not a structured-field key`);
  }
  const base = signatureBase(message, options.components, options.params);
  const signature = sign(null, Buffer.from(base, 'utf8'), options.privateKey);
  return {
    'signature-input': `${options.label}=${signatureParamsValue(options.components, options.params)}`,
    signature: `${options.label}=${serializeBinary(signature)}`,
  };
}

/** One signature read from a message's Signature-Input and Signature fields. */
export interface ReceivedSignature {
  label: string;
  components: string[];
  params: SignatureParams;
  signature: Buffer;
}

/**
 * Reads the signature labelled `label` from the message (RFC 9421 §3.2 steps 1-3): the
 * Signature-Input inner list of plain component names and known parameters with their types,
 * and the Signature byte sequence. Throws `MALFORMED_SIGNATURE` on anything else.
 */
export function readSignature(message: HttpMessage, label: string): ReceivedSignature {
  const input = fieldValue(message, 'signature-input');
  const sig = fieldValue(message, 'signature');
  if (input === undefined || sig === undefined) {
    throw new SharingError('MALFORMED_SIGNATURE', 'the message has no Signature-Input or no Signature field');
  }
  const inputMember = parseDictionary(input).get(label);
  const sigMember = parseDictionary(sig).get(label);
  if (!inputMember || !sigMember)
    throw new SharingError('MALFORMED_SIGNATURE', `no signature labelled "${label}"`);
  if (!isInnerList(inputMember))
    throw new SharingError('MALFORMED_SIGNATURE', 'Signature-Input member is not an inner list');
  if (isInnerList(sigMember) || !(sigMember.value instanceof Uint8Array)) {
    throw new SharingError('MALFORMED_SIGNATURE', 'Signature member is not a byte sequence');
  }
  const components = inputMember.items.map((item) => {
    if (typeof item.value !== 'string' || item.params.size > 0) {
      throw new SharingError(
        'MALFORMED_SIGNATURE',
        'covered components must be plain strings without parameters',
      );
    }
    return item.value;
  });
  const params: SignatureParams = {};
  for (const [name, value] of inputMember.params) {
    const type = PARAM_TYPES[name as keyof SignatureParams];
    if (!type) throw new SharingError('MALFORMED_SIGNATURE', `unknown signature parameter "${name}"`);
    const ok =
      type === 'integer'
        ? typeof value === 'number' && Number.isSafeInteger(value)
        : typeof value === 'string';
    if (!ok || value instanceof Token) {
      throw new SharingError(
        'MALFORMED_SIGNATURE',
        `signature parameter "${name}" must be an ${type === 'integer' ? 'integer' : 'string'}`,
      );
    }
    (params as Record<string, unknown>)[name] = value;
  }
  return { label, components, params, signature: Buffer.from(sigMember.value) };
}

/** RFC 9421 §3.2 step 8 with Ed25519: does the signature verify over the rebuilt signature base? */
export function verifySignature(
  message: HttpMessage,
  received: ReceivedSignature,
  publicKey: KeyObject,
): boolean {
  if (received.signature.length !== 64) return false;
  const base = signatureBase(message, received.components, received.params);
  return verify(null, Buffer.from(base, 'utf8'), publicKey, received.signature);
}
