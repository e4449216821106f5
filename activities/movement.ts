// The movement activities (contracts.ts MovementActivities): thin adapters from the workflows' references to the
// engine. Built once per worker by createMovementActivities(deps); the CPU work of a split runs in a ThreadPool of
// activities/split-thread.ts when one is given, heartbeating the thread's progress.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { decide as decideConnector, decideJobOf } from '../connectors/controller/decide.ts';
import type { ControllerStore } from '../connectors/controller/store.ts';
import { getConnector, loadConnector } from '../connectors/registry.ts';
import type { SqlCatalog } from '../engine/iceberg/catalog/sql.ts';
import type { FileIO } from '../engine/iceberg/io.ts';
import type { S3ClientOptions } from '../engine/storage/s3.ts';
import { validateSnapshots } from '../engine/validation/iceberg-snapshots.ts';
import { createAlertSink } from '../observability/alerts.ts';
import { logger } from '../observability/logger.ts';
import { metrics, recordStorage } from '../observability/metrics.ts';
import type { MovementActivities } from './contracts.ts';
import { toMovementJob } from './movement-input.ts';
import { commitDataFiles, tableContext } from './movement/commit.ts';
import { runLegacyMove } from './movement/legacy.ts';
import { connectorTableModel, describeSourceTable, planSourceSplits, resolveSource } from './movement/source.ts';
import { describeSliceSource, planSliceSplits, resolveSliceSource } from './movement/time-series-source.ts';
import { readPlanHeader, readPlannedSplit, writePlan } from './movement/plan-store.ts';
import { checkpointOfHeartbeat } from './movement/checkpoint.ts';
import { runSplit, type SplitProgress, type SplitTask, type SplitWorkResult } from './movement/split-work.ts';
import { dataFileFromJson, planKeyOf, readJson, safeCommitId, tableLocationOf, warehouseLocation } from './movement/warehouse.ts';
import { ThreadPool } from './thread-pool.ts';

export type SplitPool = ThreadPool<SplitTask, SplitWorkResult, SplitProgress>;

export interface MovementDeps {
  /** S3 client options for the backup store (and an s3:// warehouse). */
  backupS3Options: S3ClientOptions;
  warehouse: { url: string; io: FileIO };
  catalog: SqlCatalog;
  controllerStore: Pick<ControllerStore, 'current'>;
  alertWebhookUrl?: string;
  /** Runs compactSplit's CPU work off the event loop; inline when absent. */
  pool?: SplitPool;
  /** Target Data.db bytes per split (default 256 MiB). */
  maxSplitBytes?: number;
  /** Planned Data.db bytes between a split's checkpoints (default 64 MiB; movement/checkpoint.ts). */
  splitCheckpointBytes?: number;
  /** A partition the legacy connector may hold in memory, in decoded bytes (default 256 MiB). */
  legacyMaxPartitionBytes?: number;
}

export function createSplitPool(size?: number): SplitPool {
  return new ThreadPool<SplitTask, SplitWorkResult, SplitProgress>(new URL('./split-thread.ts', import.meta.url), size);
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // outside an activity (direct calls in tests): nothing to heartbeat to
  }
}

/** The current attempt and the last heartbeat details of the previous one; attempt 1 and none outside an activity. */
function attemptInfo(): { attempt: number; heartbeatDetails: unknown } {
  try {
    const { attempt, heartbeatDetails } = Context.current().info;
    return { attempt, heartbeatDetails };
  } catch {
    return { attempt: 1, heartbeatDetails: undefined };
  }
}

/** CassbergError kinds no retry can fix (bad bytes, unsupported formats, incomplete backups, bad config). */
const FINAL_KINDS = new Set(['DataInvalid', 'FeatureUnsupported', 'PreconditionFailed']);

/** A split's error as a Temporal failure typed by its class name (a pool thread's error arrives as a plain Error
 *  carrying the name; Temporal types failures by constructor, so nonRetryableErrorTypes would never match), and
 *  non-retryable when it is a CassbergError of a final kind — e.g. a missing chunk of a key-value item. */
export function asFailureOfItsName(err: Error): Error {
  const { kind, retryable } = err as { kind?: string; retryable?: boolean };
  const final = kind !== undefined && !retryable && FINAL_KINDS.has(kind);
  if (!final && (err.constructor !== Error || err.name === 'Error')) return err;
  const failure = ApplicationFailure.create({ message: err.message, type: err.name, nonRetryable: final });
  failure.stack = err.stack ?? '';
  return failure;
}

