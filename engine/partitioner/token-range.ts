// Murmur3 token ranges as Cassandra's dht/Range: (startExclusive, endInclusive], wrapping around the ring when
// start >= end; start == end is the whole ring. Tokens are signed 64-bit; MIN_TOKEN is never a partition's token
// (Murmur3Partitioner maps it to MAX_TOKEN), so (MIN_TOKEN, MAX_TOKEN] holds every partition.

import { MAX_TOKEN, MIN_TOKEN } from './murmur3.ts';

export interface TokenRange {
  startExclusive: bigint;
  endInclusive: bigint;
}

export const RING_SIZE = 1n << 64n;
export const FULL_RING: TokenRange = { startExclusive: MIN_TOKEN, endInclusive: MIN_TOKEN };

export function isWrapping(range: TokenRange): boolean {
  return range.startExclusive >= range.endInclusive;
}

export function rangeContains(range: TokenRange, token: bigint): boolean {
  const { startExclusive: s, endInclusive: e } = range;
  if (s < e) return token > s && token <= e;
  return token > s || token <= e;
}

/** Number of token values in the range; the whole ring (start == end) has 2^64. */
export function rangeWidth(range: TokenRange): bigint {
  const w = BigInt.asUintN(64, range.endInclusive - range.startExclusive);
  return w === 0n ? RING_SIZE : w;
}

/**
 * The same tokens as non-wrapping ranges (start < end), in token order. A wrapping range becomes
 * (MIN_TOKEN, end] and (start, MAX_TOKEN]; pieces holding no token are dropped.
 */
export function unwrapRange(range: TokenRange): TokenRange[] {
  const { startExclusive: s, endInclusive: e } = range;
  if (s < e) return [range];
  const out: TokenRange[] = [];
  if (e > MIN_TOKEN) out.push({ startExclusive: MIN_TOKEN, endInclusive: e });
  if (s < MAX_TOKEN) out.push({ startExclusive: s, endInclusive: MAX_TOKEN });
  return out;
}

/**
 * Splits a range into `parts` contiguous sub-ranges of equal width (the first `width % parts` get one token more),
 * in ring order starting after `startExclusive`. Sub-ranges may wrap when the range does.
 */
export function splitRange(range: TokenRange, parts: number): TokenRange[] {
  if (!Number.isInteger(parts) || parts < 1) throw new RangeError(`parts must be a positive integer, got ${parts}`);
  const width = rangeWidth(range);
  const n = BigInt(parts);
  if (BigInt(parts) > width) throw new RangeError(`cannot split a range of ${width} tokens into ${parts} parts`);
  const base = width / n, extra = width % n;
  const out: TokenRange[] = [];
  let start = range.startExclusive;
  for (let i = 0n; i < n; i++) {
    const end = i === n - 1n ? range.endInclusive : BigInt.asIntN(64, start + base + (i < extra ? 1n : 0n));
    out.push({ startExclusive: start, endInclusive: end });
    start = end;
  }
  return out;
}

/** Whether every token of `inner` is in `outer`. */
export function rangeContainsRange(outer: TokenRange, inner: TokenRange): boolean {
  if (outer.startExclusive === outer.endInclusive) return true;
  if (inner.startExclusive === inner.endInclusive) return false;
  // inner is covered iff its first token is in outer and its width fits in what outer has left from there.
  const first = BigInt.asIntN(64, inner.startExclusive + 1n);
  if (!rangeContains(outer, first)) return false;
  const leftInOuter = BigInt.asUintN(64, outer.endInclusive - inner.startExclusive);
  return rangeWidth(inner) <= leftInOuter;
}

/** Tokens shared by two ranges, as non-wrapping ranges in token order. */
export function intersectRanges(a: TokenRange, b: TokenRange): TokenRange[] {
  const out: TokenRange[] = [];
  for (const x of unwrapFull(a)) {
    for (const y of unwrapFull(b)) {
      const s = x.startExclusive > y.startExclusive ? x.startExclusive : y.startExclusive;
      const e = x.endInclusive < y.endInclusive ? x.endInclusive : y.endInclusive;
      if (s < e) out.push({ startExclusive: s, endInclusive: e });
    }
  }
  return out.sort((p, q) => (p.startExclusive < q.startExclusive ? -1 : p.startExclusive > q.startExclusive ? 1 : 0));
}

function unwrapFull(r: TokenRange): TokenRange[] {
  return r.startExclusive === r.endInclusive ? [{ startExclusive: MIN_TOKEN, endInclusive: MAX_TOKEN }] : unwrapRange(r);
}
