import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { CorruptInputError } from '../../../../engine/errors.ts';
import { BYTE_ORDERED, MURMUR3, type Partitioner } from '../../../../engine/partitioner/partitioner.ts';
import { MIN_TOKEN, murmur3Token } from '../../../../engine/partitioner/murmur3.ts';
import { BigPartitionIndex, readIndexEntryHeader } from '../../../../engine/sstable/index/big-index.ts';
import { parseSummary } from '../../../../engine/sstable/index/summary.ts';
import { estimateBytesByTokenRange } from '../../../../engine/sstable/index/partition-index.ts';
import { ByteReader } from '../../../../engine/sstable/byte-reader.ts';
import {
  CORPUS_ROOT, SPECIAL_ROOT, assertPositionsStartPartitions, assertRangeSeeks, collect, componentPath, expectedTables, fileSource, openData,
} from './corpus.ts';

const utf8 = new TextEncoder();
const bigTables = expectedTables().filter((t) => t.format === 'big');

function openIndex<T>(dir: string, p: Partitioner<T>, blockBytes?: number) {
  const summaryFile = componentPath(dir, 'Summary.db');
  const summary = parseSummary(new Uint8Array(readFileSync(summaryFile)), summaryFile);
  const source = fileSource(componentPath(dir, 'Index.db'));
  return { index: new BigPartitionIndex(source, summary, p, blockBytes), source, summary };
}

test('Index.db lists exactly the expected partition keys, in order, at partition starts (61 big tables)', async () => {
  assert.equal(bigTables.length, 61);
  for (const t of bigTables) {
    const dir = join(CORPUS_ROOT, t.path);
    const { index, summary } = openIndex(dir, BYTE_ORDERED);
    const entries = await collect(index);
    const keyText = (k: Uint8Array) => (t.table.includes('inaccurate') ? Buffer.from(k).toString('hex') : new TextDecoder().decode(k));
    assert.deepEqual(entries.map((e) => keyText(e.key)), t.partitionKeys, t.path);
    assert.equal(entries.length, t.partitionCount);
    assert.equal(keyText(summary.firstKey), t.partitionKeys[0]);
    assert.equal(keyText(summary.lastKey), t.partitionKeys[t.partitionCount - 1]);
    const data = await openData(dir, t.version, 'big');
    assert.equal(data.uncompressedLength, t.compression.uncompressedLength);
    await assertPositionsStartPartitions(entries, data, t.path);
  }
});

test('token-range seeks return exactly the partitions in range (ByteOrdered, every big table)', async () => {
  const b = (s: string) => utf8.encode(s);
  const probes = [new Uint8Array(0), b('0'), b('1'), b('1a'), b('2'), b('3'), b('4'), b('5'), Uint8Array.from([0, 0, 0, 0x64])];
  let checked = 0;
  for (const t of bigTables) {
    const dir = join(CORPUS_ROOT, t.path);
    const { index } = openIndex(dir, BYTE_ORDERED);
    const entries = await collect(index);
    checked += await assertRangeSeeks(index, BYTE_ORDERED, entries, t.compression.uncompressedLength, probes, t.path);
  }
  assert.equal(checked, 61 * 81);
});

test('a seek reads only the Index.db bytes it needs (wide partitions: headers, not promoted indexes)', async () => {
  const t = bigTables.find((x) => x.path.endsWith('legacy_oa_clust'))!;
  const { index, source } = openIndex(join(CORPUS_ROOT, t.path), BYTE_ORDERED, 1024);
  const position = await index.dataPositionAfter(utf8.encode('2'));
  const entries = await collect(openIndex(join(CORPUS_ROOT, t.path), BYTE_ORDERED).index);
  assert.equal(position, entries[3]!.dataPosition);
  assert.ok(source.bytesRead < source.bytes.length / 20, `read ${source.bytesRead} of ${source.bytes.length} bytes`);
  assert.equal(await index.dataPositionAfter(utf8.encode('4')), null);
});

test('bytes per token range add up to Data.db (planning without Data.db)', async () => {
  const t = bigTables.find((x) => x.path.endsWith('legacy_na_clust_counter'))!;
  const { index } = openIndex(join(CORPUS_ROOT, t.path), BYTE_ORDERED);
  const b = (s: string) => utf8.encode(s);
  const ranges = [{ startExclusive: new Uint8Array(0), endInclusive: b('1') }, { startExclusive: b('1'), endInclusive: b('3') }, { startExclusive: b('3'), endInclusive: new Uint8Array(0) }];
  const bytes = await estimateBytesByTokenRange(index, ranges, t.compression.uncompressedLength);
  assert.equal(bytes.reduce((a, x) => a + x, 0), t.compression.uncompressedLength);
  const entries = await collect(index);
  assert.equal(bytes[0], entries[2]!.dataPosition); // partitions "0" and "1"
});

// Murmur3 sstables from Cassandra's test data (int keys): id 1, 0, 22 in token order; one or two partitions elsewhere.
const murmurTables: [string, number[]][] = [
  ['negative-ldts-invalid-deletions-test/invalid_tombstones', [1, 0, 22]],
  ['negative-ldts-invalid-deletions-test/invalid_partition_deletion', [1, 0, 22]],
  ['negative-ldts-invalid-deletions-test/invalid_range_tombstone_compaction', [1, 0, 22]],
  ['negative-ldts-invalid-deletions-test/invalid_range_tombstone_reader', [22]],
  ['invalid-legacy-sstables/Keyspace1/cf_with_duplicates_3_0', [1]],
  ['negative-local-expiration-test/table1', [1, 2]],
  ['negative-local-expiration-test/table4', [1, 2]],
];

