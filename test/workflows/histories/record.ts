// Records the histories that test/workflows/replay.test.ts replays: real movements on a Temporal dev server, MinIO and
// a worker process (the harnesses of test/workflows/movement-setup.ts), over the deletions_lz4 fixture backup. Each
// scenario's DataMovement and every child workflow it started (MoveData, MoveDataBatch) is saved as
// `<scenario>/<workflow id with / as __>.json` in the Temporal JSON history format.
//
//   node --import tsx test/workflows/histories/record.ts
//
// Re-record whenever workflow code changes shape (activities or children added, removed or reordered): the replay test
// then fails on the old histories, which is its purpose, and running workflows of the old shape would fail the same way.
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome } from '../../../activities/contracts.ts';
import { startS3 } from '../../harness/s3.ts';
import { startTemporal } from '../../harness/temporal.ts';
import { KEYSPACE, movementStack, startWorkerProcess, stopWorkerProcess, TABLE, uploadFixtureBackup } from '../movement-setup.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const TASK_QUEUE = 'record-histories';
const TEMPORAL_CLI = join(process.env.CASSBERG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cassberg'), 'bin/temporal');

/** The movements recorded: the happy path, the fallback path, shadow mode, and a split resumed from its checkpoint. */
export const SCENARIOS: Record<string, DataMovementInput['options']> = {
  happy: { connector: 'raw' },
  fallback: { connector: 'raw', injectFailure: 'raw' },
  shadow: { connector: 'raw', mode: 'shadow' },
  resume: { connector: 'raw', injectSplitFailure: { split: 1, afterRange: 0 } },
};

async function main(): Promise<void> {
  const [temporal, s3] = await Promise.all([startTemporal(), startS3()]);
  const stack = await movementStack({ temporal, s3 }, TASK_QUEUE);
  const worker = await startWorkerProcess(stack.configFile, 1024, 1);
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const backup = await uploadFixtureBackup(stack, 'prod-1', 4);
    for (const [scenario, options] of Object.entries(SCENARIOS)) {
      const input: DataMovementInput = {
        source: { backupUrl: backup.backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
        destination: { namespace: 'analytics', table: `recorded_${scenario}` },
        options: { referenceTime: backup.referenceTime, maxSplits: 2, maxConcurrency: 2, ...options },
      };
      const outcome = (await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: `rec-${scenario}`, args: [input] })) as MovementOutcome;
      const dir = join(HERE, scenario);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // the movement, then every child it started, found through the histories' child-start events
      const queue = [`rec-${scenario}`];
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        for (const e of (await client.workflow.getHandle(id).fetchHistory()).events ?? []) {
          const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
          if (child) queue.push(child);
        }
        // the Temporal CLI's JSON is the format the UI downloads and historyFromJSON reads
        const { stdout } = await promisify(execFile)(TEMPORAL_CLI, [
          'workflow', 'show', '--workflow-id', id, '--output', 'json', '--address', temporal.address, '--namespace', temporal.namespace,
        ], { maxBuffer: 64 << 20 });
        writeFileSync(join(dir, `${id.replace(/\//g, '__')}.json`), stdout);
      }
      console.log(`${scenario}: ${outcome.connector}${outcome.fallbackTaken ? ' (fallback)' : ''}, ${outcome.rows} rows → ${dir}`);
    }
  } finally {
    await connection.close();
    await stopWorkerProcess(worker);
    await stack.catalog.close();
    await Promise.all([temporal.stop(), s3.stop()]);
    rmSync(stack.dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
