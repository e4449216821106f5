import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TOKEN, MIN_TOKEN } from '../../../engine/partitioner/murmur3.ts';
import {
  FULL_RING, RING_SIZE, intersectRanges, isWrapping, rangeContains, rangeContainsRange, rangeWidth, splitRange, unwrapRange,
} from '../../../engine/partitioner/token-range.ts';
import { BYTE_ORDERED, MURMUR3, escapedComparableBytes, inRange, toSegments } from '../../../engine/partitioner/partitioner.ts';

const r = (s: bigint, e: bigint) => ({ startExclusive: s, endInclusive: e });

test('containment: start exclusive, end inclusive, wrap-around, whole ring', () => {
  assert.equal(rangeContains(r(10n, 20n), 10n), false);
  assert.equal(rangeContains(r(10n, 20n), 20n), true);
  assert.equal(rangeContains(r(20n, 10n), 25n), true);
  assert.equal(rangeContains(r(20n, 10n), MIN_TOKEN + 1n), true);
  assert.equal(rangeContains(r(20n, 10n), 15n), false);
  assert.equal(rangeContains(FULL_RING, 0n), true);
  assert.equal(isWrapping(r(20n, 10n)), true);
  assert.equal(isWrapping(r(10n, 20n)), false);
});

test('width and unwrap', () => {
  assert.equal(rangeWidth(r(10n, 20n)), 10n);
  assert.equal(rangeWidth(r(MAX_TOKEN - 1n, MIN_TOKEN + 1n)), 3n);
  assert.equal(rangeWidth(r(5n, 5n)), RING_SIZE);
  assert.deepEqual(unwrapRange(r(20n, 10n)), [r(MIN_TOKEN, 10n), r(20n, MAX_TOKEN)]);
  assert.deepEqual(unwrapRange(FULL_RING), [r(MIN_TOKEN, MAX_TOKEN)]);
  assert.deepEqual(unwrapRange(r(MAX_TOKEN, MIN_TOKEN)), []);
});

test('split into N equal contiguous sub-ranges covering the range exactly', () => {
  const parts = splitRange(r(0n, 10n), 3);
  assert.deepEqual(parts, [r(0n, 4n), r(4n, 7n), r(7n, 10n)]);
  const ring = splitRange(FULL_RING, 4);
  assert.deepEqual(ring.map(rangeWidth), [1n << 62n, 1n << 62n, 1n << 62n, 1n << 62n]);
  assert.equal(ring[0]!.startExclusive, MIN_TOKEN);
  assert.equal(ring[3]!.endInclusive, MIN_TOKEN);
  for (let i = 1; i < 4; i++) assert.equal(ring[i]!.startExclusive, ring[i - 1]!.endInclusive);
  // a wrapping range splits across the wrap point
  const wrap = splitRange(r(MAX_TOKEN - 2n, MIN_TOKEN + 2n), 2);
  // 5 token values (MAX-1, MAX, MIN, MIN+1, MIN+2): the first part gets 3
  assert.deepEqual(wrap, [r(MAX_TOKEN - 2n, MIN_TOKEN), r(MIN_TOKEN, MIN_TOKEN + 2n)]);
  assert.throws(() => splitRange(r(0n, 2n), 3), RangeError);
});

test('range containment and intersection', () => {
  assert.equal(rangeContainsRange(r(0n, 100n), r(10n, 20n)), true);
  assert.equal(rangeContainsRange(r(0n, 100n), r(90n, 110n)), false);
  assert.equal(rangeContainsRange(r(90n, 10n), r(95n, 5n)), true);
  assert.equal(rangeContainsRange(FULL_RING, r(95n, 5n)), true);
  assert.equal(rangeContainsRange(r(0n, 100n), FULL_RING), false);
  assert.deepEqual(intersectRanges(r(90n, 10n), r(0n, 100n)), [r(0n, 10n), r(90n, 100n)]);
  assert.deepEqual(intersectRanges(r(0n, 5n), r(5n, 9n)), []);
});

test('generic partitioners: byte-ordered ranges and segments', () => {
  const b = (s: string) => new TextEncoder().encode(s);
  assert.equal(inRange(BYTE_ORDERED, { startExclusive: b('1'), endInclusive: b('3') }, b('3')), true);
  assert.equal(inRange(BYTE_ORDERED, { startExclusive: b('1'), endInclusive: b('3') }, b('1')), false);
  assert.equal(inRange(BYTE_ORDERED, { startExclusive: b('3'), endInclusive: b('1') }, b('0')), true);
  assert.deepEqual(toSegments(BYTE_ORDERED, { startExclusive: b('3'), endInclusive: b('1') }),
    [{ startExclusive: new Uint8Array(0), endInclusive: b('1') }, { startExclusive: b('3'), endInclusive: null }]);
  assert.deepEqual(toSegments(MURMUR3, r(5n, MIN_TOKEN)), [{ startExclusive: 5n, endInclusive: null }]);
  // escaping: zeros become 00 FE.. FF, then a 00 terminator
  assert.deepEqual([...escapedComparableBytes(Uint8Array.from([1, 0, 0, 2]))], [1, 0, 0xfe, 0xff, 2, 0]);
  assert.deepEqual([...MURMUR3.comparableTokenBytes(-1n)], [0x7f, 255, 255, 255, 255, 255, 255, 255]);
});
