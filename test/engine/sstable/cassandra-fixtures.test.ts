// The sstables real Cassandra 5.0 wrote in test/fixtures/sstables (scripts/fixtures/generate.sh, README there), read
// by cassberg without Cassandra, against what Cassandra itself said about them at generation time:
//
// 1. `sstable dump --raw` (forEachRawPartition) against sstabledump.json (SSTableExport), partition by partition.
//    Normalized, because they differ by construction and not in content:
//    - "table kind" is dropped: SSTableExport prints the table's metadata kind with every partition; it is not
//      sstable content and cassberg does not print it.
//    - partition.position and static_block.position are dropped: SSTableExport prints its scanner's position after
//      reading the partition header and static row, cassberg where they start. Row and marker positions are exact.
//    - partition key components and cell paths: SSTableExport prints AbstractType.getString (always a string),
//      cassberg JSON values; cassberg's numbers and booleans are compared as their text.
//    - tstamp / marked_deleted / local_delete_time / expires_at: SSTableExport prints java.time.Instant.toString
//      (trailing zero groups of the fraction dropped), cassberg always six fraction digits; both become epoch micros.
//    - "expired" (in liveness_info and on cells) is dropped: SSTableExport judges expiry at the time it ran;
//      cassberg's raw stream does not judge expiry (the select.json comparison below checks expiry).
//    - counter cell values are dropped: SSTableExport prints the first 8 bytes of the counter context (its header,
//      e.g. 422214067983861 = 0x0001_8000_5f8a_95f5) rather than the count; select.json checks the counts.
// 2. `sstable dump --format json` (dumpJsonRows) against select.json (`SELECT JSON *` lines), compared as exact
//    strings, for every table written as a single sstable (then the one sstable is all the data SELECT merged),
//    with TTL expiry judged at the second the SELECT ran (fixture.json selectedAtSec). A column schema.cql declares
//    but no cell ever set (empty_values_* `bo`) is absent from the sstable header and still printed as null.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dumpJsonRows, openLocalSSTable, openMergeInput, tableNameOf } from '../../../cli/sstable.ts';
import { readRecordBatches } from '../../../engine/sstable/columns/record-batch.ts';
import { forEachRawPartition } from '../../../engine/sstable/raw-json.ts';
import { parseSchema } from '../../../engine/sstable/schema.ts';
import type { SchemaFile } from '../../../engine/sstable/schema.ts';
import { createTableModel, fixFrozenHeaderTypes } from '../../../engine/sstable/table-model.ts';
import { REPO_ROOT } from '../../../dev/config.ts';
import { FIXTURE_TABLES } from '../../../scripts/fixtures/tables.ts';

const ROOT = join(REPO_ROOT, 'test', 'fixtures', 'sstables');
const COMMITTED_VERSIONS = ['oa', 'da', 'nb'];
const TIME_KEYS = new Set(['tstamp', 'marked_deleted', 'local_delete_time', 'expires_at']);
const COUNTER = /^counter$/i;

interface FixtureFacts { table: string; version: string; selectedAtSec: number; sstables: string[]; deletions: boolean; rows: number }

/** Epoch microseconds of an ISO instant with 0 to 9 fraction digits ('none' and other text stay as they are). */
function isoToMicros(text: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  if (!m) return text;
  const frac = (m[2] ?? '').padEnd(9, '0');
  return String(BigInt(Date.parse(`${m[1]}Z`)) * 1000n + BigInt(frac.slice(0, 6)));
}

function normalizeTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeTimes);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'expired')
    .map(([k, v]) => [k, TIME_KEYS.has(k) && typeof v === 'string' ? isoToMicros(v) : normalizeTimes(v)]));
}

type Json = Record<string, unknown>;

const asText = (v: unknown) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

function normalizeRow(row: Json, counters: ReadonlySet<string>): Json {
  const { position, ...rest } = row;
  const out: Json = row['type'] === 'static_block' ? rest : { ...rest, position };
  if (Array.isArray(row['cells'])) {
    out['cells'] = (row['cells'] as Json[]).map((c) => {
      const { value, path, ...cell } = c;
      return {
        ...cell,
        ...(path === undefined ? {} : { path: (path as unknown[]).map(asText) }),
        ...(value === undefined || counters.has(String(c['name'])) ? {} : { value }),
      };
    });
  }
  return out;
}

function normalizePartition(p: Json, counters: ReadonlySet<string>): unknown {
  const { ['table kind']: _kind, partition, rows, ...rest } = p;
  const { position: _position, key, ...info } = partition as { position: number; key: unknown[] };
  const keyText = key.map(asText);
  return normalizeTimes({ partition: { key: keyText, ...info }, rows: (rows as Json[]).map((r) => normalizeRow(r, counters)), ...rest });
}

function counterColumns(schema: SchemaFile): Set<string> {
  return new Set(schema.tables.flatMap((t) => t.columns).filter((c) => COUNTER.test(c.cqlType)).map((c) => c.name));
}

async function cassbergRaw(dataPath: string, schema: SchemaFile): Promise<Record<string, unknown>[]> {
  const s = await openLocalSSTable(dataPath);
  const header = fixFrozenHeaderTypes(s.header, schema, tableNameOf(dataPath));
  const out: Record<string, unknown>[] = [];
  await forEachRawPartition(s.scanner({ header }), createTableModel(header, schema, tableNameOf(dataPath)), (line) => out.push(JSON.parse(line) as Record<string, unknown>));
  return out;
}

function dumpFileOf(dir: string, facts: FixtureFacts, dataFile: string): string {
  return join(dir, facts.sstables.length === 1 ? 'sstabledump.json' : `sstabledump-${dataFile.split('-')[1]}.json`);
}

