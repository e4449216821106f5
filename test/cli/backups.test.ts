// `cassberg backups list|show|as-of` over a local backup directory built from real SSTables.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Command } from 'commander';
import { registerBackupsCommands } from '../../cli/backups.ts';
import { LocalObjectStore } from '../../engine/storage/local-fs.ts';
import { buildMedusaBackup, buildSnapshotBackup } from '../engine/backup/fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'cassberg-cli-backups-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const store = new LocalObjectStore(dir);
await buildMedusaBackup(store, 'medusa', { name: 'nightly-1' });
await buildMedusaBackup(store, 'medusa', { name: 'nightly-2', absent: ['node-3'] });
await buildSnapshotBackup(store, 'snap', { tag: 'weekly' });

async function run(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command().exitOverride();
  registerBackupsCommands(program, { out: (l) => lines.push(l) });
  await program.parseAsync(['node', 'cassberg', ...args]);
  return lines;
}

test('backups list: one line per backup with verdict and first reason', async () => {
  const lines = await run('backups', 'list', `file://${dir}/medusa`);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^nightly-1  medusa-full  finished \d{4}-\d\d-\d\dT.*Z  nodes 3\/3  complete$/);
  assert.match(lines[1]!, /^nightly-2  medusa-full  finished .*  nodes 2\/3  incomplete  \(node-3: no node backup \(dc dc1\)\)$/);
  const json = JSON.parse((await run('backups', 'list', `file://${dir}/snap`, '--json')).join('\n'));
  assert.deepEqual(json.map((r: { name: string; layout: string; verdict: string; nodes: number }) => [r.name, r.layout, r.verdict, r.nodes]), [['weekly', 'nodetool-snapshot', 'complete', 3]]);
});

test('backups show: nodes, tables and per-node sstables of one table', async () => {
  const lines = await run('backups', 'show', `file://${dir}/snap`, 'weekly', '--table', 'shop.users');
  assert.match(lines[0]!, /^weekly \(nodetool-snapshot\) started .* finished .*: complete$/);
  assert.equal(lines[1], '  node node-1  dc dc1  rack r1  tokens 1  complete');
  assert.ok(lines.includes('  table shop.users  id 6f0c1b2a-0000-11ef-8000-000000000001  on 3 nodes'));
  // a snapshot backup without the node-level schema.cql: the replication planning would assume, and why
  assert.match(lines.find((l) => l.startsWith('  keyspace shop'))!, /^  keyspace shop  \{"class":"SimpleStrategy","replicationFactor":1\}  \(assumed SimpleStrategy RF 1: the backup's schema has no CREATE KEYSPACE shop/);
  assert.match(lines.find((l) => l.startsWith('  shop.users on node-2'))!, /^  shop\.users on node-2: 1 sstables, Data\.db \d+ B, all components [\d.]+ KiB$/);
  const json = JSON.parse((await run('backups', 'show', `file://${dir}/medusa`, 'nightly-2', '--json')).join('\n'));
  assert.equal(json.verdict, 'incomplete');
  assert.deepEqual(json.keyspaces, [{ keyspace: 'shop', replication: { class: 'NetworkTopologyStrategy', datacenters: { dc1: 3 } }, source: 'node-1/nightly-2/meta/schema.cql' }]);
  assert.deepEqual(json.nodeDetails.map((n: { name: string; verdict: string }) => `${n.name}:${n.verdict}`), ['node-1:complete', 'node-2:complete', 'node-3:incomplete']);
  await assert.rejects(run('backups', 'show', `file://${dir}/medusa`, 'nope'), /no backup named "nope" under .* \(have: nightly-1, nightly-2\)/);
});

test('backups as-of: the newest complete backup, skipping the incomplete newer one', async () => {
  const lines = await run('backups', 'as-of', `file://${dir}/medusa`, new Date(Date.now() + 60_000).toISOString());
  assert.match(lines[0]!, /^nightly-1 finished .*; TTL reference time .*$/);
  assert.equal(lines[1], '  skipped nightly-2: incomplete: node-3: no node backup (dc dc1)');
  await assert.rejects(run('backups', 'as-of', `file://${dir}/medusa`, 'yesterday'), /not an ISO 8601 time: "yesterday"/);
});
