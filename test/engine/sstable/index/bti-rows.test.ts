import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CorruptInputError } from '../../../../engine/errors.ts';
import { ByteReader } from '../../../../engine/sstable/byte-reader.ts';
import { BYTE_ORDERED } from '../../../../engine/partitioner/partitioner.ts';
import { BtiPartitionIndex } from '../../../../engine/sstable/index/bti/partitions.ts';
import { readRowIndexEntry } from '../../../../engine/sstable/index/bti/rows.ts';
import { readTrieNode } from '../../../../engine/sstable/index/bti/trie-node.ts';
import { CORPUS_ROOT, collect, componentPath, expectedTables, fileSource, openData } from './corpus.ts';

test('Rows.db entries of the da clust tables: key, Data.db position, trie root, blocks, LIVE deletion', async () => {
  for (const t of expectedTables().filter((x) => x.format === 'bti' && x.table.includes('clust'))) {
    const dir = join(CORPUS_ROOT, t.path);
    const rows = fileSource(componentPath(dir, 'Rows.db'));
    const index = new BtiPartitionIndex(fileSource(componentPath(dir, 'Partitions.db')), rows, await openData(dir, 'da', 'bti'), BYTE_ORDERED);
    const entries = await collect(index);
    let i = 0;
    for await (const leaf of index.leaves()) {
      assert.ok(leaf.indexPosition >= 0, 'clust partitions have a row index');
      const r = new ByteReader(rows.bytes, rows.name);
      r.pos = leaf.indexPosition;
      const entry = readRowIndexEntry(r, true);
      assert.deepEqual(entry.key, entries[i]!.key);
      assert.equal(entry.dataPosition, entries[i]!.dataPosition);
      assert.ok(entry.deletionTime.live);
      assert.ok(entry.blockCount > 1, `${t.path}: wide partition has several row index blocks`);
      assert.ok(entry.trieRoot < leaf.indexPosition);
      // the root is a real trie node whose children lie before it
      const rootReader = new ByteReader(rows.bytes, rows.name);
      rootReader.pos = entry.trieRoot;
      const node = readTrieNode(rootReader);
      assert.ok(node.children.every((c) => c < entry.trieRoot));
      i++;
    }
    assert.equal(i, 5);
  }
});

test('Rows.db entry: bytes consumed, signed root offset, errors with offsets', () => {
  const bytes = Uint8Array.from([
    0, 1, 0x30,   // key "0"
    0x80, 0xc8,   // Data.db position 200 (2-byte vint)
    0x0d,         // zig-zag 13 → root offset −7 from the position after the key (base 100 + 3 → 96)
    0x0d,         // 13 blocks
    0x80,         // LIVE (da)
  ]);
  const r = new ByteReader(bytes, 'da-1-bti-Rows.db', 100);
  const e = readRowIndexEntry(r, true);
  assert.deepEqual([e.dataPosition, e.trieRoot, e.blockCount, e.deletionTime.live], [200, 96, 13, true]);
  assert.equal(r.pos, 8);
  const forward = bytes.slice();
  forward[5] = 0x0e; // +7: the root would follow the entry
  assert.throws(() => readRowIndexEntry(new ByteReader(forward, 'da-1-bti-Rows.db', 100), true),
    (err: unknown) => err instanceof CorruptInputError && err.message === 'da-1-bti-Rows.db: row index root 110 is not before its entry at offset 105');
});

test('row-index tries of the da clust tables list every block in order, then the end-of-partition offset', async () => {
  for (const t of expectedTables().filter((x) => x.format === 'bti' && x.table.includes('clust'))) {
    const dir = join(CORPUS_ROOT, t.path);
    const index = new BtiPartitionIndex(fileSource(componentPath(dir, 'Partitions.db')), fileSource(componentPath(dir, 'Rows.db')), await openData(dir, 'da', 'bti'), BYTE_ORDERED);
    const entries = await collect(index);
    let i = 0;
    for await (const leaf of index.leaves()) {
      const { entry, index: rowIndex } = (await index.rowIndex(leaf))!;
      const blocks = rowIndex.blocks;
      assert.equal(blocks.length, entry.blockCount, t.path);
      const size = (i + 1 < entries.length ? entries[i + 1]!.dataPosition : t.compression.uncompressedLength) - entries[i]!.dataPosition;
      assert.equal(rowIndex.endOffset, size - 1, `${t.path}: the end separator points at the end-of-partition byte`);
      assert.equal(blocks[0]!.offset, 2 + entry.key.length + 1, `${t.path}: first block after the partition header (key + LIVE byte)`);
      for (let b = 1; b < blocks.length; b++) assert.ok(blocks[b]!.offset > blocks[b - 1]!.offset && blocks[b]!.offset < size, `${t.path} block ${b}`);
      assert.ok(blocks.every((b) => b.openDeletion === null));
      // separators ascend (byte order), as the clusterings they stand for
      for (let b = 1; b < blocks.length; b++) assert.ok(Buffer.compare(Buffer.from(blocks[b - 1]!.separator), Buffer.from(blocks[b]!.separator)) < 0);
      i++;
    }
    assert.equal(i, 5);
  }
});
