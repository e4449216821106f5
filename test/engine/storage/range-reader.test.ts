import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { CountingObjectStore } from '../../../engine/storage/counting.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { RangeReader } from '../../../engine/storage/range-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'cassberg-range-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const data = new Uint8Array(1000).map((_, i) => (i * 7) & 0xff);
const counting = new CountingObjectStore(new LocalObjectStore(dir));
await counting.put('obj', data);

test('sequential reads fetch aligned chunks once, with bounded read-ahead', async () => {
  counting.reset();
  const reader = new RangeReader(counting, 'obj', { chunkBytes: 100, readAheadChunks: 2, sizeInBytes: data.length });
  assert.deepEqual(await reader.read(0, 50), data.subarray(0, 50));
  assert.deepEqual(counting.readLog.map((r) => [r.start, r.end]), [[0, 100]], 'first read: no read-ahead yet');
  assert.deepEqual(await reader.read(50, 150), data.subarray(50, 150));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(counting.readLog.map((r) => [r.start, r.end]), [[0, 100], [100, 200], [200, 300], [300, 400]]);
  for (let pos = 150; pos < 1000; pos += 50) assert.deepEqual(await reader.read(pos, pos + 50), data.subarray(pos, pos + 50));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(counting.counts.reads, 10, 'every chunk exactly once');
  assert.equal(counting.counts.bytesRead, 1000);
  assert.equal(counting.counts.stats, 0, 'known size: no HEAD');
});

test('a read spanning chunks is assembled; random access does not read ahead', async () => {
  counting.reset();
  const reader = new RangeReader(counting, 'obj', { chunkBytes: 100, readAheadChunks: 3 });
  assert.deepEqual(await reader.read(790, 1000), data.subarray(790, 1000));
  assert.deepEqual(await reader.read(120, 130), data.subarray(120, 130));
  assert.deepEqual((await reader.read(5, 5)).length, 0);
  assert.deepEqual(counting.readLog.map((r) => [r.start, r.end]), [[700, 800], [800, 900], [900, 1000], [100, 200]]);
  assert.equal(counting.counts.stats, 1, 'one size lookup');
  await assert.rejects(reader.read(900, 1001), /bad byte range \[900, 1001\) of .*obj \(size 1000\)/);
});

test('chunks behind the read position are let go: a scan holds read-ahead only, going back fetches again', async () => {
  counting.reset();
  const reader = new RangeReader(counting, 'obj', { chunkBytes: 100, readAheadChunks: 1, sizeInBytes: data.length });
  for (let pos = 0; pos < 500; pos += 100) assert.deepEqual(await reader.read(pos, pos + 100), data.subarray(pos, pos + 100));
  await new Promise((r) => setTimeout(r, 20));
  const before = counting.counts.reads;
  assert.deepEqual(await reader.read(420, 480), data.subarray(420, 480), 'the current chunk is still held');
  assert.equal(counting.counts.reads, before);
  // the chunk just behind the scan is not kept either (the reader used to keep up to two spare chunks)
  assert.deepEqual(await reader.read(350, 360), data.subarray(350, 360));
  assert.equal(counting.counts.reads, before + 1, 'a chunk behind the scan was dropped and is read again');
});
