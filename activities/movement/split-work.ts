// One split's CPU work: open the chosen replicas' SSTables, merge them per token range (engine/compaction), run the
// connector's transform, and write Parquet with deterministic names, so a retried split overwrites the same objects.
// Runs inside a worker thread (activities/split-thread.ts) or inline; its input and output are structured-clone
// safe and carry no clients.
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';
import { drainStorageObservations, type StorageObservation } from '../../observability/metrics.ts';
import { Table } from 'apache-arrow';
import { loadConnector, type ConnectorOptions } from '../../connectors/registry.ts';
import { selectAll } from '../../engine/compaction/select.ts';
import { createSSTableSources } from '../../engine/compaction/sstable-source.ts';
import { createTableLayout } from '../../engine/compaction/table-layout.ts';
import { DataFileWriter } from '../../engine/iceberg/parquet/data-file-writer.ts';
import { PartitionedDataFileWriter } from '../../engine/iceberg/parquet/partitioned-writer.ts';
import { UNPARTITIONED_SPEC } from '../../engine/iceberg/spec/partition-spec.ts';
import { parseSchema } from '../../engine/sstable/schema.ts';
import { openSSTable, withHeader } from '../../engine/sstable/sstable-reader.ts';
import { fixFrozenHeaderTypes } from '../../engine/sstable/table-model.ts';
import { CountingObjectStore } from '../../engine/storage/counting.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import { openStore } from '../../engine/storage/url.ts';
import type { MovementPlan, PlannedSplit } from './source.ts';
import { connectorTableModel } from './source.ts';
import { plannedTableOf } from './time-series-source.ts';
import { dataRangesOf, openIndexOf } from './index-seek.ts';
import { createWarehouseIo, dataFileToJson, writeJson } from './warehouse.ts';
import { CheckpointedWriter, checkpointDue, DEFAULT_CHECKPOINT_BYTES, resumePointOf, type SplitCheckpoint } from './checkpoint.ts';
import { keyValueSettings } from './chunk-source.ts';
import type { KeyValueMovement } from '../contracts.ts';

export interface SplitTask {
  s3: S3ClientOptions;
  warehouseUrl: string;
  plan: Omit<MovementPlan, 'splits'>;
  split: PlannedSplit;
  connector: string;
  writetime: boolean;
  /** `<table location>/data/<commitId>/<connector>`: the split's files are `split-<index>-<n>.parquet` below it. */
  dataLocation: string;
  /** Where the JSON list of DataFile descriptors goes. */
  resultLocation: string;
  /** The checkpoint of an earlier attempt (from its heartbeat details): its ranges are skipped, its files kept. */
  resume?: SplitCheckpoint;
  /** Planned Data.db bytes between checkpoints (default DEFAULT_CHECKPOINT_BYTES). */
  checkpointBytes?: number;
  /** Test hook (options.injectSplitFailure): fail with a retryable error once this range is done and checkpointed. */
  failAfterRange?: number;
  /** The job's options.keyValue (connector key-value). */
  keyValue?: KeyValueMovement;
}

export interface SplitProgress { rangesDone: number; ranges: number; rows: number; checkpoint?: SplitCheckpoint }

export interface SplitWorkResult {
  rows: number; files: number; bytesRead: number; bytesWritten: number; cpuMs: number;
  /** Ranges an earlier attempt had checkpointed, which this one skipped (0: a fresh start). */
  resumedFromRange: number;
  /** Uncompressed Data.db bytes the partition index let the split leave unread, summed over its ranges. */
  bytesSkipped: number;
  /** Object-store calls a pool thread made, for the worker's registry to replay (threads have their own registry). */
  storageRequests: StorageObservation[];
}

