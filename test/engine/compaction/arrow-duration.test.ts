import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeVector } from 'apache-arrow';
import { createValueBuilder } from '../../../engine/compaction/arrow-nested.ts';
import { parseCassandraType } from '../../../engine/sstable/type-parser.ts';

/** Cassandra's duration: three zigzag vints (VIntCoding), months and days 32-bit, nanoseconds 64-bit. */
function vint(value: bigint): number[] {
  let v = (value << 1n) ^ (value >> 63n);
  v = BigInt.asUintN(64, v);
  const bytes: number[] = [];
  for (let n = v; ; n >>= 8n) { bytes.unshift(Number(n & 0xffn)); if (n < 0x100n) break; }
  // prefix: as many leading 1-bits as extra bytes (values here fit the simple forms below)
  if (v < 0x80n) return [Number(v)];
  if (v < 0x4000n) return [0x80 | Number(v >> 8n), Number(v & 0xffn)];
  if (v < 0x200000n) return [0xc0 | Number(v >> 16n), Number((v >> 8n) & 0xffn), Number(v & 0xffn)];
  const out = [0xff];
  for (let i = 7; i >= 0; i--) out.push(Number((v >> BigInt(8 * i)) & 0xffn));
  return out;
}

test('durations land in Int32 months/days and Int64 nanoseconds', () => {
  const builder = createValueBuilder(parseCassandraType('org.apache.cassandra.db.marshal.DurationType'));
  const values: Array<[bigint, bigint, bigint]> = [[1200n, 3n, 5n], [-1n, -40n, -123_456_789_012n], [0n, 0n, 9_223_372_036_854_775_807n]];
  for (const [m, d, n] of values) {
    const bytes = Uint8Array.from([...vint(m), ...vint(d), ...vint(n)]);
    builder.appendValue(bytes, 0, bytes.length);
  }
  const rows = makeVector(builder.finish()).toArray().map((r: unknown) => (r as { toJSON(): Record<string, unknown> }).toJSON());
  assert.deepEqual(rows, values.map(([m, d, n]) => ({ months: Number(m), days: Number(d), nanoseconds: n })));
});
