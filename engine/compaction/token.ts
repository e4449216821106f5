// Partition order: tokens of the Murmur3 and ByteOrdered partitioners, after apache/cassandra
// utils/MurmurHash.java (hash3_x64_128, whose tail bytes are sign-extended, unlike the reference MurmurHash3) and
// dht/Murmur3Partitioner.java (token = h1, Long.MIN_VALUE mapped to Long.MAX_VALUE). Partitions sort by token,
// then by key bytes unsigned (DecoratedKey.compareTo). Runs once per partition, so BigInt is fine here.

import { UnsupportedFormatError } from '../errors.ts';
import { compareBytes } from './reconcile.ts';

const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

function rotl64(v: bigint, n: bigint): bigint {
  return ((v << n) | (v >> (64n - n))) & MASK;
}

function fmix(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK;
  k ^= k >> 33n;
  return k;
}

function littleEndianBlock(key: Uint8Array, offset: number): bigint {
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(key[offset + i]!);
  return v;
}

/** A byte as Java's `(long) byte`: sign-extended to 64 bits. */
function signExtended(b: number): bigint {
  return BigInt.asUintN(64, BigInt((b << 24) >> 24));
}

/** Murmur3Partitioner token of a partition key (the raw key bytes, CompositeType-encoded when composite). */
export function murmur3Token(key: Uint8Array): bigint {
  const length = key.length;
  const nblocks = length >> 4;
  let h1 = 0n, h2 = 0n;
  for (let i = 0; i < nblocks; i++) {
    let k1 = littleEndianBlock(key, i * 16), k2 = littleEndianBlock(key, i * 16 + 8);
    k1 = (k1 * C1) & MASK; k1 = rotl64(k1, 31n); k1 = (k1 * C2) & MASK; h1 ^= k1;
    h1 = rotl64(h1, 27n); h1 = (h1 + h2) & MASK; h1 = (h1 * 5n + 0x52dce729n) & MASK;
    k2 = (k2 * C2) & MASK; k2 = rotl64(k2, 33n); k2 = (k2 * C1) & MASK; h2 ^= k2;
    h2 = rotl64(h2, 31n); h2 = (h2 + h1) & MASK; h2 = (h2 * 5n + 0x38495ab5n) & MASK;
  }
  const tail = nblocks * 16;
  const rest = length & 15;
  let k1 = 0n, k2 = 0n;
  for (let i = rest - 1; i >= 8; i--) k2 ^= (signExtended(key[tail + i]!) << BigInt((i - 8) * 8)) & MASK;
  if (rest > 8) { k2 = (k2 * C2) & MASK; k2 = rotl64(k2, 33n); k2 = (k2 * C1) & MASK; h2 ^= k2; }
  for (let i = Math.min(rest, 8) - 1; i >= 0; i--) k1 ^= (signExtended(key[tail + i]!) << BigInt(i * 8)) & MASK;
  if (rest > 0) { k1 = (k1 * C1) & MASK; k1 = rotl64(k1, 31n); k1 = (k1 * C2) & MASK; h1 ^= k1; }
  h1 ^= BigInt(length); h2 ^= BigInt(length);
  h1 = (h1 + h2) & MASK; h2 = (h2 + h1) & MASK;
  h1 = fmix(h1); h2 = fmix(h2);
  h1 = (h1 + h2) & MASK;
  const token = BigInt.asIntN(64, h1);
  return token === LONG_MIN ? LONG_MAX : token;
}

export type PartitionerName = 'Murmur3Partitioner' | 'ByteOrderedPartitioner';

/** Accepts the class name with or without the org.apache.cassandra.dht. prefix. */
export function toPartitionerName(name: string): PartitionerName {
  const short = name.replace(/^org\.apache\.cassandra\.dht\./, '');
  if (short === 'Murmur3Partitioner' || short === 'ByteOrderedPartitioner') return short;
  throw new UnsupportedFormatError(`partitioner ${name} is not supported`, { partitioner: name });
}

/**
 * Orders partitions as DecoratedKey.compareTo does: Murmur3 by signed token then key bytes; ByteOrdered by key bytes
 * (the token is the key). `aToken`/`bToken` are only read for Murmur3.
 */
export function comparePartitions(partitioner: PartitionerName, aToken: bigint, aKey: Uint8Array, bToken: bigint, bKey: Uint8Array): number {
  if (partitioner === 'Murmur3Partitioner' && aToken !== bToken) return aToken < bToken ? -1 : 1;
  return compareBytes(aKey, 0, aKey.length, bKey, 0, bKey.length);
}

/** A token range as Cassandra's Range: start exclusive, end inclusive; wraps around when start >= end. */
export interface TokenRange {
  startExclusive: bigint;
  endInclusive: bigint;
}

export function tokenInRange(range: TokenRange, token: bigint): boolean {
  const { startExclusive: s, endInclusive: e } = range;
  if (s < e) return token > s && token <= e;
  return token > s || token <= e; // wrapping range (s >= e); s == e is the full ring
}