test('Murmur3 sstables: keys in token order, tokens as Cassandra sorted them, exact range seeks', async () => {
  for (const [path, ids] of murmurTables) {
    const dir = join(SPECIAL_ROOT, path);
    const version = componentPath(dir, 'Data.db').split('/').pop()!.slice(0, 2);
    const { index } = openIndex(dir, MURMUR3);
    const entries = await collect(index);
    const int32 = (v: number) => { const k = new Uint8Array(4); new DataView(k.buffer).setInt32(0, v); return k; };
    assert.deepEqual(entries.map((e) => new DataView(e.key.buffer, e.key.byteOffset).getInt32(0)), ids, path);
    assert.deepEqual(entries.map((e) => e.token), ids.map((id) => murmur3Token(int32(id))));
    for (let i = 1; i < entries.length; i++) assert.ok(entries[i - 1]!.token < entries[i]!.token, `${path} token order`);
    // cf_with_duplicates_3_0's CompressionInfo.db lists 2 chunks for 59 bytes, which compression-info.ts rejects;
    // its Data.db length is then taken from the file itself (59 bytes, 1 partition).
    const dataLength = path.includes('duplicates') ? 59 : (await openData(dir, version, 'big')).uncompressedLength;
    if (!path.includes('duplicates')) await assertPositionsStartPartitions(entries, await openData(dir, version, 'big'), path);
    const probes = [MIN_TOKEN, ...entries.flatMap((e) => [e.token - 1n, e.token]), 0n];
    await assertRangeSeeks(index, MURMUR3, entries, dataLength, probes, path);
  }
});

test('Summary.db: header, little-endian offsets and positions, first/last key; big-endian variant detected', () => {
  const bytes = Uint8Array.from([
    0, 0, 0, 128,             // minIndexInterval 128
    0, 0, 0, 2,               // 2 entries
    0, 0, 0, 0, 0, 0, 0, 26,  // region bytes: 8 offsets + 2 × (1-byte key + 8)
    0, 0, 0, 128,             // sampling level 128
    0, 0, 0, 2,               // size at full sampling
    8, 0, 0, 0, 17, 0, 0, 0,  // offsets 8 and 17 (LE)
    0x61, 0, 0, 0, 0, 0, 0, 0, 0,        // key "a", Index.db position 0 (LE)
    0x62, 0x10, 0x27, 0, 0, 0, 0, 0, 0,  // key "b", position 10000 (LE)
    0, 0, 0, 1, 0x61, 0, 0, 0, 1, 0x63,  // first key "a", last key "c"
  ]);
  const s = parseSummary(bytes, 'nb-1-big-Summary.db');
  assert.deepEqual(s.keys.map((k) => String.fromCharCode(...k)), ['a', 'b']);
  assert.deepEqual([...s.indexPositions], [0, 10000]);
  assert.deepEqual([...s.lastKey], [0x63]);
  const be = bytes.slice();
  be.set([0, 0, 0, 8, 0, 0, 0, 17], 24);
  be.set([0, 0, 0, 0, 0, 0, 0x27, 0x10], 42);
  assert.deepEqual([...parseSummary(be, 's').indexPositions], [0, 10000]);
  const bad = bytes.slice();
  bad[24] = 9; // first offset must be 8
  assert.throws(() => parseSummary(bad, 'nb-1-big-Summary.db'),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'nb-1-big-Summary.db: first summary offset 8 expected at offset 24');
});

test('Index.db entry header: bytes consumed and corrupt lengths', () => {
  const bytes = Uint8Array.from([
    0, 1, 0x30,        // key "0"
    0x80, 0x80,        // Data.db position 128 (2-byte vint: 10xxxxxx + 1 byte)
    3, 9, 9, 9,        // promoted index of 3 bytes
  ]);
  const r = new ByteReader(bytes, 'oa-1-big-Index.db', 1000);
  const h = readIndexEntryHeader(r);
  assert.equal(h.dataPosition, 128);
  assert.equal(r.pos, 6);
  assert.equal(h.promotedIndexPosition, 1006);
  assert.equal(h.nextEntryPosition, 1009);
  assert.throws(() => readIndexEntryHeader(new ByteReader(Uint8Array.from([0, 9, 0x30]), 'oa-1-big-Index.db', 500)),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'oa-1-big-Index.db: partition key length 9 exceeds the 1 bytes left at offset 500');
});

test('a corrupt Index.db fails with file and offset while listing', async () => {
  const t = bigTables.find((x) => x.path.endsWith('legacy_oa_simple'))!;
  const dir = join(CORPUS_ROOT, t.path);
  const src = fileSource(componentPath(dir, 'Index.db'));
  const bytes = src.bytes.slice();
  bytes[0] = 0x7f; // key length 32513 at offset 0
  const index = new BigPartitionIndex({ name: 'oa-1-big-Index.db', size: async () => bytes.length, read: async (s: number, e: number) => bytes.subarray(s, e) }, null, BYTE_ORDERED);
  await assert.rejects(collect(index), (e: unknown) => e instanceof CorruptInputError && e.message.startsWith('oa-1-big-Index.db: ') && e.message === 'oa-1-big-Index.db: partition key length 32513 exceeds the 23 bytes left at offset 0');
});
