// The source side of a movement: which backup, which table, which replicas' SSTables per token range.
// resolveSource picks the backup as of the job's instant and checks the table is in it; planSourceSplits turns the
// ring into byte-sized splits whose plan (ranges, replicas, SSTable keys, column specs) goes to the warehouse.
import type { MovementJob, ResolvedBackup } from '../contracts.ts';
import { chooseBackupAsOf, loadSchema, type BackupChoice } from '../../engine/backup/as-of.ts';
import { checkClusterBackup } from '../../engine/backup/completeness.ts';
import { discoverBackups } from '../../engine/backup/layout.ts';
import { estimateRangeBytes, planInput } from '../../engine/backup/planning.ts';
import { replicationOf } from '../../engine/backup/keyspace.ts';
import { chooseReplicas } from '../../engine/backup/replicas.ts';
import { TokenRing } from '../../engine/backup/ring.ts';
import { columnSpecOf, type ColumnSpec } from '../../engine/compaction/table-layout.ts';
import { BackupIncompleteError } from '../../engine/errors.ts';
import { splitRange, type TokenRange } from '../../engine/partitioner/token-range.ts';
import { parseSchema, type SchemaFile } from '../../engine/sstable/schema.ts';
import { openSSTable } from '../../engine/sstable/sstable-reader.ts';
import { createTableModel, fixFrozenHeaderTypes } from '../../engine/sstable/table-model.ts';
import { openStore, type OpenedStore } from '../../engine/storage/url.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import type { TableModel } from '../../connectors/registry.ts';
import { chunkTableName } from '../../connectors/key-value/chunks.ts';
import { planChunkTable, type ChunkTablePlan } from './chunk-source.ts';
import { sizePiecesByIndex, type SizedPiece } from './range-sizing.ts';

export interface PlannedSplit {
  index: number;
  /** Token ranges (start exclusive, end inclusive, as decimal strings) this split owns. */
  ranges: Array<{ start: string; end: string }>;
  bytes: number;
  /** Data.db keys (in the backup store) of the chosen replicas' SSTables. */
  dataKeys: string[];
  /** Multi-table plans (`MovementPlan.tables`): the table this split reads. */
  table?: string;
}

/** One table of a multi-table plan (a TimeSeries movement's slice tables). */
export interface PlannedTable {
  table: string;
  tableId: string;
  columns: ColumnSpec[];
  schemaText: string;
}

/** The full plan, stored as JSON in the warehouse; the splits and the commit read it back. */
export interface MovementPlan {
  movementId: string;
  connector: string;
  backupUrl: string;
  backupId: string;
  keyspace: string;
  table: string;
  tableId: string;
  referenceTime: string;
  /** Columns in `SELECT *` order with header AbstractTypes: the merge layout and the connectors' table model. */
  columns: ColumnSpec[];
  consistency: string;
  replication: string;
  /** The schema file the replication came from, or the assumption made without one. */
  replicationSource: string;
  /** How split bytes were estimated: from the partition indexes, or proportional to token width (and why). */
  sizing: string;
  splits: PlannedSplit[];
  /** SchemaFile text, so a split can fix frozen UDT headers like the reader does. */
  schemaText: string;
  /** Multi-table plans: every table read (the top-level table fields describe the first); each split names its own. */
  tables?: PlannedTable[];
  /** TimeSeries movements: [startMs, endMs) of options.timeSeries; items outside are dropped. */
  timeWindow?: { startMs: number; endMs: number };
  /** Key-Value movements: the chunk table of the same backup (absent: the backup has none). */
  chunkTable?: ChunkTablePlan;
}

export async function chooseBackup(job: MovementJob, opened: OpenedStore): Promise<BackupChoice> {
  const { backups } = await discoverBackups(opened.store, opened.root);
  if (backups.length === 0) throw new BackupIncompleteError(`no backup found at ${job.source.backupUrl}`, []);
  return chooseBackupAsOf(opened.store, backups, job.asOf ? new Date(job.asOf) : new Date());
}

export async function resolveSource(job: MovementJob, s3: S3ClientOptions): Promise<ResolvedBackup> {
  const opened = openStore(job.source.backupUrl, s3);
  const choice = await chooseBackup(job, opened);
  const ref = choice.tables.find((t) => t.keyspace === job.source.keyspace && t.table === job.source.table);
  if (!ref) {
    throw new BackupIncompleteError(`backup ${choice.backup.name} has no table ${job.source.keyspace}.${job.source.table}`,
      [`tables: ${choice.tables.filter((t) => !t.isSystem).map((t) => `${t.keyspace}.${t.table}`).join(', ') || 'none'}`]);
  }
  const nodes = planInput(choice.backup, { keyspace: ref.keyspace, table: ref.table });
  return {
    backupId: choice.backup.name,
    finishedAt: choice.finishedAt.toISOString(),
    referenceTime: job.options.referenceTime ? new Date(job.options.referenceTime).toISOString() : choice.ttlReferenceTime.toISOString(),
    tableId: ref.tableId ?? '',
    nodes: ref.nodes,
    totalBytes: nodes.reduce((a, n) => a + n.totalSizeInBytes, 0),
  };
}

async function columnsOf(opened: OpenedStore, dataKey: string, schema: SchemaFile, table: string): Promise<ColumnSpec[]> {
  const sstable = await openSSTable(opened.store, dataKey);
  const header = fixFrozenHeaderTypes(sstable.header, schema, table);
  const model = createTableModel(header, schema.tables.length ? schema : undefined, table);
  // columnSpecOf keeps a re-added column's drop time, so the merge ignores cells written before the drop
  return model.selectOrder.map(columnSpecOf);
}

