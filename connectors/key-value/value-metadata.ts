// value_metadata of a Key-Value item: whether it is expired (an item delete, netflix-models.md §1.5), whether its
// value lives in the chunk table (§1.6) and under which chunk-set version, the total length, the client codec and an
// optional CRC-32. Netflix's encoding is private, so decoding is pluggable: a decoder fills a caller-owned
// ValueMetadata record (reused for every item, no per-item objects). Two decoders ship:
//
// * `cassberg-v1` (default), big-endian like Cassandra's own encodings:
//     byte 0   format 0xC1
//     byte 1   flags: 0x01 expired, 0x02 chunked, 0x04 crc32 present
//     byte 2   codec of the stored bytes: 0 none, 1 gzip, 2 lz4, 3 snappy, 4 zstd (moved as stored, never decoded)
//     chunked: u32 chunk count (≥ 1), u64 total length (< 2^53), u16 version length, version bytes
//     crc32:   u32 CRC-32 (IEEE, as zlib) of the whole value, inline or assembled
//   An empty or null value_metadata means "inline, not expired".
// * `json`: UTF-8 JSON {"expired"?: bool, "chunks"?: n, "length"?: n, "version"?: hex, "codec"?: name, "crc32"?: n}.

import { CassbergError } from '../../engine/errors.ts';

export const CASSBERG_V1_FORMAT = 0xc1;
export const FLAG_EXPIRED = 0x01;
export const FLAG_CHUNKED = 0x02;
export const FLAG_CRC32 = 0x04;
export const CODECS = ['none', 'gzip', 'lz4', 'snappy', 'zstd'] as const;
export type Codec = (typeof CODECS)[number];

/** One item's decoded metadata; `version` is a view into the value_metadata bytes (or a decoder-owned buffer). */
export interface ValueMetadata {
  expired: boolean;
  chunked: boolean;
  chunkCount: number;
  totalLength: number;
  codec: number;
  hasCrc32: boolean;
  crc32: number;
  version: Uint8Array;
}

const EMPTY = new Uint8Array(0);

export function createValueMetadata(): ValueMetadata {
  return { expired: false, chunked: false, chunkCount: 0, totalLength: 0, codec: 0, hasCrc32: false, crc32: 0, version: EMPTY };
}

function reset(out: ValueMetadata): void {
  out.expired = false; out.chunked = false; out.chunkCount = 0; out.totalLength = 0;
  out.codec = 0; out.hasCrc32 = false; out.crc32 = 0; out.version = EMPTY;
}

export interface ValueMetadataDecoder {
  readonly name: string;
  /** Fills `out` from bytes[start, start + length); length -1 = null value_metadata. Malformed input: DataInvalid. */
  decode(bytes: Uint8Array, start: number, length: number, out: ValueMetadata): void;
}

function malformed(what: string): never {
  throw new CassbergError('DataInvalid', `value_metadata: ${what}`);
}

function u32(b: Uint8Array, p: number): number {
  return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
}

export const cassbergV1Decoder: ValueMetadataDecoder = {
  name: 'cassberg-v1',
  decode(bytes, start, length, out) {
    reset(out);
    if (length <= 0) return;
    const end = start + length;
    if (length < 3) malformed(`${length} bytes, need at least 3`);
    if (bytes[start] !== CASSBERG_V1_FORMAT) malformed(`unknown format byte 0x${bytes[start]!.toString(16)} (expected 0xc1)`);
    const flags = bytes[start + 1]!;
    out.expired = (flags & FLAG_EXPIRED) !== 0;
    out.chunked = (flags & FLAG_CHUNKED) !== 0;
    out.hasCrc32 = (flags & FLAG_CRC32) !== 0;
    out.codec = bytes[start + 2]!;
    let pos = start + 3;
    if (out.chunked) {
      if (pos + 14 > end) malformed('chunk descriptor truncated');
      out.chunkCount = u32(bytes, pos);
      const hi = u32(bytes, pos + 4);
      if (hi >= 0x200000) malformed('total length exceeds 2^53');
      out.totalLength = hi * 4294967296 + u32(bytes, pos + 8);
      const versionLength = (bytes[pos + 12]! << 8) | bytes[pos + 13]!;
      pos += 14;
      if (pos + versionLength > end) malformed(`version of ${versionLength} bytes exceeds the ${length}-byte record`);
      out.version = bytes.subarray(pos, pos + versionLength);
      pos += versionLength;
      if (out.chunkCount < 1) malformed('chunked item with 0 chunks');
    }
    if (out.hasCrc32) {
      if (pos + 4 > end) malformed('crc32 truncated');
      out.crc32 = u32(bytes, pos);
      pos += 4;
    }
    if (pos !== end) malformed(`${end - pos} trailing bytes`);
  },
};

