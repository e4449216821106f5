// The TimeSeries connector on engine-shaped slice batches: one row per event item with provenance, items of a
// wide-partition split table emitted once, the window filter, day(event_time) partitioned Iceberg output, and the
// choice of source tables.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Table } from 'apache-arrow';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import { bindToSchema } from '../../engine/iceberg/parquet/arrow-schema.ts';
import { PartitionedDataFileWriter } from '../../engine/iceberg/parquet/partitioned-writer.ts';
import {
  EventItemDedup, connector, createTimeSeriesStats, outputPartitionSpec, sourceTables, transformSlices,
} from '../../connectors/time-series.ts';
import type { TimeSeriesOptions } from '../../connectors/time-series.ts';
import type { TableModel } from '../../connectors/registry.ts';
import { collect, columnValues, engineBatches, int32, int64, stream, text } from './engine-batches.ts';
import type { EngineRow } from './engine-batches.ts';

const SPECS = [
  { name: 'time_series_id', type: 'UTF8Type', kind: 'partition_key' as const },
  { name: 'time_bucket', type: 'Int32Type', kind: 'partition_key' as const },
  { name: 'event_bucket', type: 'Int32Type', kind: 'partition_key' as const },
  { name: 'event_time', type: 'ReversedType(TimestampType)', kind: 'clustering' as const },
  { name: 'event_id', type: 'UTF8Type', kind: 'clustering' as const },
  { name: 'event_item_key', type: 'UTF8Type', kind: 'clustering' as const },
  { name: 'event_item_value', type: 'BytesType', kind: 'regular' as const },
  { name: 'value_metadata', type: 'BytesType', kind: 'regular' as const },
];
const model = (table: string): TableModel => ({ keyspace: 'playback', table, columns: SPECS });
const WRITETIME = { writetime: ['event_item_value', 'value_metadata'] };

const T0 = Date.UTC(2026, 2, 28, 9, 0, 0); // ms
const item = (id: string, tb: number, eb: number, ms: number, eventId: string, key: string, value: string, ts = 10): EngineRow => ({
  pk: [text(id), int32(tb), int32(eb)], ck: [int64(ms), text(eventId), text(key)], cells: { event_item_value: { value: text(value), ts } },
});

const DATA_0328 = [
  item('dev1', 0, 2, T0 + 3_600_500, 'e1', 'k1', 'a', 11), item('dev1', 0, 2, T0 + 3_600_500, 'e1', 'k2', 'b', 12),
  item('dev1', 0, 2, T0, 'e0', 'k1', 'c', 13),
  item('dev2', 7, 0, T0 + 25_200_000, 'e9', 'x', 'd', 14),
];
// The wide partition (dev1, 0, 2) copied into event buckets 32 and 33.
const WIDE_0328 = [
  item('dev1', 0, 32, T0 + 3_600_500, 'e1', 'k1', 'a'), item('dev1', 0, 32, T0, 'e0', 'k1', 'c'),
  item('dev1', 0, 33, T0 + 3_600_500, 'e1', 'k2', 'b'),
];
const DATA_0329 = [item('dev1', 0, 1, T0 + 86_400_000, 'e2', 'k1', 'e', 15)];

function slices(parts: Array<[string, EngineRow[]]>) {
  return parts.map(([table, rows]) => ({ table: model(table), batches: stream(engineBatches(SPECS, rows, { ...WRITETIME, rowsPerBatch: 2 })) }));
}
const opts = (timeSeries: TimeSeriesOptions['timeSeries']): TimeSeriesOptions => ({ referenceTimeSec: 0, writetime: true, timeSeries });

