// CompressionInfo.db (io/compress/CompressionMetadata.java): compressor class name and options, chunk length,
// [na+] maxCompressedLength, uncompressed data length, and the Data.db offset of every chunk. Chunk i covers
// uncompressed bytes [i·chunkLength, (i+1)·chunkLength); on disk it is the compressed bytes then a CRC32.

import { ByteReader } from './byte-reader.ts';
import type { VersionFlags } from './descriptor.ts';

export interface CompressionInfo {
  /** Simple class name as written ("LZ4Compressor"; custom compressors may be fully qualified). */
  compressorClass: string;
  options: Record<string, string>;
  chunkLength: number;
  /** A chunk whose stored length is ≥ this was written uncompressed (na+; Integer.MAX_VALUE otherwise). */
  maxCompressedLength: number;
  uncompressedLength: number;
  /** Data.db offset of each chunk. */
  chunkOffsets: Float64Array;
}

export function parseCompressionInfo(bytes: Uint8Array, file: string, flags: VersionFlags): CompressionInfo {
  const r = new ByteReader(bytes, file);
  const compressorClass = r.readUTF();
  const optionCount = r.readInt32();
  if (optionCount < 0 || optionCount * 4 > r.remaining) r.fail(`${optionCount} compression options`, r.pos - 4);
  const options: Record<string, string> = {};
  for (let i = 0; i < optionCount; i++) {
    const key = r.readUTF();
    options[key] = r.readUTF();
  }
  const chunkLength = r.readInt32();
  if (chunkLength <= 0 || (chunkLength & (chunkLength - 1)) !== 0 || chunkLength > 1 << 30) {
    r.fail(`chunk length ${chunkLength} (a power of two expected)`, r.pos - 4);
  }
  const maxCompressedLength = flags.hasMaxCompressedLength ? r.readInt32() : 0x7fffffff;
  const uncompressedLength = r.readInt64();
  if (uncompressedLength < 0) r.fail(`uncompressed length ${uncompressedLength}`, r.pos - 8);
  const chunkCount = r.readInt32();
  const expected = Math.ceil(uncompressedLength / chunkLength);
  // Writers may close with one extra, empty chunk (the cf_with_duplicates_3_0 fixture): fewer is corrupt, more is not.
  if (chunkCount < expected) r.fail(`chunk count ${chunkCount} (${expected} expected for ${uncompressedLength} bytes)`, r.pos - 4);
  if (chunkCount * 8 > r.remaining) r.fail(`${chunkCount} chunk offsets in ${r.remaining} bytes`);
  const chunkOffsets = new Float64Array(chunkCount);
  for (let i = 0; i < chunkCount; i++) {
    chunkOffsets[i] = r.readInt64();
    if (chunkOffsets[i]! < 0 || (i > 0 && chunkOffsets[i]! < chunkOffsets[i - 1]! + 4)) r.fail(`chunk ${i} offset ${chunkOffsets[i]} out of order`, r.pos - 8);
  }
  return { compressorClass, options, chunkLength, maxCompressedLength, uncompressedLength, chunkOffsets };
}