test('every fixture table is committed for every format', () => {
  for (const version of COMMITTED_VERSIONS) {
    const have = readdirSync(join(ROOT, version)).sort();
    assert.deepEqual(have, FIXTURE_TABLES.map((t) => t.name).sort(), version);
  }
});

for (const version of COMMITTED_VERSIONS) {
  for (const table of FIXTURE_TABLES.map((t) => t.name)) {
    const dir = join(ROOT, version, table);
    if (!existsSync(join(dir, 'fixture.json'))) continue; // reported by the completeness test above
    const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureFacts;
    const schema = parseSchema(readFileSync(join(dir, 'schema.cql'), 'utf8'));

    describe(`${version}/${table}`, () => {
      for (const dataFile of facts.sstables) {
        test(`${dataFile}: --raw matches sstabledump`, async () => {
          assert.ok(dataFile.startsWith(`${version}-`), dataFile);
          const counters = counterColumns(schema);
          const expected = (JSON.parse(readFileSync(dumpFileOf(dir, facts, dataFile), 'utf8')) as Json[]).map((p) => normalizePartition(p, counters));
          const actual = (await cassbergRaw(join(dir, dataFile), schema)).map((p) => normalizePartition(p, counters));
          assert.ok(expected.length > 0, 'sstabledump printed no partition');
          for (let i = 0; i < Math.max(expected.length, actual.length); i++) assert.deepEqual(actual[i], expected[i], `partition ${i}`);
        });
      }
      if (facts.sstables.length === 1) {
        test('--format json matches SELECT JSON', async () => {
          const expected = readFileSync(join(dir, 'select.json'), 'utf8').split('\n').filter((l) => l !== '');
          assert.equal(expected.length, facts.rows);
          const actual: string[] = [];
          await dumpJsonRows(join(dir, facts.sstables[0]!), schema, (line) => actual.push(line), facts.selectedAtSec);
          for (let i = 0; i < Math.max(expected.length, actual.length); i++) assert.equal(actual[i], expected[i], `row ${i}`);
        });
      }
    });
  }
}

/** Every kind of thing the fixtures claim to hold (README table), found in Cassandra's own dump of them. */
test('the fixtures hold what they are named after', async () => {
  const compressors: Record<string, string | undefined> = { lz4: 'LZ4Compressor', snappy: 'SnappyCompressor', deflate: 'DeflateCompressor', zstd: 'ZstdCompressor', none: undefined };
  for (const version of COMMITTED_VERSIONS) {
    for (const t of FIXTURE_TABLES) {
      const dir = join(ROOT, version, t.name);
      const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureFacts;
      assert.equal(facts.sstables.length, t.batches.length, `${version}/${t.name}`);
      const s = await openLocalSSTable(join(dir, facts.sstables[0]!));
      const suffix = t.name.split('_').pop()!;
      assert.equal(s.compression?.compressorClass.split('.').pop(), compressors[suffix], `${version}/${t.name}`);
    }
    const dump = (table: string) => readFileSync(join(ROOT, version, table, 'sstabledump.json'), 'utf8');
    const scalars = await openLocalSSTable(join(ROOT, version, 'scalar_types_lz4', `${version}-1-${version === 'da' ? 'bti' : 'big'}-Data.db`));
    assert.ok(scalars.compression!.chunkOffsets.length > 1, 'scalar table spans several chunks');
    const deletions = dump('deletions_lz4');
    assert.match(deletions, /"range_tombstone_bound"/, version);
    assert.match(deletions, /"range_tombstone_boundary"/, version);
    assert.match(deletions, /"key" : \[ "51" \],\s*"position" : \d+,\s*"deletion_info"[^\n]*\n\s*},\s*"rows" : \[ \]/, `${version}: a partition tombstone alone`);
    assert.match(dump('ttl_snappy'), /"ttl" : 1,/);
    assert.match(dump('ttl_snappy'), /"expired" : true/);
    assert.match(dump('statics_lz4'), /"static_block"/);
  }
});

/** empty_values_* declare `bo boolean` and never set it: no sstable header names it, yet SELECT * has it. */
test('a column only schema.cql declares is a null column of the Arrow batches and of the merge layout', async () => {
  for (const version of COMMITTED_VERSIONS) {
    const dir = join(ROOT, version, 'empty_values_deflate');
    const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as FixtureFacts;
    const schema = parseSchema(readFileSync(join(dir, 'schema.cql'), 'utf8'));
    const dataPath = join(dir, facts.sstables[0]!);
    const s = await openLocalSSTable(dataPath);
    assert.ok(![...s.header.staticColumns, ...s.header.regularColumns].some((c) => c.name === 'bo'), 'bo is not in the header');
    const model = createTableModel(s.header, schema, tableNameOf(dataPath));
    assert.deepEqual(model.selectOrder.map((c) => c.name), ['pk', 'ck', 'b', 'bo', 'd', 'i', 'l', 't', 'ts', 'u']);
    assert.equal(model.selectOrder.find((c) => c.name === 'bo')!.type.name, 'BooleanType');
    assert.deepEqual(model.mismatches, []);
    const [batch, ...rest] = await readRecordBatches(s.scanner(), model, { nowSec: facts.selectedAtSec });
    assert.equal(rest.length, 0);
    assert.equal(batch!.numRows, facts.rows);
    assert.equal(batch!.getChild('bo')!.nullCount, facts.rows, `${version}: bo is null in every row`);
    const { layout } = await openMergeInput([dataPath], schema);
    assert.deepEqual(layout.columns.map((c) => `${c.name}:${c.kind}`), ['pk:partition_key', 'ck:clustering', 'b:regular', 'bo:regular',
      'd:regular', 'i:regular', 'l:regular', 't:regular', 'ts:regular', 'u:regular']);
  }
});
