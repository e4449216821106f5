// Scheduled movements on a real Temporal dev server: `cassberg schedule create|list|trigger|pause|unpause|delete`
// (client.ts with a temp config pointing at this file's Temporal and MinIO), and `temporal schedule create` with the
// same plain-JSON input. A triggered schedule starts a DataMovement that a worker process (worker.ts's dependencies
// from the same config) runs to completion; the Iceberg table is read back against Cassandra's SELECT (select.json).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import { REPO_ROOT } from '../../dev/config.ts';
import type { TemporalServer } from '../harness/temporal.ts';
import {
  expectedFixtureRows, KEYSPACE, readTable, startProcessStack, TABLE, uploadFixtureBackup, type MovementStack, type ProcessStack,
} from './movement-setup.ts';

const run = promisify(execFile);
const TEMPORAL_CLI = join(homedir(), '.cache/cassberg/bin/temporal');

let ps: ProcessStack;
let temporal: TemporalServer;
let stack: MovementStack;
let client: Client;
let backup: { backupUrl: string; referenceTime: string };

before(async () => {
  ps = await startProcessStack('schedule-test');
  ({ temporal, stack, client } = ps);
  backup = await uploadFixtureBackup(stack, 'prod-1', 3);
});

after(() => ps?.close());

function input(destinationTable: string): DataMovementInput {
  return {
    source: { backupUrl: backup.backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: destinationTable },
    options: { referenceTime: backup.referenceTime, connector: 'raw' },
  };
}

async function cassberg(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'client.ts', '--config', stack.configFile, ...args], { cwd: REPO_ROOT });
  return stdout;
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** The workflow id of the schedule's first action, once the server has taken it. */
async function firstRun(scheduleId: string): Promise<string> {
  return poll(`a run of ${scheduleId}`, async () => {
    const { info } = await client.schedule.getHandle(scheduleId).describe();
    const action = info.recentActions[0]?.action;
    return action?.type === 'startWorkflow' ? action.workflow.workflowId : undefined;
  });
}

interface ListedSchedule { scheduleId: string; paused: boolean; workflowType?: string }
const listed = async (id: string) => (JSON.parse(await cassberg('schedule', 'list', '--json')) as ListedSchedule[]).find((s) => s.scheduleId === id);

test('cassberg schedule: create paused, list, trigger runs a DataMovement to completion, unpause/pause, delete', async () => {
  const file = join(stack.dir, 'nightly.json');
  writeFileSync(file, JSON.stringify(input('scheduled')));
  assert.match(await cassberg('schedule', 'create', 'mv-nightly', '--input', file, '--every', '1h', '--paused'), /schedule mv-nightly created \(every 1h, overlap skip\)/);

  const described = await client.schedule.getHandle('mv-nightly').describe();
  assert.equal(described.state.paused, true);
  assert.equal(described.action.type === 'startWorkflow' && described.action.workflowType, 'DataMovement');
  assert.equal(described.action.taskQueue, 'schedule-test');
  // schedule list reads Temporal's visibility, which is eventually consistent
  const row = await poll('mv-nightly in schedule list', () => listed('mv-nightly'));
  assert.deepEqual([row.paused, row.workflowType], [true, 'DataMovement']);

  assert.match(await cassberg('schedule', 'trigger', 'mv-nightly'), /mv-nightly: trigger done/);
  const workflowId = await firstRun('mv-nightly');
  assert.match(workflowId, /^mv-nightly-movement/);
  const outcome = (await client.workflow.getHandle(workflowId).result()) as MovementOutcome;
  assert.equal(outcome.connector, 'raw');
  assert.equal(outcome.rows, 34);
  const table = await readTable(stack, 'scheduled');
  assert.deepEqual(table.rows, expectedFixtureRows());
  assert.equal(table.snapshots.length, 1);
  const { typedSearchAttributes } = await client.workflow.getHandle(workflowId).describe();
  assert.equal(typedSearchAttributes.get(defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD)), 'mv-nightly');

  await cassberg('schedule', 'unpause', 'mv-nightly');
  assert.equal((await client.schedule.getHandle('mv-nightly').describe()).state.paused, false);
  assert.match(await cassberg('schedule', 'pause', 'mv-nightly'), /mv-nightly: pause done/);
  const paused = await client.schedule.getHandle('mv-nightly').describe();
  assert.equal(paused.state.paused, true);
  assert.equal(paused.state.note, 'paused by cassberg');

  assert.match(await cassberg('schedule', 'delete', 'mv-nightly'), /mv-nightly: delete done/);
  await assert.rejects(client.schedule.getHandle('mv-nightly').describe(), ScheduleNotFoundError);
  await poll('mv-nightly gone from schedule list', async () => ((await listed('mv-nightly')) ? undefined : true));
});

