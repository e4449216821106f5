// The shapes that cross the workflow/activity boundary. Types only: workflows import this file with
// `import type`, so nothing here may pull a runtime dependency into the workflow sandbox.
// Everything is a reference or a small summary (Temporal payloads stay far below 2 MB); row data never
// passes through Temporal.
import type { TableModel } from '../connectors/controller/table-model.ts';

export type ConsistencyLevel = 'ONE' | 'LOCAL_ONE' | 'QUORUM' | 'LOCAL_QUORUM' | 'EACH_QUORUM' | 'ALL';
export type ConnectorMode = 'primary' | 'shadow';

/** What a user passes to `temporal workflow start --type DataMovement --input '…'`. Plain JSON. */
export interface DataMovementInput {
  source: { backupUrl: string; cluster: string; keyspace: string; table: string };
  /** ISO-8601 instant; the newest complete backup finished at or before it. Default: the newest complete backup. */
  asOf?: string;
  destination: { catalog?: string; namespace: string; table: string };
  options?: {
    consistency?: ConsistencyLevel;
    /** ISO-8601 instant used for TTL expiry; default: the backup's earliest node snapshot time. */
    referenceTime?: string;
    writetime?: boolean;
    /** Ask for a connector by name; the Controller still validates it against the table. */
    connector?: string;
    mode?: ConnectorMode;
    /** Upper bounds for the planner; it may choose fewer. */
    maxSplits?: number;
    maxConcurrency?: number;
    /** Heartbeat timeout of a split activity, in seconds (default 60): how soon a split held by a dead worker is retried. */
    heartbeatTimeoutSec?: number;
    /**
     * A TimeSeries movement (connector time-series): `source.table` names the slice-table family (`data` reads
     * `data_YYYYMMDD…` slices) and the movement moves every slice overlapping [start, end), items outside it dropped.
     */
    timeSeries?: TimeSeriesMovement;
    /** Settings of the key-value connector (connectors/README.md, key-value); ignored by the others. */
    keyValue?: KeyValueMovement;
    /** Test hook: make the named connector fail non-retryably, to exercise the fallback path. */
    injectFailure?: string;
    /** Test hook: attempt 1 of split `split` fails (retryably) once range `afterRange` is done, to exercise resume. */
    injectSplitFailure?: { split: number; afterRange: number };
  };
}

/** Key-Value settings of a movement: plain JSON, the worker turns them into the connector's KeyValueSettings. */
export interface KeyValueMovement {
  /** `item` (default): one row per item; `record`: one row per id, its items as a list in clustering order. */
  layout?: 'item' | 'record';
  /** A registered value_metadata decoder: `cassberg-v1` (default) or `json`. */
  valueMetadata?: string;
  /** The chunk table is `<table><suffix>` in the same keyspace (default `_chunks`). */
  chunkTableSuffix?: string;
}

/** The window of a TimeSeries movement (connectors/README.md, time-series). */
export interface TimeSeriesMovement {
  /** ISO-8601 instant, inclusive. */
  start: string;
  /** ISO-8601 instant, exclusive. */
  end: string;
  /** Width of the newest slice table (its end is otherwise unknown: the next slice's start ends a slice). */
  sliceSeconds?: number;
}

/** DataMovementInput after validation, with defaults applied. */
export interface MovementJob extends DataMovementInput {
  movementId: string;
  options: NonNullable<DataMovementInput['options']> & { consistency: ConsistencyLevel };
}

export interface Decision {
  connector: string;
  mode: ConnectorMode;
  fallback: { enabled: boolean; connector: string };
  ruleVersion: number;
  reason: string;
}

export interface ResolvedBackup {
  backupId: string;
  finishedAt: string;
  referenceTime: string;
  tableId: string;
  nodes: string[];
  totalBytes: number;
}

export interface SplitPlan {
  /** Object key of the full plan (token ranges, replicas, byte estimates) in the warehouse store. */
  planKey: string;
  splitCount: number;
  concurrency: number;
  totalBytes: number;
  /** How replicas were chosen: consistency level, replication and where the replication came from. */
  replicas: string;
  /** The first few splits, so the plan is readable in history without opening the object. */
  preview: Array<{ index: number; start: string; end: string; bytes: number }>;
}

export interface SplitInput {
  job: MovementJob;
  connector: string;
  planKey: string;
  index: number;
  /** Where the split writes its data files; deterministic so a retried attempt writes the same objects. */
  stagingPrefix: string;
}

export interface SplitResult {
  index: number;
  rows: number;
  files: number;
  bytesRead: number;
  bytesWritten: number;
  /** CPU time the split spent (user + system), for the cost comparison between connectors. */
  cpuMs: number;
  /** Ranges this attempt skipped because an earlier attempt had checkpointed them (0: started from the beginning). */
  resumedFromRange: number;
  /** Key of the JSON list of DataFile descriptors this split wrote. */
  resultKey: string;
}

export interface CommitInput {
  job: MovementJob;
  connector: string;
  backup: ResolvedBackup;
  splitCount: number;
  stagingPrefix: string;
  /** Idempotency: a second commit with the same id is a no-op. */
  commitId: string;
  destination: { namespace: string; table: string };
}

export interface CommitResult {
  snapshotId: string;
  rows: number;
  files: number;
  tableLocation: string;
  alreadyCommitted: boolean;
}

export interface LegacyInput {
  job: MovementJob;
  backup: ResolvedBackup;
  commitId: string;
  destination: { namespace: string; table: string };
}

export interface LegacyResult extends CommitResult {
  cost: MovementCost;
}

/** What a movement cost, compared between connectors on the dashboard. */
export interface MovementCost {
  cpuMs: number;
  bytesRead: number;
  bytesWritten: number;
  /** Bytes of intermediate (staging) tables: the legacy connector writes one, the new connectors none. */
  intermediateBytes: number;
}

export interface ValidationInput {
  movementId: string;
  tableA: { namespace: string; table: string; snapshotId?: string };
  tableB: { namespace: string; table: string; snapshotId?: string };
}

export interface ValidationSummary {
  reportKey: string;
  rowsA: number;
  rowsB: number;
  onlyInA: number;
  onlyInB: number;
  similarityPercent: number;
}

export interface MovementOutcome {
  movementId: string;
  backup: ResolvedBackup;
  decision: Decision;
  connector: string;
  fallbackTaken: boolean;
  fallbackReason?: string;
  splits: number;
  rows: number;
  files: number;
  snapshotId: string;
  cost: MovementCost;
  validation?: ValidationSummary;
  durationsMs: Record<string, number>;
}

export interface AlertInput {
  kind: 'movement-failed' | 'fallback-taken' | 'discrepancy';
  movementId: string;
  message: string;
  details: Record<string, string | number | boolean>;
}

/** The activities the movement workflows call; activities/index.ts implements them. */
export interface MovementActivities {
  prepareJob(input: unknown, movementId: string): Promise<MovementJob>;
  /** The source table's model (column names, kinds, types) from the backup, for the Decider's data-model check. */
  describeSource(job: MovementJob): Promise<TableModel>;
  decide(job: MovementJob, model?: TableModel): Promise<Decision>;
  resolveBackup(job: MovementJob): Promise<ResolvedBackup>;
  planSplits(job: MovementJob, backup: ResolvedBackup): Promise<SplitPlan>;
  compactSplit(input: SplitInput): Promise<SplitResult>;
  commitMovement(input: CommitInput): Promise<CommitResult>;
  legacyMove(input: LegacyInput): Promise<LegacyResult>;
  validateOutputs(input: ValidationInput): Promise<ValidationSummary>;
  sendAlert(input: AlertInput): Promise<void>;
}
