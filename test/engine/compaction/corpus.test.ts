// End to end over real SSTables: every table of Cassandra's legacy-sstables corpus (ma … da, big and bti formats,
// compact and counter variants) through the scanner, the merge and the batch writer, against the golden file
// shared/corpus/cassandra-legacy-expected.json (see shared/reference/cassandra-sstable.md §1.5–1.6).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { RecordBatch } from 'apache-arrow';
import { selectAll } from '../../../engine/compaction/select.ts';
import { createSSTableSources } from '../../../engine/compaction/sstable-source.ts';
import { createTableLayout } from '../../../engine/compaction/table-layout.ts';
import type { ColumnSpec } from '../../../engine/compaction/table-layout.ts';
import { openSSTable } from '../../../engine/sstable/sstable-reader.ts';
import type { SSTable } from '../../../engine/sstable/sstable-reader.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';

const CORPUS = '/work/shared/corpus/cassandra-legacy-sstables';
const expected = JSON.parse(readFileSync('/work/shared/corpus/cassandra-legacy-expected.json', 'utf8')) as {
  longString: string;
  clusteringOrder: { prefixes: string[] };
  tables: {
    path: string; table: string; format: string; partitionKeys: string[]; rowCount: number; staticRowCount: number;
    val?: string; counterValue?: number; cellTimestampsByPartition?: number[]; cellTimestampMin: number; cellTimestampMax: number;
    row?: { k: number; c: number[]; v: number; ts: number };
  }[];
};
const LONG = '0123456789'.repeat(10).repeat(12);
const store = new LocalObjectStore(CORPUS);

/** The CQL view of a legacy table from its header: pk, ck… and the columns (static compact tables: statics only). */
function specsOf(t: SSTable): ColumnSpec[] {
  const h = t.header;
  const specs: ColumnSpec[] = [{ name: 'pk', type: h.keyType.text, kind: 'partition_key' }];
  if (h.regularColumns.length > 0) h.clusteringTypes.forEach((c, i) => specs.push({ name: `ck${i}`, type: c.text, kind: 'clustering' }));
  for (const c of h.staticColumns) specs.push({ name: c.name, type: c.type.text, kind: 'static' });
  for (const c of h.regularColumns) specs.push({ name: c.name, type: c.type.text, kind: 'regular' });
  return specs;
}

async function readTable(path: string) {
  const key = (await (async () => { for await (const o of store.list(`${path}/`)) if (o.key.endsWith('-Data.db')) return o.key; return ''; })());
  const sstable = await openSSTable(store, key);
  const layout = createTableLayout(specsOf(sstable));
  const { sources, partitioner } = createSSTableSources([sstable], layout);
  const valueColumn = layout.columns.find((c) => c.kind === 'regular' || c.kind === 'static')!.name;
  const batches: RecordBatch[] = [];
  for await (const b of selectAll(sources, layout, { nowSec: Math.floor(Date.now() / 1000), partitioner, writetime: [valueColumn], maxBatchBytes: 1 << 16 })) batches.push(b);
  const rows = batches.flatMap((b) => b.toArray().map((r) => r.toJSON() as Record<string, unknown>));
  return { rows, valueColumn, layout };
}

test('expected file covers the whole corpus', () => {
  assert.equal(expected.tables.length, 65);
  assert.match(expected.longString, /1200 chars/);
  assert.equal(LONG.length, 1200);
});