export async function runSplit(task: SplitTask, progress: (p: SplitProgress) => void): Promise<SplitWorkResult> {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const { plan, split } = task;
  const source = plannedTableOf(plan, split); // in a multi-table plan (TimeSeries slices) each split reads its own table
  const backup = openStore(plan.backupUrl, task.s3);
  const store = new CountingObjectStore(backup.store);
  const schemaFile = parseSchema(source.schemaText);
  const layout = createTableLayout(source.columns);
  const sstables = await Promise.all(split.dataKeys.map(async (key) => {
    const t = await openSSTable(store, key);
    return withHeader(t, fixFrozenHeaderTypes(t.header, schemaFile, source.table));
  }));
  const indexes = await Promise.all(sstables.map((t, i) => openIndexOf(store, split.dataKeys[i]!, t)));
  const connector = await loadConnector(task.connector);
  const model = connectorTableModel({ keyspace: plan.keyspace, table: source.table, columns: source.columns });
  const referenceTimeSec = Math.floor(Date.parse(plan.referenceTime) / 1000);
  const options: ConnectorOptions = {
    referenceTimeSec, writetime: task.writetime,
    ...(task.connector === 'key-value' ? { keyValue: keyValueSettings(task.keyValue, plan, store, referenceTimeSec) } : {}),
    ...(plan.timeWindow ? { timeSeries: { window: plan.timeWindow } } : {}), // the time-series transform's window
  };
  const schema = connector.outputSchema(model, options);
  const spec = connector.partitionSpec?.(schema) ?? UNPARTITIONED_SPEC;
  const fileName = (first: number) => (n: number) => `split-${split.index}-${first + n}.parquet`;
  const io = createWarehouseIo(task.warehouseUrl, task.s3);
  const resumed = await resumePointOf(io, task.resume, split.ranges.length);
  // partitioned files go to one folder per partition, so numbering per sink keeps every name unique
  const writer = new CheckpointedWriter(io, task.resultLocation, resumed, (first) => (spec.fields.length
    ? new PartitionedDataFileWriter({ io, schema, spec, dataLocation: task.dataLocation, fileName: fileName(first) })
    : new DataFileWriter({ io, schema, spec, dataLocation: task.dataLocation, fileName: fileName(first) })), task.resume);
  // every non-key column when the job asks; else the ones the connector's output needs (key-value's, time-series' write_time)
  const writetime = task.writetime ? source.columns.filter((c) => c.kind === 'static' || c.kind === 'regular').map((c) => c.name)
    : source.columns.filter((c) => connector.writetimeColumns?.includes(c.name)).map((c) => c.name);
  let rows = resumed.rows;
  let bytesSkipped = 0;
  for (const [i, r] of split.ranges.entries()) {
    if (i < resumed.rangesDone) continue; // done by an earlier attempt: its files are kept, its SSTable bytes not read
    const tokenRange = { startExclusive: BigInt(r.start), endInclusive: BigInt(r.end) };
    // only the partitions of the range are read (index seeks); the merge's token filter stays as the exact check
    const dataRanges = await Promise.all(sstables.map((t, k) => dataRangesOf(indexes[k]!, t, tokenRange)));
    dataRanges.forEach((ranges, k) => {
      if (ranges) bytesSkipped += sstables[k]!.data.uncompressedLength - ranges.reduce((n, d) => n + d.end - d.start, 0);
    });
    const { sources, partitioner } = createSSTableSources(sstables, layout, dataRanges);
    const merged = selectAll(sources, layout, { nowSec: options.referenceTimeSec, partitioner, tokenRange, writetime });
    for await (const batch of connector.transform(merged, model, options)) {
      rows += batch.numRows;
      await writer.write(new Table(batch));
      progress({ rangesDone: i, ranges: split.ranges.length, rows, checkpoint: writer.last });
    }
    if (checkpointDue(split, i, writer.last?.rangesDone ?? 0, task.checkpointBytes ?? DEFAULT_CHECKPOINT_BYTES)) await writer.checkpoint(i + 1, rows);
    progress({ rangesDone: i + 1, ranges: split.ranges.length, rows, checkpoint: writer.last });
    if (task.failAfterRange === i) throw Object.assign(new Error(`injected failure of split ${split.index} after range ${i}`), { name: 'InjectedSplitFailure' });
  }
  const files = await writer.close();
  await writeJson(io, task.resultLocation, files.map(dataFileToJson));
  // Node 20 has no per-thread CPU clock: in a pool thread, its busy (non-idle) time stands in for it
  const used = process.cpuUsage(cpu);
  const cpuMs = isMainThread ? (used.user + used.system) / 1000 : performance.eventLoopUtilization(elu).active;
  const storageRequests = drainStorageObservations();
  return {
    rows, files: files.length, bytesRead: store.counts.bytesRead, bytesWritten: files.reduce((a, f) => a + f.fileSizeInBytes, 0),
    cpuMs: Math.round(cpuMs), bytesSkipped, storageRequests, resumedFromRange: resumed.rangesDone,
  };
}
