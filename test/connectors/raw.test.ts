// The raw connector on batches made by the merge engine's BatchWriter: exact Iceberg-shaped values per type,
// schema from AbstractType and CQL models alike, and output that bindToSchema accepts and DataFileWriter writes.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Table } from 'apache-arrow';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import { bindToSchema } from '../../engine/iceberg/parquet/arrow-schema.ts';
import { DataFileWriter } from '../../engine/iceberg/parquet/data-file-writer.ts';
import { UNPARTITIONED_SPEC } from '../../engine/iceberg/spec/partition-spec.ts';
import { connector, cqlTypeOf, rawOutputSchema } from '../../connectors/raw.ts';
import type { TableModel } from '../../connectors/registry.ts';
import { collect, columnValues, engineBatches, hex, int32, int64, stream, text } from './engine-batches.ts';
import type { EngineRow } from './engine-batches.ts';

const SPECS = [
  { name: 'id', type: 'UTF8Type', kind: 'partition_key' as const },
  { name: 'ck', type: 'ReversedType(Int32Type)', kind: 'clustering' as const },
  { name: 'tiny', type: 'ByteType', kind: 'regular' as const },
  { name: 'small', type: 'ShortType', kind: 'regular' as const },
  { name: 'ts', type: 'TimestampType', kind: 'regular' as const },
  { name: 't', type: 'TimeType', kind: 'regular' as const },
  { name: 'dec', type: 'DecimalType', kind: 'regular' as const },
  { name: 'vi', type: 'IntegerType', kind: 'regular' as const },
  { name: 'u', type: 'UUIDType', kind: 'regular' as const },
  { name: 'stamps', type: 'FrozenType(ListType(TimestampType))', kind: 'regular' as const },
  { name: 'm', type: 'FrozenType(MapType(UTF8Type,ShortType))', kind: 'regular' as const },
  { name: 'b', type: 'BytesType', kind: 'regular' as const },
];
const TABLE: TableModel = { keyspace: 'ks', table: 'typed', columns: SPECS };
const REGULAR = SPECS.filter((s) => s.kind === 'regular').map((s) => s.name);

function signed(v: bigint): Uint8Array {
  let h = BigInt.asUintN(128, v).toString(16).padStart(32, '0');
  while (h.length > 2 && (h.startsWith('00') && parseInt(h[2]!, 16) < 8 || h.startsWith('ff') && parseInt(h[2]!, 16) >= 8)) h = h.slice(2);
  return hex(h);
}
const decimal = (scale: number, unscaled: bigint) => Uint8Array.of(...int32(scale), ...signed(unscaled));
const frozen = (parts: Uint8Array[], count = parts.length) => Uint8Array.of(...int32(count), ...parts.flatMap((p) => [...int32(p.length), ...p]));
const int16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);

const rows: EngineRow[] = [
  { pk: [text('a')], ck: [int32(2)], cells: {
    tiny: { value: Uint8Array.of(0xff), ts: 1 }, small: { value: int16(-300), ts: 1 },
    ts: { value: int64(1_700_000_000_123), ts: 1 }, t: { value: int64(3_723_000_123_999), ts: 1 },
    dec: { value: decimal(2, -1250n), ts: 1 }, vi: { value: signed(123_456_789_012_345_678_901_234n), ts: 1 },
    u: { value: hex('f79c3e09-677c-4bbd-a479-3f349cb785e1'), ts: 1 },
    stamps: { value: frozen([int64(-1), int64(86_400_000)]), ts: 1 }, m: { value: frozen([text('k'), int16(7)], 1), ts: 1 },
    b: { value: hex('00ff10'), ts: 1_700_000_000_000_001 },
  } },
  { pk: [text('a')], ck: [int32(1)], cells: { dec: { value: decimal(-3, 5n), ts: 2 }, b: { value: new Uint8Array(0), ts: 5 } } },
];

