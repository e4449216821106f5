import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectAll } from '../../../engine/compaction/select.ts';
import type { SelectOptions } from '../../../engine/compaction/select.ts';
import { createTableLayout } from '../../../engine/compaction/table-layout.ts';
import { BatchWriter } from '../../../engine/compaction/batch-writer.ts';
import { ArraySource, int32 } from './helpers.ts';
import type { Partition } from './helpers.ts';

const layout = createTableLayout([
  { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
  { name: 'ck', type: 'Int32Type', kind: 'clustering' },
  { name: 's', type: 'UTF8Type', kind: 'static' },
  { name: 'v', type: 'UTF8Type', kind: 'regular' },
  { name: 'n', type: 'Int32Type', kind: 'regular' },
  { name: 'tags', type: 'SetType(UTF8Type)', kind: 'regular' },
]);
const NOW = 1_700_000_000;

async function batches(parts: Partition[][], opts: Partial<SelectOptions> = {}) {
  const out = [];
  for await (const b of selectAll(parts.map((p) => new ArraySource(p)), layout, { nowSec: NOW, partitioner: 'ByteOrderedPartitioner', ...opts })) out.push(b);
  return out;
}

/** Rows as plain JSON values (nested Arrow vectors, maps and structs through their toJSON; int64 as numbers). */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x))) as Record<string, unknown>;
const rowsOf = (bs: Awaited<ReturnType<typeof batches>>) => bs.flatMap((b) => b.toArray().map((r) => plain(r)));

test('rows come out in the CQL schema with typed columns, statics repeated, sets as lists', async () => {
  const p: Partition[] = [
    { key: 'a', static: { cells: [{ col: 2, ts: 5, value: 'S' }] }, items: [
      { ck: [1], liveness: { ts: 10 }, cells: [{ col: 3, ts: 10, value: 'x' }, { col: 4, ts: 11, value: int32(-7) }, { col: 5, ts: 12, path: 'q' }, { col: 5, ts: 12, path: 'r' }] },
      { ck: [2], cells: [{ col: 3, ts: 20, value: 'y' }] },
    ] },
    { key: 'b', static: { cells: [{ col: 2, ts: 5, value: 'only' }] } },
  ];
  const bs = await batches([p]);
  assert.deepEqual(bs[0]!.schema.fields.map((f) => `${f.name}:${f.type}`), ['pk:Utf8', 'ck:Int32', 's:Utf8', 'v:Utf8', 'n:Int32', 'tags:List<Utf8>']);
  assert.deepEqual(rowsOf(bs), [
    { pk: 'a', ck: 1, s: 'S', v: 'x', n: -7, tags: ['q', 'r'] },
    { pk: 'a', ck: 2, s: 'S', v: 'y', n: null, tags: null },
    { pk: 'b', ck: null, s: 'only', v: null, n: null, tags: null },
  ]);
});

test('projection, writetime, ttl (remaining at the reference time) and last_modified', async () => {
  const p: Partition[] = [{ key: 'a', items: [
    { ck: [1], liveness: { ts: 30 }, cells: [{ col: 3, ts: 10, value: 'x', ttl: 100, ldt: NOW + 40 }, { col: 5, ts: 25, path: 'q' }, { col: 5, ts: 12, path: 'r', ttl: 9, ldt: NOW + 9 }] },
    { ck: [2], cells: [{ col: 4, ts: 7, value: int32(1) }] },
  ] }];
  const rows = rowsOf(await batches([p], { columns: ['ck', 'v'], writetime: ['v', 'tags'], ttl: ['v', 'tags'], lastModified: true }));
  assert.deepEqual(rows, [
    { ck: 1, v: 'x', 'writetime(v)': 10, 'writetime(tags)': 25, 'ttl(v)': 40, 'ttl(tags)': 9, last_modified: 30 },
    { ck: 2, v: null, 'writetime(v)': null, 'writetime(tags)': null, 'ttl(v)': null, 'ttl(tags)': null, last_modified: 7 },
  ]);
});

test('batches stay near the byte bound and together hold every row', async () => {
  const big = 'x'.repeat(1000);
  const p: Partition[] = [{ key: 'a', items: Array.from({ length: 500 }, (_, i) => ({ ck: [i], cells: [{ col: 3, ts: 1, value: big }] })) }];
  const bs = await batches([p], { maxBatchBytes: 20_000 });
  assert.ok(bs.length >= 20, `${bs.length} batches`);
  for (const b of bs.slice(0, -1)) assert.ok(b.numRows * 1000 <= 20_000 + 1010, `${b.numRows} rows in a batch`);
  assert.equal(bs.reduce((n, b) => n + b.numRows, 0), 500);
  assert.deepEqual(rowsOf(bs).map((r) => r.ck), Array.from({ length: 500 }, (_, i) => i));
});

