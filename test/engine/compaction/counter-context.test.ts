import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterContextTotal, mergeCounterContexts, mergedContextMaxLength } from '../../../engine/compaction/counter-context.ts';

type Kind = 'global' | 'local' | 'remote';
type Shard = { id: number; clock: bigint; count: bigint; kind: Kind };

/** Builds a context the way CounterContext.ContextState.allocate + write* do (shards sorted by id). */
function context(...shards: Shard[]): Uint8Array {
  const headed = shards.filter((s) => s.kind !== 'remote').length;
  const bytes = new Uint8Array(2 + headed * 2 + shards.length * 32);
  const view = new DataView(bytes.buffer);
  view.setInt16(0, headed);
  let h = 2;
  let body = 2 + headed * 2;
  shards.forEach((s, i) => {
    if (s.kind !== 'remote') { view.setInt16(h, s.kind === 'global' ? i - 32768 : i); h += 2; }
    view.setUint32(body + 12, s.id);       // counter id: 16 bytes, the last 4 carry `id`
    view.setBigInt64(body + 16, s.clock);
    view.setBigInt64(body + 24, s.count);
    body += 32;
  });
  return bytes;
}

function parse(bytes: Uint8Array): Shard[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Math.abs(view.getInt16(0));
  const header = new Map<number, Kind>();
  for (let i = 0; i < n; i++) {
    const e = view.getInt16(2 + 2 * i);
    header.set(e < 0 ? e + 32768 : e, e < 0 ? 'global' : 'local');
  }
  const out: Shard[] = [];
  for (let off = 2 + 2 * n, i = 0; off < bytes.length; off += 32, i++) {
    out.push({ id: view.getUint32(off + 12), clock: view.getBigInt64(off + 16), count: view.getBigInt64(off + 24), kind: header.get(i) ?? 'remote' });
  }
  return out;
}

function merge(a: Uint8Array, b: Uint8Array): Shard[] {
  const out = new Uint8Array(mergedContextMaxLength(a.length, b.length) + 8);
  const n = mergeCounterContexts(a, 0, a.length, b, 0, b.length, out, 4);
  return parse(out.subarray(4, 4 + n));
}

const g = (id: number, clock: number, count: number): Shard => ({ id, clock: BigInt(clock), count: BigInt(count), kind: 'global' });
const l = (id: number, clock: number, count: number): Shard => ({ id, clock: BigInt(clock), count: BigInt(count), kind: 'local' });
const r = (id: number, clock: number, count: number): Shard => ({ id, clock: BigInt(clock), count: BigInt(count), kind: 'remote' });

test('global + global: the higher clock wins; equal clocks keep the higher count', () => {
  assert.deepEqual(merge(context(g(1, 5, 50)), context(g(1, 7, 3))), [g(1, 7, 3)]);
  assert.deepEqual(merge(context(g(1, 7, 3)), context(g(1, 5, 50))), [g(1, 7, 3)]);
  assert.deepEqual(merge(context(g(1, 7, 3)), context(g(1, 7, 9))), [g(1, 7, 9)]);
});

test('global beats local and remote shards of the same id', () => {
  assert.deepEqual(merge(context(l(1, 99, 99)), context(g(1, 1, 1))), [g(1, 1, 1)]);
  assert.deepEqual(merge(context(g(1, 1, 1)), context(r(1, 99, 99))), [g(1, 1, 1)]);
});

test('local + local sums clocks and counts; local beats remote', () => {
  assert.deepEqual(merge(context(l(1, 2, 10)), context(l(1, 3, 5))), [l(1, 5, 15)]);
  assert.deepEqual(merge(context(r(1, 100, 100)), context(l(1, 1, 1))), [l(1, 1, 1)]);
});

test('remote + remote: highest clock; a negative clock (deleted shard) wins', () => {
  assert.deepEqual(merge(context(r(1, 3, 1)), context(r(1, 4, 2))), [r(1, 4, 2)]);
  assert.deepEqual(merge(context(r(1, -4, 0)), context(r(1, 9, 2))), [r(1, -4, 0)]);
  assert.deepEqual(merge(context(r(1, 9, 2)), context(r(1, -4, 0))), [r(1, -4, 0)]);
});

test('shards of different counter ids are unioned in id order, header rebuilt for the new positions', () => {
  const a = context(g(1, 1, 10), r(4, 1, 40), g(6, 2, 60));
  const b = context(l(2, 1, 20), g(6, 3, 61), g(9, 1, 90));
  assert.deepEqual(merge(a, b), [g(1, 1, 10), l(2, 1, 20), r(4, 1, 40), g(6, 3, 61), g(9, 1, 90)]);
  assert.deepEqual(merge(b, a), merge(a, b));
});

test('merge of three replicas of one counter (one shard per node) sums to the right total', () => {
  const n1 = context(g(1, 3, 3), g(2, 1, 1));
  const n2 = context(g(1, 2, 2), g(2, 4, 7), g(3, 1, -2));
  const n3 = context(g(3, 2, 5));
  const out = new Uint8Array(512);
  const n12 = mergeCounterContexts(n1, 0, n1.length, n2, 0, n2.length, out, 0);
  const out2 = new Uint8Array(512);
  const all = mergeCounterContexts(out, 0, n12, n3, 0, n3.length, out2, 0);
  assert.equal(counterContextTotal(out2, 0, all), 3n + 7n + 5n);
});

test('total: sum of the shard counts (the corpus counters hold one global shard with count 1)', () => {
  assert.equal(counterContextTotal(context(g(7, 1, 1)), 0, 36), 1n);
  assert.equal(counterContextTotal(context(g(1, 1, -5), r(2, 1, 2), l(3, 1, 2 ** 40)), 0, 2 + 4 + 96), 2n ** 40n - 3n);
});

test('a context whose body is not a whole number of shards is rejected', () => {
  const bad = context(g(1, 1, 1)).subarray(0, 30);
  assert.throws(() => counterContextTotal(bad, 0, bad.length), /invalid size 30 for a counter context/);
});
