// Arrow tables → Parquet data files (parquet-wasm, ZSTD by default) with Iceberg field ids, rolled
// over at a target size; close() returns one DataFile descriptor with metrics per file written.

import { Table, tableToIPC } from 'apache-arrow';
import { Compression, EnabledStatistics, ParquetFile, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm/node';
import { CassbergError } from '../../errors.ts';
import type { FileIO } from '../io.ts';
import type { DataFile } from '../spec/manifest.ts';
import { applyTransform, partitionPath, type PartitionSpec } from '../spec/partition-spec.ts';
import { primitiveFieldType, type Schema } from '../spec/schema.ts';
import type { IcebergValue } from '../spec/conversions.ts';
import type { IcebergType } from '../spec/types.ts';
import { bindToSchema } from './arrow-schema.ts';
import { computeColumnMetrics, valueAt } from './metrics.ts';

export const DEFAULT_TARGET_FILE_SIZE_BYTES = 128 * 1024 * 1024;
export const DEFAULT_ROW_GROUP_ROWS = 1024 * 1024;

const CODECS = { zstd: Compression.ZSTD, snappy: Compression.SNAPPY, uncompressed: Compression.UNCOMPRESSED } as const;

export interface DataFileWriterOptions {
  io: FileIO;
  schema: Schema;
  spec: PartitionSpec;
  /** Folder for data files, e.g. `<table location>/data`; partitioned files go below `<partition path>/`. */
  dataLocation: string;
  /** Name of the i-th file (from 0); chosen by the caller so a retried task writes the same objects. */
  fileName: (index: number) => string;
  compression?: keyof typeof CODECS;
  rowGroupRows?: number;
  /** Roll to a new file once the buffered Arrow bytes reach this (in-memory size, as PyIceberg bins). */
  targetFileSizeBytes?: number;
}

/** Identity of a partition tuple (tells null from "null", compares bytes and bigints by value). */
export function partitionKey(tuple: ReadonlyArray<IcebergValue | null>): string {
  return JSON.stringify(tuple, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `b:${Buffer.from(v).toString('hex')}` : v));
}

/** The partition tuple shared by every row of `table`; a DataInvalid error naming the field if rows differ. */
export function partitionTupleOf(table: Table, schema: Schema, spec: PartitionSpec): Array<IcebergValue | null> {
  return spec.fields.map((pf) => {
    const source = primitiveFieldType(schema, pf.sourceId);
    const col = schema.fields.findIndex((f) => f.id === pf.sourceId);
    let first: string | undefined;
    let value: IcebergValue | null = null;
    for (const d of table.getChildAt(col)?.data ?? []) {
      for (let i = 0; i < d.length; i++) {
        const v = applyTransform(pf.transform, source, valueAt(d, source, i));
        const key = partitionKey([v]);
        if (first === undefined) { first = key; value = v; } else if (key !== first) {
          throw new CassbergError('DataInvalid', `rows span several values of partition field ${pf.name}; write one partition per writer`, { partitionField: pf.name });
        }
      }
    }
    return value;
  });
}

/** Leaf field ids in Parquet column order (depth first; list element; map key then value). */
export function leafFieldIds(schema: Schema): number[] {
  const out: number[] = [];
  const walk = (id: number, t: IcebergType): void => {
    if (t.kind === 'struct') for (const f of t.fields) walk(f.id, f.type);
    else if (t.kind === 'list') walk(t.elementId, t.element);
    else if (t.kind === 'map') { walk(t.keyId, t.key); walk(t.valueId, t.value); }
    else out.push(id);
  };
  for (const f of schema.fields) walk(f.id, f.type);
  return out;
}

export class DataFileWriter {
  private pending: Table[] = [];
  private pendingBytes = 0;
  private index = 0;
  private partition: Array<IcebergValue | null> | undefined;
  private readonly files: DataFile[] = [];
  /** Every location written so far, for cleanup of a failed commit. */
  readonly written: string[] = [];

  constructor(private readonly opts: DataFileWriterOptions) {}

