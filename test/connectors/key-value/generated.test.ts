// Seeded generated Key-Value tables: items inline, expired or chunked (random chunk sizes, superseded versions and
// stray chunk numbers as orphans), keys in ASC or DESC order, cut into random batch sizes. The output must be exactly
// the live items with their full values, in input order, in both layouts.

import assert from 'node:assert/strict';
import { it } from 'node:test';
import { chunkSourceFromBatches, connector, createKeyValueStats, encodeValueMetadata } from '../../../connectors/key-value.ts';
import type { KeyValueOptions } from '../../../connectors/key-value.ts';
import { crc32 } from '../../../connectors/key-value/value-metadata.ts';
import { collect, columnValues, engineBatches, int32, stream, text, toHex } from '../engine-batches.ts';
import type { EngineRow } from '../engine-batches.ts';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0; return s / 4294967296; };
}

const CHUNK_SPECS = ['id:UTF8Type:partition_key', 'key:BytesType:partition_key', 'version:BytesType:partition_key', 'chunk_no:Int32Type:clustering', 'chunk_value:BytesType:regular']
  .map((s) => { const [name, type, kind] = s.split(':'); return { name: name!, type: type!, kind: kind as 'regular' }; });

function generate(seed: number, descending: boolean) {
  const rnd = prng(seed);
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rnd() * 256));
  const rows: EngineRow[] = [], chunks: EngineRow[] = [], expected: Array<{ id: string; key: string; value: string }> = [];
  let expired = 0, orphans = 0;
  for (let r = 0; r < 30; r++) {
    const id = `rec-${seed}-${r}`;
    const keys = [...new Set(Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => toHex(bytes(1 + Math.floor(rnd() * 3)))!))].sort();
    if (descending) keys.reverse();
    for (const key of keys) {
      const kind = rnd(), value = bytes(Math.floor(rnd() * 40)), ts = 1 + Math.floor(rnd() * 1e6);
      const k = Uint8Array.from(Buffer.from(key, 'hex'));
      if (kind < 0.15) { expired++; rows.push({ pk: [text(id)], ck: [k], cells: { value: { value, ts }, value_metadata: { value: encodeValueMetadata({ expired: true }), ts } } }); continue; }
      if (kind < 0.5) {
        const version = bytes(8), count = 1 + Math.floor(rnd() * 4);
        const cuts = [0, ...Array.from({ length: count - 1 }, () => Math.floor(rnd() * (value.length + 1))).sort((a, b) => a - b), value.length];
        for (let c = 0; c < count; c++) chunks.push({ pk: [text(id), k, version], ck: [int32(c)], cells: { chunk_value: { value: value.slice(cuts[c], cuts[c + 1]), ts: 1 } } });
        if (rnd() < 0.5) { orphans++; chunks.push({ pk: [text(id), k, bytes(8)], ck: [int32(0)], cells: { chunk_value: { value: bytes(3), ts: 1 } } }); }
        if (rnd() < 0.3) { orphans++; chunks.push({ pk: [text(id), k, version], ck: [int32(count)], cells: { chunk_value: { value: bytes(2), ts: 1 } } }); }
        const metadata = encodeValueMetadata({ chunks: count, length: value.length, version, crc32: rnd() < 0.5 ? crc32(value) : undefined });
        rows.push({ pk: [text(id)], ck: [k], cells: { value_metadata: { value: metadata, ts } } });
      } else {
        rows.push({ pk: [text(id)], ck: [k], cells: { value: { value, ts } } });
      }
      expected.push({ id, key, value: toHex(value)! });
    }
  }
  for (let i = chunks.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [chunks[i], chunks[j]] = [chunks[j]!, chunks[i]!]; }
  return { rows, chunks, expected, expired, orphans, batchRows: 1 + Math.floor(rnd() * 20) };
}

for (const seed of [1, 2, 3, 4]) {
  const descending = seed % 2 === 0;
  it(`seed ${seed} (${descending ? 'DESC' : 'ASC'}): exactly the live items, assembled, in order`, async () => {
    const g = generate(seed, descending);
    const specs = [
      { name: 'id', type: 'UTF8Type', kind: 'partition_key' as const },
      { name: 'key', type: descending ? 'ReversedType(BytesType)' : 'BytesType', kind: 'clustering' as const },
      { name: 'value', type: 'BytesType', kind: 'regular' as const },
      { name: 'value_metadata', type: 'BytesType', kind: 'regular' as const },
    ];
    const table = { keyspace: 'kv', table: 'gen', columns: specs };
    const chunks = chunkSourceFromBatches(engineBatches(CHUNK_SPECS, g.chunks, { rowsPerBatch: 7 }));
    const run = async (layout: 'item' | 'record') => {
      const stats = createKeyValueStats();
      const options: KeyValueOptions = { referenceTimeSec: 0, writetime: false, keyValue: { layout, chunks, stats, maxBatchBytes: 512 } };
      const out = await collect(connector.transform(stream(engineBatches(specs, g.rows, { rowsPerBatch: g.batchRows })), table, options));
      return { out, stats };
    };
    const items = await run('item');
    const got = columnValues(items.out, 'id').map((id, i) => ({ id, key: columnValues(items.out, 'key')[i], value: columnValues(items.out, 'value')[i] }));
    assert.deepEqual(got, g.expected);
    assert.deepEqual([items.stats.expiredItems, items.stats.orphanChunks], [g.expired, g.orphans]);
    const records = await run('record');
    assert.ok(records.out.length > 1, 'record layout cut into several batches');
    const flat = (columnValues(records.out, 'items') as Array<Array<{ key: string; value: string }>>).flatMap((list, r) =>
      list.map((item) => ({ id: columnValues(records.out, 'id')[r], key: item.key, value: item.value })));
    assert.deepEqual(flat, g.expected);
  });
}
