import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CorruptInputError } from '../../../../engine/errors.ts';
import { ByteReader } from '../../../../engine/sstable/byte-reader.ts';
import { BigPartitionIndex, readIndexEntryHeader } from '../../../../engine/sstable/index/big-index.ts';
import { BYTE_ORDERED } from '../../../../engine/partitioner/partitioner.ts';
import { readIndexDeletionTime, readPromotedIndex } from '../../../../engine/sstable/index/promoted-index.ts';
import { parseCassandraType } from '../../../../engine/sstable/type-parser.ts';
import { versionFlags } from '../../../../engine/sstable/descriptor.ts';
import { CORPUS_ROOT, componentPath, expectedTables, fileSource } from './corpus.ts';

const utf8Type = parseCassandraType('org.apache.cassandra.db.marshal.UTF8Type');
const decode = (b: Uint8Array | null) => new TextDecoder().decode(b!);

test('promoted indexes of every big clust table: blocks tile each partition from header to end', () => {
  const clust = expectedTables().filter((t) => t.format === 'big' && /_clust(_counter)?(_compact)?$/.test(t.table));
  assert.equal(clust.length, 30); // ma mb mc md me na × 4, nb nc oa × 2
  for (const t of clust) {
    const src = fileSource(componentPath(join(CORPUS_ROOT, t.path), 'Index.db'));
    const uintDeletionTime = versionFlags(t.version, 'big').hasUIntDeletionTime;
    const r = new ByteReader(src.bytes, src.name);
    const starts: number[] = [];
    const sizes: number[] = [];
    while (r.remaining > 0) {
      const h = readIndexEntryHeader(r);
      const p = readPromotedIndex(r, h.nextEntryPosition, uintDeletionTime, [utf8Type]);
      assert.equal(r.pos, h.nextEntryPosition, `${t.path}: promoted index consumed exactly`);
      assert.ok(p.deletionTime.live, `${t.path}: partition deletion LIVE`);
      assert.equal(p.headerLength, 2 + h.key.length + (uintDeletionTime ? 1 : 12), `${t.path}: partition header = key + deletion`);
      const blocks = p.blocks!;
      assert.ok(blocks.length > 1, `${t.path}: wide partitions have several blocks`);
      assert.equal(decode(blocks[0]!.firstName.values[0]!), '0' + '0123456789'.repeat(120));
      assert.equal(decode(blocks[blocks.length - 1]!.lastName.values[0]!), '9' + '0123456789'.repeat(120));
      assert.equal(blocks[0]!.offset, p.headerLength, `${t.path}: first block right after the partition header`);
      for (let i = 1; i < blocks.length; i++) assert.equal(blocks[i]!.offset, blocks[i - 1]!.offset + blocks[i - 1]!.width, `${t.path}: block ${i}`);
      starts.push(h.dataPosition);
      sizes.push(blocks[blocks.length - 1]!.offset + blocks[blocks.length - 1]!.width); // the last block includes the end-of-partition byte
    }
    assert.equal(starts.length, 5);
    for (let i = 0; i < 5; i++) {
      const next = i + 1 < 5 ? starts[i + 1]! : t.compression.uncompressedLength;
      assert.equal(next - starts[i]!, sizes[i], `${t.path}: partition ${i} size from its blocks`);
    }
  }
});

test('DeletionTime in index files: oa 1-byte LIVE and mfda-first; legacy ldt-first', () => {
  const live = new ByteReader(Uint8Array.from([0x80]), 'f');
  assert.equal(readIndexDeletionTime(live, true).live, true);
  assert.equal(live.pos, 1);
  const oa = new ByteReader(Uint8Array.from([0, 0, 0, 0, 0, 0, 0x03, 0xe8, /* mfda 1000 */ 0x80, 0, 0, 1 /* ldt 2^31+1 unsigned */]), 'f');
  assert.deepEqual(readIndexDeletionTime(oa, true), { markedForDeleteAtMicros: 1000n, localDeletionTimeSec: 0x80000001, live: false });
  assert.equal(oa.pos, 12);
  const legacy = new ByteReader(Uint8Array.from([0x7f, 0xff, 0xff, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 0]), 'f');
  assert.equal(readIndexDeletionTime(legacy, false).live, true);
  assert.equal(legacy.pos, 12);
  assert.throws(() => readIndexDeletionTime(new ByteReader(Uint8Array.from([0x81]), 'oa-1-big-Index.db', 40), true),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'oa-1-big-Index.db: deletion time flags 0x80 expected, found 0x81 at offset 40');
});

test('a promoted index whose offset table points outside fails with the offset', () => {
  const bytes = Uint8Array.from([
    3,            // header length
    0x80,         // LIVE (oa)
    1,            // 1 block
    0, 0, 0, 50,  // offset of block 0: 50, beyond the entry
  ]);
  const r = new ByteReader(bytes, 'oa-1-big-Index.db', 100);
  assert.throws(() => readPromotedIndex(r, bytes.length, true),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'oa-1-big-Index.db: IndexInfo offset 50 outside the promoted index at offset 103');
});

test('BigPartitionIndex.readPromotedIndexOf reads one entry\'s promoted index with a single ranged read', async () => {
  const src = fileSource(componentPath(join(CORPUS_ROOT, 'nb/legacy_tables/legacy_nb_clust'), 'Index.db'));
  const index = new BigPartitionIndex(src, null, BYTE_ORDERED, 64);
  const second = await index.readEntryAt((await index.readEntryAt(0, 0)).nextEntryPosition, 0);
  const before = src.reads;
  const p = (await index.readPromotedIndexOf(second, false, [utf8Type]))!;
  assert.equal(src.reads - before, 1);
  assert.equal(p.blocks!.length, p.blockCount);
  assert.equal(decode(p.blocks![0]!.firstName.values[0]!).slice(0, 2), '00');
});
