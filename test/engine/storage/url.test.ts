import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidConfigError } from '../../../engine/errors.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { S3ObjectStore } from '../../../engine/storage/s3.ts';
import { openStore, parseStorageUrl } from '../../../engine/storage/url.ts';
import { joinKey } from '../../../engine/storage/object-store.ts';

test('s3 URLs: bucket and prefix without trailing slash', () => {
  assert.deepEqual(parseStorageUrl('s3://my-bucket/tenant-a/prod/'), { scheme: 's3', bucket: 'my-bucket', prefix: 'tenant-a/prod' });
  assert.deepEqual(parseStorageUrl('s3://my-bucket'), { scheme: 's3', bucket: 'my-bucket', prefix: '' });
  const opened = openStore('s3://my-bucket/p', { endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  assert.ok(opened.store instanceof S3ObjectStore);
  assert.equal(opened.root, 'p');
  assert.equal(opened.store.describe('p/x'), 's3://my-bucket/p/x');
});

test('file URLs: absolute directory, empty root', () => {
  assert.deepEqual(parseStorageUrl('file:///var/backups/'), { scheme: 'file', dir: '/var/backups', prefix: '' });
  const opened = openStore('file:///tmp/x');
  assert.ok(opened.store instanceof LocalObjectStore);
  assert.equal(opened.root, '');
});

test('bad URLs are config errors naming the URL', () => {
  for (const [url, msg] of [
    ['http://x/y', /unsupported storage URL "http:\/\/x\/y"/],
    ['s3://Bad_Bucket/p', /invalid S3 bucket name "Bad_Bucket"/],
    ['s3://bucket/a/../b', /invalid prefix in s3:\/\/bucket\/a\/\.\.\/b/],
    ['/plain/path', /unsupported storage URL/],
  ] as const) {
    assert.throws(() => parseStorageUrl(url), (e: unknown) => e instanceof InvalidConfigError && msg.test((e as Error).message), url);
  }
});

test('joinKey puts exactly one slash between non-empty parts', () => {
  assert.equal(joinKey('', 'a/', '/b', 'c'), 'a/b/c');
  assert.equal(joinKey('root', ''), 'root');
});
