// The backup scenarios, run against any ObjectStore: layouts-s3.test.ts runs them on MinIO, layouts-local.test.ts on
// a temp dir. Each builds backups from real SSTables, breaks them the way uploads break, and checks verdicts and the
// as-of choice.

import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chooseBackupAsOf, loadSchema } from '../../../engine/backup/as-of.ts';
import { checkClusterBackup } from '../../../engine/backup/completeness.ts';
import { discoverBackups } from '../../../engine/backup/layout.ts';
import { planInput } from '../../../engine/backup/planning.ts';
import { chooseReplicas } from '../../../engine/backup/replicas.ts';
import { TokenRing } from '../../../engine/backup/ring.ts';
import { BackupIncompleteError } from '../../../engine/errors.ts';
import { CountingObjectStore } from '../../../engine/storage/counting.ts';
import type { ObjectStore } from '../../../engine/storage/object-store.ts';
import { buildMedusaBackup, buildSnapshotBackup, TABLES } from './fixtures.ts';

export interface ScenarioStore {
  store: ObjectStore;
  root: string;
  /** Whether listings carry MD5 ETags (S3) so manifest checksums are comparable. */
  hasEtags: boolean;
}

const USERS = 'shop/users-6f0c1b2a000011ef8000000000000001';
const USERS_DATA_BYTES = statSync(join(TABLES[0]!.sourceDir, 'nb-1-big-Data.db')).size;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function backupScenarios(open: () => Promise<ScenarioStore>): void {
  test('snapshot layout: complete backup with topology, tables, schema and sizes', async () => {
    const { store, root } = await open();
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    await buildSnapshotBackup(store, root, { tag: 'daily-1', createdAt });
    const counting = new CountingObjectStore(store);
    const { backups } = await discoverBackups(counting, root);
    // one recursive listing, then per node its tokenmap.json and each table's manifest.json; nothing else
    assert.deepEqual([counting.counts.lists, counting.counts.reads, counting.counts.stats], [1, 3 * (1 + TABLES.length), 0]);
    counting.reset();
    await checkClusterBackup(counting, backups[0]!);
    assert.deepEqual([counting.counts.lists, counting.counts.reads, counting.counts.stats], [0, 3 * TABLES.length, 0], 'one TOC.txt per sstable');
    assert.equal(backups.length, 1);
    const b = backups[0]!;
    assert.equal(b.layout, 'nodetool-snapshot');
    assert.equal(b.name, 'daily-1');
    assert.deepEqual(b.expectedNodes.map((n) => [n.name, n.dc, n.rack, n.tokens]), [
      ['node-1', 'dc1', 'r1', [-6148914691236517206n]],
      ['node-2', 'dc1', 'r2', [-2n]],
      ['node-3', 'dc1', 'r3', [6148914691236517202n]],
    ]);
    const verdict = await checkClusterBackup(store, b, { checkDigests: true });
    assert.deepEqual(verdict.reasons, []);
    assert.equal(verdict.status, 'complete');
    const node1 = b.nodeBackups[0]!;
    assert.equal(node1.snapshotAt!.at.toISOString(), createdAt.toISOString());
    assert.equal(node1.snapshotAt!.clock, 'node');
    assert.deepEqual(node1.tables.map((t) => [t.keyspace, t.table, t.tableId, t.sstables.map((s) => `${s.prefix}:${s.components.length}`)]), [
      ['shop', 'orders', '6f0c1b2a-0000-11ef-8000-000000000002', ['oa-1-big:8']],
      ['shop', 'users', '6f0c1b2a-0000-11ef-8000-000000000001', ['nb-1-big:8']],
    ]);
    const schema = await loadSchema(store, b);
    assert.deepEqual(schema.map((s) => (s.kind === 'table-cql' ? `${s.keyspace}.${s.table}@${s.tableId}` : s.kind)), [
      'shop.orders@6f0c1b2a-0000-11ef-8000-000000000002',
      'shop.users@6f0c1b2a-0000-11ef-8000-000000000001',
    ]);
    const plan = planInput(b, { keyspace: 'shop', table: 'users' });
    assert.deepEqual(plan.map((p) => [p.node, p.sstables.length, p.dataSizeInBytes]), [
      ['node-1', 1, USERS_DATA_BYTES],
      ['node-2', 1, USERS_DATA_BYTES],
      ['node-3', 1, USERS_DATA_BYTES],
    ]);
  });

  for (const differential of [false, true]) {
    test(`medusa ${differential ? 'differential' : 'full'}: complete, then a deleted component and a truncated object`, async () => {
      const { store, root, hasEtags } = await open();
      await buildMedusaBackup(store, root, { name: 'backup-1', differential });
      let [b] = (await discoverBackups(store, root)).backups;
      assert.equal(b!.layout, differential ? 'medusa-differential' : 'medusa-full');
      assert.equal(b!.nodeBackups[0]!.serverVersion, '5.0.2');
      assert.deepEqual((await checkClusterBackup(store, b!)).reasons, []);
      const data = `${differential ? `${root}/node-2` : `${root}/node-2/backup-1`}/data/${USERS}`;
      await store.delete(`${data}/nb-1-big-Index.db`);
      const full = await store.read(`${data}/nb-1-big-Data.db`);
      const cut = full.length >> 1;
      await store.put(`${data}/nb-1-big-Data.db`, full.subarray(0, cut));
      [b] = (await discoverBackups(store, root)).backups;
      const v = await checkClusterBackup(store, b!);
      assert.equal(v.status, 'damaged');
      assert.deepEqual(v.reasons, [
        `node-2: ${USERS}/nb-1-big-Data.db has ${cut} bytes, manifest says ${full.length}`,
        `node-2: ${USERS}/nb-1-big-Index.db missing`,
      ]);
      assert.equal(v.nodes.get('node-1')!.status, 'complete');
      if (hasEtags) {
        // same size, different bytes: only the MD5/ETag comparison can tell
        const other = new Uint8Array(full);
        other[0] = other[0]! ^ 0xff;
        await store.put(`${data}/nb-1-big-Data.db`, other);
        [b] = (await discoverBackups(store, root)).backups;
        const v2 = await checkClusterBackup(store, b!);
        assert.match(v2.reasons[0]!, /^node-2: shop\/users-[0-9a-f]+\/nb-1-big-Data\.db checksum [0-9a-f]{32} differs from manifest [0-9a-f]{32}$/);
      }
    });
  }

  test('snapshot layout: truncated Data.db is caught by the Digest.crc32 check', async () => {
    const { store, root } = await open();
    await buildSnapshotBackup(store, root, { tag: 't1' });
    const key = `${root}/dc1/node-3/${USERS}/snapshots/t1/nb-1-big-Data.db`;
    const bytes = await store.read(key);
    await store.put(key, bytes.subarray(0, bytes.length - 1));
    const [b] = (await discoverBackups(store, root)).backups;
    assert.equal((await checkClusterBackup(store, b!)).status, 'complete', 'sizes alone cannot tell (no sizes in snapshot manifests)');
    const v = await checkClusterBackup(store, b!, { checkDigests: true });
    assert.equal(v.status, 'damaged');
    assert.match(v.reasons.join('\n'), /^node-3: shop\/users-[0-9a-f]+\/nb-1-big-Data\.db CRC32 \d+ differs from Digest\.crc32 3400459090$/);
  });

  test('snapshot layout: one table spread over two data directories is merged', async () => {
    const { store, root } = await open();
    await buildSnapshotBackup(store, root, { tag: 'multi', splitDataDirs: true });
    const [b] = (await discoverBackups(store, root)).backups;
    const v = await checkClusterBackup(store, b!, { checkDigests: true });
    assert.deepEqual(v.reasons, []);
    const orders = b!.nodeBackups[0]!.tables.find((t) => t.table === 'orders')!;
    assert.equal(orders.manifestKey, `${root}/dc1/node-1/data1/shop/${TABLES[1]!.dirName}/snapshots/multi/manifest.json`);
    assert.deepEqual(orders.sstables[0]!.components.map((c) => c.key.slice(root.length + 1).split('/')[2]), Array(8).fill('data2'));
  });

  test('snapshot layout: automatic and ephemeral snapshots are not backups; pre-4.1 manifests have no created_at', async () => {
    const { store, root } = await open();
    await buildSnapshotBackup(store, root, { tag: 'truncated-1714550000000-users', unfinished: ['node-1', 'node-2', 'node-3'] });
    await buildSnapshotBackup(store, root, { tag: 'repair-session', ephemeral: true, unfinished: ['node-1', 'node-2', 'node-3'] });
    await buildSnapshotBackup(store, root, { tag: 'old', legacyManifest: true });
    const { backups } = await discoverBackups(store, root);
    assert.deepEqual(backups.map((b) => b.name), ['old']);
    const node = backups[0]!.nodeBackups[0]!;
    assert.equal(node.snapshotAt!.clock, 'object-store', 'earliest object time stands in for created_at');
    assert.equal(node.started, node.snapshotAt);
    assert.ok(node.snapshotAt!.at <= node.finished!.at);
    assert.equal((await checkClusterBackup(store, backups[0]!)).status, 'complete');
  });

  test('dropped node, half-written node and a manifest entry without its file', async () => {
    const { store, root } = await open();
    await buildSnapshotBackup(store, root, { tag: 'a', absent: ['node-3'] });
    await buildSnapshotBackup(store, root, { tag: 'b', unfinished: ['node-2'] });
    await store.delete(`${root}/dc1/node-1/${USERS}/snapshots/b/nb-1-big-Data.db`);
    const { backups } = await discoverBackups(store, root);
    const byName = new Map(backups.map((b) => [b.name, b]));
    const a = await checkClusterBackup(store, byName.get('a')!);
    assert.equal(a.status, 'incomplete');
    assert.deepEqual(a.reasons, ['node-3: no node backup (dc dc1)']);
    // node-2 started moments ago: in progress; a day later the same objects mean it was abandoned
    const b = await checkClusterBackup(store, byName.get('b')!);
    assert.equal(b.status, 'damaged');
    const started = byName.get('b')!.nodeBackups.find((n) => n.node.name === 'node-2')!.started!.at;
    assert.deepEqual(b.reasons, [
      `node-1: ${USERS}/nb-1-big-Data.db missing`,
      `node-2: in progress since ${started.toISOString()} (${root}/dc1/node-2/snapshots/b/tokenmap.json not written yet)`,
    ]);
    assert.equal(b.nodes.get('node-2')!.status, 'in-progress');
    const later = await checkClusterBackup(store, byName.get('b')!, { now: new Date(started.getTime() + 25 * 3_600_000) });
    assert.deepEqual(later.reasons.at(-1), `node-2: not finished (${root}/dc1/node-2/snapshots/b/tokenmap.json missing; started ${started.toISOString()})`);
    assert.equal(later.nodes.get('node-2')!.status, 'incomplete');
    assert.equal(byName.get('b')!.finished, undefined);
  });

  test('as of T: newest complete backup at or before T; newer incomplete and later ones are skipped', async () => {
    const { store, root } = await open();
    await buildMedusaBackup(store, root, { name: 'b1', differential: true });
    await sleep(1100);
    const afterB1 = new Date();
    await sleep(1100);
    await buildMedusaBackup(store, root, { name: 'b2', differential: true });
    await sleep(1100);
    const afterB2 = new Date();
    await sleep(1100);
    await buildMedusaBackup(store, root, { name: 'b3', differential: true, unfinished: ['node-1'] });
    await buildMedusaBackup(store, root, { name: 'b4', differential: true, absent: ['node-2'] });
    const { backups } = await discoverBackups(store, root);
    assert.deepEqual(backups.map((b) => b.name), ['b1', 'b2', 'b4', 'b3']);

    const now = await chooseBackupAsOf(store, backups, new Date(Date.now() + 60_000));
    assert.equal(now.backup.name, 'b2');
    assert.deepEqual(now.skipped.map((s) => s.name), ['b3', 'b4']);
    assert.equal(now.skipped[1]!.reason, 'incomplete: node-2: no node backup (dc dc1)');
    assert.equal(now.skipped[0]!.reason, 'not finished on every node');
    assert.deepEqual(now.topology.map((n) => n.name), ['node-1', 'node-2', 'node-3']);
    assert.deepEqual(now.tables.map((t) => `${t.keyspace}.${t.table}@${t.tableId}:${t.nodes.length}`), [
      'shop.orders@6f0c1b2a-0000-11ef-8000-000000000002:3',
      'shop.users@6f0c1b2a-0000-11ef-8000-000000000001:3',
    ]);
    assert.ok(now.ttlReferenceTime > afterB1 && now.ttlReferenceTime < afterB2);
    assert.equal((await loadSchema(store, now.backup))[0]!.kind, 'cluster-cql');

    assert.equal((await chooseBackupAsOf(store, backups, afterB2)).backup.name, 'b2');
    assert.equal((await chooseBackupAsOf(store, backups, afterB1)).backup.name, 'b1');
    await assert.rejects(chooseBackupAsOf(store, backups, new Date(afterB1.getTime() - 600_000)), (err: unknown) => {
      assert.ok(err instanceof BackupIncompleteError);
      assert.match(err.message, /^no usable backup finished at or before .*: b1: finished .*, after /);
      return true;
    });

    // b4 lacks node-2: with RF 3 it still serves QUORUM, failing over to node-1 and node-3; ALL cannot be served
    const b4 = backups.find((b) => b.name === 'b4')!;
    const verdict = await checkClusterBackup(store, b4);
    const ring = new TokenRing(b4.expectedNodes);
    const strategy = { class: 'SimpleStrategy', replicationFactor: 3 } as const;
    const quorum = chooseReplicas(ring, strategy, 'QUORUM', verdict.nodes);
    assert.deepEqual(quorum.map((c) => c.chosen.map((n) => n.name)), [['node-1', 'node-3'], ['node-3', 'node-1'], ['node-3', 'node-1']]);
    assert.throws(() => chooseReplicas(ring, strategy, 'ALL', verdict.nodes), /not enough replicas with a complete backup for ALL: range \(6148914691236517202, -6148914691236517206\]: ALL needs 3 of \[node-1, node-2, node-3\], 2 usable \(node-2: backup incomplete: no node backup\)/);
  });

  test('manifest paths outside the backup are rejected', async () => {
    const { store, root } = await open();
    await buildMedusaBackup(store, root, { name: 'evil' });
    const manifestKey = `${root}/node-1/evil/meta/manifest.json`;
    const sections = JSON.parse(new TextDecoder().decode(await store.read(manifestKey)));
    const objects = sections[0].objects;
    objects[0].path = `${root}/node-1/evil/data/shop/${TABLES[0]!.dirName}/../../../../node-2/evil/meta/schema.cql`;
    objects[1].path = `/etc/passwd`;
    objects[2].path = `${root}/node-2/evil/data/shop/${TABLES[0]!.dirName}/nb-1-big-Data.db`;
    await store.put(manifestKey, new TextEncoder().encode(JSON.stringify(sections)));
    const snapRoot = `${root}-snap`;
    await buildSnapshotBackup(store, snapRoot, { tag: 's' });
    const snapManifest = `${snapRoot}/dc1/node-2/${USERS}/snapshots/s/manifest.json`;
    await store.put(snapManifest, new TextEncoder().encode(JSON.stringify({ files: ['../../../../../node-1/x/nb-1-big-Data.db', 'nb-1-big-Data.db'] })));

    const [medusa] = (await discoverBackups(store, root)).backups;
    const v = await checkClusterBackup(store, medusa!);
    assert.equal(v.status, 'damaged');
    assert.match(v.reasons[0]!, /^node-1: manifest\.json: shop\.users-[0-9a-f]+: path ".*\/\.\.\/\.\.\/.*" leaves its directory$/);
    assert.equal(v.reasons[1], 'node-1: manifest.json: shop.users-6f0c1b2a000011ef8000000000000001: absolute path "/etc/passwd"');
    assert.match(v.reasons[2]!, /^node-1: manifest\.json: shop\.users-[0-9a-f]+: path ".*\/node-2\/evil\/data\/.*" is not in node-1\/evil\/data\/shop\/users-[0-9a-f]+ or node-1\/data\/shop\/users-[0-9a-f]+$/);
    const [snap] = (await discoverBackups(store, snapRoot)).backups;
    const sv = await checkClusterBackup(store, snap!);
    assert.deepEqual(sv.reasons, [`node-2: ${USERS}: manifest.json: path "../../../../../node-1/x/nb-1-big-Data.db" leaves its directory`]);
  });
}
