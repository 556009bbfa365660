import { describe, expect, it } from 'vitest';
import { writeZip } from '../../../test/support/reference-sources.ts';
import { readZip, ZipError } from './zip-reader.ts';

const text = 'UN/LOCODE,'.repeat(500);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ZipError ? err.code : `not a ZipError: ${String(err)}`;
  }
  return undefined;
}

describe('readZip', () => {
  it('reads stored and deflated entries with their names and sizes', () => {
    const zip = writeZip([
      { name: 'a/deflated.csv', data: Buffer.from(text) },
      { name: 'stored-Zürich.txt', data: Buffer.from('plain'), store: true },
    ]);
    const entries = readZip(zip);
    expect(entries.map((e) => [e.name, e.size])).toEqual([
      ['a/deflated.csv', text.length],
      ['stored-Zürich.txt', 5],
    ]);
    expect(entries[0]!.read().toString()).toBe(text);
    expect(entries[1]!.read().toString()).toBe('plain');
  });

  it('finds the directory behind an archive comment', () => {
    const zip = writeZip([{ name: 'x.txt', data: Buffer.from('x') }]);
    const comment = Buffer.from('released by UNECE');
    zip.writeUInt16LE(comment.length, zip.length - 2);
    expect(
      readZip(Buffer.concat([zip, comment]))[0]!
        .read()
        .toString(),
    ).toBe('x');
  });

  it('refuses what is not a ZIP archive', () => {
    expect(codeOf(() => readZip(Buffer.from('<html>404 not found</html>')))).toBe('NOT_A_ZIP');
    expect(codeOf(() => readZip(Buffer.alloc(3)))).toBe('NOT_A_ZIP');
  });

  it('detects a corrupted entry by its CRC-32', () => {
    const zip = writeZip([{ name: 'x.txt', data: Buffer.from('abcdef'), store: true }]);
    zip[30 + 'x.txt'.length] = 'z'.charCodeAt(0);
    const [entry] = readZip(zip);
    expect(codeOf(() => entry!.read())).toBe('CRC_MISMATCH');
  });

  it('refuses a truncated archive and out-of-bounds offsets', () => {
    const zip = writeZip([{ name: 'x.txt', data: Buffer.from(text) }]);
    expect(codeOf(() => readZip(zip.subarray(0, zip.length - 10)))).toBe('NOT_A_ZIP');
    const moved = Buffer.from(zip);
    moved.writeUInt32LE(zip.length + 100, zip.length - 6);
    expect(codeOf(() => readZip(moved))).toBe('CORRUPT');
  });

  it('refuses entries above the size limit and unsupported methods', () => {
    const zip = writeZip([{ name: 'big.csv', data: Buffer.from(text) }]);
    expect(codeOf(() => readZip(zip, { maxEntryBytes: 100 }))).toBe('TOO_LARGE');
    const bzip = Buffer.from(zip);
    const central = bzip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bzip.writeUInt16LE(12, central + 10);
    expect(codeOf(() => readZip(bzip))).toBe('UNSUPPORTED');
  });
});
