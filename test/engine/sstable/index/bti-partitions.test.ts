import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CassbergError, CorruptInputError } from '../../../../engine/errors.ts';
import { BYTE_ORDERED, MURMUR3 } from '../../../../engine/partitioner/partitioner.ts';
import { murmur3FilterHashByte } from '../../../../engine/partitioner/murmur3.ts';
import { BtiPartitionIndex } from '../../../../engine/sstable/index/bti/partitions.ts';
import { estimateBytesByTokenRange } from '../../../../engine/sstable/index/partition-index.ts';
import {
  CORPUS_ROOT, MemorySource, assertPositionsStartPartitions, assertRangeSeeks, collect, componentPath, expectedTables, fileSource, openData,
} from './corpus.ts';

const utf8 = new TextEncoder();
const btiTables = expectedTables().filter((t) => t.format === 'bti');

async function open(path: string) {
  const dir = join(CORPUS_ROOT, path);
  const partitions = fileSource(componentPath(dir, 'Partitions.db'));
  const rows = fileSource(componentPath(dir, 'Rows.db'));
  const data = await openData(dir, 'da', 'bti');
  return { index: new BtiPartitionIndex(partitions, rows, data, BYTE_ORDERED), partitions, rows, data };
}

test('Partitions.db lists exactly the expected keys at partition starts (4 da tables), with footer and hash bytes', async () => {
  assert.equal(btiTables.length, 4);
  for (const t of btiTables) {
    const { index, data } = await open(t.path);
    const entries = await collect(index);
    assert.deepEqual(entries.map((e) => new TextDecoder().decode(e.key)), t.partitionKeys, t.path);
    await assertPositionsStartPartitions(entries, data, t.path);
    const footer = await index.footer();
    assert.equal(footer.keyCount, t.partitionCount);
    assert.deepEqual(footer.firstKey, utf8.encode(t.partitionKeys[0]!));
    assert.deepEqual(footer.lastKey, utf8.encode(t.partitionKeys[t.partitionCount - 1]!));
    // each leaf stores the low byte of the key's filter hash (Murmur3 of the key, whatever the partitioner)
    const leaves = [];
    for await (const leaf of index.leaves()) leaves.push(leaf);
    assert.deepEqual(leaves.map((l) => l.hashByte), entries.map((e) => murmur3FilterHashByte(e.key)), t.path);
    // ByteOrdered tries hold 0x40 + the first key byte: the shortest unique prefix
    assert.deepEqual(leaves.map((l) => [...l.prefix]), t.partitionKeys.map((k) => [0x40, k.charCodeAt(0)]));
    // simple tables point into Data.db (negative payloads), clust tables into Rows.db
    assert.equal(leaves.every((l) => l.indexPosition < 0), t.table.includes('simple'), t.path);
  }
});

test('token-range seeks through the trie return exactly the partitions in range (every da table)', async () => {
  const b = (s: string) => utf8.encode(s);
  const probes = [new Uint8Array(0), b('0'), b('0\u0000'), b('1'), b('1a'), b('2'), b('3'), b('4'), b('4z'), b('5'), b('/')];
  for (const t of btiTables) {
    const { index } = await open(t.path);
    const entries = await collect(index);
    const checked = await assertRangeSeeks(index, BYTE_ORDERED, entries, t.compression.uncompressedLength, probes, t.path);
    assert.equal(checked, probes.length ** 2);
  }
});

test('a seek reads one Partitions.db page and one key', async () => {
  const t = btiTables.find((x) => x.table.endsWith('_clust'))!;
  const { index, partitions, rows } = await open(t.path);
  const entries = await collect((await open(t.path)).index);
  assert.equal(await index.dataPositionAfter(utf8.encode('2')), entries[3]!.dataPosition);
  assert.equal(partitions.reads, 1, 'the last page holds footer, keys and (in this small file) the whole trie');
  assert.ok(rows.bytesRead <= 2 * 4096, `${rows.bytesRead} Rows.db bytes`);
  assert.equal(await index.dataPositionAfter(utf8.encode('4')), null);
  const bytes = await estimateBytesByTokenRange(index, [{ startExclusive: new Uint8Array(0), endInclusive: new Uint8Array(0) }], t.compression.uncompressedLength);
  assert.deepEqual(bytes, [t.compression.uncompressedLength]);
});

