// A real `nodetool snapshot` from a Cassandra 5.0 node (test/harness/cassandra.ts), uploaded to MinIO the way
// `aws s3 sync <data dir> s3://bucket/<root>/<dc>/<node>/` does (live sstables and all), plus the tokenmap.json
// marker built from system.local. Discovery must find exactly the snapshot, verify it, and carry the real table id.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';
import { loadSchema } from '../../../engine/backup/as-of.ts';
import { checkClusterBackup } from '../../../engine/backup/completeness.ts';
import { discoverBackups } from '../../../engine/backup/layout.ts';
import { formatTokenMap } from '../../../engine/backup/tokenmap.ts';
import { replicationOf } from '../../../engine/backup/keyspace.ts';
import type { ObjectStore } from '../../../engine/storage/object-store.ts';
import { createS3Client, S3ObjectStore } from '../../../engine/storage/s3.ts';
import { ensureCassandra, type CassandraNode } from '../../harness/cassandra.ts';
import { startS3, type S3Server } from '../../harness/s3.ts';

let s3: S3Server;
let cassandra: CassandraNode;
before(async () => {
  [s3, cassandra] = await Promise.all([startS3(), ensureCassandra()]);
});
after(async () => {
  await cassandra?.close();
  await s3?.stop();
});

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

async function sync(store: ObjectStore, localDir: string, prefix: string): Promise<number> {
  const files = walk(localDir);
  for (const f of files) await store.put(`${prefix}/${relative(localDir, f)}`, readFileSync(f));
  return files.length;
}

test('a real nodetool snapshot, synced with the live data dir, is found, complete and carries the table id', async () => {
  const ks = `bk_real_${process.pid}`;
  const tag = `cassberg-${Date.now()}`;
  const dc = String((await cassandra.execute(`SELECT data_center FROM system.local`)).first().get('data_center'));
  await cassandra.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'NetworkTopologyStrategy', '${dc}': 1}`);
  await cassandra.execute(`CREATE TABLE IF NOT EXISTS ${ks}.events (id int PRIMARY KEY, v text)`);
  for (let i = 0; i < 50; i++) await cassandra.execute(`INSERT INTO ${ks}.events (id, v) VALUES (?, ?)`, [i, `value-${i}`]);
  await cassandra.flush(ks);
  for (let i = 50; i < 60; i++) await cassandra.execute(`INSERT INTO ${ks}.events (id, v) VALUES (?, ?)`, [i, `value-${i}`]);
  await cassandra.flush(ks);
  await cassandra.nodetool('snapshot', '-t', tag, ks);
  // a write after the snapshot: a live sstable that must not be part of the backup
  await cassandra.execute(`INSERT INTO ${ks}.events (id, v) VALUES (?, ?)`, [99, 'late']);
  await cassandra.flush(ks);

  const local = (await cassandra.execute(`SELECT tokens, data_center, rack FROM system.local`)).first();
  const tableId = String((await cassandra.execute(`SELECT id FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?`, [ks, 'events'])).first().get('id'));
  const node = { name: 'node-a', dc: String(local.get('data_center')), rack: String(local.get('rack')), tokens: [...(local.get('tokens') as string[])].map(BigInt) };

  const bucket = await s3.newBucket('real-snapshot');
  const store = new S3ObjectStore(createS3Client({ endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }), bucket);
  const root = 'cluster-1';
  const uploaded = await sync(store, join(cassandra.dataDir, ks), `${root}/${node.dc}/${node.name}/${ks}`);
  // the node-level schema.cql: what DESCRIBE SCHEMA prints for the keyspaces, from the node's system_schema
  const keyspaces = (await cassandra.execute(`SELECT keyspace_name, replication FROM system_schema.keyspaces`)).rows.map((r) => {
    const map = Object.entries(r.get('replication') as Record<string, string>).map(([k, v]) => `'${k}': '${v}'`).join(', ');
    return `CREATE KEYSPACE ${r.get('keyspace_name')} WITH replication = {${map}}  AND durable_writes = true;\n`;
  });
  await store.put(`${root}/${node.dc}/${node.name}/snapshots/${tag}/schema.cql`, new TextEncoder().encode(keyspaces.join('\n')));
  await store.put(`${root}/${node.dc}/${node.name}/snapshots/${tag}/tokenmap.json`, new TextEncoder().encode(formatTokenMap([node])));

  const { backups } = await discoverBackups(store, root);
  assert.deepEqual(backups.map((b) => [b.name, b.layout, b.nodeBackups.length]), [[tag, 'nodetool-snapshot', 1]]);
  const b = backups[0]!;
  const verdict = await checkClusterBackup(store, b, { checkDigests: true });
  assert.deepEqual(verdict.reasons, []);
  assert.equal(verdict.status, 'complete');
  assert.equal(b.expectedNodes[0]!.tokens.length, node.tokens.length);

  const [table] = b.nodeBackups[0]!.tables;
  assert.equal(table!.tableId, tableId);
  assert.equal(table!.table, 'events');
  const snapshotDir = readdirSync(join(cassandra.dataDir, ks)).map((d) => join(cassandra.dataDir, ks, d, 'snapshots', tag))[0]!;
  const snapshotData = readdirSync(snapshotDir).filter((f) => f.endsWith('-Data.db')).sort();
  assert.equal(snapshotData.length, 2, 'two flushes before the snapshot');
  assert.deepEqual(table!.sstables.map((s) => `${s.prefix}-Data.db`).sort(), snapshotData);
  assert.ok(uploaded > snapshotData.length * 8, 'live sstables were uploaded too, and ignored');
  const snapshotAt = b.nodeBackups[0]!.snapshotAt!;
  assert.equal(snapshotAt.clock, 'node');
  assert.ok(Math.abs(snapshotAt.at.getTime() - Date.now()) < 600_000);

  const schemas = await loadSchema(store, b);
  const [schema] = schemas;
  assert.equal(schema!.kind, 'table-cql');
  assert.match(schema!.text, new RegExp(`CREATE TABLE IF NOT EXISTS ${ks}\\.events[\\s\\S]*WITH ID = ${tableId}`));
  // the keyspace's replication as the real node defined it, from the node-level schema.cql
  assert.deepEqual(replicationOf(schemas, ks), {
    strategy: { class: 'NetworkTopologyStrategy', datacenters: { [dc]: 1 } }, source: `${root}/${node.dc}/${node.name}/snapshots/${tag}/schema.cql`,
  });
});
