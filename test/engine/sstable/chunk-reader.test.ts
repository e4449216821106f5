// Uncompressed Data.db read against its CRC.db (engine/sstable/chunk-reader.ts ChecksummedDataFile), on the
// uncompressed sstables real Cassandra 5.0 wrote (test/fixtures/sstables/*/counters_none, frozen_keys_none). Their
// Data.db fits one 64 KiB CRC chunk, so the ranged-read tests rewrite CRC.db with 64-byte chunks over the same bytes
// (any chunk length is valid CRC.db content) to put many chunk boundaries inside partitions and rows.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { dataRangesOf, openIndexOf } from '../../../activities/movement/index-seek.ts';
import { dumpJsonRows, openLocalSSTable } from '../../../cli/sstable.ts';
import { REPO_ROOT } from '../../../dev/config.ts';
import { CorruptInputError } from '../../../engine/errors.ts';
import { FULL_RING, splitRange } from '../../../engine/partitioner/token-range.ts';
import { openDataFile } from '../../../engine/sstable/chunk-reader.ts';
import { parseCrcDb } from '../../../engine/sstable/digest.ts';
import { PARTITION_END } from '../../../engine/sstable/partition-scanner.ts';
import { parseSchema } from '../../../engine/sstable/schema.ts';
import type { SSTable } from '../../../engine/sstable/sstable-reader.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { MemorySource } from './index/corpus.ts';