function currentWorkflowId(): string {
  try {
    return Context.current().info.workflowExecution?.workflowId ?? '';
  } catch {
    return ''; // called outside an activity
  }
}

/** MoveData children are `<commitId>/move-<connector>` (workflows/data-movement.ts); the plan is kept per connector. */
function connectorOfWorkflow(workflowId: string): string {
  return /\/move-([^/]+)$/.exec(workflowId)?.[1] ?? 'default';
}

/** MoveData's staging prefix is `staging/<commitId>/<connector>`. */
function commitIdOfStaging(stagingPrefix: string, connector: string): string | undefined {
  const m = /^staging\/(.+)\/([^/]+)$/.exec(stagingPrefix);
  return m && m[2] === connector ? m[1] : undefined;
}

export function createMovementActivities(deps: MovementDeps): MovementActivities {
  const wh = deps.warehouse;
  const ctx = tableContext(deps.catalog, wh);
  const alert = createAlertSink({ logger, ...(deps.alertWebhookUrl ? { webhookUrl: deps.alertWebhookUrl } : {}) });
  const loadPlan = (movementId: string, connector: string) => readPlanHeader(wh.io, wh.url, planKeyOf(movementId, connector));

  return {
    async prepareJob(input, movementId) {
      return toMovementJob(input, movementId);
    },

    async describeSource(job) {
      // a TimeSeries movement names a family of slice tables: its model is the first slice's
      return job.options.timeSeries ? describeSliceSource(job, deps.backupS3Options) : describeSourceTable(job, deps.backupS3Options);
    },

    async decide(job, model) {
      if (job.options.connector !== undefined) getConnector(job.options.connector, 'options.connector');
      const { matchedRule: _m, canary: _c, modelChecked: _k, ...decision } = await decideConnector(decideJobOf(job, model), deps.controllerStore);
      return decision;
    },

    async resolveBackup(job) {
      return job.options.timeSeries ? resolveSliceSource(job, deps.backupS3Options) : resolveSource(job, deps.backupS3Options);
    },

    async planSplits(job, backup) {
      const connector = connectorOfWorkflow(currentWorkflowId());
      const maxSplitBytes = deps.maxSplitBytes ?? 256 << 20;
      const limits = { maxSplits: job.options.maxSplits ?? 1000, maxSplitBytes };
      const plan = job.options.timeSeries
        ? await planSliceSplits(job, backup, connector, deps.backupS3Options, limits)
        : await planSourceSplits(job, backup, connector, deps.backupS3Options, limits);
      const planKey = planKeyOf(job.movementId, connector);
      await writePlan(wh.io, wh.url, planKey, plan);
      const totalBytes = plan.splits.reduce((a, s) => a + s.bytes, 0);
      // as many lanes as full-size splits, within the job's bound (default 8)
      const bySize = Math.max(1, Math.ceil(totalBytes / maxSplitBytes));
      const concurrency = Math.max(1, Math.min(plan.splits.length, job.options.maxConcurrency ?? 8, bySize));
      return {
        planKey, splitCount: plan.splits.length, concurrency, totalBytes,
        replicas: `${job.options.consistency} over ${plan.replication} (${plan.replicationSource})`,
        preview: plan.splits.slice(0, 5).map((s) => ({ index: s.index, start: s.ranges[0]!.start, end: s.ranges.at(-1)!.end, bytes: s.bytes })),
      };
    },

    async compactSplit(input) {
      if (input.job.options.injectFailure === input.connector) {
        throw ApplicationFailure.nonRetryable(`injected failure of connector ${input.connector} (split ${input.index})`, 'InjectedFailure');
      }
      const { header: { splitCount: _n, groupSize: _g, ...plan }, split } = await readPlannedSplit(wh.io, wh.url, input.planKey, input.index);
      const { attempt, heartbeatDetails } = attemptInfo();
      const resume = checkpointOfHeartbeat(heartbeatDetails);
      const injected = input.job.options.injectSplitFailure;
      const dest = input.job.destination;
      const commitDir = commitIdOfStaging(input.stagingPrefix, input.connector) ?? input.job.movementId;
      const resultKey = `${input.stagingPrefix}/split-${input.index}.json`;
      const task: SplitTask = {
        s3: deps.backupS3Options, warehouseUrl: wh.url, plan, split, connector: input.connector, writetime: input.job.options.writetime ?? false,
        ...(input.job.options.keyValue ? { keyValue: input.job.options.keyValue } : {}),
        dataLocation: `${tableLocationOf(wh.url, dest.namespace, dest.table)}/data/${safeCommitId(commitDir)}/${input.connector}`,
        resultLocation: warehouseLocation(wh.url, resultKey),
        ...(resume ? { resume } : {}), ...(deps.splitCheckpointBytes ? { checkpointBytes: deps.splitCheckpointBytes } : {}),
        ...(injected?.split === input.index && attempt === 1 ? { failAfterRange: injected.afterRange } : {}),
      };
      const started = Date.now();
      const onProgress = (p: SplitProgress) => heartbeat(p);
      const result = await (deps.pool ? deps.pool.run(task, { onProgress }) : runSplit(task, onProgress)).catch((err: Error) => {
        // The error keeps its class name across the thread boundary, so corrupt input stays non-retryable.
        if (err.name === 'CorruptInputError' || err.name === 'UnsupportedFormatError') metrics.decodeErrors.inc({ kind: err.name });
        throw asFailureOfItsName(err);
      });
      metrics.splitDuration.observe({ connector: input.connector }, (Date.now() - started) / 1000);
      metrics.rowsWritten.inc({ connector: input.connector }, result.rows);
      metrics.bytesRead.inc({ store: 'backup' }, result.bytesRead);
      metrics.bytesWritten.inc({ store: 'warehouse' }, result.bytesWritten);
      metrics.bytesSkipped.inc(result.bytesSkipped);
      for (const observation of result.storageRequests) recordStorage(observation);
      const { bytesSkipped: _skipped, storageRequests: _requests, ...summary } = result;
      return { index: input.index, ...summary, resultKey };
    },

    async commitMovement(input) {
      const plan = await loadPlan(input.job.movementId, input.connector);
      const connector = await loadConnector(input.connector);
      const options = {
        referenceTimeSec: Math.floor(Date.parse(input.backup.referenceTime) / 1000), writetime: input.job.options.writetime ?? false,
        ...(input.job.options.keyValue ? { keyValue: input.job.options.keyValue } : {}), // key-value: the layout shapes the schema
      };
      const schema = connector.outputSchema(connectorTableModel(plan), options);
      const dataFiles = [];
      for (let i = 0; i < input.splitCount; i++) {
        const files = await readJson<Record<string, unknown>[]>(wh.io, warehouseLocation(wh.url, `${input.stagingPrefix}/split-${i}.json`));
        dataFiles.push(...files.map(dataFileFromJson));
      }
      const result = await commitDataFiles(ctx, wh.url, {
        job: input.job, backup: input.backup, connector: input.connector, commitId: input.commitId, destination: input.destination,
        schema, ...(connector.partitionSpec ? { spec: connector.partitionSpec(schema) } : {}), dataFiles,
      });
      metrics.movements.inc({ connector: input.connector, outcome: result.alreadyCommitted ? 'already-committed' : 'committed' });
      return result;
    },

    async legacyMove(input) {
      const result = await runLegacyMove(input, { ...deps, ctx, heartbeat });
      metrics.movements.inc({ connector: 'legacy', outcome: result.alreadyCommitted ? 'already-committed' : 'committed' });
      return result;
    },

    async validateOutputs(input) {
      const ref = (t: { namespace: string; table: string; snapshotId?: string }) => ({
        id: { namespace: [t.namespace], name: t.table }, ...(t.snapshotId ? { snapshotId: t.snapshotId } : {}),
      });
      const report = await validateSnapshots(ctx, ref(input.tableA), ref(input.tableB), { reportName: safeCommitId(input.movementId) });
      const summary = {
        reportKey: report.reportLocation, rowsA: report.rowsA, rowsB: report.rowsB, onlyInA: report.onlyInA, onlyInB: report.onlyInB,
        similarityPercent: report.similarityPercent,
      };
      metrics.discrepancies.inc({ connector: input.tableB.table }, summary.onlyInA + summary.onlyInB);
      return summary;
    },

    async sendAlert(input) {
      if (input.kind === 'fallback-taken') metrics.fallbacks.inc({ from: String(input.details.connector ?? ''), to: String(input.details.fallback ?? '') });
      await alert(input);
    },
  };
}
