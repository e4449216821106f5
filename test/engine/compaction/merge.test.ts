import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionMerger, compareClusterings } from '../../../engine/compaction/merge.ts';
import type { MergeOptions } from '../../../engine/compaction/merge.ts';
import {
  EXCL_END_BOUND, EXCL_END_INCL_START_BOUNDARY, EXCL_START_BOUND, INCL_END_BOUND, INCL_START_BOUND, CLUSTERING, RowBuffer,
} from '../../../engine/compaction/row-buffer.ts';
import { createTableLayout } from '../../../engine/compaction/table-layout.ts';
import type { TableLayout } from '../../../engine/compaction/table-layout.ts';
import { murmur3Token } from '../../../engine/compaction/token.ts';
import { ArraySource, CollectSink, int32 } from './helpers.ts';
import type { Partition } from './helpers.ts';

const layout = createTableLayout([
  { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
  { name: 'ck', type: 'Int32Type', kind: 'clustering' },
  { name: 's', type: 'UTF8Type', kind: 'static' },
  { name: 'v', type: 'UTF8Type', kind: 'regular' },
  { name: 'w', type: 'UTF8Type', kind: 'regular' },
  { name: 'tags', type: 'SetType(UTF8Type)', kind: 'regular' },
]);
const S = 2, V = 3, W = 4, TAGS = 5;
const NOW = 1000;
const BOP: MergeOptions = { nowSec: NOW, partitioner: 'ByteOrderedPartitioner' };

async function run(sources: Partition[][], opts: MergeOptions = BOP, l: TableLayout = layout, maxRows = 1000) {
  const sink = new CollectSink(l);
  const merger = new PartitionMerger(sources.map((p) => new ArraySource(p)), l, opts);
  while (await merger.fill(sink, maxRows)) { /* batches */ }
  return sink.rows;
}

const brief = (rows: Awaited<ReturnType<typeof run>>) => rows.map((r) => `${r.pk}:${r.ck.join(',')} ${JSON.stringify(r.cells)}${Object.keys(r.static).length ? ' static' + JSON.stringify(r.static) : ''}`);

test('partitions from several sources interleave in key order; cells of one row combine, newer wins', async () => {
  const a: Partition[] = [
    { key: 'a', items: [{ ck: [1], liveness: { ts: 10 }, cells: [{ col: V, ts: 10, value: 'old' }, { col: W, ts: 10, value: 'w1' }] }] },
    { key: 'c', items: [{ ck: [1], cells: [{ col: V, ts: 5, value: 'c' }] }] },
  ];
  const b: Partition[] = [
    { key: 'a', items: [{ ck: [0], cells: [{ col: V, ts: 1, value: 'zero' }] }, { ck: [1], cells: [{ col: V, ts: 20, value: 'new' }] }] },
    { key: 'b', items: [{ ck: [7], liveness: { ts: 3 } }] },
  ];
  assert.deepEqual(brief(await run([a, b])), [
    'a:0 {"v":"zero"}', 'a:1 {"v":"new","w":"w1"}', 'b:7 {}', 'c:1 {"v":"c"}',
  ]);
});

test('a row deletion shadows older cells and liveness of every source; newer cells survive', async () => {
  const a: Partition[] = [{ key: 'k', items: [{ ck: [1], deletion: [50, 900] }, { ck: [2], deletion: [50, 900] }] }];
  const b: Partition[] = [{ key: 'k', items: [
    { ck: [1], liveness: { ts: 40 }, cells: [{ col: V, ts: 40, value: 'gone' }, { col: W, ts: 60, value: 'kept' }] },
    { ck: [2], liveness: { ts: 50 }, cells: [{ col: V, ts: 50, value: 'gone' }] },
  ] }];
  assert.deepEqual(brief(await run([a, b])), ['k:1 {"w":"kept"}']);
});

test('a partition deletion shadows rows and the static row up to its timestamp', async () => {
  const a: Partition[] = [{ key: 'k', deletion: [50, 900] }];
  const b: Partition[] = [{ key: 'k', static: { cells: [{ col: S, ts: 50, value: 'sdead' }] }, items: [
    { ck: [1], liveness: { ts: 50 }, cells: [{ col: V, ts: 50, value: 'x' }] },
    { ck: [2], liveness: { ts: 51 } },
  ] }];
  assert.deepEqual(brief(await run([a, b])), ['k:2 {}']);
});

test('range tombstones: inclusive and exclusive bounds, overlapping tombstones from different sources', async () => {
  const rows = (ts: number) => [1, 2, 3, 4, 5, 6].map((ck) => ({ ck: [ck], cells: [{ col: V, ts, value: `v${ck}` }] }));
  const incl: Partition[] = [{ key: 'k', items: [
    { marker: INCL_START_BOUND, ck: [2], del: [50, 900] }, { marker: INCL_END_BOUND, ck: [4], del: [50, 900] },
  ] }];
  assert.deepEqual((await run([incl, [{ key: 'k', items: rows(40) }]])).map((r) => r.ck[0]), [1, 5, 6]);
  const excl: Partition[] = [{ key: 'k', items: [
    { marker: EXCL_START_BOUND, ck: [2], del: [50, 900] }, { marker: EXCL_END_BOUND, ck: [4], del: [50, 900] },
  ] }];
  assert.deepEqual((await run([excl, [{ key: 'k', items: rows(40) }]])).map((r) => r.ck[0]), [1, 2, 4, 5, 6]);
  // A deletes [1,3] at 50; B deletes [2,5] at 30 (too old for rows written at 40)
  const a: Partition[] = [{ key: 'k', items: [
    { marker: INCL_START_BOUND, ck: [1], del: [50, 900] }, { marker: INCL_END_BOUND, ck: [3], del: [50, 900] },
  ] }];
  const b: Partition[] = [{ key: 'k', items: [
    { marker: INCL_START_BOUND, ck: [2], del: [30, 900] }, { marker: INCL_END_BOUND, ck: [5], del: [30, 900] },
  ] }];
  assert.deepEqual((await run([a, b, [{ key: 'k', items: rows(40) }]])).map((r) => r.ck[0]), [4, 5, 6]);
  // the same with B newer than the rows: everything from 1 to 5 is gone
  const b2: Partition[] = [{ key: 'k', items: [
    { marker: INCL_START_BOUND, ck: [2], del: [45, 900] }, { marker: INCL_END_BOUND, ck: [5], del: [45, 900] },
  ] }];
  assert.deepEqual((await run([a, b2, [{ key: 'k', items: rows(40) }]])).map((r) => r.ck[0]), [6]);
});

test('range tombstone boundaries switch the open deletion; rows newer than the tombstone stay', async () => {
  const rt: Partition[] = [{ key: 'k', items: [
    { marker: INCL_START_BOUND, ck: [1], del: [50, 900] },
    { marker: EXCL_END_INCL_START_BOUNDARY, ck: [3], del: [50, 900], open: [30, 900] },
    { ck: [4], cells: [{ col: V, ts: 35, value: 'own' }] },
    { marker: INCL_END_BOUND, ck: [5], del: [30, 900] },
  ] }];
  const data: Partition[] = [{ key: 'k', items: [1, 2, 3, 4, 5, 6].map((ck) => ({ ck: [ck], cells: [{ col: V, ts: ck === 2 ? 55 : 40, value: `v${ck}` }] })) }];
  assert.deepEqual(brief(await run([rt, data])), ['k:2 {"v":"v2"}', 'k:3 {"v":"v3"}', 'k:4 {"v":"v4"}', 'k:5 {"v":"v5"}', 'k:6 {"v":"v6"}']);
});

test('TTL: expired cells are dead and shadow older live cells; a row with only an expired liveness vanishes', async () => {
  const a: Partition[] = [{ key: 'k', items: [
    { ck: [1], liveness: { ts: 20, ttl: 10, exp: NOW }, cells: [{ col: V, ts: 20, value: 'expired', ttl: 10, ldt: NOW }] },
    { ck: [2], liveness: { ts: 20, ttl: 10, exp: NOW + 1 } },
  ] }];
  const b: Partition[] = [{ key: 'k', items: [{ ck: [1], cells: [{ col: V, ts: 10, value: 'older' }, { col: W, ts: 10, value: 'w' }] }] }];
  assert.deepEqual(brief(await run([a, b])), ['k:1 {"w":"w"}', 'k:2 {}']);
  assert.deepEqual(brief(await run([a])), ['k:2 {}']);
});

test('static rows: shown on every live row, alone with null clustering when the partition has no live row', async () => {
  const p: Partition[] = [
    { key: 'a', static: { cells: [{ col: S, ts: 1, value: 'sa' }] }, items: [{ ck: [1], liveness: { ts: 1 } }, { ck: [2], liveness: { ts: 1 } }] },
    { key: 'b', static: { cells: [{ col: S, ts: 1, value: 'sb' }] } },
    { key: 'c', static: { cells: [{ col: S, ts: 1, value: 'sc' }] }, items: [{ ck: [1], deletion: [5, 900] }] },
    { key: 'd', static: { cells: [{ col: S, ts: 1, tomb: true, ldt: 900 }] }, items: [{ ck: [1], deletion: [5, 900] }] },
  ];
  assert.deepEqual(brief(await run([p])), [
    'a:1 {} static{"s":"sa"}', 'a:2 {} static{"s":"sa"}', 'b: {} static{"s":"sb"}', 'c: {} static{"s":"sc"}',
  ]);
});

test('collections: a newer complex deletion shadows older elements of other sources; elements merge by path', async () => {
  const a: Partition[] = [{ key: 'k', items: [{ ck: [1], complex: [{ col: TAGS, m: 29, l: 900 }],
    cells: [{ col: TAGS, ts: 30, path: 'b' }, { col: TAGS, ts: 30, path: 'd' }] }] }];
  const b: Partition[] = [{ key: 'k', items: [{ ck: [1], cells: [
    { col: TAGS, ts: 20, path: 'a' }, { col: TAGS, ts: 40, path: 'c' }, { col: TAGS, ts: 50, path: 'd', tomb: true, ldt: 900 },
    { col: TAGS, ts: 40, path: 'e' },
  ] }] }];
  assert.deepEqual(brief(await run([a, b])), ['k:1 {"tags":["b","c","e"]}']);
});

test('a shadowable row deletion is void once a newer primary-key liveness exists', async () => {
  const a: Partition[] = [{ key: 'k', items: [{ ck: [1], deletion: [50, 900, true] }] }];
  const b: Partition[] = [{ key: 'k', items: [{ ck: [1], liveness: { ts: 60 }, cells: [{ col: V, ts: 40, value: 'kept' }] }] }];
  assert.deepEqual(brief(await run([a, b])), ['k:1 {"v":"kept"}']);
  const c: Partition[] = [{ key: 'k', items: [{ ck: [1], deletion: [50, 900, false] }] }];
  assert.deepEqual(brief(await run([c, b])), ['k:1 {}']);
});

test('dropped columns: cells at or before the drop time are ignored and do not keep a row alive', async () => {
  const dropped = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'ck', type: 'Int32Type', kind: 'clustering' },
    { name: 's', type: 'UTF8Type', kind: 'static' },
    { name: 'v', type: 'UTF8Type', kind: 'regular', droppedAtMicros: 100 },
  ]);
  const p: Partition[] = [{ key: 'k', items: [
    { ck: [1], cells: [{ col: 3, ts: 100, value: 'old' }] }, { ck: [2], cells: [{ col: 3, ts: 101, value: 'new' }] },
  ] }];
  assert.deepEqual(brief(await run([p], BOP, dropped)), ['k:2 {"v":"new"}']);
});

