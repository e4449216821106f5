import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Field, Float64, Int32, Int64, List, RecordBatch, Struct, Table, Utf8, vectorFromArray } from 'apache-arrow';
import { compareTables, type TableSource } from '../../../engine/validation/compare.ts';

interface Row { id: number; ck: bigint; name: string | null; score: number; tags: string[] | null; addr: { city: string; zip: number } | null }

/** A seeded generator, so every failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function makeRows(n: number, seed: number): Row[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: i % 97,
    ck: BigInt(i),
    name: r() < 0.1 ? null : `name-${Math.floor(r() * 1e6)}`,
    score: Math.floor(r() * 1e4) / 8,
    tags: r() < 0.2 ? null : Array.from({ length: Math.floor(r() * 4) }, (_, k) => `t${k}`),
    addr: r() < 0.3 ? null : { city: `c${Math.floor(r() * 10)}`, zip: Math.floor(r() * 99999) },
  }));
}

/** Rows as Arrow batches of `batchSize`, in the given row order. */
function source(name: string, rows: Row[], batchSize: number): TableSource {
  const batches: RecordBatch[] = [];
  for (let i = 0; i < rows.length; i += batchSize) {
    const part = rows.slice(i, i + batchSize);
    const table = new Table({
      id: vectorFromArray(part.map((x) => x.id), new Int32()),
      ck: vectorFromArray(part.map((x) => x.ck), new Int64()),
      name: vectorFromArray(part.map((x) => x.name), new Utf8()),
      score: vectorFromArray(part.map((x) => x.score), new Float64()),
      tags: vectorFromArray(part.map((x) => x.tags), new List(new Field('element', new Utf8(), true))),
      addr: vectorFromArray(part.map((x) => x.addr), new Struct([new Field('city', new Utf8()), new Field('zip', new Int32())])),
    });
    batches.push(...table.batches);
  }
  return { name, async *batches() { yield* batches; } };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const r = rng(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const PK = ['id', 'ck'];

test('identical tables in different order and batching compare equal', async () => {
  const rows = makeRows(5000, 1);
  const report = await compareTables(source('C', rows, 700), source('M', shuffled(rows, 2), 333), { primaryKey: PK, buckets: 64 });
  assert.equal(report.rowsA, 5000);
  assert.equal(report.rowsB, 5000);
  assert.equal(report.onlyInA, 0);
  assert.equal(report.onlyInB, 0);
  assert.equal(report.differingBuckets, 0);
  assert.equal(report.similarityPercent, 100);
});

test('missing, extra, altered and duplicated rows are found exactly', async () => {
  const rows = makeRows(4000, 3);
  const m = shuffled(rows, 4);
  const missing = m.splice(10, 5); // 5 rows only in C
  const extra = makeRows(3, 99).map((x, k) => ({ ...x, id: 1000 + k })); // 3 rows only in M
  const altered = m[100];
  m[100] = { ...altered, score: altered.score + 1, name: 'changed' }; // 1 altered: once each side
  const duplicated = m[200];
  m.push(duplicated, duplicated); // a row present twice more in M
  m.push(...extra);
  const report = await compareTables(source('C', rows, 512), source('M', m, 400), { primaryKey: PK, buckets: 128, sampleLimit: 20, maxDrillRows: 300 });
  assert.equal(report.onlyInA, 5 + 1);
  assert.equal(report.onlyInB, 3 + 1 + 2);
  assert.deepEqual(report.columnMismatches, { name: 1, score: 1 });
  const alteredSample = report.samples.onlyInA.find((s) => s.differences);
  assert.deepEqual(alteredSample?.primaryKey, { id: altered.id, ck: altered.ck.toString() });
  assert.deepEqual(alteredSample?.differences, { name: [altered.name, 'changed'], score: [altered.score, altered.score + 1] });
  const missingKeys = report.samples.onlyInA.filter((s) => !s.differences).map((s) => s.primaryKey.ck).sort();
  assert.deepEqual(missingKeys, missing.map((x) => x.ck.toString()).sort());
  assert.equal(report.rowsB, 4000 - 5 + 3 + 2);
});

test('a difference inside a nested value is found', async () => {
  const rows = makeRows(300, 5);
  const m = rows.map((x) => ({ ...x }));
  const target = m.findIndex((x) => x.tags && x.tags.length > 1);
  m[target] = { ...m[target], tags: [...m[target].tags!].reverse() };
  const report = await compareTables(source('C', rows, 100), source('M', m, 100), { primaryKey: PK });
  assert.equal(report.onlyInA, 1);
  assert.equal(report.onlyInB, 1);
  assert.deepEqual(report.columnMismatches, { tags: 1 });
});

test('a primary key column missing from the table is a clear error', async () => {
  const rows = makeRows(10, 6);
  await assert.rejects(compareTables(source('C', rows, 10), source('M', rows, 10), { primaryKey: ['nope'] }), /primary key column nope is not in the table/);
});
