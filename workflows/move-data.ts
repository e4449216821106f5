// MoveData: the new connectors' path. resolve backup → plan splits → compaction activities per split,
// bounded in flight → one Iceberg commit with every file. Splits are run by child workflows of at most
// SPLITS_PER_BATCH each, so thousands of splits never crowd one history (≈3 events per activity).
import {
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  workflowInfo,
  ApplicationFailure,
} from '@temporalio/workflow';
import type {
  CommitResult,
  MovementActivities,
  MovementJob,
  ResolvedBackup,
  SplitPlan,
  SplitResult,
} from '../activities/contracts.ts';
import { commitActivity, compactionActivity, metadataActivity } from './activity-options.ts';

// --- Types ---

export interface MoveDataInput {
  job: MovementJob;
  connector: string;
  destination: { namespace: string; table: string };
  /** Idempotency key of the Iceberg commit; the parent DataMovement's id. */
  commitId: string;
}

export interface MoveDataResult {
  backup: ResolvedBackup;
  plan: Omit<SplitPlan, 'preview'>;
  commit: CommitResult;
  splits: { rows: number; files: number; bytesRead: number; bytesWritten: number; cpuMs: number };
  durationsMs: Record<string, number>;
}

export interface MoveDataBatchInput {
  job: MovementJob;
  connector: string;
  planKey: string;
  stagingPrefix: string;
  from: number;
  to: number;
  concurrency: number;
}

export interface SplitTotals {
  splitsDone: number;
  rows: number;
  files: number;
  bytesRead: number;
  bytesWritten: number;
  cpuMs: number;
}

export interface MoveDataProgress {
  phase: 'resolving' | 'planning' | 'compacting' | 'committing' | 'done';
  splitCount: number;
  splitsDone: number;
  rows: number;
}

/** Splits per child workflow: 500 activities ≈ 1,500 events, far below the 51,200-event limit. */
export const SPLITS_PER_BATCH = 500;

// --- Signals and Queries ---

export const moveDataProgress = defineQuery<MoveDataProgress>('progress');
export const batchProgress = defineQuery<SplitTotals>('progress');

// --- Workflows ---

export async function MoveData(input: MoveDataInput): Promise<MoveDataResult> {
  const acts = proxyActivities<MovementActivities>(metadataActivity);
  const { commitMovement } = proxyActivities<MovementActivities>(commitActivity);
  const progress: MoveDataProgress = { phase: 'resolving', splitCount: 0, splitsDone: 0, rows: 0 };
  setHandler(moveDataProgress, () => progress);
  const durationsMs: Record<string, number> = {};
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = Date.now();
    try {
      return await fn();
    } finally {
      durationsMs[name] = Date.now() - start;
    }
  };

  const source = `${input.job.source.keyspace}.${input.job.source.table}`;
  const backup = await timed('resolve', () => acts.resolveBackup.executeWithOptions({ summary: `backup of ${source} as of ${input.job.asOf ?? 'now'}` }, [input.job]));
  progress.phase = 'planning';
  const plan = await timed('plan', () => acts.planSplits.executeWithOptions({ summary: `token-range splits of ${source} in backup ${backup.backupId}` }, [input.job, backup]));
  progress.splitCount = plan.splitCount;
  if (plan.splitCount === 0) throw ApplicationFailure.nonRetryable('planner returned no splits', 'EmptyPlan');

  progress.phase = 'compacting';
  const stagingPrefix = `staging/${input.commitId}/${input.connector}`;
  const totals = await timed('compact', async () => {
    const sum: SplitTotals = { splitsDone: 0, rows: 0, files: 0, bytesRead: 0, bytesWritten: 0, cpuMs: 0 };
    for (let from = 0; from < plan.splitCount; from += SPLITS_PER_BATCH) {
      const to = Math.min(plan.splitCount, from + SPLITS_PER_BATCH);
      const batch = await executeChild(MoveDataBatch, {
        workflowId: `${workflowInfo().workflowId}/splits-${from}-${to - 1}`,
        staticSummary: `splits ${from}–${to - 1} of ${plan.splitCount}, ${plan.concurrency} at a time`,
        args: [{ job: input.job, connector: input.connector, planKey: plan.planKey, stagingPrefix, from, to, concurrency: plan.concurrency }],
      });
      addTotals(sum, batch);
      progress.splitsDone = sum.splitsDone;
      progress.rows = sum.rows;
    }
    return sum;
  });

  progress.phase = 'committing';
  const commit = await timed('commit', () =>
    commitMovement.executeWithOptions({ summary: `one Iceberg commit of ${plan.splitCount} splits' files to ${input.destination.namespace}.${input.destination.table}` }, [{
      job: input.job,
      connector: input.connector,
      backup,
      splitCount: plan.splitCount,
      stagingPrefix,
      commitId: input.commitId,
      destination: input.destination,
    }]),
  );
  progress.phase = 'done';
  const { preview: _preview, ...planSummary } = plan;
  const { splitsDone: _done, ...splits } = totals;
  return { backup, plan: planSummary, commit, splits, durationsMs };
}

/** Runs splits [from, to) with at most `concurrency` compaction activities in flight. */
export async function MoveDataBatch(input: MoveDataBatchInput): Promise<SplitTotals> {
  const heartbeatSec = input.job.options.heartbeatTimeoutSec;
  const { compactSplit } = proxyActivities<MovementActivities>(heartbeatSec ? { ...compactionActivity, heartbeatTimeout: `${heartbeatSec}s` } : compactionActivity);
  const totals: SplitTotals = { splitsDone: 0, rows: 0, files: 0, bytesRead: 0, bytesWritten: 0, cpuMs: 0 };
  setHandler(batchProgress, () => totals);
  let next = input.from;
  const runOne = async (): Promise<void> => {
    while (next < input.to) {
      const index = next++;
      // the summary names the split in the UI's history (its token ranges are in the plan)
      const result: SplitResult = await compactSplit.executeWithOptions({ summary: `split ${index}: merge, ${input.connector}, Parquet` }, [{
        job: input.job,
        connector: input.connector,
        planKey: input.planKey,
        index,
        stagingPrefix: input.stagingPrefix,
      }]);
      addTotals(totals, { splitsDone: 1, ...result });
    }
  };
  const lanes = Math.max(1, Math.min(input.concurrency, input.to - input.from));
  await Promise.all(Array.from({ length: lanes }, runOne));
  return totals;
}

// --- Helpers ---

function addTotals(sum: SplitTotals, add: SplitTotals): void {
  sum.splitsDone += add.splitsDone;
  sum.rows += add.rows;
  sum.files += add.files;
  sum.bytesRead += add.bytesRead;
  sum.bytesWritten += add.bytesWritten;
  sum.cpuMs += add.cpuMs;
}