test('reversed clustering order and bounds on a prefix of two clustering columns', async () => {
  const two = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'c1', type: 'ReversedType(Int32Type)', kind: 'clustering' },
    { name: 'c2', type: 'Int32Type', kind: 'clustering' },
    { name: 'v', type: 'UTF8Type', kind: 'regular' },
  ]);
  const cell = (ck: number[]) => ({ ck, cells: [{ col: 3, ts: 10, value: ck.join('.') }] });
  const a: Partition[] = [{ key: 'k', items: [cell([3, 1]), cell([2, 1]), cell([2, 2]), cell([1, 5])] }];
  const b: Partition[] = [{ key: 'k', items: [
    cell([3, 0]),
    { marker: INCL_START_BOUND, ck: [2], del: [20, 900] }, { marker: INCL_END_BOUND, ck: [2], del: [20, 900] },
    cell([1, 4]),
  ] }];
  assert.deepEqual((await run([a, b], BOP, two)).map((r) => r.ck.join('.')), ['3.0', '3.1', '1.4', '1.5']);
});

test('compareClusterings: bounds sort before or after the rows sharing their prefix', () => {
  const cmp = [layout.columns[1]!.comparator, layout.columns[1]!.comparator];
  const mk = (kind: number, ...ck: number[]) => { const r = new RowBuffer(); r.reset(kind); for (const c of ck) r.addClustering(int32(c), 0, 4); return r; };
  assert.ok(compareClusterings(cmp, mk(INCL_START_BOUND, 2), mk(CLUSTERING, 2, 0)) < 0);
  assert.ok(compareClusterings(cmp, mk(EXCL_START_BOUND, 2), mk(CLUSTERING, 2, 9)) > 0);
  assert.ok(compareClusterings(cmp, mk(INCL_END_BOUND, 2), mk(CLUSTERING, 2, 9)) > 0);
  assert.ok(compareClusterings(cmp, mk(EXCL_END_BOUND, 2), mk(CLUSTERING, 2, -9)) < 0);
  assert.ok(compareClusterings(cmp, mk(INCL_START_BOUND), mk(CLUSTERING, -100, 0)) < 0, 'empty start bound = partition start');
  assert.ok(compareClusterings(cmp, mk(CLUSTERING, 1, 0), mk(CLUSTERING, -1, 5)) > 0, 'signed int order');
});

