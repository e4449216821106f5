// Clustering prefixes (db/ClusteringPrefix.java Serializer, Clustering.java, ClusteringBoundOrBoundary.java):
// values in blocks of up to 32, each block preceded by a uvint header with two bits per value (bit 2k+1 null,
// bit 2k empty, k the index within the block), then the present values (bare when the type has a fixed length,
// else uvint length + bytes).

import type { ByteReader } from './byte-reader.ts';
import type { CassandraType } from './type-parser.ts';

/** ClusteringPrefix.Kind ordinals (the on-disk byte). */
export const EXCL_END_BOUND = 0;
export const INCL_START_BOUND = 1;
export const EXCL_END_INCL_START_BOUNDARY = 2;
export const STATIC_CLUSTERING = 3;
export const CLUSTERING = 4;
export const INCL_END_EXCL_START_BOUNDARY = 5;
export const INCL_END_BOUND = 6;
export const EXCL_START_BOUND = 7;
export const SSTABLE_LOWER_BOUND = 8;
export const SSTABLE_UPPER_BOUND = 9;

export const KIND_NAMES = [
  'EXCL_END_BOUND', 'INCL_START_BOUND', 'EXCL_END_INCL_START_BOUNDARY', 'STATIC_CLUSTERING', 'CLUSTERING',
  'INCL_END_EXCL_START_BOUNDARY', 'INCL_END_BOUND', 'EXCL_START_BOUND', 'SSTABLE_LOWER_BOUND', 'SSTABLE_UPPER_BOUND',
] as const;

export function isBoundaryKind(kind: number): boolean {
  return kind === EXCL_END_INCL_START_BOUNDARY || kind === INCL_END_EXCL_START_BOUNDARY;
}

/** Reads one value of `type`: returns its length (its bytes are r.bytes[r.pos - length, r.pos)). */
export function readValueLength(r: ByteReader, type: CassandraType, what: string): number {
  const fixed = type.fixedLength;
  if (fixed >= 0) {
    r.need(fixed, what);
    r.pos += fixed;
    return fixed;
  }
  const length = r.readLength(`${what} length`);
  if (length > r.remaining) r.failEnd(`${what} length ${length} exceeds the ${r.remaining} bytes left`);
  r.pos += length;
  return length;
}

export function skipValue(r: ByteReader, type: CassandraType, what: string): void {
  readValueLength(r, type, what);
}

/**
 * Reads `count` clustering values into starts/lengths (indexes into r.bytes; length -1 = null).
 * The arrays must hold at least `count` entries.
 */
export function readClusteringValues(r: ByteReader, types: readonly CassandraType[], count: number,
                                     starts: Int32Array, lengths: Int32Array): void {
  if (count > types.length) r.fail(`clustering of ${count} values for ${types.length} clustering columns`);
  let hi = 0, lo = 0;
  for (let i = 0; i < count; i++) {
    const k = i & 31;
    if (k === 0) {
      r.readUnsignedVIntParts();
      hi = r.hi; lo = r.lo;
    }
    const bits = k < 16 ? (lo >>> (2 * k)) & 3 : (hi >>> (2 * (k - 16))) & 3;
    if (bits & 2) { starts[i] = 0; lengths[i] = -1; continue; }
    if (bits & 1) { starts[i] = r.pos; lengths[i] = 0; continue; }
    const length = readValueLength(r, types[i]!, 'clustering value');
    starts[i] = r.pos - length;
    lengths[i] = length;
  }
}

/** Reads a clustering prefix as copies (null for null values); for metadata, not the hot path. */
export function readClusteringList(r: ByteReader, types: readonly CassandraType[], count: number): (Uint8Array | null)[] {
  const starts = new Int32Array(count), lengths = new Int32Array(count);
  readClusteringValues(r, types, count, starts, lengths);
  const out: (Uint8Array | null)[] = [];
  for (let i = 0; i < count; i++) out.push(lengths[i]! < 0 ? null : r.bytes.slice(starts[i]!, starts[i]! + lengths[i]!));
  return out;
}

/** A bound or boundary as serialized with a kind byte: kind, u16 count, values. */
export interface ClusteringBound {
  kind: number;
  values: (Uint8Array | null)[];
}

export function readClusteringBound(r: ByteReader, types: readonly CassandraType[]): ClusteringBound {
  const kind = r.readUint8();
  if (kind > SSTABLE_UPPER_BOUND) r.fail(`clustering kind ${kind} (0..9 expected)`, r.pos - 1);
  const count = kind === CLUSTERING ? types.length : r.readUint16();
  return { kind, values: readClusteringList(r, types, count) };
}
