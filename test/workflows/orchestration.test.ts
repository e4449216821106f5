// Orchestration details of DataMovement on a real Temporal dev server, MinIO and a worker process
// (test/workflows/worker-process.ts) over a one-node backup of real Cassandra 5.0 SSTables (deletions_lz4):
//  (a) a split whose first attempt fails after a checkpointed range is retried by Temporal and resumes from the
//      checkpoint in its heartbeat details: finished ranges are skipped, their files kept, each file committed once;
//  (b) the Decider gets the table's model before deciding: a rule that routes this (non key-value) table to key-value
//      is refused with a readable reason and the table goes to the rules' default connector.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Client } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome, SplitResult } from '../../activities/contracts.ts';
import { openControllerStore } from '../../connectors/controller/open-store.ts';
import type { ControllerStore } from '../../connectors/controller/store.ts';
import { loadTable } from '../../engine/iceberg/commit.ts';
import { planFiles } from '../../engine/iceberg/scan.ts';
import {
  expectedFixtureRows, KEYSPACE, readTable, startProcessStack, TABLE, uploadFixtureBackup, type MovementStack, type ProcessStack,
} from './movement-setup.ts';

const TASK_QUEUE = 'orchestration';

let ps: ProcessStack;
let stack: MovementStack;
let client: Client;
let controller: ControllerStore;
let backup: { backupUrl: string; referenceTime: string };

before(async () => {
  // 1 KiB splits; a checkpoint after every range (1 planned byte between checkpoints)
  ps = await startProcessStack(TASK_QUEUE, { maxSplitBytes: 1024, checkpointBytes: 1 });
  ({ stack, client } = ps);
  // eight ring ranges of ~300 bytes: with 1 KiB splits and maxSplits 2, two splits of four ranges each
  backup = await uploadFixtureBackup(stack, 'prod-1', 8);
  controller = await openControllerStore(join(stack.dir, 'catalog.db'));
});

after(async () => {
  await controller?.close();
  await ps?.close();
});

function input(destinationTable: string, options: DataMovementInput['options']): DataMovementInput {
  return {
    source: { backupUrl: backup.backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: destinationTable },
    options: { referenceTime: backup.referenceTime, maxSplits: 2, maxConcurrency: 2, ...options },
  };
}

const decode = (p: { data?: Uint8Array | null } | undefined): unknown => JSON.parse(Buffer.from(p!.data!).toString('utf8'));

test('a split failing after range 1 is retried from its checkpoint: ranges 0-1 skipped, every file committed once', async () => {
  const outcome = (await client.workflow.execute('DataMovement', {
    taskQueue: TASK_QUEUE, workflowId: 'mv-resume', args: [input('resumed', { connector: 'raw', injectSplitFailure: { split: 1, afterRange: 1 } })],
  })) as MovementOutcome;
  assert.deepEqual([outcome.connector, outcome.fallbackTaken, outcome.splits, outcome.rows], ['raw', false, 2, 34]);
  const table = await readTable(stack, 'resumed');
  assert.deepEqual(table.rows, expectedFixtureRows(), 'no row lost, none duplicated');
  assert.equal(table.snapshots.length, 1, 'exactly one snapshot');

  // the batch's history: split 1 failed once (the injected failure) and its second attempt resumed after two ranges
  const events = (await client.workflow.getHandle('mv-resume/move-raw/splits-0-1').fetchHistory()).events ?? [];
  const indexOf = new Map(events.flatMap((e) => {
    const s = e.activityTaskScheduledEventAttributes;
    return s ? [[String(e.eventId), (decode(s.input!.payloads![0]!) as { index: number }).index] as const] : [];
  }));
  const results = new Map(events.flatMap((e) => {
    const c = e.activityTaskCompletedEventAttributes;
    return c ? [[indexOf.get(String(c.scheduledEventId))!, decode(c.result!.payloads![0]!) as SplitResult] as const] : [];
  }));
  const attempts = new Map(events.flatMap((e) => {
    const s = e.activityTaskStartedEventAttributes;
    return s ? [[indexOf.get(String(s.scheduledEventId))!, { attempt: s.attempt ?? 1, failure: s.lastFailure?.message ?? '' }] as const] : [];
  }));
  assert.deepEqual(attempts.get(0), { attempt: 1, failure: '' });
  assert.equal(attempts.get(1)!.attempt, 2);
  assert.match(attempts.get(1)!.failure, /injected failure of split 1 after range 1/);
  assert.equal(results.get(0)!.resumedFromRange, 0);
  assert.equal(results.get(1)!.resumedFromRange, 2, 'attempt 2 started at range 2: ranges 0 and 1 were not read again');

  // the committed files are each split's, listed once, with names continuing across the checkpoint
  const { metadata } = await loadTable(stack.ctx, { namespace: ['analytics'], name: 'resumed' });
  const files = (await planFiles(stack.ctx, metadata, outcome.snapshotId)).map((f) => f.filePath.split('/').at(-1)!).sort();
  assert.equal(new Set(files).size, files.length, `no file twice: ${files.join(', ')}`);
  assert.equal(files.length, outcome.files);
  assert.equal(files.length, results.get(0)!.files + results.get(1)!.files);
  assert.ok(files.includes('split-1-0.parquet') && files.some((f) => /^split-1-[1-9]\d*\.parquet$/.test(f)), files.join(', '));
});

test('the Decider sees the table model: a rule sending a non key-value table to key-value is refused, the default runs', async () => {
  const v = await controller.write({
    default: { connector: 'raw', mode: 'primary', fallback: true },
    rules: [{ description: 'wrongly routed', cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE, connector: 'key-value' }],
  }, { author: 'orchestration-test', comment: 'route the fixture to key-value' });
  const outcome = (await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-model', args: [input('model_checked', {})] })) as MovementOutcome;
  assert.equal(outcome.decision.ruleVersion, v.version);
  assert.equal(outcome.decision.connector, 'raw');
  assert.match(outcome.decision.reason, /rule 0 \(table: .*"wrongly routed"\); key-value does not accept cassberg_fixtures\.deletions_lz4 \(partition key is \(pk\), expected \(id\)\); default raw instead/);
  assert.doesNotMatch(outcome.decision.reason, /not checked/);
  assert.equal(outcome.connector, 'raw');
  assert.deepEqual((await readTable(stack, 'model_checked')).rows, expectedFixtureRows());

  // and a job hint for key-value is refused the same way
  const hinted = (await client.workflow.execute('DataMovement', {
    taskQueue: TASK_QUEUE, workflowId: 'mv-model-hint', args: [input('model_hint', { connector: 'key-value' })],
  })) as MovementOutcome;
  assert.match(hinted.decision.reason, /connector key-value requested by the job; key-value does not accept .*; default raw instead/);
  assert.equal(hinted.connector, 'raw');
  assert.deepEqual((await readTable(stack, 'model_hint')).rows, expectedFixtureRows());
});