const utf8 = new TextDecoder();

export const jsonDecoder: ValueMetadataDecoder = {
  name: 'json',
  decode(bytes, start, length, out) {
    reset(out);
    if (length <= 0) return;
    let doc: Record<string, unknown>;
    try {
      doc = JSON.parse(utf8.decode(bytes.subarray(start, start + length))) as Record<string, unknown>;
    } catch (err) {
      throw new CassbergError('DataInvalid', `value_metadata: not JSON (${(err as Error).message})`, {}, { cause: err });
    }
    out.expired = doc.expired === true;
    if (doc.chunks !== undefined) {
      out.chunked = true;
      out.chunkCount = Number(doc.chunks);
      out.totalLength = Number(doc.length);
      out.version = Uint8Array.from(Buffer.from(String(doc.version ?? ''), 'hex'));
      if (!(out.chunkCount >= 1) || !Number.isSafeInteger(out.totalLength)) malformed('chunked item needs chunks ≥ 1 and length');
    }
    const codec = CODECS.indexOf((doc.codec ?? 'none') as Codec);
    if (codec < 0) malformed(`unknown codec ${String(doc.codec)}`);
    out.codec = codec;
    if (doc.crc32 !== undefined) { out.hasCrc32 = true; out.crc32 = Number(doc.crc32) >>> 0; }
  },
};

export const VALUE_METADATA_DECODERS: Readonly<Record<string, ValueMetadataDecoder>> = {
  [cassbergV1Decoder.name]: cassbergV1Decoder,
  [jsonDecoder.name]: jsonDecoder,
};

/** The cassberg-v1 record for an item (writers, tools and tests). */
export function encodeValueMetadata(m: { expired?: boolean; chunks?: number; length?: number; version?: Uint8Array; codec?: Codec; crc32?: number }): Uint8Array {
  const chunked = m.chunks !== undefined;
  const version = m.version ?? EMPTY;
  const out = new Uint8Array(3 + (chunked ? 14 + version.length : 0) + (m.crc32 !== undefined ? 4 : 0));
  const view = new DataView(out.buffer);
  out[0] = CASSBERG_V1_FORMAT;
  out[1] = (m.expired ? FLAG_EXPIRED : 0) | (chunked ? FLAG_CHUNKED : 0) | (m.crc32 !== undefined ? FLAG_CRC32 : 0);
  out[2] = CODECS.indexOf(m.codec ?? 'none');
  let pos = 3;
  if (chunked) {
    view.setUint32(pos, m.chunks!);
    view.setBigUint64(pos + 4, BigInt(m.length ?? 0));
    view.setUint16(pos + 12, version.length);
    out.set(version, pos + 14);
    pos += 14 + version.length;
  }
  if (m.crc32 !== undefined) view.setUint32(pos, m.crc32 >>> 0);
  return out;
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, as zlib's crc32), continuing from `crc` so chunks can be fed one by one. */
export function crc32(bytes: Uint8Array, start = 0, length = bytes.length - start, crc = 0): number {
  let c = ~crc;
  for (let i = start; i < start + length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