test('Murmur3 order and token range restriction (start exclusive, end inclusive); skipped partitions are not decoded', async () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const tok = (k: string) => murmur3Token(new TextEncoder().encode(k));
  const sorted = [...keys].sort((x, y) => (tok(x) < tok(y) ? -1 : 1));
  const parts: Partition[] = sorted.map((key) => ({ key, items: [{ ck: [1], liveness: { ts: 1 } }] }));
  const all = await run([parts.slice(0, 3), parts.slice(3)], { nowSec: NOW, partitioner: 'Murmur3Partitioner' });
  assert.deepEqual(all.map((r) => r.pk), sorted);
  const range = { startExclusive: tok(sorted[1]!), endInclusive: tok(sorted[4]!) };
  const src = new ArraySource(parts);
  const sink = new CollectSink(layout);
  const m = new PartitionMerger([src], layout, { nowSec: NOW, partitioner: 'Murmur3Partitioner', tokenRange: range });
  while (await m.fill(sink, 100)) { /* */ }
  assert.deepEqual(sink.rows.map((r) => r.pk), sorted.slice(2, 5));
  assert.equal(src.skipped, 3);
});

test('fill() resumes where it stopped: one row at a time gives the same rows', async () => {
  const p: Partition[] = [
    { key: 'a', static: { cells: [{ col: S, ts: 1, value: 's' }] }, items: [1, 2, 3].map((ck) => ({ ck: [ck], liveness: { ts: 1 } })) },
    { key: 'b', static: { cells: [{ col: S, ts: 1, value: 's' }] } },
  ];
  assert.deepEqual(await run([p], BOP, layout, 1), await run([p]));
  assert.equal((await run([p], BOP, layout, 1)).length, 4);
});