test('unknown columns in options are rejected with the column named', () => {
  assert.throws(() => new BatchWriter(layout, { nowSec: 0, columns: ['nope'] }), /columns: no column nope/);
  assert.throws(() => new BatchWriter(layout, { nowSec: 0, writetime: ['ck'] }), /writetime: ck is a primary key column/);
});

test('multi-cell columns: map → Map_ in key order, list → List in path order, UDT → Struct with every field', async () => {
  const l2 = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'm', type: 'MapType(Int32Type,UTF8Type)', kind: 'regular' },
    { name: 'l', type: 'ListType(UTF8Type)', kind: 'regular' },
    { name: 'a', type: 'UserType(ks,61646472,737472656574:UTF8Type,7a6970:Int32Type)', kind: 'regular' },
  ]);
  const uuid = (n: number) => { const b = new Uint8Array(16); b[3] = n; b[6] = 0x10; b[8] = 0x80; return b; };
  const field = (i: number) => Uint8Array.from([0, i]);
  const bs = [];
  // map cells in path order, as on disk: -1 before 7
  const sorted: Partition[] = [{ key: 'a', items: [{ cells: [
    { col: 1, ts: 1, path: int32(-1), value: 'minus' }, { col: 1, ts: 1, path: int32(7), value: 'seven' },
    { col: 2, ts: 1, path: uuid(1), value: 'first' }, { col: 2, ts: 1, path: uuid(2), value: 'second' },
    { col: 3, ts: 1, path: field(1), value: int32(12345) },
  ] }] }];
  for await (const b of selectAll([new ArraySource(sorted)], l2, { nowSec: NOW, partitioner: 'ByteOrderedPartitioner' })) bs.push(b);
  assert.deepEqual(bs[0]!.schema.fields.map((f) => `${f.name}:${f.type}`),
    ['pk:Utf8', 'm:Map<{key:Int32, value:Utf8}>', 'l:List<Utf8>', 'a:Struct<{street:Utf8, zip:Int32}>']);
  const m = bs[0]!.get(0)!.m as unknown as Iterable<[number, string]>;
  assert.deepEqual([...m], [[-1, 'minus'], [7, 'seven']]);
  const row = plain(bs[0]!.get(0));
  assert.deepEqual(row.l, ['first', 'second']);
  assert.deepEqual(row.a, { street: null, zip: 12345 });
});

test('frozen values: tuple → Struct, frozen list → List, duration → Struct of vints, vector → List', async () => {
  const l3 = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 't', type: 'TupleType(Int32Type,UTF8Type)', kind: 'regular' },
    { name: 'fl', type: 'FrozenType(ListType(Int32Type))', kind: 'regular' },
    { name: 'd', type: 'DurationType', kind: 'regular' },
    { name: 'vec', type: 'VectorType(FloatType , 2)', kind: 'regular' },
  ]);
  const hex = (h: string) => Uint8Array.from(h.replace(/ /g, '').match(/../g)!, (b) => parseInt(b, 16));
  const p: Partition[] = [{ key: 'a', items: [{ cells: [
    { col: 1, ts: 1, value: hex('00000004 00000005 ffffffff') },          // (5, null)
    { col: 2, ts: 1, value: hex('00000002 00000004 00000001 00000004 fffffffe') }, // [1, -2]
    { col: 3, ts: 1, value: hex('02 03 80c8') },                            // 1 month, -2 days, 100 ns (zig-zag vints)
    { col: 4, ts: 1, value: hex('3fc00000 c0200000') },                     // [1.5, -2.5]
  ] }] }];
  const out = [];
  for await (const b of selectAll([new ArraySource(p)], l3, { nowSec: NOW, partitioner: 'ByteOrderedPartitioner' })) out.push(b);
  assert.deepEqual(out[0]!.schema.fields.map((f) => `${f.name}:${f.type}`),
    ['pk:Utf8', 't:Struct<{f0:Int32, f1:Utf8}>', 'fl:List<Int32>', 'd:Struct<{months:Int32, days:Int32, nanoseconds:Int64}>', 'vec:List<Float32>']);
  assert.deepEqual(plain(out[0]!.get(0)), { pk: 'a', t: { f0: 5, f1: null }, fl: [1, -2], d: { months: 1, days: -2, nanoseconds: 100 }, vec: [1.5, -2.5] });
});