/** A hand-built Partitions.db: trie nodes, keys, footer. */
function partitionsFile(trie: number[], root: number, firstKey: number[], lastKey: number[], count: number): Uint8Array {
  const keys = [0, firstKey.length, ...firstKey, 0, lastKey.length, ...lastKey];
  const footer = new Uint8Array(24);
  const v = new DataView(footer.buffer);
  v.setBigInt64(0, BigInt(trie.length));
  v.setBigInt64(8, BigInt(count));
  v.setBigInt64(16, BigInt(root));
  return Uint8Array.from([...trie, ...keys, ...footer]);
}

test('hand-built Murmur3 trie: SPARSE_8 and SINGLE_16 nodes, 2-byte payloads, candidate resolved from Data.db', async () => {
  // Data.db: two partitions with int keys 1 (token -4069959284402364209) and 2 (token -3248873570005575792),
  // at positions 0 and 300. Their comparable tokens start 0x47 0x84… and 0x52 0xe9…
  const data = new Uint8Array(400);
  data.set([0, 4, 0, 0, 0, 1], 0);
  data.set([0, 4, 0, 0, 0, 2], 300);
  const trie = [
    0x08, 0x11, 0xff,            // 0: PAYLOAD_ONLY, hash byte 0x11, position ~0 (Data.db 0)
    0x09, 0x22, 0xfe, 0xd3,      // 3: PAYLOAD_ONLY flags 9: hash 0x22, 2-byte position 0xfed3 = ~300
    0x50, 2, 0x47, 0x52, 7, 4,   // 7: SPARSE_8, 2 children: 0x47 → 7-7 = 0, 0x52 → 7-4 = 3
    0x40, 0x40, 0x00, 6,         // 13: SINGLE_16, transition 0x40, delta 6 → node 7
  ];
  const file = partitionsFile(trie, 13, [0, 0, 0, 1], [0, 0, 0, 2], 2);
  const index = new BtiPartitionIndex(new MemorySource('da-1-bti-Partitions.db', file), null, new MemorySource('Data.db', data), MURMUR3);
  const entries = await collect(index);
  assert.deepEqual(entries.map((e) => [e.token, e.dataPosition]), [[-4069959284402364209n, 0], [-3248873570005575792n, 300]]);
  assert.equal(await index.dataPositionAfter(-4069959284402364210n), 0);    // just below key 1: candidate is key 1
  assert.equal(await index.dataPositionAfter(-4069959284402364209n), 300);  // at key 1: candidate resolved, then greater
  assert.equal(await index.dataPositionAfter(-3248873570005575792n), null);
  assert.equal(await index.dataPositionAfter(-(1n << 63n)), 0);
  // bounds between the prefixes need no Data.db read: the next leaf's payload is its position
  const dataSource = new MemorySource('Data.db', data);
  const quiet = new BtiPartitionIndex(new MemorySource('p', file), null, dataSource, MURMUR3);
  assert.equal(await quiet.dataPositionAfter(-5000000000000000000n), 0);   // comparable 0x3a…: before both prefixes
  assert.equal(await quiet.dataPositionAfter(0n), null);                    // comparable 0x80…: after both
  assert.equal(dataSource.reads, 0);
  // without Data.db the candidate sharing the bound's prefix counts as before it: one partition off at most
  const blind = new BtiPartitionIndex(new MemorySource('p', file), null, null, MURMUR3);
  assert.equal(await blind.dataPositionAfter(-4069959284402364210n), 300); // exact answer: 0
  assert.equal(await blind.dataPositionAfter(-5000000000000000000n), 0);
});