test('a range tombstone opened in one source and closed in another still covers the rows between', async () => {
  const open: Partition[] = [{ key: 'k', items: [{ marker: INCL_START_BOUND, ck: [2], del: [50, 900] }] }];
  const close: Partition[] = [{ key: 'k', items: [{ marker: INCL_END_BOUND, ck: [4], del: [50, 900] }] }];
  const data: Partition[] = [{ key: 'k', items: [1, 2, 3, 4, 5].map((ck) => ({ ck: [ck], liveness: { ts: 40 } })) }];
  assert.deepEqual((await run([open, data, close])).map((r) => r.ck[0]), [1, 5]);
});

test('counters: shards merge across sources, a counter tombstone wins whatever its timestamp, a row deletion by timestamp', async () => {
  const counters = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'ck', type: 'Int32Type', kind: 'clustering' },
    { name: 'c', type: 'CounterColumnType', kind: 'regular' },
  ]);
  const ctx = (...shards: [number, number, number][]) => {
    const b = new Uint8Array(2 + shards.length * 34);
    const v = new DataView(b.buffer);
    v.setInt16(0, shards.length);
    shards.forEach(([id, clock, count], i) => {
      v.setInt16(2 + 2 * i, i - 32768);
      const at = 2 + 2 * shards.length + 32 * i;
      v.setUint32(at + 12, id); v.setBigInt64(at + 16, BigInt(clock)); v.setBigInt64(at + 24, BigInt(count));
    });
    return b;
  };
  const total = (rows: Awaited<ReturnType<typeof run>>) => rows.map((r) => `${r.ck[0]}=${r.cells.c === undefined ? '-' : 'set'}`);
  const a: Partition[] = [{ key: 'k', items: [
    { ck: [1], cells: [{ col: 2, ts: 10, value: ctx([1, 2, 5]) }] },
    { ck: [2], cells: [{ col: 2, ts: 10, value: ctx([1, 1, 1]) }] },
    { ck: [3], cells: [{ col: 2, ts: 10, value: ctx([1, 1, 1]) }] },
  ] }];
  const b: Partition[] = [{ key: 'k', items: [
    { ck: [1], cells: [{ col: 2, ts: 20, value: ctx([1, 1, 3], [2, 4, 7]) }] },
    { ck: [2], cells: [{ col: 2, ts: 1, tomb: true, ldt: 900 }] },
    { ck: [3], deletion: [5, 900] },
  ] }];
  const sink = new CollectSink(counters);
  const m = new PartitionMerger([new ArraySource(a), new ArraySource(b)], counters, BOP);
  while (await m.fill(sink, 100)) { /* */ }
  assert.deepEqual(total(sink.rows), ['1=set', '3=set']);
  const { BatchWriter } = await import('../../../engine/compaction/batch-writer.ts');
  const writer = new BatchWriter(counters, { nowSec: NOW });
  const m2 = new PartitionMerger([new ArraySource(a), new ArraySource(b)], counters, BOP);
  while (await m2.fill(writer, 100)) { /* */ }
  const rows = writer.flush()!.toArray().map((r) => [r.ck, r.c]);
  assert.deepEqual(rows, [[1, 12n], [3, 1n]], 'id 1: clock 2 beats clock 1 (5), id 2 adds 7');
});
