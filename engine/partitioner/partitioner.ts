// The partitioners an sstable index can be ordered by, behind one small interface: how a key becomes a token, how
// tokens compare, and the token's byte-comparable form that BTI tries are keyed by (Token.asComparableBytes:
// Murmur3 = the 8 token bytes with the sign bit flipped, dht/Murmur3Partitioner.java; ByteOrdered = the key bytes
// with zeros escaped and a 0x00 end, utils/bytecomparable/ByteSource.java). Partitions order by token, then by key
// bytes unsigned (db/DecoratedKey.java).

import { UnsupportedFormatError } from '../errors.ts';
import { MIN_TOKEN, murmur3Token } from './murmur3.ts';

export type PartitionerName = 'Murmur3Partitioner' | 'ByteOrderedPartitioner';

/** A token range (start, end] of any partitioner; start == end is the whole ring, start > end wraps. */
export interface Range<T> {
  startExclusive: T;
  endInclusive: T;
}

export interface Partitioner<T> {
  readonly name: PartitionerName;
  /** The smallest token; never the token of a real partition, so (min, t] starts at the beginning of the ring. */
  readonly minToken: T;
  tokenOf(key: Uint8Array): T;
  compareTokens(a: T, b: T): number;
  /** Byte-comparable form of the token (without the 0x40 component marker that precedes it in a key). */
  comparableTokenBytes(token: T): Uint8Array;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

export const MURMUR3: Partitioner<bigint> = {
  name: 'Murmur3Partitioner',
  minToken: MIN_TOKEN,
  tokenOf: murmur3Token,
  compareTokens: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  comparableTokenBytes(token) {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt.asUintN(64, token) ^ (1n << 63n));
    return out;
  },
};

export const BYTE_ORDERED: Partitioner<Uint8Array> = {
  name: 'ByteOrderedPartitioner',
  minToken: new Uint8Array(0),
  tokenOf: (key) => key,
  compareTokens: compareBytes,
  comparableTokenBytes: escapedComparableBytes,
};

/**
 * ByteSource.of(bytes) for the OSS50 encoding: a run of k zero bytes becomes 0x00, (k-1) × 0xFE, 0xFF, and the
 * sequence ends with a single 0x00, so a shorter value sorts before its extensions.
 */
export function escapedComparableBytes(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] !== 0) { out.push(bytes[i]!); i++; continue; }
    out.push(0x00);
    i++;
    while (i < bytes.length && bytes[i] === 0) { out.push(0xfe); i++; }
    out.push(0xff);
  }
  out.push(0x00);
  return Uint8Array.from(out);
}

/** Accepts the class name with or without the org.apache.cassandra.dht. prefix. */
export function partitionerFor(className: string): Partitioner<bigint> | Partitioner<Uint8Array> {
  const short = className.replace(/^org\.apache\.cassandra\.dht\./, '');
  if (short === 'Murmur3Partitioner') return MURMUR3;
  if (short === 'ByteOrderedPartitioner') return BYTE_ORDERED;
  throw new UnsupportedFormatError(`partitioner ${className} is not supported`, { partitioner: className });
}

/** Whether `token` is in the range (start, end] (wrapping when start >= end; start == end is the whole ring). */
export function inRange<T>(p: Partitioner<T>, range: Range<T>, token: T): boolean {
  const afterStart = p.compareTokens(token, range.startExclusive) > 0;
  const atOrBeforeEnd = p.compareTokens(token, range.endInclusive) <= 0;
  return p.compareTokens(range.startExclusive, range.endInclusive) < 0 ? afterStart && atOrBeforeEnd : afterStart || atOrBeforeEnd;
}

/**
 * A range as non-wrapping segments in token order: (start, end] where `endInclusive` null means "to the end of the
 * ring". Follows Range.unwrap: (s, e] with s >= e becomes (s, end-of-ring) and (min, e]; an end equal to the
 * minimum token means the end of the ring.
 */
export interface Segment<T> {
  startExclusive: T;
  endInclusive: T | null;
}

export function toSegments<T>(p: Partitioner<T>, range: Range<T>): Segment<T>[] {
  const endIsMin = p.compareTokens(range.endInclusive, p.minToken) === 0;
  if (endIsMin) return [{ startExclusive: range.startExclusive, endInclusive: null }];
  if (p.compareTokens(range.startExclusive, range.endInclusive) < 0) return [range];
  const out: Segment<T>[] = [{ startExclusive: p.minToken, endInclusive: range.endInclusive }];
  out.push({ startExclusive: range.startExclusive, endInclusive: null });
  return out;
}