const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'sstables');
const work = mkdtempSync(join(tmpdir(), 'cassberg-crc-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A copy of a fixture table directory; returns its path and its Data.db file name. */
function copyTable(version: string, table: string): { dir: string; data: string } {
  const dir = join(work, `${version}-${table}-${Math.random().toString(36).slice(2)}`, table);
  cpSync(join(FIXTURES, version, table), dir, { recursive: true });
  return { dir, data: readdirSync(dir).find((f) => f.endsWith('-Data.db'))! };
}

/** CRC.db content: int32 chunk length, then one CRC32 per chunk. */
function crcDbOf(data: Uint8Array, chunkLength: number): Uint8Array {
  const n = Math.ceil(data.length / chunkLength);
  const out = new Uint8Array(4 + 4 * n);
  const view = new DataView(out.buffer);
  view.setInt32(0, chunkLength);
  for (let i = 0; i < n; i++) view.setUint32(4 + 4 * i, crc32(data.subarray(i * chunkLength, (i + 1) * chunkLength)));
  return out;
}

/** Every partition key (hex) the scanner returns, in order. */
async function partitionKeys(s: SSTable, options: { start?: number; end?: number; windowBytes?: number } = {}): Promise<string[]> {
  const scanner = s.scanner(options);
  const keys: string[] = [];
  while (await scanner.nextPartition()) {
    keys.push(Buffer.from(scanner.partitionKey).toString('hex'));
    while (await scanner.nextUnfiltered() !== PARTITION_END);
  }
  return keys;
}

for (const version of ['oa', 'nb', 'da']) {
  test(`${version}: a flipped byte of an uncompressed Data.db fails the scan at its CRC.db chunk, naming the file`, async () => {
    const { dir, data } = copyTable(version, 'counters_none');
    const schema = parseSchema(readFileSync(join(dir, 'schema.cql'), 'utf8'));
    const path = join(dir, data);
    const bytes = readFileSync(path);
    assert.ok(readdirSync(dir).some((f) => f.endsWith('-CRC.db')) && !readdirSync(dir).some((f) => f.endsWith('-CompressionInfo.db')));
    const good = await dumpJsonRows(path, schema, () => {}, 0);
    assert.ok(good > 0);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10; // inside a cell: the rows would decode, just wrong
    writeFileSync(path, bytes);
    await assert.rejects(dumpJsonRows(path, schema, () => {}, 0), (e: unknown) => {
      assert.ok(e instanceof CorruptInputError, String(e));
      assert.ok(e.file.endsWith(data), e.file);
      assert.equal(e.offset, 0);
      assert.match(e.message, new RegExp(`chunk 0 CRC32 \\d+ does not match \\d+ in \\S*${version}-1-(big|bti)-CRC\\.db at offset 0$`));
      return true;
    });
  });
}

test('ranged reads are checked chunk by chunk: a read not touching the bad chunk still works', async () => {
  const data = new Uint8Array(readFileSync(join(FIXTURES, 'oa', 'frozen_keys_none', 'oa-1-big-Data.db')));
  const { crcs } = parseCrcDb(crcDbOf(data, 64), 'CRC.db');
  assert.ok(crcs.length > 8);
  const file = await openDataFile(new MemorySource('Data.db', data), null, { chunkCrcs: { chunkLength: 64, crcs, file: 'CRC.db' } });
  let seed = 7;
  const next = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let k = 0; k < 300; k++) {
    const a = next(data.length), b = a + next(data.length - a + 1);
    assert.deepEqual(await file.read(a, b), data.subarray(a, b), `[${a}, ${b})`);
  }
  const bad = data.slice();
  bad[5 * 64 + 10]! ^= 1;
  const broken = await openDataFile(new MemorySource('Data.db', bad), null, { chunkCrcs: { chunkLength: 64, crcs, file: 'CRC.db' } });
  assert.deepEqual(await broken.read(0, 320), data.subarray(0, 320));
  assert.deepEqual(await broken.read(384, 400), data.subarray(384, 400));
  await assert.rejects(broken.read(300, 330), /^CorruptInputError: Data\.db: chunk 5 CRC32 \d+ does not match \d+ in CRC\.db at offset 320$/);
  await assert.rejects(broken.read(330, 331), (e: unknown) => e instanceof CorruptInputError && e.offset === 320);
  const short = { chunkLength: 64, crcs: crcs.subarray(1), file: 'CRC.db' };
  await assert.rejects(openDataFile(new MemorySource('Data.db', data), null, { chunkCrcs: short }),
    new RegExp(`^CorruptInputError: CRC\\.db: ${crcs.length - 1} chunk CRCs for ${data.length} bytes of Data\\.db, ${crcs.length} expected at offset 4$`));
});

for (const version of ['oa', 'da']) {
  test(`${version}: index seeks over an uncompressed sstable read chunk-aligned, checked ranges`, async () => {
    const { dir, data } = copyTable(version, 'counters_none');
    const path = join(dir, data);
    const bytes = new Uint8Array(readFileSync(path));
    writeFileSync(path.replace(/Data\.db$/, 'CRC.db'), crcDbOf(bytes, 64));
    const store = new LocalObjectStore(dir);
    const s = await openLocalSSTable(path);
    const all = await partitionKeys(s, { windowBytes: 48 });
    assert.equal(all.length, 4);
    const index = await openIndexOf(store, data, s);
    assert.ok(index, 'the sstable has a partition index');
    const pieces: string[] = [];
    for (const range of splitRange(FULL_RING, 8)) {
      for (const r of (await dataRangesOf(index, s, range)) ?? []) pieces.push(...await partitionKeys(s, { start: r.start, end: r.end, windowBytes: 48 }));
    }
    assert.deepEqual([...pieces].sort(), [...all].sort());
    // a flipped byte in the last partition fails the seek that reads it, and only that one
    const index2 = await openIndexOf(store, data, s);
    const ranges = (await Promise.all(splitRange(FULL_RING, 8).map((r) => dataRangesOf(index2, s, r)))).flat().filter((r) => r !== undefined);
    const last = ranges.reduce((a, r) => (r!.start > a!.start ? r : a))!;
    bytes[bytes.length - 3]! ^= 0x01;
    writeFileSync(path, bytes);
    const flipped = await openLocalSSTable(path);
    const chunk = Math.floor((bytes.length - 3) / 64) * 64;
    await assert.rejects(partitionKeys(flipped, { start: last.start, end: last.end }), (e: unknown) => e instanceof CorruptInputError && e.offset === chunk);
    const first = ranges.reduce((a, r) => (r!.start < a!.start ? r : a))!;
    assert.ok(first.end <= chunk, 'the first partition ends before the bad chunk');
    assert.equal((await partitionKeys(flipped, { start: first.start, end: first.end })).length, 1);
  });
}
