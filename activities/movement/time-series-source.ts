// The source side of a TimeSeries movement (options.timeSeries): `source.table` names a family of slice tables
// (`data` → `data_YYYYMMDD…`), and the movement reads every slice overlapping the window, chosen by the connector's
// sourceTables from the backup's table list (wide_data_* split tables and wide_row are left out, netflix-models.md
// §2.5 option 1). Each slice is planned like a one-table movement (source.ts); the plans are joined into one
// multi-table plan whose splits each name their slice table, with the window for the transform.
import type { MovementJob, ResolvedBackup } from '../contracts.ts';
import { tablesOf, type TableRef } from '../../engine/backup/as-of.ts';
import { discoverBackups } from '../../engine/backup/layout.ts';
import { planInput } from '../../engine/backup/planning.ts';
import type { ClusterBackup } from '../../engine/backup/model.ts';
import { BackupIncompleteError, InvalidConfigError } from '../../engine/errors.ts';
import { openStore } from '../../engine/storage/url.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import { sourceTables, type SourceTables, type TimeWindow } from '../../connectors/time-series/slices.ts';
import { loadConnector, type TableModel } from '../../connectors/registry.ts';
import {
  chooseBackup, connectorTableModel, describeSourceTable, planSourceSplits, resolveSource,
  type MovementPlan, type PlanLimits, type PlannedSplit, type PlannedTable,
} from './source.ts';

/** [startMs, endMs) of the job's options.timeSeries, or undefined for a one-table movement. */
export function timeWindowOf(job: MovementJob): TimeWindow | undefined {
  const w = job.options.timeSeries;
  return w ? { startMs: Date.parse(w.start), endMs: Date.parse(w.end) } : undefined;
}

interface SliceRef { ref: TableRef; sstables: number; bytes: number }

/** The slice tables of the window that hold SSTables in `backup`, oldest first. */
function slicesIn(job: MovementJob, backup: ClusterBackup): { slices: SliceRef[]; picked: SourceTables } {
  const { keyspace, table: family } = job.source;
  const refs = tablesOf(backup).filter((t) => t.keyspace === keyspace && !t.isSystem);
  const picked = sourceTables(refs.map((t) => t.table), timeWindowOf(job)!, { family, ...(job.options.timeSeries!.sliceSeconds ? { sliceSeconds: job.options.timeSeries!.sliceSeconds } : {}) });
  const slices: SliceRef[] = [];
  for (const s of picked.slices) {
    const ref = refs.find((t) => t.table === s.table)!;
    const inputs = planInput(backup, { keyspace, table: s.table }).flatMap((n) => n.sstables);
    if (inputs.length > 0) slices.push({ ref, sstables: inputs.length, bytes: inputs.reduce((a, i) => a + i.totalSizeInBytes, 0) });
  }
  if (slices.length === 0) {
    const w = job.options.timeSeries!;
    throw new InvalidConfigError(`options.timeSeries: backup ${backup.name} has no ${keyspace}.${family}_* slice table with data in [${w.start}, ${w.end}) `
      + `(${picked.ignored.map((i) => `${i.table}: ${i.reason}`).join('; ') || 'no tables'})`, { field: 'options.timeSeries', keyspace, family });
  }
  return { slices, picked };
}

const sliceJob = (job: MovementJob, table: string): MovementJob => ({ ...job, source: { ...job.source, table } });

/** The backup as of the job's instant, with `tableId` listing `<slice>=<id>` of every slice read. */
export async function resolveSliceSource(job: MovementJob, s3: S3ClientOptions): Promise<ResolvedBackup> {
  const opened = openStore(job.source.backupUrl, s3);
  const choice = await chooseBackup(job, opened);
  const { slices } = slicesIn(job, choice.backup);
  const first = await resolveSource(sliceJob(job, slices[0]!.ref.table), s3);
  return {
    ...first,
    tableId: slices.map((s) => `${s.ref.table}=${s.ref.tableId ?? ''}`).join(','),
    nodes: [...new Set(slices.flatMap((s) => s.ref.nodes))].sort(),
    totalBytes: slices.reduce((a, s) => a + s.bytes, 0),
  };
}

/** The first slice's model: every slice of a family has the same columns (checked when planning). */
export async function describeSliceSource(job: MovementJob, s3: S3ClientOptions): Promise<TableModel> {
  const opened = openStore(job.source.backupUrl, s3);
  const choice = await chooseBackup(job, opened);
  return describeSourceTable(sliceJob(job, slicesIn(job, choice.backup).slices[0]!.ref.table), s3);
}

/** One plan over every slice of the window: at least one split per slice, each naming its slice table. */
export async function planSliceSplits(job: MovementJob, backup: ResolvedBackup, connector: string, s3: S3ClientOptions, limits: PlanLimits): Promise<MovementPlan> {
  const opened = openStore(job.source.backupUrl, s3);
  const cluster = (await discoverBackups(opened.store, opened.root)).backups.find((b) => b.name === backup.backupId);
  if (!cluster) throw new BackupIncompleteError(`backup ${backup.backupId} is no longer at ${job.source.backupUrl}`, []);
  const { slices } = slicesIn(job, cluster);
  const perSlice = Math.max(1, Math.floor(limits.maxSplits / slices.length));
  const plans: MovementPlan[] = [];
  for (const s of slices) {
    plans.push(await planSourceSplits(sliceJob(job, s.ref.table), { ...backup, tableId: s.ref.tableId ?? '' }, connector, s3, { ...limits, maxSplits: perSlice }));
  }
  await checkSameOutput(plans, connector, job);
  const tables: PlannedTable[] = plans.map((p) => ({ table: p.table, tableId: p.tableId, columns: p.columns, schemaText: p.schemaText }));
  const splits: PlannedSplit[] = plans.flatMap((p) => p.splits.map((sp) => ({ ...sp, table: p.table })));
  splits.forEach((sp, i) => (sp.index = i));
  return { ...plans[0]!, splits, tables, timeWindow: timeWindowOf(job)! };
}

/** Every slice must give the same output schema, or their files could not share one Iceberg table. */
async function checkSameOutput(plans: MovementPlan[], connectorName: string, job: MovementJob): Promise<void> {
  const connector = await loadConnector(connectorName);
  const options = { referenceTimeSec: 0, writetime: job.options.writetime ?? false };
  const schemaOf = (p: MovementPlan) => JSON.stringify(connector.outputSchema(connectorTableModel(p), options));
  const first = schemaOf(plans[0]!);
  for (const p of plans.slice(1)) {
    if (schemaOf(p) !== first) {
      throw new InvalidConfigError(`options.timeSeries: slice ${job.source.keyspace}.${p.table} has another output schema than ${plans[0]!.table} `
        + `(${connectorName}); move them separately`, { field: 'options.timeSeries', table: p.table });
    }
  }
}

/** The table a split reads: its own in a multi-table plan, else the plan's. */
export function plannedTableOf(plan: Omit<MovementPlan, 'splits'>, split: PlannedSplit): PlannedTable {
  if (split.table === undefined) return { table: plan.table, tableId: plan.tableId, columns: plan.columns, schemaText: plan.schemaText };
  const t = plan.tables?.find((x) => x.table === split.table);
  if (!t) throw new InvalidConfigError(`plan of ${plan.movementId}: split ${split.index} reads ${split.table}, which is not in the plan's tables`, { split: split.index, table: split.table });
  return t;
}
