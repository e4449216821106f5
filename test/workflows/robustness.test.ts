// DataMovement under failure and at scale, on a real Temporal dev server, MinIO and worker PROCESSES
// (test/workflows/worker-process.ts: worker.ts's dependencies from a temp config, splits cut from CASSBERG_MAX_SPLIT_BYTES):
//  (a) kill -9 of one of two worker processes while it runs a split: the movement finishes on the other one with
//      exactly Cassandra's rows (select.json), one snapshot, and the interrupted split retried there once its
//      heartbeat timeout (the movement's options.heartbeatTimeoutSec, 15 s here instead of the default 60 s) expires;
//  (b) a 2,000-split plan finishes through MoveData's ≤500-split child batches with every history far below
//      Temporal's 51,200-event limit.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import type { DataMovementProgress } from '../../workflows/data-movement.ts';
import { SPLITS_PER_BATCH, type MoveDataProgress } from '../../workflows/move-data.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';
import {
  expectedFixtureRows, KEYSPACE, movementStack, readTable, startWorkerProcess, stopWorkerProcess, TABLE, uploadFixtureBackup,
  type MovementStack, type WorkerProcess,
} from './movement-setup.ts';

const TASK_QUEUE = 'robustness';
/** pending activity state STARTED (temporal.api.enums.v1.PendingActivityState) */
const STARTED = 2;

let temporal: TemporalServer;
let s3: S3Server;
let stack: MovementStack;
let workerA: WorkerProcess;
let workerB: WorkerProcess;
let connection: Connection;
let client: Client;
let backup: { backupUrl: string; referenceTime: string };

before(async () => {
  [temporal, s3] = await Promise.all([startTemporal(), startS3()]);
  stack = await movementStack({ temporal, s3 }, TASK_QUEUE);
  // 40 vnode tokens: 40 ring ranges, each cut into 1-byte pieces up to 64 per range (≈2,300 pieces for 2.3 KB of Data.db)
  backup = await uploadFixtureBackup(stack, 'prod-1', 40);
  [workerA, workerB] = await Promise.all([startWorkerProcess(stack.configFile, 1), startWorkerProcess(stack.configFile, 1)]);
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: temporal.namespace });
});

after(async () => {
  await Promise.all([stopWorkerProcess(workerA), stopWorkerProcess(workerB)]);
  await connection?.close();
  await stack?.catalog.close();
  await Promise.all([temporal?.stop(), s3?.stop()]);
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
});

function input(destinationTable: string, maxSplits: number, heartbeatTimeoutSec?: number): DataMovementInput {
  return {
    source: { backupUrl: backup.backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: destinationTable },
    options: { referenceTime: backup.referenceTime, connector: 'raw', maxSplits, maxConcurrency: 8, ...(heartbeatTimeoutSec ? { heartbeatTimeoutSec } : {}) },
  };
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const v = await fn().catch(() => undefined); // a query before the first workflow task completes is an error
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function historyOf(handle: WorkflowHandle) {
  return (await handle.fetchHistory()).events ?? [];
}

test('kill -9 of a worker process mid-movement: the other worker finishes it with exactly the expected rows and one snapshot', async (t) => {
  const handle = await client.workflow.start('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-kill', args: [input('killed', 64, 15)] });
  const moveData = await poll('phase moving', async () => {
    const p = await handle.query<DataMovementProgress>('progress');
    return p.phase === 'moving' && p.children[0] ? p.children[0] : undefined;
  });
  const splitCount = await poll('phase compacting', async () => {
    const p = await client.workflow.getHandle(moveData).query<MoveDataProgress>('progress');
    return p.phase === 'compacting' ? p.splitCount : undefined;
  });
  assert.equal(splitCount, 64);
  const batch = client.workflow.getHandle(`${moveData}/splits-0-${splitCount - 1}`);
  // wait until worker A is running a split, then SIGKILL it: no graceful shutdown, no heartbeat, no completion
  const running = await poll('a split running on worker A', async () => {
    const pending = (await batch.describe()).raw.pendingActivities ?? [];
    return pending.find((a) => Number(a.state) === STARTED && a.lastWorkerIdentity?.startsWith(`${workerA.pid}@`));
  }, 20);
  workerA.child.kill('SIGKILL');
  assert.equal(await workerA.exited, null, 'killed by a signal');
  t.diagnostic(`killed worker A (pid ${workerA.pid}) while it ran activity ${running.activityId} (attempt ${running.attempt})`);

  const outcome = (await handle.result()) as MovementOutcome;
  assert.deepEqual([outcome.connector, outcome.splits, outcome.rows], ['raw', 64, 34]);
  const table = await readTable(stack, 'killed');
  assert.deepEqual(table.rows, expectedFixtureRows(), 'no row lost, none duplicated');
  assert.equal(table.snapshots.length, 1, 'exactly one snapshot');
  assert.equal(String(table.snapshots[0]!.snapshotId), outcome.snapshotId);

  // the batch's history: every split completed once; the split A held was retried, on worker B
  const events = await historyOf(batch);
  const starts = events.flatMap((e) => (e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes] : []));
  const completed = events.filter((e) => e.activityTaskCompletedEventAttributes).length;
  // the movement's heartbeatTimeoutSec reached the split activities: a dead worker's split is retried after 15 s, not 60 s
  const heartbeatTimeouts = new Set(events.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [Number(e.activityTaskScheduledEventAttributes.heartbeatTimeout?.seconds)] : [])));
  assert.deepEqual([...heartbeatTimeouts], [15]);
  assert.equal(completed, 64);
  const retried = starts.filter((s) => (s.attempt ?? 1) > 1);
  assert.ok(retried.length >= 1, 'the split interrupted by the kill ran again');
  assert.ok(retried.every((s) => s.identity?.startsWith(`${workerB.pid}@`)), `retries ran on worker B: ${retried.map((s) => s.identity).join(', ')}`);
});

test('a 2,000-split plan completes through ≤500-split child batches without approaching the history limits', async (t) => {
  const started = Date.now();
  const handle = await client.workflow.start('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-2000', args: [input('wide', 2000)] });
  const outcome = (await handle.result()) as MovementOutcome;
  const seconds = (Date.now() - started) / 1000;
  assert.deepEqual([outcome.connector, outcome.splits, outcome.rows], ['raw', 2000, 34]);
  const table = await readTable(stack, 'wide');
  assert.deepEqual(table.rows, expectedFixtureRows());
  assert.equal(table.snapshots.length, 1);

  const lengths: Record<string, number> = { 'mv-2000': (await historyOf(handle)).length };
  const moveData = 'mv-2000/move-raw';
  lengths[moveData] = (await historyOf(client.workflow.getHandle(moveData))).length;
  for (let from = 0; from < 2000; from += SPLITS_PER_BATCH) {
    const id = `${moveData}/splits-${from}-${from + SPLITS_PER_BATCH - 1}`;
    lengths[id] = (await historyOf(client.workflow.getHandle(id))).length;
  }
  t.diagnostic(`2,000 splits in ${seconds.toFixed(1)} s; history events: ${JSON.stringify(lengths)}`);
  assert.equal(Object.keys(lengths).length, 6, 'DataMovement, MoveData and four batches of 500');
  // the parents see a handful of events per child; each batch ≈ 6 events per split, under even the 10,240 warning
  assert.ok(lengths['mv-2000']! < 200 && lengths[moveData]! < 200, JSON.stringify(lengths));
  for (const [id, n] of Object.entries(lengths)) assert.ok(n < 10_240, `${id}: ${n} events`);
});
