// Data.db as one uncompressed byte stream (io/util/CompressedChunkReader.java): the chunks that cover a requested
// range are fetched with one ranged read, each chunk's CRC32 (over the compressed bytes as stored, checked with
// crc_check_chance) is verified, and the chunk is decompressed into one reused buffer of the chunk length.
// Uncompressed Data.db (no CompressionInfo.db) is checked against CRC.db as it is read, when the sstable has one
// (io/util/ChecksummedRebufferer.java with DataIntegrityMetadata.ChecksumValidator): reads are widened to whole CRC
// chunks so a ranged read (index seek) is checked like a full scan; without CRC.db it is passed through.

import { crc32, inflateSync } from 'node:zlib';
import { uncompressSync as snappyUncompress } from 'snappy';
import { Decompressor as ZstdDecompressor } from 'zstd-napi';
import { CorruptInputError, UnsupportedFormatError } from '../errors.ts';
import type { ByteSource } from '../storage/object-store.ts';
import type { CompressionInfo } from './compression-info.ts';
import type { ChunkCrcs } from './digest.ts';
import { decompressLz4Block } from './lz4-block.ts';

export type { ByteSource } from '../storage/object-store.ts';

/** The uncompressed Data.db stream, as every reader of rows consumes it. */
export interface DataFile {
  readonly name: string;
  readonly uncompressedLength: number;
  /** Uncompressed bytes [start, end); the result may be a view valid until the next call. */
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface DataFileOptions {
  /** Probability of verifying a chunk's CRC32 (CompressionParams crc_check_chance); 1 by default. */
  crcCheckChance?: number;
  /** CRC.db of an uncompressed Data.db (parseCrcDb), named `file`: every chunk read is verified against it. */
  chunkCrcs?: ChunkCrcs & { file: string };
}

type ChunkDecompressor = (src: Uint8Array, out: Uint8Array, expected: number) => number;

function lz4(src: Uint8Array, out: Uint8Array, expected: number): number {
  if (src.length < 4) return -1;
  const declared = (src[0]! | (src[1]! << 8) | (src[2]! << 16) | (src[3]! << 24)) >>> 0;
  if (declared !== expected) return -1;
  return decompressLz4Block(src, 4, src.length, out, out.length);
}

function copyInto(result: Uint8Array, out: Uint8Array): number {
  if (result.length > out.length) return -1;
  out.set(result);
  return result.length;
}

function createDecompressor(compressorClass: string): ChunkDecompressor {
  const simple = compressorClass.slice(compressorClass.lastIndexOf('.') + 1);
  switch (simple) {
    case 'LZ4Compressor': return lz4;
    case 'SnappyCompressor': return (src, out) => copyInto(snappyUncompress(src) as Buffer, out);
    case 'DeflateCompressor': return (src, out) => copyInto(inflateSync(src), out);
    case 'ZstdCompressor': {
      const zstd = new ZstdDecompressor();
      return (src, out) => copyInto(zstd.decompress(src), out);
    }
    case 'NoopCompressor': return (src, out) => copyInto(src, out);
    default: throw new UnsupportedFormatError(`compressor ${compressorClass} is not supported`, { compressor: compressorClass });
  }
}

class CompressedDataFile implements DataFile {
  readonly uncompressedLength: number;
  private readonly scratch: Uint8Array;
  private scratchChunk = -1;
  private readonly decompress: ChunkDecompressor;
  private readonly crcCheckChance: number;

  constructor(readonly name: string, private readonly source: ByteSource, private readonly info: CompressionInfo,
              private readonly fileSize: number, options: DataFileOptions) {
    this.uncompressedLength = info.uncompressedLength;
    this.scratch = new Uint8Array(info.chunkLength);
    this.decompress = createDecompressor(info.compressorClass);
    this.crcCheckChance = options.crcCheckChance ?? Number(info.options['crc_check_chance'] ?? 1);
    const last = info.chunkOffsets.length - 1;
    if (last >= 0 && info.chunkOffsets[last]! + 4 > fileSize) {
      throw new CorruptInputError(name, info.chunkOffsets[last]!, `chunk ${last} starts beyond the Data.db size ${fileSize}`);
    }
  }

  private chunkEnd(i: number): number {
    return i + 1 < this.info.chunkOffsets.length ? this.info.chunkOffsets[i + 1]! : this.fileSize;
  }