  /** Validates `table` against the schema (throws before writing) and buffers it. */
  async write(table: Table): Promise<void> {
    const bound = bindToSchema(table, this.opts.schema);
    if (bound.numRows === 0) return;
    const tuple = partitionTupleOf(bound, this.opts.schema, this.opts.spec);
    if (this.partition === undefined) this.partition = tuple;
    else if (partitionKey(tuple) !== partitionKey(this.partition)) {
      throw new CassbergError('DataInvalid', `batch belongs to partition ${partitionPath(this.opts.spec, tuple)}, this writer to ${partitionPath(this.opts.spec, this.partition)}`);
    }
    this.pending.push(bound);
    this.pendingBytes += bound.batches.reduce((s, b) => s + b.data.byteLength, 0);
    if (this.pendingBytes >= (this.opts.targetFileSizeBytes ?? DEFAULT_TARGET_FILE_SIZE_BYTES)) await this.flush();
  }

  /** Writes what is buffered and returns the descriptors of every file written. */
  async close(): Promise<DataFile[]> {
    await this.flush();
    return this.files;
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const table = this.pending.length === 1 ? this.pending[0]! : this.pending[0]!.concat(...this.pending.slice(1));
    this.pending = [];
    this.pendingBytes = 0;
    this.files.push(await this.writeFile(table));
  }

  private async writeFile(table: Table): Promise<DataFile> {
    const { schema, spec } = this.opts;
    const partition = this.partition ?? [];
    const dir = spec.fields.length ? `${this.opts.dataLocation}/${partitionPath(spec, partition)}` : this.opts.dataLocation;
    const location = `${dir}/${this.opts.fileName(this.index++)}`;
    const props = new WriterPropertiesBuilder()
      .setCompression(CODECS[this.opts.compression ?? 'zstd'])
      .setMaxRowGroupSize(this.opts.rowGroupRows ?? DEFAULT_ROW_GROUP_ROWS)
      .setStatisticsEnabled(EnabledStatistics.Chunk)
      .build();
    const bytes = writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream')), props);
    this.written.push(location);
    await this.opts.io.write(location, bytes);
    const footer = await readFooter(bytes, leafFieldIds(schema));
    const metrics = computeColumnMetrics(table, schema);
    return {
      content: 0, filePath: location, fileFormat: 'PARQUET', specId: spec.specId, partition,
      recordCount: table.numRows, fileSizeInBytes: bytes.length,
      columnSizes: footer.columnSizes, valueCounts: footer.valueCounts,
      nullValueCounts: metrics.nullValueCounts, nanValueCounts: metrics.nanValueCounts,
      lowerBounds: metrics.lowerBounds, upperBounds: metrics.upperBounds,
      splitOffsets: footer.splitOffsets, sortOrderId: null,
    };
  }
}

/**
 * Column sizes and value counts per leaf field id from the footer, and row-group start offsets.
 * arrow-rs writes row groups back to back after the 4-byte magic, so each starts where the
 * previous one's compressed bytes end.
 */
async function readFooter(bytes: Uint8Array, leafIds: number[]): Promise<{ columnSizes: Map<number, number>; valueCounts: Map<number, number>; splitOffsets: number[] }> {
  const file = await ParquetFile.fromFile(new Blob([bytes]));
  const columnSizes = new Map<number, number>();
  const valueCounts = new Map<number, number>();
  const splitOffsets: number[] = [];
  try {
    let offset = 4;
    for (const rg of file.metadata().rowGroups()) {
      splitOffsets.push(offset);
      const cols = rg.columns();
      if (cols.length !== leafIds.length) throw new CassbergError('Unexpected', `parquet: ${cols.length} column chunks for ${leafIds.length} leaf fields`);
      cols.forEach((c, i) => {
        const id = leafIds[i]!;
        columnSizes.set(id, (columnSizes.get(id) ?? 0) + c.compressedSize());
        valueCounts.set(id, (valueCounts.get(id) ?? 0) + c.numValues());
        offset += c.compressedSize();
      });
    }
  } finally {
    file.free();
  }
  return { columnSizes, valueCounts, splitOffsets };
}
