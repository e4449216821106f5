import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { CorruptInputError } from '../../../engine/errors.ts';
import { parseCrcDb, parseDigestCrc32, verifyCompressedChunkCrcs, verifyCrcDb, verifyDigest } from '../../../engine/sstable/digest.ts';
import { parseCompressionInfo } from '../../../engine/sstable/compression-info.ts';
import { versionFlags } from '../../../engine/sstable/descriptor.ts';
import { CORPUS_ROOT, MemorySource, componentPath, expectedTables, fileSource } from './index/corpus.ts';

const tables = expectedTables();

test('Digest.crc32 matches Data.db for every corpus table', async () => {
  assert.equal(tables.length, 65);
  for (const t of tables) {
    const dir = join(CORPUS_ROOT, t.path);
    const digest = fileSource(componentPath(dir, 'Digest.crc32'));
    assert.equal(parseDigestCrc32(digest.bytes, digest.name), Number(t.digestCrc32), t.path);
    await verifyDigest(fileSource(componentPath(dir, 'Data.db')), digest);
  }
});

test('a flipped byte fails the digest naming Data.db, and the chunk CRC naming the chunk offset', async () => {
  const t = tables.find((x) => x.path.endsWith('legacy_oa_clust'))!;
  const dir = join(CORPUS_ROOT, t.path);
  const data = new Uint8Array(readFileSync(componentPath(dir, 'Data.db')));
  const info = parseCompressionInfo(new Uint8Array(readFileSync(componentPath(dir, 'CompressionInfo.db'))), 'oa-1-big-CompressionInfo.db', versionFlags('oa', 'big'));
  verifyCompressedChunkCrcs(data, info.chunkOffsets, 'oa-1-big-Data.db');
  const flipAt = info.chunkOffsets[3]! + 17;
  data[flipAt]! ^= 0x01;
  await assert.rejects(verifyDigest(new MemorySource('oa-1-big-Data.db', data), fileSource(componentPath(dir, 'Digest.crc32'))),
    (e: unknown) => e instanceof CorruptInputError && e.file === 'oa-1-big-Data.db' && /does not match 1?\d+ in oa-1-big-Digest.crc32 at offset 0$/.test(e.message));
  assert.throws(() => verifyCompressedChunkCrcs(data, info.chunkOffsets, 'oa-1-big-Data.db'),
    (e: unknown) => e instanceof CorruptInputError && e.offset === info.chunkOffsets[3] && e.message.startsWith('oa-1-big-Data.db: chunk 3 CRC32'));
});

test('CRC.db: per-chunk CRC of an uncompressed Data.db, error at the bad chunk offset', async () => {
  const data = new Uint8Array(10_000).map((_, i) => (i * 31) & 0xff);
  const chunk = 4096;
  const crcDb = new Uint8Array(4 + 3 * 4);
  const view = new DataView(crcDb.buffer);
  view.setInt32(0, chunk);                                             // chunk length
  for (let i = 0; i < 3; i++) view.setUint32(4 + 4 * i, crc32(data.subarray(i * chunk, Math.min(data.length, (i + 1) * chunk))));
  assert.deepEqual(parseCrcDb(crcDb, 'CRC.db').crcs.length, 3);
  await verifyCrcDb(new MemorySource('nb-1-big-Data.db', data), new MemorySource('nb-1-big-CRC.db', crcDb));
  data[9000]! ^= 0x80;                                                 // in chunk 2 (8192..)
  await assert.rejects(verifyCrcDb(new MemorySource('nb-1-big-Data.db', data), new MemorySource('nb-1-big-CRC.db', crcDb)),
    (e: unknown) => e instanceof CorruptInputError && e.message.startsWith('nb-1-big-Data.db: chunk 2 CRC32') && e.message.endsWith('at offset 8192'));
  // a CRC.db with the wrong number of CRCs
  await assert.rejects(verifyCrcDb(new MemorySource('d', data.subarray(0, 4096)), new MemorySource('nb-1-big-CRC.db', crcDb)),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'nb-1-big-CRC.db: 1 chunk CRCs expected for 4096 bytes of d, found 3 at offset 4');
});

test('malformed Digest.crc32 and CRC.db', () => {
  assert.throws(() => parseDigestCrc32(new TextEncoder().encode('12ab'), 'x-Digest.crc32'),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'x-Digest.crc32: decimal CRC32 expected, found "12ab" at offset 0');
  assert.throws(() => parseCrcDb(Uint8Array.from([0, 0, 16, 0, 1, 2]), 'y-CRC.db'),
    (e: unknown) => e instanceof CorruptInputError && e.message === 'y-CRC.db: 2 bytes left, not a whole number of int32 CRCs at offset 4');
});
