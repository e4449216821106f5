import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sizePiecesByIndex, type SizedPiece } from '../../../activities/movement/range-sizing.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { FULL_RING, rangeContains, splitRange } from '../../../engine/partitioner/token-range.ts';
import { openSSTable } from '../../../engine/sstable/sstable-reader.ts';
import { openIndexOf } from '../../../activities/movement/index-seek.ts';

// Real Cassandra 5.0 SSTables (big and BTI): piece bytes come from the partition index, not from token width.
const FIXTURES = join(import.meta.dirname, '../../fixtures/sstables');
const CASES = [['oa/scalar_types_lz4', 'oa-1-big-Data.db'], ['da/scalar_types_lz4', 'da-1-bti-Data.db']] as const;

async function piecesOf(dir: string, dataFile: string, parts: number): Promise<{ pieces: SizedPiece[]; onDisk: Map<string, number> }> {
  const key = `${dir}/${dataFile}`;
  const size = (await stat(join(FIXTURES, key))).size;
  const full = FULL_RING;
  const pieces = splitRange(full, parts).map((range) => ({ range, bytes: Math.round(size / parts), dataKeys: [key] }));
  return { pieces, onDisk: new Map([[key, size]]) };
}

for (const [dir, dataFile] of CASES) {
  test(`index sizing of ${dir}: pieces sum to Data.db's size and follow where the partitions are`, async () => {
    const store = new LocalObjectStore(FIXTURES);
    const { pieces, onDisk } = await piecesOf(dir, dataFile, 16);
    const proportional = pieces.map((p) => p.bytes);
    assert.equal(await sizePiecesByIndex(store, pieces, onDisk), 'partition indexes');
    const total = [...onDisk.values()][0]!;
    const sum = pieces.reduce((a, p) => a + p.bytes, 0);
    assert.ok(Math.abs(sum - total) <= pieces.length, `pieces sum to ${sum}, Data.db is ${total}`);
    assert.notDeepEqual(pieces.map((p) => p.bytes), proportional, 'index sizes differ from equal widths');
    assert.ok(pieces.some((p) => p.bytes === 0) || Math.max(...pieces.map((p) => p.bytes)) > 2 * Math.min(...pieces.map((p) => p.bytes)), 'bytes are not spread evenly over the ring');
  });
}

test('an unreadable index falls back to the proportional bytes and says which file', async () => {
  const tmp = await mkdtemp(join(tmpdir(), 'range-sizing-'));
  try {
    await cp(join(FIXTURES, 'oa/scalar_types_lz4'), join(tmp, 't'), { recursive: true });
    await truncate(join(tmp, 't/oa-1-big-Index.db'), 3);
    const store = new LocalObjectStore(tmp);
    const key = 't/oa-1-big-Data.db';
    const size = (await stat(join(tmp, key))).size;
    const pieces = splitRange(FULL_RING, 4).map((range) => ({ range, bytes: 7, dataKeys: [key] }));
    const how = await sizePiecesByIndex(store, pieces, new Map([[key, size]]));
    assert.match(how, /^proportional to token width: .*oa-1-big-Data\.db/);
    assert.deepEqual(pieces.map((p) => p.bytes), [7, 7, 7, 7]);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

test('skewed bytes: a piece the index shows too large is cut until pieces hold about maxPieceBytes', async () => {
  const store = new LocalObjectStore(FIXTURES);
  const key = 'oa/scalar_types_lz4/oa-1-big-Data.db';
  const sstable = await openSSTable(store, key);
  const index = (await openIndexOf(store, key, sstable))!;
  const tokens: bigint[] = [];
  for await (const e of index.entries()) tokens.push(e.token);
  assert.ok(tokens.length >= 8, `fixture has ${tokens.length} partitions`);
  const total = (await stat(join(FIXTURES, key))).size;
  // One wide piece holding every partition plus narrow empty ones: widths say nothing about where the bytes are.
  const pieces = splitRange(FULL_RING, 4).map((range) => ({ range, bytes: Math.round(total / 4), dataKeys: [key] }));
  const max = Math.ceil(total / 6);
  assert.equal(await sizePiecesByIndex(store, pieces, new Map([[key, total]]), max), 'partition indexes');
  assert.ok(Math.abs(pieces.reduce((a, p) => a + p.bytes, 0) - total) <= pieces.length);
  for (const p of pieces) {
    const held = tokens.filter((tk) => rangeContains(p.range, tk)).length;
    assert.ok(p.bytes <= max || held === 1, `piece of ${p.bytes} bytes holds ${held} partitions (max ${max})`);
  }
  // Greedy grouping of the cut pieces into 6 splits gives splits near total/6, which equal widths cannot.
  const splits: number[] = [];
  let acc = 0;
  for (const p of pieces) { acc += p.bytes; if (acc >= total / 6) { splits.push(acc); acc = 0; } }
  if (acc > 0) splits.push(acc);
  assert.ok(Math.max(...splits) <= 2 * max + 1, `splits ${splits.join(', ')}`);
});
