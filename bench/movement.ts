// DataMovement end to end on a real Temporal dev server, MinIO and cassberg worker PROCESSES
// (test/workflows/worker-process.ts: worker.ts's dependencies from a config file), moving the deletions_lz4 fixture
// (real Cassandra 5.0 SSTables) into Iceberg tables in a MinIO warehouse:
//  1. scaling: the same movement (same source table, many splits) on one worker process and on two;
//  2. orchestration overhead: a one-split movement of the tiny table, its wall time against the sum of its
//     activities' execution times (from the workflow histories).
// Writes bench/results/movement.md.
//
//   npm run bench -- movement            (bench/index.ts dispatches to run())
//   node --import tsx bench/movement.ts  (alone; CASSBERG_BENCH_MOVEMENT_SPLITS=… and …_REPEAT=… to change it)

import { rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { DataMovementInput, MovementOutcome } from '../activities/contracts.ts';
import { startS3, type S3Server } from '../test/harness/s3.ts';
import { startTemporal, type TemporalServer } from '../test/harness/temporal.ts';
import {
  KEYSPACE, movementStack, startWorkerProcess, stopWorkerProcess, TABLE, uploadFixtureBackup, type WorkerProcess,
} from '../test/workflows/movement-setup.ts';

const SPLITS = Number(process.env.CASSBERG_BENCH_MOVEMENT_SPLITS ?? 256);
const REPEAT = Number(process.env.CASSBERG_BENCH_MOVEMENT_REPEAT ?? 3);
const CONCURRENCY = 8;
const RESULTS = fileURLToPath(new URL('./results/movement.md', import.meta.url));

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

interface RunStats {
  wallMs: number;
  activityMs: number;
  activities: number;
  scheduleToStartMs: number;
  byType: Record<string, { count: number; ms: number }>;
  byWorker: Record<string, number>;
  rows: number;
  splits: number;
}

const ms = (t: HistoryEvent['eventTime']) => Number(t?.seconds ?? 0) * 1000 + (t?.nanos ?? 0) / 1e6;

/** Wall time of the DataMovement (first to last event) and its activities' execution times over every child. */
async function statsOf(client: Client, workflowId: string, outcome: MovementOutcome): Promise<RunStats> {
  const ids = [workflowId];
  const stats: RunStats = { wallMs: 0, activityMs: 0, activities: 0, scheduleToStartMs: 0, byType: {}, byWorker: {}, rows: outcome.rows, splits: outcome.splits };
  for (let i = 0; i < ids.length; i++) {
    const events = (await client.workflow.getHandle(ids[i]!).fetchHistory()).events ?? [];
    if (i === 0) stats.wallMs = ms(events.at(-1)!.eventTime) - ms(events[0]!.eventTime);
    const byId = new Map(events.map((e) => [Number(e.eventId), e]));
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes;
      if (child?.workflowId) ids.push(child.workflowId);
      const done = e.activityTaskCompletedEventAttributes;
      if (!done) continue;
      const scheduled = byId.get(Number(done.scheduledEventId))!;
      const started = byId.get(Number(done.startedEventId))!;
      const type = scheduled.activityTaskScheduledEventAttributes!.activityType!.name!;
      const took = ms(e.eventTime) - ms(started.eventTime);
      stats.activities++;
      stats.activityMs += took;
      stats.scheduleToStartMs += ms(started.eventTime) - ms(scheduled.eventTime);
      const t = (stats.byType[type] ??= { count: 0, ms: 0 });
      t.count++;
      t.ms += took;
      const who = started.activityTaskStartedEventAttributes!.identity ?? '?';
      if (type === 'compactSplit') stats.byWorker[who] = (stats.byWorker[who] ?? 0) + 1;
    }
  }
  return stats;
}

