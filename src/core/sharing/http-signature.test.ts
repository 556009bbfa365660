import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  contentDigest,
  contentDigestFault,
  type HttpMessage,
  readSignature,
  signatureBase,
  signMessage,
  verifySignature,
} from './http-signature.ts';
import { SharingError } from './sharing-error.ts';
import { ed25519Pair } from './test-fixtures.ts';

// RFC 9421 Appendix B.1.4 "Example Ed25519 Test Key" (as a JWK: d is the private seed, x the public key).
const B14 = {
  kty: 'OKP',
  crv: 'Ed25519',
  d: 'n4Ni-HpISpVObnQMW0wOhCKROaIKqKtW_2ZYb2p9KcU',
  x: 'JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs',
};
const b14Private = createPrivateKey({ key: B14, format: 'jwk' });
const b14Public = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: B14.x }, format: 'jwk' });

// RFC 9421 Appendix B.2 "test-request".
const testRequest: HttpMessage = {
  method: 'POST',
  url: 'http://example.com/foo?param=Value&Pet=dog',
  headers: {
    Host: 'example.com',
    Date: 'Tue, 20 Apr 2021 02:07:55 GMT',
    'Content-Type': 'application/json',
    'Content-Digest':
      'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
    'Content-Length': '18',
  },
};
const testBody = Buffer.from('{"hello": "world"}');

describe('RFC 9421 B.2.6: signing a request using ed25519', () => {
  const components = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
  const params = { created: 1618884473, keyid: 'test-key-ed25519' };

  it('builds the signature base of the RFC', () => {
    expect(signatureBase(testRequest, components, params)).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join('\n'),
    );
  });

  it('produces the signature of the RFC (Ed25519 is deterministic)', () => {
    const fields = signMessage(testRequest, { label: 'sig-b26', components, params, privateKey: b14Private });
    expect(fields).toEqual({
      'signature-input':
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature:
        'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
    });
  });

  it("verifies the RFC's signature with the public key alone", () => {
    const signed: HttpMessage = {
      ...testRequest,
      headers: {
        ...testRequest.headers,
        'Signature-Input':
          'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
        Signature:
          'sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:',
      },
    };
    const received = readSignature(signed, 'sig-b26');
    expect(received.params).toEqual(params);
    expect(verifySignature(signed, received, b14Public)).toBe(true);
    const tampered = { ...signed, headers: { ...signed.headers, Date: 'Tue, 20 Apr 2021 02:07:56 GMT' } };
    expect(verifySignature(tampered, received, b14Public)).toBe(false);
  });
});

describe('RFC 9530 Content-Digest', () => {
  it('gives the digest of the RFC example body', () => {
    expect(contentDigest(testBody)).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
  });
  it('says why a digest does not fit', () => {
    expect(contentDigestFault(contentDigest(testBody), testBody)).toBeUndefined();
    expect(contentDigestFault(contentDigest(testBody), Buffer.from('{"hello": "World"}'))).toBe(
      'Content-Digest does not match the body',
    );
    expect(contentDigestFault(testRequest.headers['Content-Digest'] as string, testBody)).toBe(
      'Content-Digest has no sha-256 byte sequence',
    );
    expect(contentDigestFault(undefined, testBody)).toBe('no Content-Digest field');
  });
});

describe('signing the federation request', () => {
  const { privateKey, publicKey } = ed25519Pair();
  const message: HttpMessage = {
    method: 'POST',
    url: 'https://B.example:443/v1/federation/inbox',
    headers: { 'content-type': 'application/json', 'content-digest': contentDigest(testBody) },
  };
  const components = ['@method', '@target-uri', '@authority', 'content-digest', 'content-type'];
  const params = { created: 1_796_000_000, keyid: 'a.example#1', alg: 'ed25519', nonce: 'n-1' };

  it('round-trips with @target-uri, @authority, content-digest, created, keyid, alg and nonce', () => {
    const fields = signMessage(message, { label: 'greenlane', components, params, privateKey });
    expect(fields['signature-input']).toBe(
      'greenlane=("@method" "@target-uri" "@authority" "content-digest" "content-type");created=1796000000;keyid="a.example#1";alg="ed25519";nonce="n-1"',
    );
    const signed = { ...message, headers: { ...message.headers, ...fields } };
    const received = readSignature(signed, 'greenlane');
    expect(received.components).toEqual(components);
    expect(signatureBase(signed, components, params)).toContain('"@authority": b.example\n');
    expect(verifySignature(signed, received, publicKey)).toBe(true);
    expect(
      verifySignature({ ...signed, url: 'https://c.example/v1/federation/inbox' }, received, publicKey),
    ).toBe(false);
  });

  it('refuses malformed or unexpected signature fields', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{}, 'no Signature-Input or no Signature'],
      [{ 'signature-input': 'x=("@method")', signature: 'greenlane=:AAAA:' }, 'no signature labelled'],
      [{ 'signature-input': 'greenlane="@method"', signature: 'greenlane=:AAAA:' }, 'not an inner list'],
      [
        { 'signature-input': 'greenlane=("@method");created="1"', signature: 'greenlane=:AAAA:' },
        'must be an integer',
      ],
      [
        { 'signature-input': 'greenlane=("@method");foo=1', signature: 'greenlane=:AAAA:' },
        'unknown signature parameter',
      ],
      [{ 'signature-input': 'greenlane=("@method";req)', signature: 'greenlane=:AAAA:' }, 'plain strings'],
      [{ 'signature-input': 'greenlane=("@method")', signature: 'greenlane=:not base64!:' }, 'not base64'],
      [
        { 'signature-input': 'greenlane=("@method"), greenlane=("@path")', signature: 'greenlane=:AAAA:' },
        'appears twice',
      ],
      [{ 'signature-input': 'greenlane=("@method"', signature: 'greenlane=:AAAA:' }, 'expected'],
    ];
    for (const [headers, message] of cases) {
      let caught: unknown;
      try {
        readSignature({ ...testRequest, headers }, 'greenlane');
      } catch (e) {
        caught = e;
      }
      expect(caught, message).toBeInstanceOf(SharingError);
      expect((caught as SharingError).message).toContain(message);
    }
  });

  it('refuses to sign over a missing field or a component named twice', () => {
    expect(() => signatureBase(message, ['date'], {})).toThrow('covered field "date" is not in the message');
    expect(() => signatureBase(message, ['@method', '@method'], {})).toThrow('covered twice');
  });
});
