import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CELL_EXPIRING, CELL_TOMBSTONE, EXPIRED_LIVENESS_TTL, NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL,
  compareBytes, deletionDeletes, deletionSupersedes, isCellLive, isLivenessLive, isShadowedBy,
  livenessSupersedes, resolveCounter, resolveRegular,
} from '../../../engine/compaction/reconcile.ts';

const LIVE = 0;
type C = { ts: number; flags: number; ldt: number; value: number[] };
const live = (ts: number, ...value: number[]): C => ({ ts, flags: LIVE, ldt: NO_DELETION_TIME, value });
const expiring = (ts: number, ldt: number, ...value: number[]): C => ({ ts, flags: CELL_EXPIRING, ldt, value });
const tombstone = (ts: number, ldt: number): C => ({ ts, flags: CELL_TOMBSTONE, ldt, value: [] });

function winner(a: C, b: C): C {
  const ab = Uint8Array.from(a.value), bb = Uint8Array.from(b.value);
  return resolveRegular(a.ts, a.flags, a.ldt, ab, 0, ab.length, b.ts, b.flags, b.ldt, bb, 0, bb.length) === 0 ? a : b;
}

function assertWins(expected: C, other: C): void {
  assert.equal(winner(expected, other), expected, 'as left');
  assert.equal(winner(other, expected), expected, 'as right');
}

test('resolveRegular: the higher timestamp wins whatever the kinds', () => {
  assertWins(live(11, 1), tombstone(10, 100));
  assertWins(live(11, 1), expiring(10, 100, 9));
  assertWins(tombstone(11, 1), live(10, 9));
  assertWins(expiring(11, 1, 0), live(10, 9));
});

test('resolveRegular: on equal timestamps a tombstone or expiring cell beats a live one (CASSANDRA-14592)', () => {
  assertWins(tombstone(10, 5), live(10, 0xff));
  assertWins(expiring(10, 5, 0), live(10, 0xff));
});

test('resolveRegular: on equal timestamps a tombstone beats an expiring cell even with a lower deletion time', () => {
  assertWins(tombstone(10, 5), expiring(10, 500, 1));
});

test('resolveRegular: two expiring cells or two tombstones go by local deletion time, then by value', () => {
  assertWins(expiring(10, 600, 1), expiring(10, 500, 9));
  assertWins(tombstone(10, 600), tombstone(10, 500));
  assertWins(expiring(10, 500, 9), expiring(10, 500, 1));
});

test('resolveRegular: two live cells with equal timestamps keep the greater value, bytes compared unsigned', () => {
  assertWins(live(10, 0x80), live(10, 0x7f));
  assertWins(live(10, 1, 0), live(10, 1));
  const a = live(10, 3);
  const b = live(10, 3);
  assert.equal(winner(a, b), a, 'equal cells: the left one');
});

test('resolveRegular is commutative over seeded random cells', () => {
  let seed = 42;
  const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const gen = (): C => {
    const k = rnd(3), ts = rnd(3), ldt = 100 + rnd(3);
    const value = Array.from({ length: rnd(3) }, () => rnd(4) * 80);
    return k === 0 ? live(ts, ...value) : k === 1 ? expiring(ts, ldt, ...value) : tombstone(ts, ldt);
  };
  for (let i = 0; i < 2000; i++) {
    const a = gen(), b = gen();
    const w1 = winner(a, b), w2 = winner(b, a);
    assert.deepEqual(w1, w2, `reconcile(${JSON.stringify(a)}, ${JSON.stringify(b)})`);
  }
});

test('compareBytes: unsigned, then shorter first', () => {
  const x = Uint8Array.from([1, 0xff, 3, 1, 0xff]);
  assert.ok(compareBytes(x, 1, 1, x, 0, 1) > 0);
  assert.ok(compareBytes(x, 3, 1, x, 3, 2) < 0);
  assert.equal(compareBytes(x, 0, 2, x, 3, 2), 0);
});

