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
import { UNPARTITIONED_SPEC } from '../../engine/iceberg/spec/partition-spec.ts';
import { parseSchema } from '../../engine/sstable/schema.ts';
import { openSSTable, withHeader } from '../../engine/sstable/sstable-reader.ts';
import { fixFrozenHeaderTypes } from '../../engine/sstable/table-model.ts';
import { CountingObjectStore } from '../../engine/storage/counting.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import { openStore } from '../../engine/storage/url.ts';
import type { MovementPlan, PlannedSplit } from './source.ts';
import { connectorTableModel } from './source.ts';
import { dataRangesOf, openIndexOf } from './index-seek.ts';
import { createWarehouseIo, dataFileToJson, writeJson } from './warehouse.ts';

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
}

export interface SplitProgress { rangesDone: number; ranges: number; rows: number }

export interface SplitWorkResult {
  rows: number; files: number; bytesRead: number; bytesWritten: number; cpuMs: number;
  /** Uncompressed Data.db bytes the partition index let the split leave unread, summed over its ranges. */
  bytesSkipped: number;
  /** Object-store calls a pool thread made, for the worker's registry to replay (threads have their own registry). */
  storageRequests: StorageObservation[];
}

export async function runSplit(task: SplitTask, progress: (p: SplitProgress) => void): Promise<SplitWorkResult> {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const { plan, split } = task;
  const backup = openStore(plan.backupUrl, task.s3);
  const store = new CountingObjectStore(backup.store);
  const schemaFile = parseSchema(plan.schemaText);
  const layout = createTableLayout(plan.columns);
  const sstables = await Promise.all(split.dataKeys.map(async (key) => {
    const t = await openSSTable(store, key);
    return withHeader(t, fixFrozenHeaderTypes(t.header, schemaFile, plan.table));
  }));
  const indexes = await Promise.all(sstables.map((t, i) => openIndexOf(store, split.dataKeys[i]!, t)));
  const connector = await loadConnector(task.connector);
  const model = connectorTableModel(plan);
  const options: ConnectorOptions = { referenceTimeSec: Math.floor(Date.parse(plan.referenceTime) / 1000), writetime: task.writetime };
  const io = createWarehouseIo(task.warehouseUrl, task.s3);
  const writer = new DataFileWriter({
    io, schema: connector.outputSchema(model, options), spec: UNPARTITIONED_SPEC, dataLocation: task.dataLocation,
    fileName: (n) => `split-${split.index}-${n}.parquet`,
  });
  const writetime = task.writetime ? plan.columns.filter((c) => c.kind === 'static' || c.kind === 'regular').map((c) => c.name) : [];
  let rows = 0;
  let bytesSkipped = 0;
  for (const [i, r] of split.ranges.entries()) {
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
      progress({ rangesDone: i, ranges: split.ranges.length, rows });
    }
    progress({ rangesDone: i + 1, ranges: split.ranges.length, rows });
  }
  const files = await writer.close();
  await writeJson(io, task.resultLocation, files.map(dataFileToJson));
  // Node 20 has no per-thread CPU clock: in a pool thread, its busy (non-idle) time stands in for it
  const used = process.cpuUsage(cpu);
  const cpuMs = isMainThread ? (used.user + used.system) / 1000 : performance.eventLoopUtilization(elu).active;
  const storageRequests = drainStorageObservations();
  return {
    rows, files: files.length, bytesRead: store.counts.bytesRead, bytesWritten: files.reduce((a, f) => a + f.fileSizeInBytes, 0),
    cpuMs: Math.round(cpuMs), bytesSkipped, storageRequests,
  };
}
