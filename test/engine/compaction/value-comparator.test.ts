import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCellPathComparator, createValueComparator, parseMarshalType } from '../../../engine/compaction/value-comparator.ts';
import { parseCassandraType } from '../../../engine/sstable/type-parser.ts';

const hex = (s: string) => Uint8Array.from(s.replace(/[^0-9a-f]/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const cmp = (type: string, a: Uint8Array, b: Uint8Array) => Math.sign(createValueComparator(parseCassandraType(type))(a, 0, a.length, b, 0, b.length));

test('parseMarshalType (the one type parser, in the shape connectors/raw.ts reads): prefixes, nesting, UDT field names, frozenness', () => {
  const t = parseMarshalType('org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.MapType(org.apache.cassandra.db.marshal.UTF8Type,org.apache.cassandra.db.marshal.Int32Type))');
  assert.deepEqual(t, { name: 'ReversedType', params: [{ name: 'MapType', params: [{ name: 'UTF8Type', params: [] }, { name: 'Int32Type', params: [] }] }] });
  const u = parseMarshalType('UserType(ks,61646472,737472656574:UTF8Type,7a6970:Int32Type)');
  assert.deepEqual(u.params.map((p) => p.fieldName ?? p.name), ['ks', '61646472', 'street', 'zip']);
  // FrozenType as Cassandra writes it: at the top, and inside a multi-cell parent, not inside a frozen one
  const int = { name: 'Int32Type', params: [] };
  assert.deepEqual(parseMarshalType('FrozenType(ListType(SetType(Int32Type)))'),
    { name: 'FrozenType', params: [{ name: 'ListType', params: [{ name: 'SetType', params: [int] }] }] });
  assert.deepEqual(parseMarshalType('MapType(Int32Type,FrozenType(ListType(Int32Type)))'),
    { name: 'MapType', params: [int, { name: 'FrozenType', params: [{ name: 'ListType', params: [int] }] }] });
  assert.deepEqual(parseMarshalType('VectorType(FloatType , 3)'), { name: 'VectorType', params: [{ name: 'FloatType', params: [] }, { name: '3', params: [] }] });
  assert.throws(() => parseMarshalType('SetType(Int32Type'), /^UnsupportedFormatError: cannot parse type 'SetType\(Int32Type': ',' or '\)' expected at 17$/);
});

test('signed fixed-width integers, empty first, ReversedType flips', () => {
  assert.equal(cmp('Int32Type', hex('ffffffff'), hex('00000001')), -1);
  assert.equal(cmp('LongType', hex('7fffffffffffffff'), hex('8000000000000000')), 1);
  assert.equal(cmp('Int32Type', hex(''), hex('80000000')), -1);
  assert.equal(cmp('ReversedType(Int32Type)', hex('00000001'), hex('00000002')), 1);
  assert.equal(cmp('ShortType', hex('8000'), hex('7fff')), -1);
});

test('floats as Java Float.compare, varints and decimals numerically', () => {
  const f64 = (x: number) => { const b = new Uint8Array(8); new DataView(b.buffer).setFloat64(0, x); return b; };
  assert.equal(cmp('DoubleType', f64(-1.5), f64(0.25)), -1);
  assert.equal(cmp('DoubleType', f64(-0), f64(0)), -1);
  assert.equal(cmp('DoubleType', f64(NaN), f64(Infinity)), 1);
  assert.equal(cmp('IntegerType', hex('ff'), hex('0001')), -1, '-1 < 1 whatever the length');
  assert.equal(cmp('IntegerType', hex('0100'), hex('7f')), 1);
  // 1.5 (scale 1, 15) vs 1.25 (scale 2, 125)
  assert.equal(cmp('DecimalType', hex('00000001 0f'), hex('00000002 7d')), 1);
  assert.equal(cmp('DecimalType', hex('00000001 0f'), hex('00000002 0096')), 0, '1.5 == 1.50');
});

test('UUIDs: version first; time-based by timestamp; TimeUUID clock sequence as signed bytes', () => {
  const v1early = hex('00000001-0000-1000-8000-000000000000'), v1late = hex('00000000-0001-1000-8000-000000000000');
  assert.equal(cmp('TimeUUIDType', v1early, v1late), -1, 'time_mid outranks time_low');
  assert.equal(cmp('UUIDType', v1early, v1late), -1);
  const v4 = hex('00000000-0000-4000-8000-000000000000');
  assert.equal(cmp('UUIDType', v4, v1late), 1, 'version 4 after version 1');
  const lsbHigh = hex('00000000-0000-1000-8000-000000000000'), lsbLow = hex('00000000-0000-1000-7f00-000000000000');
  assert.equal(cmp('TimeUUIDType', lsbHigh, lsbLow), -1, '0x80 is negative as a signed byte');
  assert.equal(cmp('UUIDType', lsbHigh, lsbLow), 1, 'UUIDType compares unsigned');
});

test('frozen collections and tuples: element by element, then size; null tuple fields first', () => {
  const list = (...xs: number[]) => { const b = new Uint8Array(4 + xs.length * 8); const v = new DataView(b.buffer); v.setInt32(0, xs.length); xs.forEach((x, i) => { v.setInt32(4 + i * 8, 4); v.setInt32(8 + i * 8, x); }); return b; };
  assert.equal(cmp('FrozenType(ListType(Int32Type))', list(1, 2), list(1, 3)), -1);
  assert.equal(cmp('FrozenType(ListType(Int32Type))', list(1, 2), list(1)), 1);
  assert.equal(cmp('FrozenType(SetType(Int32Type))', list(-5), list(1)), -1);
  assert.equal(cmp('TupleType(Int32Type,UTF8Type)', hex('ffffffff'), hex('00000004 00000000')), -1, 'null field first');
  assert.equal(cmp('TupleType(Int32Type,UTF8Type)', hex('00000004 00000001'), hex('00000004 00000001 ffffffff')), 0, 'trailing nulls ignored');
});

test('cell path order: sets by element, maps by key, lists by TimeUUID', () => {
  const p = (type: string, a: Uint8Array, b: Uint8Array) => Math.sign(createCellPathComparator(parseCassandraType(type))(a, 0, a.length, b, 0, b.length));
  assert.equal(p('SetType(Int32Type)', hex('ffffffff'), hex('00000001')), -1);
  assert.equal(p('MapType(UTF8Type,Int32Type)', hex('62'), hex('61')), 1);
  assert.equal(p('ListType(Int32Type)', hex('00000001-0000-1000-8000-000000000000'), hex('00000000-0001-1000-8000-000000000000')), -1);
});
