// The Summary.db → Index.db segment path with many samples, on a generated Murmur3 sstable index: seeks agree with
// a brute-force scan, and each seek reads at most one segment plus one entry header.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MIN_TOKEN, MAX_TOKEN, murmur3Token } from '../../../../engine/partitioner/murmur3.ts';
import { MURMUR3 } from '../../../../engine/partitioner/partitioner.ts';
import { BigPartitionIndex } from '../../../../engine/sstable/index/big-index.ts';
import { findDataRanges } from '../../../../engine/sstable/index/partition-index.ts';
import { parseSummary } from '../../../../engine/sstable/index/summary.ts';
import { MemorySource, collect } from './corpus.ts';

/** Cassandra unsigned vint: leading 1-bits of the first byte = extra bytes. */
function uvint(v: number): number[] {
  let extra = 0;
  while (extra < 8 && v >= 2 ** (7 * (extra + 1))) extra++;
  const out: number[] = [];
  let rest = v;
  for (let i = 0; i < extra; i++) { out.unshift(rest & 0xff); rest = Math.floor(rest / 256); }
  out.unshift(((0xff00 >> extra) & 0xff) | rest);
  return out;
}

function generate(partitions: number, interval: number) {
  const keys = Array.from({ length: partitions }, (_, i) => { const k = new Uint8Array(4); new DataView(k.buffer).setInt32(0, i * 7919); return k; });
  keys.sort((a, b) => { const x = murmur3Token(a), y = murmur3Token(b); return x < y ? -1 : x > y ? 1 : 0; });
  const index: number[] = [];
  const samples: { key: Uint8Array; position: number }[] = [];
  keys.forEach((key, i) => {
    if (i % interval === 0) samples.push({ key, position: index.length });
    index.push(0, 4, ...key, ...uvint(i * 1000), ...uvint(i % 3 === 0 ? 20 : 0));
    if (i % 3 === 0) index.push(...new Array(20).fill(0xee)); // an opaque 20-byte promoted index
  });
  const regionOffsets = samples.map((_, i) => samples.length * 4 + i * 12);
  const region: number[] = [];
  for (const o of regionOffsets) region.push(o & 0xff, (o >> 8) & 0xff, (o >> 16) & 0xff, o >>> 24);
  for (const s of samples) {
    region.push(...s.key);
    const p = new Uint8Array(8);
    new DataView(p.buffer).setBigInt64(0, BigInt(s.position), true);
    region.push(...p);
  }
  const header = new Uint8Array(24);
  const hv = new DataView(header.buffer);
  hv.setInt32(0, interval); hv.setInt32(4, samples.length); hv.setBigInt64(8, BigInt(region.length)); hv.setInt32(16, 128); hv.setInt32(20, samples.length);
  const tail = [0, 0, 0, 4, ...keys[0]!, 0, 0, 0, 4, ...keys[partitions - 1]!];
  return { keys, index: Uint8Array.from(index), summary: Uint8Array.from([...header, ...region, ...tail]) };
}

test('seeks through a 100-sample summary agree with a full scan and read one segment', async () => {
  const { keys, index, summary } = generate(400, 4);
  const parsed = parseSummary(summary, 'Summary.db');
  assert.equal(parsed.keys.length, 100);
  const source = new MemorySource('Index.db', index);
  const idx = new BigPartitionIndex(source, parsed, MURMUR3);
  const entries = await collect(new BigPartitionIndex(new MemorySource('Index.db', index), null, MURMUR3));
  assert.deepEqual(entries.map((e) => e.key), keys);
  const probes = [MIN_TOKEN, MAX_TOKEN, 0n, ...entries.filter((_, i) => i % 7 === 0).flatMap((e) => [e.token - 1n, e.token, e.token + 1n])];
  const maxSegment = Math.max(...parsed.indexPositions.map((p, i) => (parsed.indexPositions[i + 1] ?? index.length) - p));
  for (const token of probes) {
    const expected = entries.find((e) => e.token > token)?.dataPosition ?? null;
    const before = source.bytesRead, reads = source.reads;
    assert.equal(await idx.dataPositionAfter(token), expected, `token ${token}`);
    // the segment, then at most the next sample's header in one read: key length, key, two vints of up to 9 bytes
    assert.ok(source.reads - reads <= 2 && source.bytesRead - before <= maxSegment + 2 + 4 + 18, `token ${token}: read ${source.bytesRead - before} bytes in ${source.reads - reads} reads`);
  }
  // a wrapping range through the sampled index: exact spans
  const range = { startExclusive: entries[390]!.token, endInclusive: entries[5]!.token };
  assert.deepEqual(await findDataRanges(idx, range, 400_000), [{ start: 0, end: 6000 }, { start: 391_000, end: 400_000 }]);
});
