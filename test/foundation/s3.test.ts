// The S3 harness runs a real MinIO: an object put through @aws-sdk/client-s3 comes back byte for byte, buckets from
// newBucket() are distinct, and stop() really ends the server.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3, type S3Server } from '../harness/s3.ts';

let s3: S3Server;
before(async () => {
  s3 = await startS3();
});
after(() => s3?.stop());

test('an object put into MinIO is listed and read back unchanged', async () => {
  const bucket = await s3.newBucket('Foundation_Test');
  assert.match(bucket, /^foundation-test-\d+-\d+$/);
  const body = new Uint8Array(70_000).map((_, i) => (i * 7) & 0xff);
  await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.bin', Body: body }));
  const got = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.bin', Range: 'bytes=100-199' }));
  assert.deepEqual(await got.Body!.transformToByteArray(), body.subarray(100, 200));
  const whole = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.bin' }));
  assert.deepEqual(await whole.Body!.transformToByteArray(), body);
});

test('newBucket gives a fresh bucket each time', async () => {
  const a = await s3.newBucket();
  const b = await s3.newBucket();
  assert.notEqual(a, b);
  const names = (await s3.client.send(new ListBucketsCommand({}))).Buckets!.map((x) => x.Name);
  assert.ok(names.includes(a) && names.includes(b));
});

test('stop() ends the server', async () => {
  const other = await startS3();
  const url = `${other.endpoint}/minio/health/live`;
  assert.equal((await fetch(url)).status, 200);
  await other.stop();
  await assert.rejects(fetch(url));
});
