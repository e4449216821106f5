import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MIN_TOKEN, rangeContains, rangeWidth, RING_SIZE, TokenRing } from '../../../engine/backup/ring.ts';
import { InvalidConfigError } from '../../../engine/errors.ts';

const ring = new TokenRing([
  { name: 'a', tokens: [100n, -100n] },
  { name: 'b', tokens: [0n] },
]);

test('ranges run (previous token, token], the first one wrapping around', () => {
  assert.deepEqual(
    ring.ranges().map((r) => [r.startExclusive, r.endInclusive, ring.tokens[r.index]!.node.name]),
    [
      [100n, -100n, 'a'],
      [-100n, 0n, 'b'],
      [0n, 100n, 'a'],
    ],
  );
});

test('a token belongs to the range ending at the first ring token >= it', () => {
  assert.equal(ring.rangeOf(-100n).endInclusive, -100n);
  assert.equal(ring.rangeOf(-99n).endInclusive, 0n);
  assert.equal(ring.rangeOf(100n).endInclusive, 100n);
  assert.equal(ring.rangeOf(101n).endInclusive, -100n);
  assert.equal(ring.rangeOf(MIN_TOKEN).endInclusive, -100n);
  assert.ok(rangeContains(ring.rangeOf(101n), 101n) && rangeContains(ring.rangeOf(101n), MIN_TOKEN));
  assert.ok(!rangeContains(ring.rangeOf(101n), 100n));
});

test('range widths add up to the whole ring', () => {
  assert.equal(ring.ranges().reduce((a, r) => a + rangeWidth(r), 0n), RING_SIZE);
  assert.equal(rangeWidth({ startExclusive: 100n, endInclusive: -100n }), RING_SIZE - 200n);
  assert.equal(rangeWidth({ startExclusive: 5n, endInclusive: 5n }), RING_SIZE);
});

test('a token owned twice or an empty ring is a config error', () => {
  assert.throws(() => new TokenRing([{ name: 'a', tokens: [1n] }, { name: 'b', tokens: [1n] }]), (e: unknown) => e instanceof InvalidConfigError && e.message === 'token 1 is owned by both a and b');
  assert.throws(() => new TokenRing([{ name: 'a', tokens: [] }]), /token ring is empty/);
});
