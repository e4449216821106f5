// Every CQL type from hand-built value bytes: the SELECT JSON text and the Arrow value, plus header type strings.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeVector } from 'apache-arrow';
import { createColumnBuilder } from '../../../engine/sstable/columns/column-builder.ts';
import { toJson } from '../../../engine/sstable/cql-json.ts';
import { cqlToAbstractType, toCqlType } from '../../../engine/sstable/cql-types.ts';
import { parseCassandraType } from '../../../engine/sstable/type-parser.ts';

const b = (...bytes: number[]) => Uint8Array.from(bytes);
const i32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const sized = (bytes: number[]) => [...i32(bytes.length), ...bytes];
const text = (s: string) => [...Buffer.from(s, 'utf8')];

/** [type string, value bytes, SELECT JSON text, Arrow value as JSON-able] */
const CASES: [string, Uint8Array, string, unknown][] = [
  ['AsciiType', b(...text('abc')), '"abc"', 'abc'],
  ['UTF8Type', b(...text('zé"')), '"zé\\""', 'zé"'],
  ['Int32Type', b(0xff, 0xff, 0xff, 0xfe), '-2', -2],
  ['LongType', b(0, 0, 0, 1, 0, 0, 0, 0), '4294967296', 4294967296n],
  ['ShortType', b(0x80, 0x00), '-32768', -32768],
  ['ByteType', b(0x7f), '127', 127],
  ['IntegerType', b(0x00, 0xff), '255', null],
  ['DecimalType', b(0, 0, 0, 2, 0x30, 0x39), '123.45', null], // unscaled 12345, scale 2
  ['FloatType', b(0x3f, 0xc0, 0, 0), '1.5', 1.5],
  ['DoubleType', b(0x40, 0x09, 0x21, 0xfb, 0x54, 0x44, 0x2d, 0x18), '3.141592653589793', 3.141592653589793],
  ['BooleanType', b(1), 'true', true],
  ['BytesType', b(0xca, 0xfe), '"0xcafe"', null],
  ['UUIDType', b(...Array.from({ length: 16 }, (_, i) => i)), '"00010203-0405-0607-0809-0a0b0c0d0e0f"', null],
  ['TimestampType', b(0x00, 0x00, 0x01, 0x50, 0x71, 0x39, 0xec, 0x16), '"2015-10-16 15:17:12.854Z"', null],
  ['SimpleDateType', b(0x80, 0, 0x47, 0xf0), '"2020-06-03"', 1591142400000],
  ['TimeType', b(0x00, 0x00, 0x2d, 0xa5, 0xc5, 0x1f, 0x0f, 0x15), '"13:56:30.000000789"', null],
  ['DurationType', b(0x02, 0x04, 0xfc, 0x06, 0x8c, 0x61, 0x71, 0x40, 0x00), '"1mo2d1h"', null],
  ['InetAddressType', b(127, 0, 0, 1), '"127.0.0.1"', '127.0.0.1'],
  ['CounterColumnType', b(0, 1, 0x80, 0, ...Array(16).fill(7), 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5), '5', 5n],
  ['ListType(Int32Type)', b(...i32(2), ...sized(i32(1)), ...sized(i32(2))), '[1, 2]', [1, 2]],
  ['SetType(UTF8Type)', b(...i32(1), ...sized(text('a'))), '["a"]', ['a']],
  ['MapType(Int32Type,UTF8Type)', b(...i32(1), ...sized(i32(7)), ...sized(text('x'))), '{"7": "x"}', null],
  ['TupleType(Int32Type,UTF8Type)', b(...sized(i32(3)), ...i32(0xffffffff)), '[3, null]', { f0: 3, f1: null }],
  ['UserType(ks,61646472,6e756d:Int32Type,7374726565:UTF8Type)', b(...sized(i32(9)), ...sized(text('rue'))), '{"num": 9, "stree": "rue"}', { num: 9, stree: 'rue' }],
  // Float.toString, as Cassandra 5.0's SELECT JSON prints vectors (fixtures/sstables/*/udt_tuple_vector_deflate).
  ['VectorType(FloatType , 2)', b(0x3f, 0x80, 0, 0, 0x40, 0, 0, 0), '[1.0, 2.0]', [1, 2]],
  ['ReversedType(Int32Type)', b(0, 0, 0, 5), '5', 5],
  ['ListType(FrozenType(MapType(UTF8Type,ListType(Int32Type))))', b(...i32(1), ...sized([...i32(1), ...sized(text('k')), ...sized([...i32(1), ...sized(i32(4))])])), '[{"k": [4]}]', null],
];