export async function run(): Promise<string> {
  const startedAt = new Date();
  const loadBefore = loadavg();
  let temporalServer: TemporalServer | undefined;
  let s3: S3Server | undefined;
  const workers: WorkerProcess[] = [];
  let connection: Connection | undefined;
  let stackDir: string | undefined;
  try {
    [temporalServer, s3] = await Promise.all([startTemporal(), startS3()]);
    const stack = await movementStack({ temporal: temporalServer, s3 }, 'bench-movement');
    stackDir = stack.dir;
    const wide = await uploadFixtureBackup(stack, 'wide', 40);
    const tiny = await uploadFixtureBackup(stack, 'tiny', 1);
    connection = await Connection.connect({ address: temporalServer.address });
    const client = new Client({ connection, namespace: temporalServer.namespace });
    let seq = 0;
    const move = async (b: typeof wide, maxSplits: number, maxConcurrency: number): Promise<RunStats> => {
      const id = `bench-${++seq}`;
      const input: DataMovementInput = {
        source: { backupUrl: b.backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
        destination: { namespace: 'analytics', table: `bench_${seq}` },
        options: { referenceTime: b.referenceTime, connector: 'raw', maxSplits, maxConcurrency },
      };
      const outcome = (await client.workflow.execute('DataMovement', { taskQueue: stack.taskQueue, workflowId: id, args: [input] })) as MovementOutcome;
      if (outcome.rows !== 34) throw new Error(`${id}: ${outcome.rows} rows, expected 34`);
      return statsOf(client, id, outcome);
    };

    // 1. one worker process, then two, on the same movement; a warm-up movement first each time (thread pools, caches)
    const scaling: Array<{ workers: number; runs: RunStats[] }> = [];
    for (const n of [1, 2]) {
      while (workers.length < n) workers.push(await startWorkerProcess(stack.configFile, 1));
      await move(wide, 32, CONCURRENCY);
      const runs: RunStats[] = [];
      for (let r = 0; r < REPEAT; r++) runs.push(await move(wide, SPLITS, CONCURRENCY));
      scaling.push({ workers: n, runs });
    }
    // 2. orchestration overhead: one split, two workers polling (as in 1.)
    const overhead: RunStats[] = [];
    for (let r = 0; r < REPEAT; r++) overhead.push(await move(tiny, 1, 1));

    const report = render({ startedAt, loadBefore, scaling, overhead });
    writeFileSync(RESULTS, report);
    return report;
  } finally {
    await Promise.all(workers.map(stopWorkerProcess));
    await connection?.close();
    await Promise.all([temporalServer?.stop(), s3?.stop()]);
    if (stackDir) rmSync(stackDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sec = (x: number) => (x / 1000).toFixed(2);

function render(r: { startedAt: Date; loadBefore: number[]; scaling: Array<{ workers: number; runs: RunStats[] }>; overhead: RunStats[] }): string {
  const cpu = cpus();
  const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(', ');
  const lines = [
    '# DataMovement: worker scaling and orchestration overhead',
    '',
    'A DataMovement (raw connector) of the `deletions_lz4` fixture (real Cassandra 5.0 SSTables, 2.3 KB of Data.db,',
    '34 rows after deletions) from a MinIO backup into an Iceberg table in a MinIO warehouse, SQLite catalog, on a',
    'Temporal CLI dev server (v1.5.1, in memory). Workers are separate processes (`test/workflows/worker-process.ts`: the',
    "dependencies `worker.ts` builds from a config, each with a split thread pool of the default size). Every movement's",
    'rows are checked (34). Times come from the workflow histories: wall = first to last event of the DataMovement;',
    'activity time = ActivityTaskStarted → Completed, summed over the DataMovement, MoveData and its batch children.',
    '',
    `Run ${r.startedAt.toISOString()} with \`npm run bench -- movement\` (${REPEAT} timed runs per row, after one warm-up movement).`,
    '',
    `- CPU: ${cpu.length} × ${cpu[0]?.model ?? '?'}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Node ${process.version}; @temporalio/* 1.24.0`,
    `- Load average before / after: ${fmtLoad(r.loadBefore)} / ${fmtLoad(loadavg())} (the machine is shared; numbers move with it)`,
    '',
    `## 1. One vs two worker processes, ${SPLITS} splits, ${CONCURRENCY} in flight`,
    '',
    'A node with 40 vnode tokens, split size 1 byte: the plan has as many splits as asked, most of them token ranges',
    'holding no partition, so a split costs mostly its fixed work (open the SSTable and its index from S3, write one',
    'Parquet file or none, a JSON result) plus Temporal’s scheduling. Both workers poll the same task queue.',
    '',
    '| worker processes | wall s (median) | wall s (runs) | splits/s | Σ activity s | activity s / wall s | mean schedule→start ms | splits per worker |',
    '|---:|---:|---|---:|---:|---:|---:|---|',
  ];
  for (const { workers, runs } of r.scaling) {
    const wall = median(runs.map((x) => x.wallMs));
    const mid = runs.find((x) => x.wallMs === wall)!;
    const perWorker = Object.values(mid.byWorker).join(' / ');
    lines.push(`| ${workers} | ${sec(wall)} | ${runs.map((x) => sec(x.wallMs)).join(', ')} | ${(SPLITS / (wall / 1000)).toFixed(1)} | ${sec(mid.activityMs)} | ${(mid.activityMs / wall).toFixed(2)} | ${(mid.scheduleToStartMs / mid.activities).toFixed(0)} | ${perWorker} |`);
  }
  const [one, two] = r.scaling.map((s) => median(s.runs.map((x) => x.wallMs)));
  const cores = cpus().length;
  lines.push('', `Speed-up of two processes over one: ${(one! / two!).toFixed(2)}×.`, '');
  lines.push(one! / two! < 1.2
    ? `Reading: on ${cores} cores a second worker process brings no more CPU: one process already keeps its ${cores}-thread split pool and its event loop busy, and a second process adds its own event loop, Temporal SDK core, S3 clients and ${cores} more threads competing for the same cores (plus the Temporal server and MinIO on the same machine). Activity s / wall s above is how many splits were in flight on average (queued in the pools), not cores used; the load from other work on this shared machine moves the rows by more than the worker count does. Two workers pay off when they run on separate machines; the mechanics (both take splits from one task queue, the work is shared about evenly) are what this row shows.`
    : `Reading: the second process shares the splits about evenly and shortens the movement by ${(one! / two!).toFixed(2)}×.`, '');
  lines.push('## 2. Orchestration overhead of a one-split movement', '');
  lines.push('One node with one token (one ring range), `maxSplits: 1`: prepareJob → decide → resolveBackup → planSplits →', 'compactSplit (in MoveDataBatch) → commitMovement, all sequential, across three workflows (DataMovement → MoveData → batch).', '');
  lines.push('| run | wall s | Σ activity s | overhead s (wall − Σ activity) | overhead % | activities |', '|---:|---:|---:|---:|---:|---:|');
  for (const [i, o] of r.overhead.entries()) {
    lines.push(`| ${i + 1} | ${sec(o.wallMs)} | ${sec(o.activityMs)} | ${sec(o.wallMs - o.activityMs)} | ${(((o.wallMs - o.activityMs) / o.wallMs) * 100).toFixed(0)} % | ${o.activities} |`);
  }
  const mid = r.overhead.find((x) => x.wallMs === median(r.overhead.map((o) => o.wallMs)))!;
  lines.push('', 'Activity execution times of the median run:', '', '| activity | count | ms |', '|---|---:|---:|');
  for (const [type, t] of Object.entries(mid.byType)) lines.push(`| ${type} | ${t.count} | ${t.ms.toFixed(0)} |`);
  lines.push('', `Σ schedule→start latency of its activities: ${mid.scheduleToStartMs.toFixed(0)} ms; the rest of the overhead is workflow tasks`,
    '(the three workflows each run a task after every activity and child event) and the two child-workflow starts.',
    'On a tiny table Temporal’s round trips dominate: about a second per movement whatever its size, which is',
    'negligible next to a real table’s splits (minutes each) but is why a movement is per table, not per partition.', '');
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await run());
}
