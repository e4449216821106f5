// DataMovement: one per job. prepare (validate input) → decide (Connector Controller) → run the chosen
// connector → on failure, the legacy connector (if the rule allows) → in shadow mode both run and their
// outputs are compared. Started from cassberg's CLI, `temporal workflow start --type DataMovement`, the UI,
// or a Temporal Schedule, all with the same plain-JSON input.
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  defineQuery,
  executeChild,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  CommitResult,
  MovementCost,
  DataMovementInput,
  Decision,
  MovementActivities,
  MovementJob,
  MovementOutcome,
  ResolvedBackup,
  ValidationSummary,
} from '../activities/contracts.ts';
import { legacyActivity, metadataActivity } from './activity-options.ts';
import { MoveData, type MoveDataResult } from './move-data.ts';
import { CASSBERG_CLUSTER, CASSBERG_CONNECTOR, CASSBERG_OUTCOME, CASSBERG_TABLE } from './search-attributes.ts';

// --- Types ---

export interface DataMovementProgress {
  phase: 'preparing' | 'deciding' | 'moving' | 'fallback' | 'validating' | 'done' | 'failed';
  connector?: string;
  children: string[];
}

interface ConnectorRun {
  connector: string;
  backup: ResolvedBackup;
  commit: CommitResult;
  splits: number;
  cost: MovementCost;
  durationsMs: Record<string, number>;
}

// --- Signals and Queries ---

export const movementProgress = defineQuery<DataMovementProgress>('progress');

// --- Workflows ---

export async function DataMovement(input: DataMovementInput): Promise<MovementOutcome> {
  const acts = proxyActivities<MovementActivities>(metadataActivity);
  const movementId = workflowInfo().workflowId;
  const progress: DataMovementProgress = { phase: 'preparing', children: [] };
  setHandler(movementProgress, () => progress);
  const started = Date.now();

  try {
    const job = await acts.prepareJob(input, movementId);
    upsertSearchAttributes([
      { key: CASSBERG_CLUSTER, value: job.source.cluster },
      { key: CASSBERG_TABLE, value: `${job.source.keyspace}.${job.source.table}` },
    ]);
    progress.phase = 'deciding';
    // the Decider checks the table against the connector's data model, so it needs the table's columns first
    const table = `${job.source.keyspace}.${job.source.table}`;
    const model = await acts.describeSource.executeWithOptions({ summary: `columns of ${table} from the backup's schema` }, [job]);
    const decision = await acts.decide.executeWithOptions({ summary: `Connector Controller: which connector moves ${table}` }, [job, model]);
    upsertSearchAttributes([{ key: CASSBERG_CONNECTOR, value: decision.connector }]);
    upsertMemo({ decision: `${decision.connector} (${decision.mode}, rules v${decision.ruleVersion}): ${decision.reason}` });
    progress.connector = decision.connector;
    progress.phase = 'moving';

    const outcome =
      decision.mode === 'shadow'
        ? await runShadow(job, decision, progress, acts)
        : await runPrimary(job, decision, progress, acts);
    outcome.durationsMs.total = Date.now() - started;
    progress.phase = 'done';
    const verdict = outcome.fallbackTaken ? 'fallback' : outcome.validation && outcome.validation.onlyInA + outcome.validation.onlyInB > 0 ? 'discrepancy' : 'success';
    upsertSearchAttributes([
      { key: CASSBERG_CONNECTOR, value: outcome.connector },
      { key: CASSBERG_OUTCOME, value: verdict },
    ]);
    upsertMemo({ summary: summarize(outcome), rows: outcome.rows, cost: outcome.cost, durationsMs: outcome.durationsMs });
    return outcome;
  } catch (err) {
    progress.phase = 'failed';
    upsertSearchAttributes([{ key: CASSBERG_OUTCOME, value: 'failed' }]);
    await acts.sendAlert({ kind: 'movement-failed', movementId, message: describeFailure(err), details: {} });
    throw err;
  }
}

// --- Helpers ---

async function runPrimary(
  job: MovementJob,
  decision: Decision,
  progress: DataMovementProgress,
  acts: MovementActivities,
): Promise<MovementOutcome> {
  const destination = job.destination;
  try {
    const run = await runConnector(job, decision.connector, destination, job.movementId, progress);
    return outcomeOf(job, decision, run, false);
  } catch (err) {
    if (!decision.fallback.enabled || decision.connector === decision.fallback.connector) throw err;
    const reason = describeFailure(err);
    progress.phase = 'fallback';
    progress.connector = decision.fallback.connector;
    upsertMemo({ fallback: `${decision.connector} failed: ${reason}` });
    await acts.sendAlert({
      kind: 'fallback-taken',
      movementId: job.movementId,
      message: `${decision.connector} failed, running ${decision.fallback.connector}: ${reason}`,
      details: { connector: decision.connector, fallback: decision.fallback.connector },
    });
    const run = await runConnector(job, decision.fallback.connector, destination, job.movementId, progress);
    const outcome = outcomeOf(job, decision, run, true);
    outcome.fallbackReason = reason;
    return outcome;
  }
}