describe('time-series connector', () => {
  it('emits one row per event item with provenance, and split-table copies once', async () => {
    const stats = createTimeSeriesStats();
    const out = await collect(transformSlices(slices([['data_20260328', DATA_0328], ['wide_data_20260328_0', WIDE_0328], ['data_20260329', DATA_0329]]), opts({ stats })));
    const us = (ms: number) => BigInt(ms) * 1000n;
    assert.deepEqual(columnValues(out, 'time_series_id'), ['dev1', 'dev1', 'dev1', 'dev2', 'dev1']);
    assert.deepEqual(columnValues(out, 'event_time'), [us(T0 + 3_600_500), us(T0 + 3_600_500), us(T0), us(T0 + 25_200_000), us(T0 + 86_400_000)]);
    assert.deepEqual(columnValues(out, 'event_id'), ['e1', 'e1', 'e0', 'e9', 'e2']);
    assert.deepEqual(columnValues(out, 'event_item_key'), ['k1', 'k2', 'k1', 'x', 'k1']);
    assert.deepEqual(columnValues(out, 'event_item_value'), ['61', '62', '63', '64', '65']);
    assert.deepEqual(columnValues(out, 'value_metadata'), [null, null, null, null, null]);
    assert.deepEqual(columnValues(out, 'write_time'), [11n, 12n, 13n, 14n, 15n]);
    assert.deepEqual(columnValues(out, 'slice_table'), ['data_20260328', 'data_20260328', 'data_20260328', 'data_20260328', 'data_20260329']);
    assert.deepEqual(columnValues(out, 'time_bucket'), [0n, 0n, 0n, 7n, 0n]);
    assert.deepEqual(columnValues(out, 'event_bucket'), [2n, 2n, 2n, 0n, 1n]);
    assert.deepEqual(stats, { items: 5, duplicatesRemoved: 3, outsideWindow: 0, slices: 3 });
  });

  it('without the safety net the split copies come out again', async () => {
    const out = await collect(transformSlices(slices([['data_20260328', DATA_0328], ['wide_data_20260328_0', WIDE_0328]]), opts({ dedup: false })));
    assert.equal(out.reduce((n, b) => n + b.numRows, 0), 7);
  });

  it('a shared identity set dedups across separate transform calls', async () => {
    const dedup = new EventItemDedup();
    const run = (table: string, rows: EngineRow[]) => collect(connector.transform(stream(engineBatches(SPECS, rows, WRITETIME)), model(table), opts({ dedup })));
    assert.equal((await run('data_20260328', DATA_0328)).reduce((n, b) => n + b.numRows, 0), 4);
    assert.equal((await run('wide_data_20260328_0', WIDE_0328)).length, 0);
    assert.equal(dedup.removed, 3);
  });

  it('drops items outside the window and counts them', async () => {
    const stats = createTimeSeriesStats();
    const window = { startMs: T0 + 1, endMs: T0 + 25_200_000 };
    const out = await collect(transformSlices(slices([['data_20260328', DATA_0328]]), opts({ window, stats })));
    assert.deepEqual(columnValues(out, 'event_id'), ['e1', 'e1']);
    assert.equal(stats.outsideWindow, 2);
  });

  it('writes day(event_time) partitions that bind to the output schema', async () => {
    const out = await collect(transformSlices(slices([['data_20260328', DATA_0328], ['data_20260329', DATA_0329]]), opts({})));
    const schema = connector.outputSchema(model('data_20260328'), opts({}));
    assert.deepEqual(schema.identifierFieldIds, [1, 2, 3, 4]);
    const spec = outputPartitionSpec(schema);
    assert.deepEqual(spec.fields, [{ sourceId: 2, fieldId: 1000, name: 'event_time_day', transform: { kind: 'day' } }]);
    assert.equal(bindToSchema(new Table(out), schema).numRows, 5);
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-ts-'));
    try {
      const writer = new PartitionedDataFileWriter({ io: new LocalFileIO(), schema, spec, dataLocation: pathToFileURL(dir).href, fileName: (i, _p, n) => `ts-${n}-${i}.parquet` });
      for (const b of out) await writer.write(new Table(b));
      const files = await writer.close();
      const days = Math.floor(T0 / 86_400_000);
      assert.deepEqual(files.map((f) => [f.partition, f.recordCount]), [[[days], 4], [[days + 1], 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('time-series column variants', () => {
  it('blob ids, uuid event ids, bigint buckets and a bigint µs event_time', async () => {
    const specs = SPECS.map((c) => ({ ...c, type: ({ time_series_id: 'BytesType', time_bucket: 'LongType', event_time: 'ReversedType(LongType)', event_id: 'UUIDType' } as Record<string, string>)[c.name] ?? c.type }));
    const table: TableModel = { keyspace: 'playback', table: 'data_20260328', columns: specs };
    const uuid = Uint8Array.from(Buffer.from('f79c3e09677c4bbda4793f349cb785e1', 'hex'));
    const rows: EngineRow[] = [{ pk: [Uint8Array.of(0, 1), int64(5_000_000_000), int32(3)], ck: [int64(1_774_688_400_000_123), uuid, text('k')], cells: { value_metadata: { value: Uint8Array.of(9), ts: 4 } } }];
    const out = await collect(connector.transform(stream(engineBatches(specs, rows, WRITETIME)), table, opts({ eventTimeUnit: 'us' })));
    const schema = connector.outputSchema(table, opts({}));
    assert.deepEqual(schema.fields.slice(0, 4).map((f) => f.type), [{ kind: 'binary' }, { kind: 'timestamptz' }, { kind: 'uuid' }, { kind: 'string' }]);
    assert.deepEqual(
      ['time_series_id', 'event_time', 'event_id', 'event_item_value', 'value_metadata', 'write_time', 'time_bucket'].map((n) => columnValues(out, n)[0]),
      ['0001', 1_774_688_400_000_123n, 'f79c3e09677c4bbda4793f349cb785e1', null, '09', 4n, 5_000_000_000n],
    );
    assert.equal(bindToSchema(new Table(out), schema).numRows, 1);
  });
});

describe('sourceTables', () => {
  const names = ['wide_row', 'data_20260329', 'data_20260327', 'wide_data_20260328_1', 'data_20260328', 'wide_data_20260328_0',
    'data_20260230', 'wide_data_20260327_0', 'counter_rollup', 'data_2026033012'];
  const day = (d: number, h = 0) => Date.UTC(2026, 2, d, h);

  it('lists the slices overlapping the window, oldest first, and leaves split tables out', () => {
    const got = sourceTables(names, { startMs: day(28, 12), endMs: day(30) }, { sliceSeconds: 86_400 });
    assert.deepEqual(got.slices, [
      { table: 'data_20260328', startMs: day(28), endMs: day(29) },
      { table: 'data_20260329', startMs: day(29), endMs: day(30, 12) },
    ]);
    assert.deepEqual(got.splitTables, [
      { table: 'wide_data_20260328_0', slice: 'data_20260328', ordinal: 0 },
      { table: 'wide_data_20260328_1', slice: 'data_20260328', ordinal: 1 },
    ]);
    assert.deepEqual(Object.fromEntries(got.ignored.map((i) => [i.table, i.reason])), {
      wide_row: 'wide-partition split metadata',
      data_20260230: 'slice suffix is not a valid UTC date',
      counter_rollup: 'not a time-slice table',
      data_20260327: 'slice outside the window',
      data_2026033012: 'slice outside the window',
      wide_data_20260327_0: 'split table of a slice outside the window',
    });
  });

  it('treats the newest slice as open-ended without a slice width', () => {
    const got = sourceTables(['data_20260328', 'data_20260329'], { startMs: day(31), endMs: day(32) });
    assert.deepEqual(got.slices, [{ table: 'data_20260329', startMs: day(29), endMs: null }]);
  });
});

describe('EventItemDedup', () => {
  it('is exact over many keys and through growth', () => {
    const d = new EventItemDedup();
    const key = (i: number) => text(`series-${i % 97}|${i}`);
    for (let i = 0; i < 5000; i++) { const k = key(i); assert.equal(d.add(k, k.length), true); }
    for (let i = 0; i < 5000; i += 7) { const k = key(i); assert.equal(d.add(k, k.length), false); }
    const prefix = key(12);
    assert.equal(d.add(prefix, prefix.length - 1), true); // a prefix of a known key is a different key
    assert.deepEqual([d.size, d.removed], [5001, Math.ceil(5000 / 7)]);
  });
});
