import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CorruptInputError } from '../../../../engine/errors.ts';
import { SourceWindow } from '../../../../engine/sstable/index/source-window.ts';
import { MemorySource } from './corpus.ts';

test('loads read ahead, hit the window when covered, and readers carry absolute offsets', async () => {
  const source = new MemorySource('Index.db', Uint8Array.from({ length: 100 }, (_, i) => i));
  const w = new SourceWindow(source, 16);
  assert.equal(await w.load(10, 4), 4);
  assert.deepEqual([source.reads, source.bytesRead], [1, 16]);      // [10, 26)
  await w.load(20, 6);
  assert.equal(source.reads, 1);                                     // inside the window
  const r = w.reader(20);
  assert.equal(r.readUint8(), 20);
  assert.equal(r.absolutePos, 21);
  assert.equal(await w.load(98, 10, 0), 2);                          // clipped at the end
  assert.deepEqual([source.reads, source.bytesRead], [2, 18]);
  assert.throws(() => w.reader(5), (e: unknown) => e instanceof CorruptInputError && e.message === 'Index.db: position before the loaded bytes at 98 at offset 5');
  await assert.rejects(w.load(101, 1), (e: unknown) => e instanceof CorruptInputError && e.message === 'Index.db: position outside the 100-byte file at offset 101');
  assert.equal(await w.load(100, 5), 0);                             // at the end: nothing read
  assert.equal(source.reads, 2);
  assert.throws(() => w.reader(100).readUint8(), (e: unknown) => e instanceof CorruptInputError && e.message.endsWith('at offset 100'));
});