for (const t of expected.tables) {
  test(`corpus ${t.path}`, async () => {
    const { rows, valueColumn } = await readTable(t.path);
    if (t.row) {
      assert.deepEqual(rows.map((r) => [r.pk, r.ck0, r.ck1, r.ck2, r.v, Number(r[`writetime(${valueColumn})`])]),
        [[t.row.k, ...t.row.c, t.row.v, t.row.ts]], 'the row outside the range tombstone, nothing else');
      return;
    }
    const perPartition = t.rowCount > 0 ? t.rowCount / t.partitionKeys.length : 1;
    assert.equal(rows.length, t.partitionKeys.length * perPartition);
    assert.deepEqual([...new Set(rows.map((r) => r.pk))], t.partitionKeys, 'partitions in token (key byte) order');
    const counter = t.counterValue !== undefined;
    for (const [i, r] of rows.entries()) {
      assert.equal(r.val, counter ? BigInt(t.counterValue!) : (t.val ?? 'foo bar baz'), `row ${i} value`);
      const wt = Number(r[`writetime(${valueColumn})`]);
      assert.ok(wt >= t.cellTimestampMin && wt <= t.cellTimestampMax, `row ${i} writetime ${wt}`);
      if (perPartition === 1 && t.cellTimestampsByPartition) assert.equal(wt, t.cellTimestampsByPartition[i]);
    }
    if (perPartition > 1) {
      const order = expected.clusteringOrder.prefixes.map((p) => p + LONG);
      for (let p = 0; p < t.partitionKeys.length; p++) {
        assert.deepEqual(rows.slice(p * perPartition, (p + 1) * perPartition).map((r) => r.ck0), order, `clustering order in partition ${p}`);
      }
    }
  });
}

test('a column missing from the table (dropped) is ignored: rows with a row marker stay, rows with only its cells vanish', async () => {
  const count = async (path: string) => {
    const key = `${path}/${path.split('/')[0]}-1-big-Data.db`;
    const sstable = await openSSTable(store, key);
    const layout = createTableLayout(specsOf(sstable).filter((s) => s.name !== 'val'));
    const { sources, partitioner } = createSSTableSources([sstable], layout);
    let rows = 0;
    for await (const b of selectAll(sources, layout, { nowSec: 0, partitioner })) rows += b.numRows;
    return rows;
  };
  assert.equal(await count('oa/legacy_tables/legacy_oa_clust'), 250, 'INSERTed rows carry primary-key liveness');
  assert.equal(await count('oa/legacy_tables/legacy_oa_clust_counter'), 0, 'counter rows live only through their cells');
});

test('a column whose kind differs between the sstable and the table is rejected', async () => {
  const sstable = await openSSTable(store, 'oa/legacy_tables/legacy_oa_simple/oa-1-big-Data.db');
  const layout = createTableLayout([
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' }, { name: 'ck', type: 'UTF8Type', kind: 'clustering' },
    { name: 'val', type: 'UTF8Type', kind: 'static' },
  ]);
  assert.throws(() => createSSTableSources([sstable], layout), /sstable has 0 clustering columns, the table 1/);
  const layout2 = createTableLayout([{ name: 'pk', type: 'UTF8Type', kind: 'partition_key' }, { name: 'val', type: 'UTF8Type', kind: 'static' }]);
  assert.throws(() => createSSTableSources([sstable], layout2), /column val is regular in the sstable but static in the table/);
});

test('sources limited to Data.db byte ranges read only the partitions inside them', async () => {
  const sstable = await openSSTable(store, 'da/legacy_tables/legacy_da_clust/da-1-bti-Data.db');
  const positions: number[] = [];
  const scanner = sstable.scanner();
  while (await scanner.nextPartition()) positions.push(scanner.partitionPosition);
  assert.equal(positions.length, 5);
  const layout = createTableLayout(specsOf(sstable));
  const end = sstable.data.uncompressedLength;
  const { sources, partitioner } = createSSTableSources([sstable], layout, [[{ start: positions[1]!, end: positions[3]! }, { start: positions[4]!, end }]]);
  assert.equal(sources.length, 2);
  const keys: unknown[] = [];
  for await (const b of selectAll(sources, layout, { nowSec: 0, partitioner })) for (const r of b.toArray()) keys.push(r.pk);
  assert.deepEqual([...new Set(keys)], ['1', '2', '4']);
  assert.equal(keys.length, 150);
});