  /** Decompresses chunk i (stored bytes `stored`, at file offset `offset`) into the scratch buffer. */
  private inflate(i: number, stored: Uint8Array, offset: number): void {
    const { chunkLength, uncompressedLength, maxCompressedLength } = this.info;
    const compressedLength = stored.length - 4;
    if (compressedLength < 0) throw new CorruptInputError(this.name, offset, `chunk ${i} shorter than its CRC`);
    const body = stored.subarray(0, compressedLength);
    if (this.crcCheckChance >= 1 || Math.random() < this.crcCheckChance) {
      const storedCrc = ((stored[compressedLength]! << 24) | (stored[compressedLength + 1]! << 16) |
        (stored[compressedLength + 2]! << 8) | stored[compressedLength + 3]!) >>> 0;
      const actual = crc32(body) >>> 0;
      if (storedCrc !== actual) {
        throw new CorruptInputError(this.name, offset + compressedLength, `chunk ${i} CRC32 mismatch: stored ${storedCrc}, computed ${actual}`);
      }
    }
    const expected = Math.min(chunkLength, uncompressedLength - i * chunkLength);
    let written: number;
    if (compressedLength >= maxCompressedLength) written = copyInto(body, this.scratch);
    else {
      try {
        written = this.decompress(body, this.scratch, expected);
      } catch (cause) {
        throw new CorruptInputError(this.name, offset, `chunk ${i} does not decompress with ${this.info.compressorClass}`, cause);
      }
    }
    if (written !== expected) {
      throw new CorruptInputError(this.name, offset, `chunk ${i} decompresses to ${written} bytes, ${expected} expected`);
    }
    this.scratchChunk = i;
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    if (start < 0 || end > this.uncompressedLength || start > end) {
      throw new CorruptInputError(this.name, start, `read [${start}, ${end}) outside the uncompressed length ${this.uncompressedLength}`);
    }
    const out = new Uint8Array(end - start);
    if (start === end) return out;
    const { chunkLength, chunkOffsets } = this.info;
    const first = Math.floor(start / chunkLength), last = Math.floor((end - 1) / chunkLength);
    let fetchFrom = first;
    if (this.scratchChunk === first) {
      const base = first * chunkLength;
      const upTo = Math.min(end, base + chunkLength);
      out.set(this.scratch.subarray(start - base, upTo - base), 0);
      fetchFrom = first + 1;
    }
    if (fetchFrom > last) return out;
    const fileStart = chunkOffsets[fetchFrom]!, fileEnd = this.chunkEnd(last);
    const stored = await this.source.read(fileStart, fileEnd);
    for (let i = fetchFrom; i <= last; i++) {
      const from = chunkOffsets[i]! - fileStart, to = this.chunkEnd(i) - fileStart;
      if (to < from + 4) throw new CorruptInputError(this.name, chunkOffsets[i]!, `chunk ${i} is ${to - from} bytes`);
      this.inflate(i, stored.subarray(from, to), chunkOffsets[i]!);
      const base = i * chunkLength;
      const lo = Math.max(start, base), hi = Math.min(end, base + chunkLength);
      out.set(this.scratch.subarray(lo - base, hi - base), lo - start);
    }
    return out;
  }
}

class UncompressedDataFile implements DataFile {
  constructor(readonly name: string, private readonly source: ByteSource, readonly uncompressedLength: number) {}

  read(start: number, end: number): Promise<Uint8Array> {
    if (start < 0 || end > this.uncompressedLength || start > end) {
      throw new CorruptInputError(this.name, start, `read [${start}, ${end}) outside the file length ${this.uncompressedLength}`);
    }
    return this.source.read(start, end);
  }
}

/** Uncompressed Data.db with CRC.db: chunk-aligned reads, each chunk's CRC32 checked; the last chunk is kept. */
class ChecksummedDataFile implements DataFile {
  private lastChunk = -1;
  private lastBytes = new Uint8Array(0);

  constructor(readonly name: string, private readonly source: ByteSource, readonly uncompressedLength: number,
              private readonly crcs: ChunkCrcs & { file: string }) {
    const chunks = Math.ceil(uncompressedLength / crcs.chunkLength);
    if (chunks !== crcs.crcs.length) {
      throw new CorruptInputError(crcs.file, 4, `${crcs.crcs.length} chunk CRCs for ${uncompressedLength} bytes of ${name}, ${chunks} expected`);
    }
  }

  private verify(i: number, bytes: Uint8Array, offset: number): void {
    const actual = crc32(bytes) >>> 0, stored = this.crcs.crcs[i]!;
    if (actual !== stored) throw new CorruptInputError(this.name, offset, `chunk ${i} CRC32 ${actual} does not match ${stored} in ${this.crcs.file}`);
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    if (start < 0 || end > this.uncompressedLength || start > end) {
      throw new CorruptInputError(this.name, start, `read [${start}, ${end}) outside the file length ${this.uncompressedLength}`);
    }
    if (start === end) return new Uint8Array(0);
    const size = this.crcs.chunkLength;
    const first = Math.floor(start / size), last = Math.floor((end - 1) / size);
    const out = new Uint8Array(end - start);
    let fetchFrom = first;
    if (this.lastChunk === first) {
      const base = first * size;
      out.set(this.lastBytes.subarray(start - base, Math.min(end, base + size) - base));
      fetchFrom = first + 1;
    }
    if (fetchFrom > last) return out;
    const fileStart = fetchFrom * size, fileEnd = Math.min(this.uncompressedLength, (last + 1) * size);
    const stored = await this.source.read(fileStart, fileEnd);
    for (let i = fetchFrom; i <= last; i++) {
      const base = i * size, chunk = stored.subarray(base - fileStart, Math.min(fileEnd, base + size) - fileStart);
      this.verify(i, chunk, base);
      const lo = Math.max(start, base), hi = Math.min(end, base + chunk.length);
      out.set(chunk.subarray(lo - base, hi - base), lo - start);
    }
    this.lastChunk = last;
    this.lastBytes = stored.slice((last - fetchFrom) * size);
    return out;
  }
}

/** Opens Data.db over any byte source (local file, S3 object); `compression` null for uncompressed sstables. */
export async function openDataFile(source: ByteSource, compression: CompressionInfo | null,
                                   options: DataFileOptions = {}): Promise<DataFile> {
  const size = await source.size();
  if (compression === null) {
    return options.chunkCrcs ? new ChecksummedDataFile(source.name, source, size, options.chunkCrcs) : new UncompressedDataFile(source.name, source, size);
  }
  return new CompressedDataFile(source.name, source, compression, size, options);
}
