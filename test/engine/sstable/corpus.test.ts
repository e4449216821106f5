// All 65 legacy tables of apache/cassandra's test/data/legacy-sstables (shared/corpus, README there): the rows of
// `sstable dump --format json` with the table's CREATE TABLE as schema, compared with the facts in
// cassandra-legacy-expected.json; plus header, compression, flags and timestamps straight from the scanner.
// The special fixtures (negative ldts, duplicates, pre-3.0 names) decode or fail with typed errors only.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dumpJsonRows, openLocalSSTable, resolveDataFiles } from '../../../cli/sstable.ts';
import { CorruptInputError, UnsupportedFormatError } from '../../../engine/errors.ts';
import { readRecordBatches } from '../../../engine/sstable/columns/record-batch.ts';
import { forEachCqlRow } from '../../../engine/sstable/cql-rows.ts';
import { PARTITION_END, ROW, STATIC_ROW } from '../../../engine/sstable/partition-scanner.ts';
import { parseSchema } from '../../../engine/sstable/schema.ts';
import { createTableModel } from '../../../engine/sstable/table-model.ts';
import { typeToString } from '../../../engine/sstable/type-parser.ts';

const CORPUS = '/work/shared/corpus';
const LEGACY = `${CORPUS}/cassandra-legacy-sstables`;
interface Expected {
  path: string; table: string; version: string; partitioner: string;
  compression: { compressor: string; chunkLength: number; maxCompressedLength: number | null; uncompressedLength: number; chunks: number };
  header: { keyType: string; clusteringTypes: string[]; staticColumns: Record<string, string>; regularColumns: Record<string, string>; minTimestamp: number };
  partitionKeys: string[]; rowCount: number; staticRowCount: number; rowFlags: string[]; staticRowFlags: string[]; cellFlags: string[];
  cellTimestampMin: number; cellTimestampMax: number; val?: string; counterValue?: number;
  row?: { k: number; c: number[]; v: number };
}
const expected = JSON.parse(readFileSync(`${CORPUS}/cassandra-legacy-expected.json`, 'utf8')) as {
  tables: Expected[]; longString: string; clusteringOrder: { prefixes: string[] };
};

/** The CREATE TABLE of each legacy family (LegacySSTableTest.createTables). */
function createTable(t: Expected): string {
  const name = `legacy_tables.${t.table}`;
  if (t.table.endsWith('inaccurate_min_max')) return `CREATE TABLE ${name} (k int, c1 int, c2 int, c3 int, v int, PRIMARY KEY (k, c1, c2, c3));`;
  const family = t.table.replace(/^legacy_[a-z]{2}_/, '').replace(/_compact$/, '');
  const valType = family.endsWith('counter') ? 'counter' : 'text';
  const compact = t.table.endsWith('_compact') ? ' WITH COMPACT STORAGE' : '';
  return family.startsWith('clust')
    ? `CREATE TABLE ${name} (pk text, ck text, val ${valType}, PRIMARY KEY (pk, ck))${compact};`
    : `CREATE TABLE ${name} (pk text PRIMARY KEY, val ${valType})${compact};`;
}

function expectedRows(t: Expected): unknown[] {
  if (t.row) return [{ k: t.row.k, c1: t.row.c[0], c2: t.row.c[1], c3: t.row.c[2], v: t.row.v }];
  const val = t.counterValue ?? t.val;
  const rows: unknown[] = [];
  for (const pk of t.partitionKeys) {
    if (!t.table.includes('_clust')) rows.push({ pk, val });
    else for (const p of expected.clusteringOrder.prefixes) rows.push({ pk, ck: p + LONG_STRING, val });
  }
  return rows;
}

/** L of the generator: "0123456789" repeated 120 times (the JSON describes it rather than spelling it out). */
const LONG_STRING = '0123456789'.repeat(120);
assert.match(expected.longString, /1200 chars/);