/** Shadow: the legacy output C is the table users read; the new connector's M goes beside it and is compared. */
async function runShadow(
  job: MovementJob,
  decision: Decision,
  progress: DataMovementProgress,
  acts: MovementActivities,
): Promise<MovementOutcome> {
  const legacy = decision.fallback.connector;
  const shadowDestination = { namespace: job.destination.namespace, table: `${job.destination.table}__shadow_${decision.connector.replace(/-/g, '_')}` };
  const [primary, shadow] = await Promise.all([
    runConnector(job, legacy, job.destination, job.movementId, progress),
    runConnector(job, decision.connector, shadowDestination, `${job.movementId}/shadow`, progress),
  ]);
  progress.phase = 'validating';
  const validation: ValidationSummary = await acts.validateOutputs({
    movementId: job.movementId,
    tableA: { ...job.destination, snapshotId: primary.commit.snapshotId },
    tableB: { ...shadowDestination, snapshotId: shadow.commit.snapshotId },
  });
  if (validation.onlyInA + validation.onlyInB > 0) {
    await acts.sendAlert({
      kind: 'discrepancy',
      movementId: job.movementId,
      message: `shadow ${decision.connector} differs from ${legacy}: ${validation.onlyInA} rows only in legacy, ${validation.onlyInB} only in ${decision.connector}`,
      details: { reportKey: validation.reportKey, onlyInLegacy: validation.onlyInA, onlyInNew: validation.onlyInB },
    });
  }
  upsertMemo({ shadow: { connector: shadow.connector, rows: shadow.commit.rows, cost: shadow.cost, durationsMs: shadow.durationsMs } });
  const outcome = outcomeOf(job, decision, primary, false);
  outcome.validation = validation;
  return outcome;
}

async function runConnector(
  job: MovementJob,
  connector: string,
  destination: { namespace: string; table: string },
  commitId: string,
  progress: DataMovementProgress,
): Promise<ConnectorRun> {
  if (connector === 'legacy') {
    const { resolveBackup, legacyMove } = proxyActivities<MovementActivities>(legacyActivity);
    const started = Date.now();
    const backup = await resolveBackup(job);
    const { cost, ...commit } = await legacyMove.executeWithOptions({ summary: `legacy: whole table through staging into ${destination.namespace}.${destination.table}` }, [{ job, backup, commitId, destination }]);
    return { connector, backup, commit, splits: 1, cost, durationsMs: { legacy: Date.now() - started } };
  }
  const workflowId = `${commitId}/move-${connector}`;
  progress.children.push(workflowId);
  const result: MoveDataResult = await executeChild(MoveData, {
    workflowId,
    staticSummary: `${connector}: ${job.source.keyspace}.${job.source.table} → ${destination.namespace}.${destination.table}`,
    args: [{ job, connector, destination, commitId }],
  });
  const { cpuMs, bytesRead, bytesWritten } = result.splits;
  const cost = { cpuMs, bytesRead, bytesWritten, intermediateBytes: 0 };
  return { connector, backup: result.backup, commit: result.commit, splits: result.plan.splitCount, cost, durationsMs: result.durationsMs };
}

function outcomeOf(job: MovementJob, decision: Decision, run: ConnectorRun, fallbackTaken: boolean): MovementOutcome {
  return {
    movementId: job.movementId,
    backup: run.backup,
    decision,
    connector: run.connector,
    fallbackTaken,
    splits: run.splits,
    rows: run.commit.rows,
    files: run.commit.files,
    snapshotId: run.commit.snapshotId,
    cost: run.cost,
    durationsMs: { ...run.durationsMs },
  };
}

function summarize(o: MovementOutcome): string {
  const via = o.fallbackTaken ? `${o.connector} (fallback from ${o.decision.connector})` : o.connector;
  return `${o.rows} rows in ${o.files} files via ${via}; backup ${o.backup.backupId}; snapshot ${o.snapshotId}`;
}

/** The innermost failure's type and message: what a reader of the history wants to see first. */
function describeFailure(err: unknown): string {
  let cur: unknown = err;
  while ((cur instanceof ChildWorkflowFailure || cur instanceof ActivityFailure) && cur.cause) cur = cur.cause;
  if (cur instanceof ApplicationFailure) return `${cur.type ?? 'Error'}: ${cur.message}`;
  return cur instanceof Error ? cur.message : String(cur);
}
