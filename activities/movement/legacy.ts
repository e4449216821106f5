// The legacy connector: the monolithic path it replaces, kept as the fallback and the shadow reference. One activity
// reads every SSTable of the table from the chosen replicas, merges them in memory (reference-merge.ts), writes an
// intermediate staging Iceberg table `<table>__legacy_staging`, then copies it into the destination table. The
// output schema is the raw connector's, so shadow comparisons line up column for column.
import { Table } from 'apache-arrow';
import { connector as raw } from '../../connectors/raw.ts';
import { BatchWriter } from '../../engine/compaction/batch-writer.ts';
import { createTableLayout } from '../../engine/compaction/table-layout.ts';
import type { SqlCatalog } from '../../engine/iceberg/catalog/sql.ts';
import { loadTable, type TableContext } from '../../engine/iceberg/commit.ts';
import { DataFileWriter } from '../../engine/iceberg/parquet/data-file-writer.ts';
import { scanBatches } from '../../engine/iceberg/scan.ts';
import type { DataFile } from '../../engine/iceberg/spec/manifest.ts';
import { UNPARTITIONED_SPEC } from '../../engine/iceberg/spec/partition-spec.ts';
import type { Schema } from '../../engine/iceberg/spec/schema.ts';
import { InvalidConfigError } from '../../engine/errors.ts';
import { parseSchema } from '../../engine/sstable/schema.ts';
import { openSSTable, withHeader } from '../../engine/sstable/sstable-reader.ts';
import { fixFrozenHeaderTypes } from '../../engine/sstable/table-model.ts';
import { CountingObjectStore } from '../../engine/storage/counting.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import { openStore } from '../../engine/storage/url.ts';
import type { LegacyInput, LegacyResult } from '../contracts.ts';
import { commitDataFiles } from './commit.ts';
import { ReferenceMerge } from './reference-merge.ts';
import { connectorTableModel, planSourceSplits } from './source.ts';
import { safeCommitId, tableLocationOf } from './warehouse.ts';

export interface LegacyDeps {
  backupS3Options: S3ClientOptions;
  warehouse: { url: string };
  catalog: SqlCatalog;
  ctx: TableContext;
  legacyMaxPartitionBytes?: number;
  heartbeat: (details: unknown) => void;
}

async function writeFiles(io: TableContext['io'], schema: Schema, dataLocation: string, prefix: string, batches: AsyncIterable<import('apache-arrow').RecordBatch>): Promise<DataFile[]> {
  const writer = new DataFileWriter({ io, schema, spec: UNPARTITIONED_SPEC, dataLocation, fileName: (n) => `${prefix}-${n}.parquet` });
  for await (const b of batches) await writer.write(new Table(b));
  return writer.close();
}

export async function runLegacyMove(input: LegacyInput, deps: LegacyDeps): Promise<LegacyResult> {
  const cpu = process.cpuUsage();
  const { job, backup } = input;
  if (job.options.timeSeries) throw new InvalidConfigError('legacy moves one table: a TimeSeries movement (options.timeSeries) has no legacy fallback', { field: 'options.timeSeries' });
  const plan = await planSourceSplits(job, backup, 'legacy', deps.backupS3Options, { maxSplits: 1, maxSplitBytes: Number.MAX_SAFE_INTEGER });
  const opened = openStore(job.source.backupUrl, deps.backupS3Options);
  const store = new CountingObjectStore(opened.store);
  const schemaFile = parseSchema(plan.schemaText);
  const layout = createTableLayout(plan.columns);
  const nowSec = Math.floor(Date.parse(backup.referenceTime) / 1000);
  const merge = new ReferenceMerge(layout, {
    nowSec, maxPartitionBytes: deps.legacyMaxPartitionBytes ?? 256 << 20,
    onPartition: (n) => { if (n % 1000 === 0) deps.heartbeat({ phase: 'merge', partitions: n }); },
  });
  const dataKeys = [...new Set(plan.splits.flatMap((s) => s.dataKeys))];
  for (const [i, key] of dataKeys.entries()) {
    const t = await openSSTable(store, key);
    await merge.add(withHeader(t, fixFrozenHeaderTypes(t.header, schemaFile, plan.table)));
    deps.heartbeat({ phase: 'read', sstablesDone: i + 1, sstables: dataKeys.length });
  }
  const model = connectorTableModel(plan);
  const writetime = job.options.writetime ?? false;
  const options = { referenceTimeSec: nowSec, writetime };
  const schema = raw.outputSchema(model, options);
  const wtColumns = writetime ? plan.columns.filter((c) => c.kind === 'static' || c.kind === 'regular').map((c) => c.name) : [];
  const commitDir = safeCommitId(input.commitId);

  // 1. the intermediate staging table
  const staging = { namespace: input.destination.namespace, table: `${input.destination.table}__legacy_staging` };
  const stagingFiles = await writeFiles(deps.ctx.io, schema, `${tableLocationOf(deps.warehouse.url, staging.namespace, staging.table)}/data/${commitDir}`, 'legacy',
    raw.transform(merge.batches(new BatchWriter(layout, { nowSec, writetime: wtColumns })), model, options));
  merge.partitions.clear();
  const stagingCommit = await commitDataFiles(deps.ctx, deps.warehouse.url, { job, backup, connector: 'legacy', commitId: `${input.commitId}/staging`, destination: staging, schema, dataFiles: stagingFiles });
  deps.heartbeat({ phase: 'staged', rows: stagingCommit.rows });

  // 2. the destination table, copied from the staging snapshot
  const stagingTable = await loadTable(deps.ctx, { namespace: [staging.namespace], name: staging.table });
  const finalFiles = await writeFiles(deps.ctx.io, schema, `${tableLocationOf(deps.warehouse.url, input.destination.namespace, input.destination.table)}/data/${commitDir}/legacy`, 'final',
    scanBatches(deps.ctx, stagingTable.metadata, stagingCommit.snapshotId));
  const commit = await commitDataFiles(deps.ctx, deps.warehouse.url, { job, backup, connector: 'legacy', commitId: input.commitId, destination: input.destination, schema, dataFiles: finalFiles });
  const used = process.cpuUsage(cpu);
  const intermediateBytes = stagingFiles.reduce((a, f) => a + f.fileSizeInBytes, 0);
  return {
    ...commit,
    cost: {
      cpuMs: Math.round((used.user + used.system) / 1000), bytesRead: store.counts.bytesRead + intermediateBytes,
      bytesWritten: intermediateBytes + finalFiles.reduce((a, f) => a + f.fileSizeInBytes, 0), intermediateBytes,
    },
  };
}