test('isCellLive: expiring cells die at their local deletion time, tombstones are never live', () => {
  assert.equal(isCellLive(LIVE, NO_DELETION_TIME, 1e9), true);
  assert.equal(isCellLive(CELL_EXPIRING, 1000, 999), true);
  assert.equal(isCellLive(CELL_EXPIRING, 1000, 1000), false);
  assert.equal(isCellLive(CELL_TOMBSTONE, 5000, 1000), false);
});

test('DeletionTime.supersedes: markedForDeleteAt first, then localDeletionTime', () => {
  assert.equal(deletionSupersedes(10, 1, 9, 99), true);
  assert.equal(deletionSupersedes(9, 99, 10, 1), false);
  assert.equal(deletionSupersedes(10, 2, 10, 1), true);
  assert.equal(deletionSupersedes(10, 1, 10, 1), false);
  assert.equal(deletionSupersedes(0, 0, NO_TIMESTAMP, 2147483647), true, 'any deletion supersedes LIVE');
});

test('DeletionTime.deletes: timestamps at or below markedForDeleteAt are shadowed', () => {
  assert.equal(deletionDeletes(10, 10), true);
  assert.equal(deletionDeletes(10, 11), false);
  assert.equal(deletionDeletes(NO_TIMESTAMP, -1e15), false, 'LIVE deletes nothing');
});

test('LivenessInfo.supersedes', () => {
  const NONE = NO_DELETION_TIME;
  assert.equal(livenessSupersedes(11, NO_TTL, NONE, 10, 100, 500), true, 'timestamp first');
  assert.equal(livenessSupersedes(10, 100, 500, 10, NO_TTL, NONE), true, 'equal timestamps: ttl beats no ttl');
  assert.equal(livenessSupersedes(10, NO_TTL, NONE, 10, 100, 500), false);
  assert.equal(livenessSupersedes(10, 100, 600, 10, 100, 500), true, 'both expiring: later expiration');
  assert.equal(livenessSupersedes(10, EXPIRED_LIVENESS_TTL, 1, 10, 100, 500), true, 'expired liveness wins ties');
  assert.equal(livenessSupersedes(10, 100, 500, 10, EXPIRED_LIVENESS_TTL, 1), false);
  assert.equal(livenessSupersedes(10, NO_TTL, NONE, 10, NO_TTL, NONE), false, 'equal: neither supersedes');
  assert.equal(livenessSupersedes(10, NO_TTL, NONE, NO_TIMESTAMP, NO_TTL, NONE), true, 'anything beats EMPTY');
});

test('LivenessInfo.isLive', () => {
  assert.equal(isLivenessLive(NO_TIMESTAMP, NO_TTL, NO_DELETION_TIME, 0), false, 'EMPTY');
  assert.equal(isLivenessLive(5, NO_TTL, NO_DELETION_TIME, 1e9), true);
  assert.equal(isLivenessLive(5, 60, 1000, 999), true);
  assert.equal(isLivenessLive(5, 60, 1000, 1000), false);
  assert.equal(isLivenessLive(5, EXPIRED_LIVENESS_TTL, 5000, 0), false);
});

test('Row.Deletion.isShadowedBy: only shadowable deletions, only by a strictly newer liveness', () => {
  assert.equal(isShadowedBy(true, 10, 11), true);
  assert.equal(isShadowedBy(true, 10, 10), false);
  assert.equal(isShadowedBy(false, 10, 11), false);
});

test('resolveCounter: tombstones win whatever the timestamp; empty values lose; otherwise merge', () => {
  assert.equal(resolveCounter(1, CELL_TOMBSTONE, 0, 100, LIVE, 34), 0);
  assert.equal(resolveCounter(100, LIVE, 34, 1, CELL_TOMBSTONE, 0), 1);
  assert.equal(resolveCounter(1, LIVE, 0, 100, LIVE, 34), 1);
  assert.equal(resolveCounter(1, LIVE, 0, 100, LIVE, 0), 1, 'both empty: higher timestamp');
  assert.equal(resolveCounter(1, LIVE, 34, 100, LIVE, 34), -1);
});
