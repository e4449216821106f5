// The Iceberg side of a movement: create the destination table when it is missing, then one overwrite snapshot
// with every data file and the lineage summary. Idempotent by commit id: a repeated commit finds its snapshot.
import type { CommitResult, MovementJob, ResolvedBackup } from '../contracts.ts';
import type { SqlCatalog, TableIdentifier } from '../../engine/iceberg/catalog/sql.ts';
import { createTable, deriveSnapshotId, deriveUuid, loadTable, tableExists, type LoadedTable, type TableContext } from '../../engine/iceberg/commit.ts';
import type { FileIO } from '../../engine/iceberg/io.ts';
import { commitSnapshot, findCommit, lineageSummary } from '../../engine/iceberg/snapshot-producer.ts';
import type { DataFile } from '../../engine/iceberg/spec/manifest.ts';
import type { Schema } from '../../engine/iceberg/spec/schema.ts';
import { transformToString, UNPARTITIONED_SPEC, type PartitionSpec } from '../../engine/iceberg/spec/partition-spec.ts';
import { InvalidConfigError } from '../../engine/errors.ts';
import { safeCommitId, tableLocationOf } from './warehouse.ts';

export interface WarehouseDeps { url: string; io: FileIO }

export function tableContext(catalog: SqlCatalog, warehouse: WarehouseDeps): TableContext {
  return { catalog, io: warehouse.io };
}

export async function ensureTable(ctx: TableContext, warehouseUrl: string, dest: { namespace: string; table: string }, schema: Schema, spec: PartitionSpec = UNPARTITIONED_SPEC): Promise<LoadedTable> {
  const id: TableIdentifier = { namespace: [dest.namespace], name: dest.table };
  if (await tableExists(ctx, id)) return checkSpec(await loadTable(ctx, id), spec);
  const catalog = ctx.catalog as unknown as SqlCatalog;
  await catalog.createNamespace([dest.namespace]);
  const location = tableLocationOf(warehouseUrl, dest.namespace, dest.table);
  try {
    return await createTable(ctx, id, { tableUuid: deriveUuid(location), location, schema, spec });
  } catch (err) {
    if (await tableExists(ctx, id)) return checkSpec(await loadTable(ctx, id), spec); // a concurrent create won
    throw err;
  }
}

/** Data files are written with the connector's spec: an existing table must partition the same way. */
function checkSpec(table: LoadedTable, spec: PartitionSpec): LoadedTable {
  const current = table.metadata.partitionSpecs.find((s) => s.specId === table.metadata.defaultSpecId);
  const shape = (s: PartitionSpec | undefined) => JSON.stringify(s?.fields.map((f) => [f.sourceId, f.name, transformToString(f.transform)]) ?? null);
  if (current?.specId !== spec.specId || shape(current) !== shape(spec)) {
    throw new InvalidConfigError(`${table.id.namespace.join('.')}.${table.id.name}: the table's partition spec ${shape(current)} is not the connector's ${shape(spec)}; `
      + 'move into a new table', { table: table.id.name });
  }
  return table;
}

export interface CommitRequest {
  job: MovementJob;
  backup: ResolvedBackup;
  connector: string;
  commitId: string;
  destination: { namespace: string; table: string };
  schema: Schema;
  /** The connector's partition spec (unpartitioned when absent), used when the table is created. */
  spec?: PartitionSpec;
  dataFiles: DataFile[];
}

export async function commitDataFiles(ctx: TableContext, warehouseUrl: string, req: CommitRequest): Promise<CommitResult> {
  const table = await ensureTable(ctx, warehouseUrl, req.destination, req.schema, req.spec);
  const commitId = safeCommitId(req.commitId);
  const summaryProperties = lineageSummary({
    sourceCluster: req.job.source.cluster, sourceKeyspace: req.job.source.keyspace, sourceTable: req.job.source.table,
    sourceTableId: req.backup.tableId, backupId: req.backup.backupId, asOf: req.backup.finishedAt,
    referenceTime: req.backup.referenceTime, connector: req.connector,
  });
  const result = await commitSnapshot(ctx, table.id, {
    operation: 'overwrite', commitId, snapshotId: deriveSnapshotId(`${commitId}/${req.destination.namespace}.${req.destination.table}`),
    dataFiles: req.dataFiles, schemaId: table.metadata.currentSchemaId, summaryProperties: { ...summaryProperties, 'cassberg.commit-id-raw': req.commitId },
  });
  const snapshot = findCommit(result.table.metadata, commitId);
  if (!snapshot) throw new Error(`commit ${commitId} is not in ${req.destination.namespace}.${req.destination.table} after committing`);
  return {
    snapshotId: String(snapshot.snapshotId),
    rows: Number(snapshot.summary['added-records'] ?? req.dataFiles.reduce((a, f) => a + f.recordCount, 0)),
    files: Number(snapshot.summary['added-data-files'] ?? req.dataFiles.length),
    tableLocation: result.table.metadata.location,
    alreadyCommitted: !result.committed,
  };
}