test('hand-built tries: DENSE_12 with a hole, SPARSE_12, SINGLE_NOPAYLOAD_12', async () => {
  const data = new Uint8Array(64);
  const keyAt = [0, 10, 20];
  ['a', 'c', 'd'].forEach((k, i) => data.set([0, 1, k.charCodeAt(0)], keyAt[i]!));
  const dense = [
    0x08, 0x00, ~0 & 0xff,       // 0: leaf → Data.db 0
    0x08, 0x00, ~10 & 0xff,      // 3: leaf → Data.db 10
    0x08, 0x00, ~20 & 0xff,      // 6: leaf → Data.db 20
    0xa0, 0x61, 3,               // 9: DENSE_12 from 'a', 4 slots a b c d; 12-bit deltas 9, 0 (no 'b'), 6, 3:
    0x00, 0x90, 0x00, 0x00, 0x60, 0x03, // 0x009 0x000 0x006 0x003
    0x30, 0x09, 0x40,            // 18: SINGLE_NOPAYLOAD_12, delta 0x009 → 9, transition 0x40
  ];
  const file = partitionsFile(dense, 18, [0x61], [0x64], 3);
  const index = new BtiPartitionIndex(new MemorySource('p', file), null, new MemorySource('d', data), BYTE_ORDERED);
  assert.deepEqual((await collect(index)).map((e) => [String.fromCharCode(e.key[0]!), e.dataPosition]), [['a', 0], ['c', 10], ['d', 20]]);
  assert.equal(await index.dataPositionAfter(utf8.encode('b')), 10);

  const sparse = [
    0x08, 0x00, ~0 & 0xff, 0x08, 0x00, ~10 & 0xff, 0x08, 0x00, ~20 & 0xff,
    0x60, 3, 0x61, 0x63, 0x64,   // 9: SPARSE_12, 3 children 'a' 'c' 'd', 12-bit deltas 9, 6, 3 packed:
    0x00, 0x90, 0x06, 0x00, 0x30, // 0x009 0x006 | 0x003 + 4 padding bits
    0x10 | 10, 0x40,             // 19: SINGLE_NOPAYLOAD_4, delta 10 → 9
  ];
  const index2 = new BtiPartitionIndex(new MemorySource('p', partitionsFile(sparse, 19, [0x61], [0x64], 3)), null, new MemorySource('d', data), BYTE_ORDERED);
  assert.deepEqual((await collect(index2)).map((e) => e.dataPosition), [0, 10, 20]);
  assert.equal(await index2.dataPositionAfter(utf8.encode('c')), 20);
});

test('corrupt Partitions.db: forward child pointer and short file name the file and offset', async () => {
  const trie = [0x08, 0x00, 0xff, 0x10 | 0, 0x40]; // SINGLE_NOPAYLOAD_4 at 3 with delta 0 points at itself
  const index = new BtiPartitionIndex(new MemorySource('da-1-bti-Partitions.db', partitionsFile(trie, 3, [1], [1], 1)), null, new MemorySource('d', new Uint8Array(8)), BYTE_ORDERED);
  await assert.rejects(collect(index), (e: unknown) => e instanceof CorruptInputError && e.message === 'da-1-bti-Partitions.db: trie child pointer to 3 is not before its node at 3 at offset 3');
  const short = new BtiPartitionIndex(new MemorySource('da-1-bti-Partitions.db', new Uint8Array(10)), null, new MemorySource('d', new Uint8Array(8)), BYTE_ORDERED);
  await assert.rejects(short.footer(), (e: unknown) => e instanceof CorruptInputError && e.message === 'da-1-bti-Partitions.db: 10 bytes is shorter than the 24-byte footer at offset 0');
});

test('planning without Data.db: seeks still answer from the trie, listing says what is missing', async () => {
  for (const t of btiTables) {
    const { index } = await open(t.path);
    const entries = await collect(index);
    const dir = join(CORPUS_ROOT, t.path);
    const blind = new BtiPartitionIndex(fileSource(componentPath(dir, 'Partitions.db')), fileSource(componentPath(dir, 'Rows.db')), null, BYTE_ORDERED);
    // single-character keys: a bound never falls inside a shared prefix here, so the blind answers are exact
    const probes = ['', '0', '1a', '2', '4', '9'].map((s) => utf8.encode(s));
    await assertRangeSeeks(blind, BYTE_ORDERED, entries, t.compression.uncompressedLength, probes, `${t.path} without Data.db`);
    if (t.table.includes('simple')) {
      await assert.rejects(collect(blind), (e: unknown) => e instanceof CassbergError && e.kind === 'PreconditionFailed' && /Data\.db, which was not given/.test(e.message));
    }
  }
});