test('SELECT JSON rendering of every type', () => {
  for (const [typeText, bytes, json] of CASES) {
    assert.equal(toJson(parseCassandraType(typeText), bytes, 0, bytes.length), json, typeText);
  }
});

test('Arrow builders decode every type', () => {
  for (const [typeText, bytes, , arrow] of CASES) {
    const builder = createColumnBuilder(parseCassandraType(typeText));
    builder.appendValue(bytes, 0, bytes.length);
    builder.appendNull();
    const data = builder.finish();
    assert.equal(data.length, 2, typeText);
    assert.equal(data.nullCount, 1, typeText);
    if (arrow === null) continue;
    const v = makeVector(data).get(0);
    const toJSON = v !== null && typeof v === 'object' ? (v as { toJSON?: () => unknown }).toJSON : undefined;
    const plain = typeof toJSON === 'function' ? toJSON.call(v) : v;
    assert.deepEqual(plain instanceof Float32Array || Array.isArray(plain) ? [...(plain as number[])] : plain, arrow, typeText);
  }
});

test('decimal and varint become Decimal128 with scale 18 and 0', () => {
  const dec = createColumnBuilder(parseCassandraType('DecimalType'));
  dec.appendValue(b(0, 0, 0, 2, 0x30, 0x39), 0, 6);
  const words = dec.finish().values as Uint32Array;
  const v = words.slice(0, 4).reduceRight((acc, w) => (acc << 32n) | BigInt(w), 0n);
  assert.equal(v, 12345n * 10n ** 16n);
});

test('header type strings parse with frozenness, UDT names and vectors', () => {
  const udt = parseCassandraType('org.apache.cassandra.db.marshal.UserType(ks,61646472,6e756d:org.apache.cassandra.db.marshal.Int32Type)');
  assert.equal(udt.typeName, 'addr');
  assert.deepEqual(udt.fieldNames, ['num']);
  assert.equal(udt.multiCell, true);
  assert.equal(parseCassandraType('FrozenType(ListType(Int32Type))').multiCell, false);
  assert.equal(parseCassandraType('SetType(Int32Type)').multiCell, true);
  assert.equal(parseCassandraType('TupleType(SetType(Int32Type))').params[0]!.multiCell, false);
  assert.equal(parseCassandraType('VectorType(FloatType , 3)').fixedLength, 12);
  assert.equal(parseCassandraType('ReversedType(LongType)').fixedLength, 8);
  assert.deepEqual(parseCassandraType('DynamicCompositeType(b=>BytesType,s=>UTF8Type)').aliases, ['b', 's']);
  assert.throws(() => parseCassandraType('ListType(Int32Type'), /UnsupportedFormatError|cannot parse/);
});

test('CQL types ↔ AbstractType strings', () => {
  const types = [{ name: 'addr', fields: [{ name: 'num', cqlType: 'int' }] }];
  assert.equal(cqlToAbstractType('frozen<map<text, frozen<list<int>>>>', types), 'FrozenType(MapType(UTF8Type,ListType(Int32Type)))');
  assert.equal(cqlToAbstractType('set<int>', types), 'SetType(Int32Type)');
  assert.equal(cqlToAbstractType('frozen<addr>', types, 'ks'), 'FrozenType(UserType(ks,61646472,6e756d:Int32Type))');
  assert.equal(cqlToAbstractType('tuple<int, text>', types), 'TupleType(Int32Type,UTF8Type)');
  assert.equal(cqlToAbstractType('vector<float, 3>', types), 'VectorType(FloatType , 3)');
  assert.equal(toCqlType(parseCassandraType('FrozenType(MapType(UTF8Type,ListType(Int32Type)))')), 'frozen<map<text, frozen<list<int>>>>'.replace('frozen<list<int>>', 'list<int>'));
  assert.equal(toCqlType(parseCassandraType('SetType(TimeUUIDType)')), 'set<timeuuid>');
});
