// The Key-Value connector on engine-shaped batches: one row per live item in clustering order, expired items
// skipped, chunked values assembled from an in-memory chunk table (orphans ignored, missing chunks and bad lengths
// reported by id/key/version/chunk_no), DESC order kept and checked, the record layout, and Iceberg output.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { Table } from 'apache-arrow';
import type { RecordBatch } from 'apache-arrow';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import { bindToSchema } from '../../engine/iceberg/parquet/arrow-schema.ts';
import { DataFileWriter } from '../../engine/iceberg/parquet/data-file-writer.ts';
import { UNPARTITIONED_SPEC } from '../../engine/iceberg/spec/partition-spec.ts';
import {
  chunkSourceFromBatches, chunkTableModel, connector, createKeyValueStats, encodeValueMetadata,
} from '../../connectors/key-value.ts';
import type { KeyValueOptions } from '../../connectors/key-value.ts';
import { crc32 } from '../../connectors/key-value/value-metadata.ts';
import type { TableModel } from '../../connectors/registry.ts';
import { collect, columnValues, engineBatches, hex, int32, plainRows, stream, text } from './engine-batches.ts';
import type { EngineRow } from './engine-batches.ts';

const specs = (order: 'ASC' | 'DESC') => [
  { name: 'id', type: 'UTF8Type', kind: 'partition_key' as const },
  { name: 'key', type: order === 'DESC' ? 'ReversedType(BytesType)' : 'BytesType', kind: 'clustering' as const },
  { name: 'value', type: 'BytesType', kind: 'regular' as const },
  { name: 'value_metadata', type: 'BytesType', kind: 'regular' as const },
];
const model = (order: 'ASC' | 'DESC'): TableModel => ({ keyspace: 'kv', table: 'items', columns: specs(order) });
const WRITETIME = { writetime: ['value', 'value_metadata'] };

const BIG = Uint8Array.from({ length: 10 }, (_, i) => 0x30 + i); // "0123456789" in 3 chunks
const V1 = hex('0001');
const item = (id: string, key: string, value: Uint8Array | null, metadata: Uint8Array | null, ts = 100): EngineRow => ({
  pk: [text(id)], ck: [hex(key)], cells: {
    ...(value ? { value: { value, ts } } : {}), ...(metadata ? { value_metadata: { value: metadata, ts: ts + 1 } } : {}),
  },
});

const ROWS: EngineRow[] = [
  item('a', '01', text('one'), null),
  item('a', '02', text('two'), encodeValueMetadata({ codec: 'none', crc32: crc32(text('two')) })),
  item('a', '03', text('gone'), encodeValueMetadata({ expired: true })),
  item('b', '00', null, encodeValueMetadata({ chunks: 3, length: 10, version: V1, crc32: crc32(BIG) }), 500),
  item('b', '05', new Uint8Array(0), null, 7),
];

const CHUNK_SPECS = [
  { name: 'id', type: 'UTF8Type', kind: 'partition_key' as const },
  { name: 'key', type: 'BytesType', kind: 'partition_key' as const },
  { name: 'version', type: 'BytesType', kind: 'partition_key' as const },
  { name: 'chunk_no', type: 'Int32Type', kind: 'clustering' as const },
  { name: 'chunk_value', type: 'BytesType', kind: 'regular' as const },
];
const chunk = (id: string, key: string, version: Uint8Array, no: number, value: Uint8Array): EngineRow => ({
  pk: [text(id), hex(key), version], ck: [int32(no)], cells: { chunk_value: { value, ts: 1 } },
});
const GOOD_CHUNKS = [
  chunk('b', '00', V1, 2, BIG.subarray(8)), // out of order
  chunk('b', '00', hex('0002'), 0, text('stale')), // orphan: superseded version
  chunk('b', '00', V1, 0, BIG.subarray(0, 4)),
  chunk('b', '00', V1, 3, text('extra')), // orphan: beyond the count
  chunk('b', '00', V1, 1, BIG.subarray(4, 8)),
];

function run(rows: EngineRow[], settings: KeyValueOptions['keyValue'], order: 'ASC' | 'DESC' = 'ASC', rowsPerBatch = 2): Promise<RecordBatch[]> {
  const options: KeyValueOptions = { referenceTimeSec: 0, writetime: true, keyValue: settings };
  return collect(connector.transform(stream(engineBatches(specs(order), rows, { ...WRITETIME, rowsPerBatch })), model(order), options));
}
const chunks = (rows: EngineRow[]) => chunkSourceFromBatches(engineBatches(CHUNK_SPECS, rows, { rowsPerBatch: 2 }));

