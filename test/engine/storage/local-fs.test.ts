import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { isObjectNotFound } from '../../../engine/storage/object-store.ts';

const dir = mkdtempSync(join(tmpdir(), 'cassberg-localfs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const store = new LocalObjectStore(dir);
const bytes = (s: string) => new TextEncoder().encode(s);

test('put, list in key order under a prefix, stat, size and ranged read', async () => {
  await store.put('a/b/2.db', bytes('0123456789'));
  await store.put('a/b/1.db', bytes('xy'));
  await store.put('a/bc/3.db', bytes('z'));
  await store.put('other', bytes(''));
  const keys = [];
  for await (const o of store.list('a/b')) keys.push(`${o.key}:${o.sizeInBytes}`);
  assert.deepEqual(keys, ['a/b/1.db:2', 'a/b/2.db:10', 'a/bc/3.db:1']);
  const slash = [];
  for await (const o of store.list('a/b/')) slash.push(o.key);
  assert.deepEqual(slash, ['a/b/1.db', 'a/b/2.db']);
  assert.equal(await store.size('a/b/2.db'), 10);
  assert.equal(new TextDecoder().decode(await store.read('a/b/2.db', 3, 7)), '3456');
  assert.equal((await store.read('a/b/2.db')).length, 10);
  assert.equal((await store.read('other')).length, 0);
  assert.ok((await store.stat('a/b/2.db'))!.lastModified instanceof Date);
  assert.equal(await store.stat('a/nope'), undefined);
});

test('missing keys and bad ranges give errors naming the object', async () => {
  await assert.rejects(store.read('a/missing.db'), (e: unknown) => isObjectNotFound(e) && (e as Error).message === `object not found: ${join(dir, 'a/missing.db')}`);
  await assert.rejects(store.size('a/missing.db'), /object not found: .*a\/missing\.db$/);
  await assert.rejects(store.read('a/b/2.db', 5, 11), /bad byte range \[5, 11\) of .*a\/b\/2\.db \(size 10\)/);
});

test('ifAbsent writes once; overwrite replaces; delete is idempotent; no temp files left', async () => {
  assert.equal(await store.put('c/once', bytes('first'), { ifAbsent: true }), true);
  assert.equal(await store.put('c/once', bytes('second'), { ifAbsent: true }), false);
  assert.equal(new TextDecoder().decode(await store.read('c/once')), 'first');
  assert.equal(await store.put('c/once', bytes('third')), true);
  assert.equal(new TextDecoder().decode(await store.read('c/once')), 'third');
  const racers = await Promise.all(Array.from({ length: 8 }, (_, i) => store.put('c/race', bytes(`w${i}`), { ifAbsent: true })));
  assert.equal(racers.filter(Boolean).length, 1);
  await store.delete('c/once');
  await store.delete('c/once');
  assert.equal(await store.stat('c/once'), undefined);
  assert.deepEqual(readdirSync(join(dir, 'c')), ['race']);
});

test('keys cannot escape the root', async () => {
  await assert.rejects(store.read('../etc/passwd'), /key escapes the store root: \.\.\/etc\/passwd/);
  await assert.rejects(store.put('/abs', bytes('x')), /key escapes the store root: \/abs/);
});
