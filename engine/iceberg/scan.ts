// Reading a snapshot back: manifest list → manifests → live data files → Arrow batches, one data file at
// a time, so a scan holds at most one file's rows. Used by shadow validation and `cassberg validate`.
import { readParquet } from 'parquet-wasm';
import { tableFromIPC, type RecordBatch } from 'apache-arrow';
import { CassbergError } from '../errors.ts';
import { readManifest, readManifestList } from './avro/manifest-writer.ts';
import type { TableContext } from './commit.ts';
import { STATUS, type DataFile } from './spec/manifest.ts';
import { currentSchema, currentSnapshot, snapshotById, specById, type Snapshot, type TableMetadata } from './spec/table-metadata.ts';

export function snapshotOf(md: TableMetadata, snapshotId?: bigint | string): Snapshot | undefined {
  if (snapshotId === undefined) return currentSnapshot(md);
  const snap = snapshotById(md, BigInt(snapshotId));
  if (!snap) throw new CassbergError('PreconditionFailed', `iceberg: snapshot ${snapshotId} not found in ${md.location}`, { snapshotId: String(snapshotId) });
  return snap;
}

/** The data files live in a snapshot (ADDED and EXISTING entries of every manifest). */
export async function planFiles(ctx: TableContext, md: TableMetadata, snapshotId?: bigint | string): Promise<DataFile[]> {
  const snap = snapshotOf(md, snapshotId);
  if (!snap) return [];
  const schema = md.schemas.find((s) => s.schemaId === snap.schemaId) ?? currentSchema(md);
  const files: DataFile[] = [];
  for (const manifest of readManifestList(await ctx.io.read(snap.manifestList), snap.manifestList)) {
    const entries = readManifest(await ctx.io.read(manifest.manifestPath), manifest, specById(md, manifest.partitionSpecId), schema);
    for (const e of entries) if (e.status !== STATUS.DELETED) files.push(e.dataFile);
  }
  return files;
}

/** Every row of a snapshot as Arrow record batches, file by file. Re-iterable: each call scans again. */
export async function* scanBatches(ctx: TableContext, md: TableMetadata, snapshotId?: bigint | string): AsyncIterable<RecordBatch> {
  for (const file of await planFiles(ctx, md, snapshotId)) {
    const bytes = await ctx.io.read(file.filePath);
    const wasmTable = readParquet(bytes);
    const table = tableFromIPC(wasmTable.intoIPCStream());
    if (table.numRows !== Number(file.recordCount)) {
      throw new CassbergError('DataInvalid', `iceberg: ${file.filePath} has ${table.numRows} rows, its manifest says ${file.recordCount}`);
    }
    yield* table.batches;
  }
}