describe('key-value connector', () => {
  it('accepts the KV model and its chunk table is a plain table', () => {
    assert.deepEqual(connector.accepts(model('DESC')), { ok: true });
    assert.equal(connector.accepts(chunkTableModel('kv', 'items_chunks')).ok, false);
  });

  it('emits one row per live item with assembled chunks, skipping expired items and orphan chunks', async () => {
    const stats = createKeyValueStats();
    const out = await run(ROWS, { chunks: chunks(GOOD_CHUNKS), stats });
    assert.deepEqual(plainRows(out).map((r) => ({ ...r, write_time: undefined })), [
      { id: 'a', key: '01', value: '6f6e65', value_metadata: null, write_time: undefined },
      { id: 'a', key: '02', value: '74776f', value_metadata: Buffer.from(ROWS[1]!.cells.value_metadata!.value).toString('hex'), write_time: undefined },
      { id: 'b', key: '00', value: Buffer.from(BIG).toString('hex'), value_metadata: Buffer.from(ROWS[3]!.cells.value_metadata!.value).toString('hex'), write_time: undefined },
      { id: 'b', key: '05', value: '', value_metadata: null, write_time: undefined },
    ]);
    assert.deepEqual(columnValues(out, 'write_time'), [100n, 101n, 501n, 7n]);
    assert.deepEqual(stats, { chunkedItems: 1, chunksRead: 3, orphanChunks: 2, items: 4, expiredItems: 1, records: 0 });
  });

  it('names id, key, version and chunk_no of a missing chunk', async () => {
    await assert.rejects(run(ROWS, { chunks: chunks(GOOD_CHUNKS.filter((_, i) => i !== 4)) }),
      /key-value chunks: id="b" key=0x00 version=0x0001 chunk_no=1: missing chunk \(3 expected\)/);
  });

  it('checks the total length and the crc32 of assembled values', async () => {
    const short = GOOD_CHUNKS.map((c, i) => (i === 0 ? chunk('b', '00', V1, 2, BIG.subarray(8, 9)) : c));
    await assert.rejects(run(ROWS, { chunks: chunks(short) }), /version=0x0001: chunks hold 9 bytes, value_metadata says 10/);
    const flipped = GOOD_CHUNKS.map((c, i) => (i === 0 ? chunk('b', '00', V1, 2, text('99')) : c));
    await assert.rejects(run(ROWS, { chunks: chunks(flipped) }), /crc32 0x[0-9a-f]+ does not match/);
  });

  it('refuses chunked items without a chunk source, and inline values failing their crc32', async () => {
    await assert.rejects(run(ROWS, {}), /1 chunked item\(s\) \(first id="b"\) but no chunk source/);
    const bad = [item('a', '01', text('one'), encodeValueMetadata({ crc32: 1 }))];
    await assert.rejects(run(bad, {}), /id="a" key=0x01: value crc32 does not match/);
  });

  it('keeps DESC clustering order and rejects input out of the declared order', async () => {
    const desc = [item('a', 'ff', text('x'), null), item('a', '10', text('y'), null), item('a', '0f01', text('z'), null), item('b', '01', text('w'), null)];
    const out = await run(desc, {}, 'DESC', 1);
    assert.deepEqual(columnValues(out, 'key'), ['ff', '10', '0f01', '01']);
    await assert.rejects(run(desc, {}, 'ASC'), /id="a": keys out of ASC clustering order/);
    await assert.rejects(run(desc, { clusteringOrder: 'ASC' }, 'DESC'), /keys out of ASC clustering order/);
  });

  it('record layout: one row per id, items in order, records whole across input batches', async () => {
    const stats = createKeyValueStats();
    const out = await run(ROWS, { layout: 'record', chunks: chunks(GOOD_CHUNKS), stats }, 'ASC', 1);
    assert.deepEqual(columnValues(out, 'id'), ['a', 'b']);
    const items = columnValues(out, 'items') as Array<Array<Record<string, unknown>>>;
    assert.deepEqual(items.map((list) => list.map((i) => [i.key, i.value])), [
      [['01', '6f6e65'], ['02', '74776f']], [['00', Buffer.from(BIG).toString('hex')], ['05', '']],
    ]);
    assert.equal(stats.records, 2);
    const recordOptions: KeyValueOptions = { referenceTimeSec: 0, writetime: true, keyValue: { layout: 'record' } };
    const schema = connector.outputSchema(model('ASC'), recordOptions);
    assert.equal(bindToSchema(new Table(out), schema).numRows, 2);
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-kv-record-'));
    try {
      const writer = new DataFileWriter({ io: new LocalFileIO(), schema, spec: UNPARTITIONED_SPEC, dataLocation: pathToFileURL(dir).href, fileName: (i) => `kv-${i}.parquet` });
      await writer.write(new Table(out));
      const [file] = await writer.close();
      assert.deepEqual([file!.recordCount, file!.valueCounts.get(4)], [2, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('output binds to the output schema and is written by DataFileWriter', async () => {
    const out = await run(ROWS, { chunks: chunks(GOOD_CHUNKS) });
    const schema = connector.outputSchema(model('ASC'), { referenceTimeSec: 0, writetime: true });
    assert.deepEqual(schema.fields.map((f) => f.name), ['id', 'key', 'value', 'value_metadata', 'write_time']);
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-kv-'));
    try {
      const writer = new DataFileWriter({ io: new LocalFileIO(), schema, spec: UNPARTITIONED_SPEC, dataLocation: pathToFileURL(dir).href, fileName: (i) => `kv-${i}.parquet` });
      await writer.write(new Table(out));
      const [file] = await writer.close();
      assert.equal(file!.recordCount, 4);
      assert.equal(file!.nullValueCounts.get(4), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