export function connectorTableModel(plan: Pick<MovementPlan, 'keyspace' | 'table' | 'columns'>): TableModel {
  return { keyspace: plan.keyspace, table: plan.table, columns: plan.columns.map(({ name, type, kind }) => ({ name, type, kind })) };
}

/** The Decider's table model of the job's source table, from the backup a movement would read now (its schema text
 *  and one SSTable header): column names, kinds and types, a few hundred bytes. */
export async function describeSourceTable(job: MovementJob, s3: S3ClientOptions): Promise<TableModel> {
  const opened = openStore(job.source.backupUrl, s3);
  const choice = await chooseBackup(job, opened);
  const { keyspace, table } = job.source;
  const firstKey = planInput(choice.backup, { keyspace, table }).flatMap((n) => n.sstables)[0]?.dataKey;
  if (!firstKey) throw new BackupIncompleteError(`backup ${choice.backup.name} has no SSTables of ${keyspace}.${table}`, []);
  const schemas = await loadSchema(opened.store, choice.backup);
  const schemaText = schemas.find((s) => s.kind === 'cluster-cql' || (s.keyspace === keyspace && s.table === table))?.text ?? '';
  return connectorTableModel({ keyspace, table, columns: await columnsOf(opened, firstKey, parseSchema(schemaText), table) });
}

export interface PlanLimits { maxSplits: number; maxSplitBytes: number }

/** Splits over the ring: each ring range cut into byte-sized pieces, then packed into at most maxSplits splits. */
export async function planSourceSplits(job: MovementJob, backup: ResolvedBackup, connector: string, s3: S3ClientOptions, limits: PlanLimits): Promise<MovementPlan> {
  const opened = openStore(job.source.backupUrl, s3);
  const { backups } = await discoverBackups(opened.store, opened.root);
  const cluster = backups.find((b) => b.name === backup.backupId);
  if (!cluster) throw new BackupIncompleteError(`backup ${backup.backupId} is no longer at ${job.source.backupUrl}`, []);
  const table = { keyspace: job.source.keyspace, table: job.source.table };
  const schemas = await loadSchema(opened.store, cluster);
  const schemaText = schemas.find((s) => s.kind === 'cluster-cql' || (s.keyspace === table.keyspace && s.table === table.table))?.text ?? '';
  const verdict = await checkClusterBackup(opened.store, cluster);
  const ring = new TokenRing(cluster.expectedNodes);
  const replication = replicationOf(schemas, table.keyspace);
  const choices = chooseReplicas(ring, replication.strategy, job.options.consistency, verdict.nodes);
  const inputs = planInput(cluster, table);
  const byNode = new Map(inputs.map((i) => [i.node, i.sstables.map((s) => s.dataKey)]));
  const firstKey = inputs.flatMap((i) => i.sstables)[0]?.dataKey;
  if (!firstKey) throw new BackupIncompleteError(`backup ${backup.backupId} has no SSTables of ${table.keyspace}.${table.table}`, []);
  const schema = parseSchema(schemaText);
  const pieces: SizedPiece[] = [];
  for (const est of estimateRangeBytes(inputs, choices)) {
    const dataKeys = est.choice.chosen.flatMap((n) => byNode.get(n.name) ?? []);
    const parts = Math.max(1, Math.min(64, Math.ceil(est.dataSizeInBytes / limits.maxSplitBytes)));
    for (const range of splitRange(est.choice.range, parts)) pieces.push({ range, bytes: Math.round(est.dataSizeInBytes / parts), dataKeys });
  }
  const onDisk = new Map(inputs.flatMap((i) => i.sstables.map((t) => [t.dataKey, t.dataSizeInBytes] as const)));
  const sizing = await sizePiecesByIndex(opened.store, pieces, onDisk, limits.maxSplitBytes);
  return {
    movementId: job.movementId, connector, backupUrl: job.source.backupUrl, backupId: backup.backupId, ...table,
    tableId: backup.tableId, referenceTime: backup.referenceTime, consistency: job.options.consistency,
    columns: await columnsOf(opened, firstKey, schema, table.table), replication: JSON.stringify(replication.strategy), replicationSource: replication.source,
    splits: packPieces(pieces, Math.max(1, limits.maxSplits)), schemaText, sizing,
    // Key-Value: the chunk table of the same backup, read through the same replica choice
    ...(connector === 'key-value' ? { chunkTable: await planChunkTable(cluster, choices, table.keyspace, chunkTableName(table.table, job.options.keyValue?.chunkTableSuffix),
      (key, name) => columnsOf(opened, key, parseSchema(schemas.find((s) => s.kind === 'cluster-cql' || (s.keyspace === table.keyspace && s.table === name))?.text ?? ''), name)) } : {}),
  };
}

/** Consecutive pieces grouped into at most `maxSplits` splits of about equal bytes. */
function packPieces(pieces: SizedPiece[], maxSplits: number): PlannedSplit[] {
  const count = Math.min(maxSplits, pieces.length);
  const total = pieces.reduce((a, p) => a + p.bytes, 0);
  const out: PlannedSplit[] = [];
  let cur: PlannedSplit | undefined;
  let acc = 0;
  for (const [i, p] of pieces.entries()) {
    const left = pieces.length - i;
    const want = out.length < count && (!cur || acc >= (total * out.length) / count || left <= count - out.length);
    if (want) {
      cur = { index: out.length, ranges: [], bytes: 0, dataKeys: [] };
      out.push(cur);
    }
    cur!.ranges.push({ start: String(p.range.startExclusive), end: String(p.range.endInclusive) });
    cur!.bytes += p.bytes;
    for (const k of p.dataKeys) if (!cur!.dataKeys.includes(k)) cur!.dataKeys.push(k);
    acc += p.bytes;
  }
  return out;
}