describe('raw connector', () => {
  it('derives the Iceberg schema from AbstractType names as from CQL', () => {
    assert.equal(cqlTypeOf('FrozenType(MapType(UTF8Type,ListType(ReversedType(TimestampType))))'), 'frozen<map<text, list<timestamp>>>');
    const udts = {};
    assert.equal(cqlTypeOf('UserType(ks,61646472,737472656574:UTF8Type,7a6970:Int32Type)', udts), 'addr');
    assert.deepEqual(udts, { addr: [{ name: 'street', cqlType: 'text' }, { name: 'zip', cqlType: 'int' }] });
    const schema = rawOutputSchema(TABLE, { referenceTimeSec: 0, writetime: true });
    assert.deepEqual(schema.fields.map((f) => `${f.id}:${f.name}:${f.required ? 'req' : 'opt'}`).slice(0, 3), ['1:id:req', '2:ck:req', '3:tiny:opt']);
    assert.deepEqual(schema.identifierFieldIds, [1, 2]);
    const wt = schema.fields.at(-1)!;
    assert.deepEqual([wt.name, wt.type, wt.id > 12], ['writetime(b)', { kind: 'long' }, true]);
    assert.ok(schema.fields.slice(0, -1).every((f) => f.id < wt.id));
  });

  it('makes clustering columns optional when the table has static columns', () => {
    const withStatic: TableModel = { keyspace: 'ks', table: 's', columns: [
      { name: 'p', type: 'int', kind: 'partition_key' }, { name: 'c', type: 'int', kind: 'clustering' }, { name: 's', type: 'text', kind: 'static' },
    ] };
    const schema = rawOutputSchema(withStatic, { referenceTimeSec: 0, writetime: false });
    assert.equal(schema.fields[1]!.required, false);
    assert.deepEqual(schema.identifierFieldIds, [1]);
  });

  it('converts every column to the Iceberg shape with exact values', async () => {
    const options = { referenceTimeSec: 0, writetime: true };
    const out = await collect(connector.transform(stream(engineBatches(SPECS, rows, { writetime: REGULAR })), TABLE, options));
    assert.equal(out.length, 1);
    const v = (name: string) => columnValues(out, name);
    assert.deepEqual(v('id'), ['a', 'a']);
    assert.deepEqual(v('ck'), [2, 1]);
    assert.deepEqual(v('tiny'), [-1, null]);
    assert.deepEqual(v('small'), [-300, null]);
    assert.deepEqual(v('ts'), [1_700_000_000_123_000n, null]);
    assert.deepEqual(v('t'), [3_723_000_123n, null]);
    assert.deepEqual(v('dec'), [-12_500_000_000_000_000_000n, 5000n * 10n ** 18n]);
    assert.deepEqual(v('vi'), [123_456_789_012_345_678_901_234n, null]);
    assert.deepEqual(v('u'), ['f79c3e09677c4bbda4793f349cb785e1', null]);
    const stamps = out[0]!.getChild('stamps')!.data[0]!;
    assert.equal(String(stamps.type), 'List<Timestamp<MICROSECOND, UTC>>');
    assert.deepEqual([...(stamps.children[0]!.values as BigInt64Array)], [-1000n, 86_400_000_000n]);
    assert.deepEqual([...stamps.valueOffsets], [0, 2, 2]);
    assert.equal(stamps.getValid(1), false);
    assert.deepEqual(v('m'), [{ k: 7 }, null]);
    assert.deepEqual(v('b'), ['00ff10', '']);
    assert.deepEqual(v('writetime(b)'), [1_700_000_000_000_001n, 5n]);
    assert.deepEqual(v('writetime(dec)'), [1n, 2n]);
    assert.deepEqual(v('writetime(tiny)'), [1n, null]);
    const schema = connector.outputSchema(TABLE, options);
    const bound = bindToSchema(new Table(out), schema);
    assert.equal(bound.numRows, 2);
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-raw-'));
    try {
      const writer = new DataFileWriter({ io: new LocalFileIO(), schema, spec: UNPARTITIONED_SPEC, dataLocation: pathToFileURL(dir).href, fileName: (i) => `raw-${i}.parquet` });
      await writer.write(new Table(out));
      const [file] = await writer.close();
      assert.equal(file!.recordCount, 2);
      assert.equal(file!.nullValueCounts.get(3), 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('converts a sliced batch (non-zero offsets) to the same values', async () => {
    const [batch] = engineBatches(SPECS, [rows[1]!, rows[0]!, rows[1]!], { writetime: REGULAR });
    const options = { referenceTimeSec: 0, writetime: true };
    const out = await collect(connector.transform(stream([batch!.slice(1, 2)]), TABLE, options));
    assert.deepEqual(['ck', 'tiny', 'ts', 't', 'dec', 'vi', 'u', 'm', 'b'].map((n) => columnValues(out, n)[0]),
      [2, -1, 1_700_000_000_123_000n, 3_723_000_123n, -12_500_000_000_000_000_000n, 123_456_789_012_345_678_901_234n, 'f79c3e09677c4bbda4793f349cb785e1', { k: 7 }, '00ff10']);
    const stamps = out[0]!.getChild('stamps')!;
    assert.deepEqual(stamps.toArray().map((l: { toArray(): BigInt64Array } | null) => l && [...l.toArray()].map(String)), [['-1', '86400000']].map((x) => x.map((v) => String(BigInt(v) * 1000n))));
    assert.equal(bindToSchema(new Table(out), connector.outputSchema(TABLE, options)).numRows, 1);
  });

  it('refuses decimals that would lose digits, naming the column', async () => {
    const bad: EngineRow[] = [{ pk: [text('x')], ck: [int32(1)], cells: { dec: { value: decimal(20, 1n), ts: 1 } } }];
    await assert.rejects(collect(connector.transform(stream(engineBatches(SPECS, bad)), TABLE, { referenceTimeSec: 0, writetime: false })),
      /column dec: 0\.00000000000000000001 has more than 18 fraction digits/);
  });

  it('rejects a batch that lacks a column of the output schema', async () => {
    const batches = engineBatches(SPECS, rows);
    await assert.rejects(collect(connector.transform(stream(batches), TABLE, { referenceTimeSec: 0, writetime: true })), /input batch has no column writetime\(tiny\)/);
  });
});
