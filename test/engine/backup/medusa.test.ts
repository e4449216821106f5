// Real cassandra-medusa 0.31 backups of a real Cassandra 5.0 node (fixtures/medusa-0.31-cassandra-5.0, see its
// README): what we find must match Medusa's own `list-backups` and `verify`, on local disk and after an upload to
// MinIO (where Medusa's MD5s meet S3 ETags).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { chooseBackupAsOf } from '../../../engine/backup/as-of.ts';
import { checkClusterBackup } from '../../../engine/backup/completeness.ts';
import { discoverBackups } from '../../../engine/backup/layout.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { createS3Client, S3ObjectStore } from '../../../engine/storage/s3.ts';
import { startS3, type S3Server } from '../../harness/s3.ts';

const FIXTURE = new URL('./fixtures/medusa-0.31-cassandra-5.0/', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(join(FIXTURE, 'expected.json'), 'utf8')) as {
  backups: { name: string; startedEpochSec: number; finishedEpochSec: number; verify: string }[];
};
const dir = mkdtempSync(join(tmpdir(), 'cassberg-medusa-'));
execFileSync('tar', ['-xzf', join(FIXTURE, 'bucket.tar.gz'), '-C', dir]);
const local = new LocalObjectStore(join(dir, 'bucket'));
let s3: S3Server;
before(async () => {
  s3 = await startS3();
});
after(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const USERS_TABLE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

test('backups, times and verdicts agree with medusa list-backups and verify', async () => {
  const { backups } = await discoverBackups(local, 'prod');
  assert.deepEqual(
    backups.map((b) => ({ name: b.name, startedEpochSec: Math.floor(b.started!.at.getTime() / 1000), finishedEpochSec: Math.floor(b.finished!.at.getTime() / 1000) })),
    expected.backups.map(({ name, startedEpochSec, finishedEpochSec }) => ({ name, startedEpochSec, finishedEpochSec })),
  );
  assert.deepEqual(backups.map((b) => b.layout), ['medusa-differential', 'medusa-full']);
  for (const [i, b] of backups.entries()) {
    const v = await checkClusterBackup(local, b, { checkDigests: true });
    assert.deepEqual([v.status, v.reasons], [expected.backups[i]!.verify === 'OK' ? 'complete' : 'damaged', []]);
    const node = b.nodeBackups[0]!;
    assert.equal(node.node.name, '127.0.0.1');
    assert.deepEqual([node.node.dc, node.node.rack, node.node.tokens.length], ['datacenter1', 'rack1', 16]);
    assert.match(node.serverVersion!, /^5\.0\.\d+$/);
    const users = node.tables.find((t) => t.keyspace === 'shop' && t.table === 'users')!;
    assert.match(users.tableId!, USERS_TABLE_ID);
    assert.equal(users.sstables.length, i + 1, 'one flush before b1, two before b2');
    assert.ok(node.tables.some((t) => t.keyspace === 'system_schema' && t.isSystem));
  }
  const atB1 = new Date((expected.backups[0]!.finishedEpochSec + 1) * 1000);
  assert.equal((await chooseBackupAsOf(local, backups, atB1)).backup.name, 'b1');
  assert.equal((await chooseBackupAsOf(local, backups, new Date((expected.backups[1]!.finishedEpochSec + 1) * 1000))).backup.name, 'b2');
});

test('on MinIO the manifest MD5s are compared with ETags; a damaged shared file breaks only the differential backup', async () => {
  const bucket = await s3.newBucket('medusa-real');
  const store = new S3ObjectStore(createS3Client({ endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }), bucket);
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
  const files = walk(join(dir, 'bucket'));
  for (let i = 0; i < files.length; i += 16) {
    await Promise.all(files.slice(i, i + 16).map((f) => store.put(relative(join(dir, 'bucket'), f), readFileSync(f))));
  }
  let { backups } = await discoverBackups(store, 'prod');
  const users = backups[0]!.nodeBackups[0]!.tables.find((t) => t.keyspace === 'shop' && t.table === 'users')!;
  const data = users.sstables[0]!.components.find((c) => c.name === 'Data.db')!;
  assert.equal(data.storedEtag, data.expectedChecksum!.value, 'single-part ETag = Medusa MD5');
  for (const b of backups) assert.deepEqual((await checkClusterBackup(store, b)).reasons, []);

  const bytes = await store.read(data.key);
  const flipped = new Uint8Array(bytes);
  flipped[10] = flipped[10]! ^ 1;
  await store.put(data.key, flipped);
  ({ backups } = await discoverBackups(store, 'prod'));
  const [b1, b2] = await Promise.all(backups.map((b) => checkClusterBackup(store, b)));
  assert.equal(b1!.status, 'damaged');
  assert.equal(b1!.reasons.length, 1);
  assert.match(b1!.reasons[0]!, new RegExp(`^127\\.0\\.0\\.1: shop/${users.dirName}/${users.sstables[0]!.prefix}-Data\\.db checksum [0-9a-f]{32} differs from manifest ${data.expectedChecksum!.value}$`));
  assert.equal(b2!.status, 'complete', 'the full backup has its own copy');
});
