// Both FileIO implementations against a local directory: LocalFileIO on file:// URLs and the
// ObjectStore adapter over engine/storage's LocalObjectStore.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { LocalFileIO, ObjectStoreFileIO, type FileIO } from '../../../engine/iceberg/io.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';

async function contract(io: FileIO, base: string): Promise<void> {
  const loc = `${base}/t/metadata/00000-x.metadata.json`;
  assert.equal(await io.exists(loc), false);
  await io.write(loc, Uint8Array.of(1, 2, 3));
  assert.deepStrictEqual([...(await io.read(loc))], [1, 2, 3]);
  await assert.rejects(io.write(loc, Uint8Array.of(9), { ifAbsent: true }));
  assert.deepStrictEqual([...(await io.read(loc))], [1, 2, 3], 'ifAbsent never overwrites');
  await io.delete(loc);
  assert.equal(await io.exists(loc), false);
}

describe('FileIO', () => {
  it('LocalFileIO reads, writes, refuses to overwrite with ifAbsent, and deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-io-'));
    try { await contract(new LocalFileIO(), pathToFileURL(dir).href); } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it('ObjectStoreFileIO maps locations under its URL prefix to store keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-io-'));
    try {
      const io = new ObjectStoreFileIO(new LocalObjectStore(dir), 's3://bucket/wh', 'root');
      await contract(io, 's3://bucket/wh');
      await io.write('s3://bucket/wh/a/b.avro', Uint8Array.of(7));
      assert.deepStrictEqual([...readFileSync(join(dir, 'root/a/b.avro'))], [7]);
      assert.throws(() => io.read('s3://other/wh/a'), /outside s3:\/\/bucket\/wh/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