test('cassberg schedule create rejects an invalid input before touching Temporal', async () => {
  const file = join(stack.dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ ...input('bad'), options: { maxSplits: 0 } }));
  await assert.rejects(cassberg('schedule', 'create', 'mv-bad', '--input', file, '--every', '1h'), (err: Error & { stderr: string }) => /options\.maxSplits/.test(err.stderr));
  await assert.rejects(client.schedule.getHandle('mv-bad').describe(), ScheduleNotFoundError);
});

test('temporal schedule create with the same JSON input starts the same DataMovement', async () => {
  const cli = (...args: string[]) => run(TEMPORAL_CLI, [...args, '--address', temporal.address, '--namespace', temporal.namespace]);
  await cli('schedule', 'create', '--schedule-id', 'mv-cli-nightly', '--interval', '1h', '--paused', '--overlap-policy', 'Skip',
    '--type', 'DataMovement', '--task-queue', 'schedule-test', '--workflow-id', 'mv-cli-nightly-movement', '--input', JSON.stringify(input('scheduled_cli')));
  await cli('schedule', 'trigger', '--schedule-id', 'mv-cli-nightly');
  const workflowId = await firstRun('mv-cli-nightly');
  const outcome = (await client.workflow.getHandle(workflowId).result()) as MovementOutcome;
  assert.equal(outcome.rows, 34);
  assert.deepEqual((await readTable(stack, 'scheduled_cli')).rows, expectedFixtureRows());
  // and cassberg's CLI manages a schedule it did not create
  const row = await poll('mv-cli-nightly in schedule list', () => listed('mv-cli-nightly'));
  assert.deepEqual([row.paused, row.workflowType], [true, 'DataMovement']);
  await cassberg('schedule', 'delete', 'mv-cli-nightly');
  await assert.rejects(client.schedule.getHandle('mv-cli-nightly').describe(), ScheduleNotFoundError);
});

test('cassberg move runs a movement and prints its outcome; cassberg status shows it', async () => {
  const file = join(stack.dir, 'move-input.json');
  writeFileSync(file, JSON.stringify(input('events_move_cli')));
  const out = await cassberg('move', '--input', file, '--id', 'mv-move-cli');
  assert.match(out, /^started DataMovement mv-move-cli$/m);
  assert.match(out, /^connector: raw$/m);
  assert.match(out, /^rows:\s+34 in \d+ files$/m);
  const snapshot = /^snapshot:\s+(-?\d+)$/m.exec(out)?.[1];
  assert.ok(snapshot, out);
  assert.deepEqual((await readTable(stack, 'events_move_cli')).rows, expectedFixtureRows());
  const status = JSON.parse(await cassberg('status', 'mv-move-cli', '--json')) as { status: string; result: MovementOutcome };
  assert.equal(status.status, 'COMPLETED');
  assert.equal(status.result.snapshotId, snapshot);
  // flags instead of a file; a bad flag value is named
  await assert.rejects(cassberg('move', '--backup', 'http://nope', '--cluster', 'c', '--table', 'ks.t', '--to', 'a.b', '--no-wait'), /source\.backupUrl/);
});
