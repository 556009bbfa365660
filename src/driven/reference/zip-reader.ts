import { crc32, inflateRawSync } from 'node:zlib';
import { GreenlaneError } from '../../core/error.ts';

/** Closed set of reasons a ZIP archive is refused. */
export type ZipErrorCode = 'NOT_A_ZIP' | 'UNSUPPORTED' | 'CORRUPT' | 'CRC_MISMATCH' | 'TOO_LARGE';

/** A ZIP archive that cannot be read safely; `code` says why. */
export class ZipError extends GreenlaneError<ZipErrorCode> {
  override name = 'ZipError';
}

/** One file of an archive, not yet decompressed. */
export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  /** Uncompressed size announced by the central directory. */
  size: number;
  /** Decompresses the entry and checks its CRC-32. */
  read(): Buffer;
}

// Record signatures and fixed sizes from PKWARE APPNOTE.TXT 6.3.x, sections 4.3.7 (local file
// header), 4.3.12 (central directory header) and 4.3.16 (end of central directory record).
const LOCAL_HEADER_SIG = 0x04034b50;
const CENTRAL_HEADER_SIG = 0x02014b50;
const END_OF_CENTRAL_DIR_SIG = 0x06054b50;
const END_OF_CENTRAL_DIR_SIZE = 22;
const MAX_COMMENT = 0xffff;
const ZIP64_MARKER = 0xffffffff;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8 = 0x0800;

/** Default ceiling on one decompressed entry: far above a UN/LOCODE release (about 12 MB). */
export const DEFAULT_MAX_ENTRY_BYTES = 512 * 1024 * 1024;

function findEndOfCentralDirectory(zip: Buffer): number {
  const lowest = Math.max(0, zip.length - END_OF_CENTRAL_DIR_SIZE - MAX_COMMENT);
  for (let at = zip.length - END_OF_CENTRAL_DIR_SIZE; at >= lowest; at--) {
    if (zip.readUInt32LE(at) === END_OF_CENTRAL_DIR_SIG) return at;
  }
  throw new ZipError(
    'NOT_A_ZIP',
    'no ZIP end-of-central-directory record found (not a ZIP file, or truncated)',
  );
}

function need(zip: Buffer, offset: number, length: number, what: string): void {
  if (offset < 0 || offset + length > zip.length) {
    throw new ZipError('CORRUPT', `${what} lies outside the archive (offset ${offset}, length ${length})`);
  }
}

/**
 * Lists the entries of a ZIP archive held in memory. Written against APPNOTE.TXT with only
 * `node:zlib`: stored and deflated entries, no encryption, no ZIP64 (a UN/LOCODE release is a
 * few megabytes). Every offset is bounds-checked because the archive comes from the network.
 */
export function readZip(zip: Buffer, options: { maxEntryBytes?: number } = {}): ZipEntry[] {
  const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
  if (zip.length < END_OF_CENTRAL_DIR_SIZE)
    throw new ZipError('NOT_A_ZIP', 'file too short to be a ZIP archive');
  const eocd = findEndOfCentralDirectory(zip);
  const count = zip.readUInt16LE(eocd + 10);
  const dirSize = zip.readUInt32LE(eocd + 12);
  const dirOffset = zip.readUInt32LE(eocd + 16);
  if (dirOffset === ZIP64_MARKER || count === 0xffff) {
    throw new ZipError('UNSUPPORTED', 'ZIP64 archives are not supported');
  }
  need(zip, dirOffset, dirSize, 'central directory');

  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; i++) {
    need(zip, at, 46, `central directory header ${i}`);
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER_SIG) {
      throw new ZipError('CORRUPT', `bad central directory header signature at offset ${at}`);
    }
    const flags = zip.readUInt16LE(at + 8);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localOffset = zip.readUInt32LE(at + 42);
    need(zip, at + 46, nameLength, `name of entry ${i}`);
    // APPNOTE 4.4.4 bit 11: UTF-8 names; otherwise IBM code page 437, read here as Latin-1.
    const name = zip.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;

    if (compressedSize === ZIP64_MARKER || size === ZIP64_MARKER || localOffset === ZIP64_MARKER) {
      throw new ZipError('UNSUPPORTED', `entry ${name} needs ZIP64, which is not supported`);
    }
    if (flags & FLAG_ENCRYPTED) throw new ZipError('UNSUPPORTED', `entry ${name} is encrypted`);
    if (method !== METHOD_STORED && method !== METHOD_DEFLATE) {
      throw new ZipError(
        'UNSUPPORTED',
        `entry ${name} uses compression method ${method} (only stored and deflate)`,
      );
    }
    if (size > maxEntryBytes) {
      throw new ZipError(
        'TOO_LARGE',
        `entry ${name} announces ${size} bytes, above the limit of ${maxEntryBytes}`,
      );
    }
    entries.push({
      name,
      size,
      read: () => {
        need(zip, localOffset, 30, `local header of ${name}`);
        if (zip.readUInt32LE(localOffset) !== LOCAL_HEADER_SIG) {
          throw new ZipError('CORRUPT', `bad local header signature for ${name}`);
        }
        // The local header repeats name and extra field with possibly different lengths (4.3.7).
        const dataStart =
          localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
        need(zip, dataStart, compressedSize, `data of ${name}`);
        const raw = zip.subarray(dataStart, dataStart + compressedSize);
        let data: Buffer;
        try {
          data =
            method === METHOD_STORED
              ? Buffer.from(raw)
              : inflateRawSync(raw, { maxOutputLength: maxEntryBytes });
        } catch (err) {
          throw new ZipError('CORRUPT', `entry ${name} does not inflate: ${(err as Error).message}`, {
            cause: err,
          });
        }
        if (data.length !== size) {
          throw new ZipError('CORRUPT', `entry ${name} inflates to ${data.length} bytes, expected ${size}`);
        }
        if (crc32(data) >>> 0 !== crc)
          throw new ZipError('CRC_MISMATCH', `entry ${name} fails its CRC-32 check`);
        return data;
      },
    });
  }
  return entries;
}
