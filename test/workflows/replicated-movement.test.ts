// A movement over a replicated backup, on the real Temporal dev server and MinIO: three nodes of one DC each hold the
// real Cassandra 5.0 SSTables of oa/deletions_lz4 (as replicas of an RF 3 keyspace do), each node's tokenmap.json lists
// the whole ring, and the node-level schema.cql (DESCRIBE SCHEMA) carries the CREATE KEYSPACE. At QUORUM every split
// reads the SSTables of exactly two replicas of its range, the plan says where the replication came from, and the
// table equals Cassandra's SELECT. A backup without the keyspace definition plans on the stated RF 1 assumption.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import { readPlanHeader, readPlannedSplit } from '../../activities/movement/plan-store.ts';
import type { NodeTopology } from '../../engine/backup/model.ts';
import { createS3Client, S3ObjectStore } from '../../engine/storage/s3.ts';
import type { MoveDataResult } from '../../workflows/move-data.ts';
import { FIXTURES, fixtureInfo, uploadSnapshotBackup } from '../fixtures/backups/make.ts';
import {
  expectedFixtureRows, KEYSPACE, readTable, startProcessStack, TABLE, type MovementStack, type ProcessStack,
} from './movement-setup.ts';

const TASK_QUEUE = 'replicated';
const KEYSPACE_CQL = `CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', 'replication_factor': '3'}  AND durable_writes = true;\n`;
/** Three nodes, two vnodes each, interleaved around the ring. */
const RING: NodeTopology[] = ['node-a', 'node-b', 'node-c'].map((name, i) => ({
  name, dc: 'dc1', rack: 'rack1', tokens: [-7_000_000_000_000_000_000n + BigInt(i) * 1_000_000_000_000_000_000n, 1_000_000_000_000_000_000n + BigInt(i) * 2_000_000_000_000_000_000n],
}));

let ps: ProcessStack;
let stack: MovementStack;
let client: Client;
const referenceTime = new Date(fixtureInfo('oa', TABLE).selectedAtSec * 1000).toISOString();

async function upload(root: string, nodes: NodeTopology[], clusterSchema?: string): Promise<string> {
  const store = new S3ObjectStore(createS3Client(stack.s3Options), stack.backupsBucket);
  for (const node of nodes) {
    await uploadSnapshotBackup(store, {
      root, version: 'oa', table: TABLE, keyspace: KEYSPACE, tag: 'nightly', tableId: '5f3c0b9e2a7d4c1e8b6a9d0e1f2a3b4c',
      node, ring: nodes, createdAt: new Date(referenceTime), ...(clusterSchema ? { clusterSchema } : {}),
    });
  }
  return `s3://${stack.backupsBucket}/${root}`;
}

before(async () => {
  ps = await startProcessStack(TASK_QUEUE);
  ({ stack, client } = ps);
});

after(() => ps?.close());

async function move(id: string, backupUrl: string, consistency: 'ONE' | 'QUORUM' | 'ALL'): Promise<{ outcome: MovementOutcome; child: MoveDataResult }> {
  const input: DataMovementInput = {
    source: { backupUrl, cluster: 'prod-rf3', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: id.replace(/-/g, '_') },
    options: { referenceTime, consistency, connector: 'raw', maxSplits: 6 },
  };
  const outcome = await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: id, args: [input] }) as MovementOutcome;
  const child = await client.workflow.getHandle(`${id}/move-raw`).result() as MoveDataResult;
  return { outcome, child };
}

/** The nodes whose SSTables each split of the stored plan reads. */
async function nodesPerSplit(child: MoveDataResult, root: string): Promise<string[][]> {
  const out: string[][] = [];
  for (let i = 0; i < child.plan.splitCount; i++) {
    const { split } = await readPlannedSplit(stack.ctx.io, stack.warehouseUrl, child.plan.planKey, i);
    out.push([...new Set(split.dataKeys.map((k) => k.slice(root.length + 1).split('/')[1]!))].sort());
  }
  return out;
}

test('RF 3 from the backup\'s schema.cql: QUORUM reads two replicas per split and the table equals Cassandra\'s SELECT', async () => {
  const url = await upload('prod-rf3', RING, KEYSPACE_CQL);
  const { outcome, child } = await move('rf3-quorum', url, 'QUORUM');
  assert.equal(outcome.connector, 'raw');
  assert.match(child.plan.replicas, /^QUORUM over \{"class":"SimpleStrategy","replicationFactor":3\} \(prod-rf3\/dc1\/node-a\/snapshots\/nightly\/schema.cql\)$/);
  const perSplit = await nodesPerSplit(child, 'prod-rf3');
  assert.ok(perSplit.length > 1, 'several splits');
  for (const nodes of perSplit) assert.equal(nodes.length, 2, `a split reads two of three replicas: ${nodes.join(', ')}`);
  const { rows, snapshots } = await readTable(stack, 'rf3_quorum');
  assert.deepEqual(rows, expectedFixtureRows());
  assert.equal(snapshots.length, 1);

  const all = await move('rf3-all', url, 'ALL');
  for (const nodes of await nodesPerSplit(all.child, 'prod-rf3')) assert.deepEqual(nodes, ['node-a', 'node-b', 'node-c']);
  assert.deepEqual((await readTable(stack, 'rf3_all')).rows, expectedFixtureRows());
});

test('without CREATE KEYSPACE in the backup the plan states its RF 1 assumption and reads each range\'s primary owner', async () => {
  const url = await upload('prod-noks', RING);
  const { child } = await move('noks-one', url, 'ONE');
  assert.match(child.plan.replicas, /^ONE over \{"class":"SimpleStrategy","replicationFactor":1\} \(assumed SimpleStrategy RF 1: the backup's schema has no CREATE KEYSPACE cassberg_fixtures/);
  for (const nodes of await nodesPerSplit(child, 'prod-noks')) assert.equal(nodes.length, 1);
  // sized from the partition indexes: every node's SSTables hold the whole fixture, but a range counts only its own
  // partitions, so the plan adds up to one copy of Data.db (a width-proportional estimate would count three)
  const header = await readPlanHeader(stack.ctx.io, stack.warehouseUrl, child.plan.planKey);
  assert.equal(header.sizing, 'partition indexes');
  const dataDir = join(FIXTURES, 'oa', TABLE);
  const onDisk = readdirSync(dataDir).filter((f) => f.endsWith('-Data.db')).reduce((n, f) => n + statSync(join(dataDir, f)).size, 0);
  assert.ok(Math.abs(child.plan.totalBytes - onDisk) <= child.plan.splitCount, `planned ${child.plan.totalBytes} bytes, Data.db holds ${onDisk}`);
  // every node holds the whole fixture here, so primary owners alone still give every row
  assert.deepEqual((await readTable(stack, 'noks_one')).rows, expectedFixtureRows());
});
