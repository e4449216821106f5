// Whole-file and per-chunk checksums of Data.db (io/util/ChecksumWriter.java, DataIntegrityMetadata.java):
// Digest.crc32 holds the decimal CRC32 of the complete Data.db as stored (compressed bytes and chunk CRCs included);
// CRC.db, written only for uncompressed tables, holds int32 chunk size then one int32 CRC32 per chunk.
// Compressed Data.db carries a big-endian CRC32 after each chunk; verifyCompressedChunkCrcs checks those when the
// caller has the chunk offsets from CompressionInfo.db.

import { crc32 } from 'node:zlib';
import { CorruptInputError } from '../errors.ts';
import type { ByteSource } from '../storage/object-store.ts';
import { ByteReader } from './byte-reader.ts';

const DIGEST_PATTERN = /^\d{1,10}$/;
const STREAM_BLOCK_BYTES = 1 << 20;
const MAX_CHUNK_BYTES = 1 << 30;

/** The CRC32 stored in a Digest.crc32 file (decimal text, optional trailing newline). */
export function parseDigestCrc32(text: Uint8Array, file: string): number {
  const s = new TextDecoder().decode(text).trim();
  if (!DIGEST_PATTERN.test(s) || Number(s) > 0xffffffff) {
    throw new CorruptInputError(file, 0, `decimal CRC32 expected, found ${JSON.stringify(s.slice(0, 20))}`);
  }
  return Number(s);
}

/** CRC32 of a source's bytes, read in 1 MiB blocks. */
export async function crc32OfSource(source: ByteSource): Promise<number> {
  const size = await source.size();
  let crc = 0;
  for (let at = 0; at < size; at += STREAM_BLOCK_BYTES) {
    crc = crc32(await source.read(at, Math.min(size, at + STREAM_BLOCK_BYTES)), crc);
  }
  return crc;
}

/** Checks Data.db against its Digest.crc32; the error names the Data.db file (the mismatch has no single offset). */
export async function verifyDigest(data: ByteSource, digest: ByteSource): Promise<void> {
  const expected = parseDigestCrc32(await digest.read(0, await digest.size()), digest.name);
  const actual = await crc32OfSource(data);
  if (actual !== expected) {
    throw new CorruptInputError(data.name, 0, `CRC32 ${actual} of the whole file does not match ${expected} in ${digest.name}`);
  }
}

/** CRC.db content: the chunk length and one CRC32 per chunk of the uncompressed Data.db. */
export interface ChunkCrcs {
  chunkLength: number;
  crcs: Uint32Array;
}

export function parseCrcDb(bytes: Uint8Array, file: string): ChunkCrcs {
  const reader = new ByteReader(bytes, file);
  const chunkLength = reader.readInt32();
  if (chunkLength <= 0 || chunkLength > MAX_CHUNK_BYTES) reader.fail(`chunk length ${chunkLength} out of range`, 0);
  if (reader.remaining % 4 !== 0) reader.fail(`${reader.remaining} bytes left, not a whole number of int32 CRCs`);
  const crcs = new Uint32Array(reader.remaining / 4);
  for (let i = 0; i < crcs.length; i++) crcs[i] = reader.readUint32();
  return { chunkLength, crcs };
}

/** Checks an uncompressed Data.db chunk by chunk against CRC.db; the error names the first bad chunk's offset. */
export async function verifyCrcDb(data: ByteSource, crcDb: ByteSource): Promise<void> {
  const { chunkLength, crcs } = parseCrcDb(await crcDb.read(0, await crcDb.size()), crcDb.name);
  const size = await data.size();
  const chunks = Math.ceil(size / chunkLength);
  if (chunks !== crcs.length) {
    throw new CorruptInputError(crcDb.name, 4, `${chunks} chunk CRCs expected for ${size} bytes of ${data.name}, found ${crcs.length}`);
  }
  for (let i = 0; i < chunks; i++) {
    const start = i * chunkLength;
    const actual = crc32(await data.read(start, Math.min(size, start + chunkLength)));
    if (actual !== crcs[i]) {
      throw new CorruptInputError(data.name, start, `chunk ${i} CRC32 ${actual} does not match ${crcs[i]} in ${crcDb.name}`);
    }
  }
}

/**
 * Checks the CRC32 stored after each compressed chunk: chunk i spans [offsets[i], next offset or file end) and ends
 * with a big-endian uint32 CRC of the bytes before it. The error names the chunk's offset in Data.db.
 */
export function verifyCompressedChunkCrcs(data: Uint8Array, chunkOffsets: ArrayLike<number>, file: string): void {
  const reader = new ByteReader(data, file);
  for (let i = 0; i < chunkOffsets.length; i++) {
    const start = chunkOffsets[i]!;
    const end = i + 1 < chunkOffsets.length ? chunkOffsets[i + 1]! : data.length;
    if (start < 0 || end - start < 4 || end > data.length) reader.fail(`chunk ${i} bounds [${start}, ${end}) invalid`, Math.min(Math.max(start, 0), data.length));
    reader.pos = end - 4;
    const stored = reader.readUint32();
    const actual = crc32(data.subarray(start, end - 4));
    if (actual !== stored) reader.fail(`chunk ${i} CRC32 ${actual} does not match stored ${stored}`, start);
  }
}