const hex = (n: number) => `0x${n.toString(16).padStart(2, '0')}`;

test('every legacy table decodes to its expected rows, header and flags', async () => {
  assert.equal(expected.tables.length, 65);
  let passed = 0;
  for (const t of expected.tables) {
    const [dataPath] = await resolveDataFiles([join(LEGACY, t.path)]);
    const rows: unknown[] = [];
    await dumpJsonRows(dataPath!, parseSchema(createTable(t)), (line) => rows.push(JSON.parse(line)));
    assert.deepEqual(rows, expectedRows(t), t.path);

    const s = await openLocalSSTable(dataPath!);
    assert.equal(s.partitioner.split('.').pop(), t.partitioner, t.path);
    assert.equal(typeToString(s.header.keyType), t.header.keyType, t.path);
    assert.deepEqual(s.header.clusteringTypes.map(typeToString), t.header.clusteringTypes, t.path);
    assert.deepEqual(Object.fromEntries(s.header.staticColumns.map((c) => [c.name, typeToString(c.type)])), t.header.staticColumns);
    assert.deepEqual(Object.fromEntries(s.header.regularColumns.map((c) => [c.name, typeToString(c.type)])), t.header.regularColumns);
    assert.equal(Number(s.header.minTimestampMicros), t.header.minTimestamp, t.path);
    assert.equal(s.compression?.compressorClass, t.compression.compressor);
    assert.equal(s.compression?.chunkLength, t.compression.chunkLength);
    assert.equal(s.compression?.uncompressedLength, t.compression.uncompressedLength);
    assert.equal(s.compression?.chunkOffsets.length, t.compression.chunks);
    assert.equal(s.compression?.maxCompressedLength, t.compression.maxCompressedLength ?? 0x7fffffff);

    const scanner = s.scanner({ windowBytes: 4096 }); // small window: rows straddle refills and chunks
    const keys: string[] = [], rowFlags = new Set<string>(), staticFlags = new Set<string>(), cellFlags = new Set<string>();
    let rowCount = 0, staticCount = 0, minTs = Infinity, maxTs = -Infinity;
    while (await scanner.nextPartition()) {
      keys.push(t.row ? Buffer.from(scanner.partitionKey).toString('hex') : Buffer.from(scanner.partitionKey).toString('utf8'));
      for (let ev = await scanner.nextUnfiltered(); ev !== PARTITION_END; ev = await scanner.nextUnfiltered()) {
        const u = scanner.unfiltered;
        if (ev === ROW) { rowCount++; rowFlags.add(hex(u.flags)); }
        if (ev === STATIC_ROW) { staticCount++; staticFlags.add(hex(u.flags)); }
        for (let i = 0; i < u.cellCount; i++) {
          cellFlags.add(hex(u.cellFlags[i]!));
          minTs = Math.min(minTs, u.cellTimestamp[i]!);
          maxTs = Math.max(maxTs, u.cellTimestamp[i]!);
        }
      }
    }
    assert.deepEqual(keys, t.partitionKeys, t.path);
    // Skipping partitions by row sizes (no cell decoding) finds the same partitions.
    const skipping = s.scanner({ windowBytes: 1024 });
    const skippedKeys: string[] = [];
    while (await skipping.nextPartition()) {
      skippedKeys.push(t.row ? Buffer.from(skipping.partitionKey).toString('hex') : Buffer.from(skipping.partitionKey).toString('utf8'));
      if (skippedKeys.length % 2 === 0) await skipping.nextUnfiltered();
      await skipping.skipPartition();
    }
    assert.deepEqual(skippedKeys, t.partitionKeys, t.path);
    assert.equal(rowCount, t.rowCount, t.path);
    assert.equal(staticCount, t.staticRowCount, t.path);
    assert.deepEqual([...rowFlags], t.rowFlags, t.path);
    assert.deepEqual([...staticFlags], t.staticRowFlags, t.path);
    assert.deepEqual([...cellFlags], t.cellFlags, t.path);
    assert.equal(minTs, t.cellTimestampMin, t.path);
    assert.equal(maxTs, t.cellTimestampMax, t.path);
    passed++;
  }
  assert.equal(passed, 65);
});

