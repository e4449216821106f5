// Rule 15: on arbitrary bytes the index readers throw only CorruptInputError, never hang, and still read good
// input afterwards. Seeded mutations (byte flips, truncations) of real corpus files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CorruptInputError } from '../../../../engine/errors.ts';
import { BYTE_ORDERED } from '../../../../engine/partitioner/partitioner.ts';
import { BigPartitionIndex } from '../../../../engine/sstable/index/big-index.ts';
import { BtiPartitionIndex } from '../../../../engine/sstable/index/bti/partitions.ts';
import { findDataRanges, type PartitionIndex } from '../../../../engine/sstable/index/partition-index.ts';
import { parseSummary } from '../../../../engine/sstable/index/summary.ts';
import { CORPUS_ROOT, MemorySource, collect, componentPath, fileSource, openData } from './corpus.ts';

function rng(seed: number): () => number {
  return () => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed; };
}

function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  if (next() % 5 === 0) return bytes.slice(0, next() % (bytes.length + 1)); // truncation
  const out = bytes.slice();
  const flips = 1 + (next() % 4);
  for (let i = 0; i < flips; i++) out[next() % out.length] = next() & 0xff;
  return out;
}

async function exercise<T>(index: PartitionIndex<T>, probes: T[], dataLength: number): Promise<void> {
  await collect(index);
  for (const p of probes) await findDataRanges(index, { startExclusive: p, endInclusive: index.partitioner.minToken }, dataLength);
}

async function expectOnlyCorrupt(run: () => Promise<void>, what: string): Promise<'ok' | 'corrupt'> {
  try {
    await run();
    return 'ok';
  } catch (e) {
    if (e instanceof CorruptInputError) return 'corrupt';
    throw new Error(`${what}: ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
}

const probes = ['', '0', '2', '4', '9'].map((s) => new TextEncoder().encode(s));

test('mutated Index.db / Summary.db: only CorruptInputError', async () => {
  const dir = join(CORPUS_ROOT, 'oa/legacy_tables/legacy_oa_simple');
  const index = fileSource(componentPath(dir, 'Index.db')).bytes;
  const summary = fileSource(componentPath(dir, 'Summary.db')).bytes;
  const next = rng(7);
  const outcomes = { ok: 0, corrupt: 0 };
  for (let i = 0; i < 400; i++) {
    const badIndex = mutate(index, next), badSummary = mutate(summary, next);
    outcomes[await expectOnlyCorrupt(async () => {
      const s = parseSummary(badSummary, 'Summary.db');
      await exercise(new BigPartitionIndex(new MemorySource('Index.db', badIndex), s, BYTE_ORDERED), probes, 118);
    }, `mutation ${i}`)]++;
  }
  assert.ok(outcomes.corrupt > 100, JSON.stringify(outcomes));
  // good input still reads
  const good = new BigPartitionIndex(new MemorySource('Index.db', index), parseSummary(summary, 'Summary.db'), BYTE_ORDERED);
  assert.equal((await collect(good)).length, 5);
});

test('mutated Partitions.db / Rows.db: only CorruptInputError, no runaway walks', async () => {
  for (const table of ['legacy_da_simple', 'legacy_da_clust']) {
    const dir = join(CORPUS_ROOT, 'da/legacy_tables', table);
    const partitions = fileSource(componentPath(dir, 'Partitions.db')).bytes;
    const rows = fileSource(componentPath(dir, 'Rows.db')).bytes;
    const data = await openData(dir, 'da', 'bti');
    const next = rng(table.length);
    const outcomes = { ok: 0, corrupt: 0 };
    for (let i = 0; i < 400; i++) {
      const badPartitions = mutate(partitions, next);
      const badRows = rows.length > 0 && next() % 2 === 0 ? mutate(rows, next) : rows;
      outcomes[await expectOnlyCorrupt(async () => {
        const index = new BtiPartitionIndex(new MemorySource('Partitions.db', badPartitions), new MemorySource('Rows.db', badRows), data, BYTE_ORDERED);
        await exercise(index, probes, data.uncompressedLength);
        for await (const leaf of index.leaves()) await index.rowIndex(leaf);
      }, `${table} mutation ${i}`)]++;
    }
    assert.ok(outcomes.corrupt > 100, `${table} ${JSON.stringify(outcomes)}`);
    assert.equal((await collect(new BtiPartitionIndex(new MemorySource('p', partitions), new MemorySource('r', rows), data, BYTE_ORDERED))).length, 5);
  }
});