test('every legacy table reads into Arrow record batches with the same rows', async () => {
  for (const t of expected.tables) {
    const [dataPath] = await resolveDataFiles([join(LEGACY, t.path)]);
    const s = await openLocalSSTable(dataPath!);
    const model = createTableModel(s.header, parseSchema(createTable(t)), t.table);
    const batches = await readRecordBatches(s.scanner(), model, { batchRows: 64 });
    const rows = batches.flatMap((b) => b.toArray().map((r) => Object.fromEntries(
      Object.entries(r!.toJSON()).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))));
    assert.deepEqual(rows, expectedRows(t), t.path);
    assert.equal(String(batches[0]!.schema.fields[0]!.type), t.row ? 'Int32' : 'Utf8');
  }
});

test('without a schema, names come from the header (compact defaults)', async () => {
  const [dataPath] = await resolveDataFiles([`${LEGACY}/ma/legacy_tables/legacy_ma_clust_compact`]);
  const first: string[] = [];
  await dumpJsonRows(dataPath!, undefined, (line) => { if (first.length === 0) first.push(line); });
  assert.deepEqual(Object.keys(JSON.parse(first[0]!)), ['key', 'column1', 'val']);
});

test('a schema that disagrees with the header is explained', async () => {
  const [dataPath] = await resolveDataFiles([`${LEGACY}/oa/legacy_tables/legacy_oa_simple`]);
  const s = await openLocalSSTable(dataPath!);
  const model = createTableModel(s.header, parseSchema('CREATE TABLE t (pk int PRIMARY KEY, val text, extra int);'));
  assert.deepEqual(model.mismatches, ['partition key pk: schema type int, header text (UTF8Type)']);
});

const SPECIAL = `${CORPUS}/cassandra-special-sstables`;
function dataFilesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: false }).map(String).filter((p) => p.endsWith('Data.db')).map((p) => join(dir, p));
}

test('special sstables decode or fail with typed errors only', async () => {
  const outcomes: Record<string, string> = {};
  for (const dataPath of dataFilesUnder(SPECIAL).sort()) {
    try {
      const s = await openLocalSSTable(dataPath);
      const rows = await forEachCqlRow(s.scanner(), createTableModel(s.header), () => {}, { nowSec: 1700000000 });
      outcomes[dataPath.slice(SPECIAL.length + 1)] = `${rows} rows`;
    } catch (err) {
      assert.ok(err instanceof CorruptInputError || err instanceof UnsupportedFormatError, `${dataPath}: ${String(err)}`);
      outcomes[dataPath.slice(SPECIAL.length + 1)] = (err as Error).name;
    }
  }
  assert.equal(outcomes['bloom-filter/ka/foo/foo-atable-ka-1-Data.db'], 'UnsupportedFormatError');
  assert.equal(outcomes['bloom-filter/la/foo/la-1-big-Data.db'], 'UnsupportedFormatError');
  assert.equal(outcomes['invalid-legacy-sstables/Keyspace1/Standard1/Keyspace1-Standard1-ic-0-Data.db'], 'UnsupportedFormatError');
  // 2 partitions each, k=1 and k=2; the 20-year TTLs overflowed to 2038-01-28, so they are live in 2023.
  for (const n of [1, 2, 3, 4]) assert.equal(outcomes[`negative-local-expiration-test/table${n}/mc-1-big-Data.db`], '2 rows');
  // Duplicate clustering b=2 in partition a=1: one deleted, one live row (merging duplicates is the compaction's job).
  assert.equal(outcomes['invalid-legacy-sstables/Keyspace1/cf_with_duplicates_3_0/mb-3-big-Data.db'], '1 rows');
});
