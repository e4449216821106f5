// Snake_case Avro record shapes ⇄ camelCase manifest domain types. Longs arrive as bigint (see
// avro/container.ts); counts and sizes become numbers, snapshot ids stay bigint.

import { decimalFromBytes, decimalToBytes, uuidToBytes, type IcebergValue } from './conversions.ts';
import { decimalRequiredBytes, type DataFile, type EntryStatus, type FieldSummary, type ManifestEntry, type ManifestFile } from './manifest.ts';
import type { PrimitiveType } from './types.ts';

type Rec = Record<string, unknown>;
export interface PartitionFieldType { fieldId: number; name: string; type: PrimitiveType }

function mapToAvro<V>(m: Map<number, V>, conv: (v: V) => unknown): Rec[] {
  return [...m].sort((a, b) => a[0] - b[0]).map(([key, value]) => ({ key, value: conv(value) }));
}

function mapFromAvro<V>(arr: unknown, conv: (v: unknown) => V): Map<number, V> {
  const out = new Map<number, V>();
  for (const kv of (arr as Rec[] | null) ?? []) out.set(Number(kv.key), conv(kv.value));
  return out;
}

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (v: unknown): Uint8Array => new Uint8Array(v as Buffer);
const n = (v: unknown): number => Number(v as bigint | number);
const nOrNull = (v: unknown): number | null => (v == null ? null : Number(v as bigint | number));
const bigOrNull = (v: unknown): bigint | null => (v == null ? null : BigInt(v as bigint | number));

function partitionValueToAvro(t: PrimitiveType, v: IcebergValue | null): unknown {
  if (v === null) return null;
  switch (t.kind) {
    case 'long': case 'time': case 'timestamp': case 'timestamptz': return BigInt(v as bigint);
    case 'uuid': return buf(typeof v === 'string' ? uuidToBytes(v) : (v as Uint8Array));
    case 'fixed': case 'binary': return buf(v as Uint8Array);
    case 'decimal': return buf(padSigned(decimalToBytes(v as bigint), decimalRequiredBytes(t.precision)));
    default: return v;
  }
}

function partitionValueFromAvro(t: PrimitiveType, v: unknown): IcebergValue | null {
  if (v == null) return null;
  switch (t.kind) {
    case 'long': case 'time': case 'timestamp': case 'timestamptz': return BigInt(v as bigint);
    case 'uuid': case 'fixed': case 'binary': return bytes(v);
    case 'decimal': return decimalFromBytes(bytes(v));
    default: return v as IcebergValue;
  }
}

function padSigned(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size).fill(b[0]! & 0x80 ? 0xff : 0);
  out.set(b, size - b.length);
  return out;
}

export function dataFileToAvro(f: DataFile, partition: PartitionFieldType[]): Rec {
  const asLong = (v: number): bigint => BigInt(v);
  return {
    content: f.content, file_path: f.filePath, file_format: f.fileFormat,
    partition: Object.fromEntries(partition.map((p, i) => [p.name, partitionValueToAvro(p.type, f.partition[i] ?? null)])),
    record_count: BigInt(f.recordCount), file_size_in_bytes: BigInt(f.fileSizeInBytes),
    column_sizes: mapToAvro(f.columnSizes, asLong), value_counts: mapToAvro(f.valueCounts, asLong),
    null_value_counts: mapToAvro(f.nullValueCounts, asLong), nan_value_counts: mapToAvro(f.nanValueCounts, asLong),
    lower_bounds: mapToAvro(f.lowerBounds, buf), upper_bounds: mapToAvro(f.upperBounds, buf),
    key_metadata: null, split_offsets: f.splitOffsets.length ? f.splitOffsets.map(asLong) : null,
    equality_ids: null, sort_order_id: f.sortOrderId, referenced_data_file: null,
  };
}

export function dataFileFromAvro(r: Rec, partition: PartitionFieldType[], specId: number): DataFile {
  const part = (r.partition as Rec) ?? {};
  return {
    content: n(r.content) as 0 | 1 | 2, filePath: String(r.file_path),
    fileFormat: String(r.file_format).toUpperCase() as DataFile['fileFormat'], specId,
    partition: partition.map((p) => partitionValueFromAvro(p.type, part[p.name])),
    recordCount: n(r.record_count), fileSizeInBytes: n(r.file_size_in_bytes),
    columnSizes: mapFromAvro(r.column_sizes, n), valueCounts: mapFromAvro(r.value_counts, n),
    nullValueCounts: mapFromAvro(r.null_value_counts, n), nanValueCounts: mapFromAvro(r.nan_value_counts, n),
    lowerBounds: mapFromAvro(r.lower_bounds, bytes), upperBounds: mapFromAvro(r.upper_bounds, bytes),
    splitOffsets: ((r.split_offsets as unknown[]) ?? []).map(n), sortOrderId: nOrNull(r.sort_order_id),
  };
}

export function manifestEntryToAvro(e: ManifestEntry, partition: PartitionFieldType[]): Rec {
  return {
    status: e.status, snapshot_id: e.snapshotId,
    sequence_number: e.sequenceNumber === null ? null : BigInt(e.sequenceNumber),
    file_sequence_number: e.fileSequenceNumber === null ? null : BigInt(e.fileSequenceNumber),
    data_file: dataFileToAvro(e.dataFile, partition),
  };
}

export function manifestEntryFromAvro(r: Rec, partition: PartitionFieldType[], specId: number): ManifestEntry {
  return {
    status: n(r.status) as EntryStatus, snapshotId: bigOrNull(r.snapshot_id),
    sequenceNumber: nOrNull(r.sequence_number), fileSequenceNumber: nOrNull(r.file_sequence_number),
    dataFile: dataFileFromAvro(r.data_file as Rec, partition, specId),
  };
}

function summaryToAvro(s: FieldSummary): Rec {
  return {
    contains_null: s.containsNull, contains_nan: s.containsNan,
    lower_bound: s.lowerBound && buf(s.lowerBound), upper_bound: s.upperBound && buf(s.upperBound),
  };
}

export function manifestFileToAvro(m: ManifestFile): Rec {
  return {
    manifest_path: m.manifestPath, manifest_length: BigInt(m.manifestLength), partition_spec_id: m.partitionSpecId,
    content: m.content, sequence_number: BigInt(m.sequenceNumber), min_sequence_number: BigInt(m.minSequenceNumber),
    added_snapshot_id: m.addedSnapshotId, added_files_count: m.addedFilesCount, existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount, added_rows_count: BigInt(m.addedRowsCount),
    existing_rows_count: BigInt(m.existingRowsCount), deleted_rows_count: BigInt(m.deletedRowsCount),
    partitions: m.partitions.map(summaryToAvro), key_metadata: null,
  };
}

export function manifestFileFromAvro(r: Rec): ManifestFile {
  return {
    manifestPath: String(r.manifest_path), manifestLength: n(r.manifest_length), partitionSpecId: n(r.partition_spec_id),
    content: n(r.content ?? 0) as 0 | 1, sequenceNumber: n(r.sequence_number ?? 0), minSequenceNumber: n(r.min_sequence_number ?? 0),
    addedSnapshotId: BigInt(r.added_snapshot_id as bigint), addedFilesCount: n(r.added_files_count ?? 0),
    existingFilesCount: n(r.existing_files_count ?? 0), deletedFilesCount: n(r.deleted_files_count ?? 0),
    addedRowsCount: n(r.added_rows_count ?? 0), existingRowsCount: n(r.existing_rows_count ?? 0),
    deletedRowsCount: n(r.deleted_rows_count ?? 0),
    partitions: ((r.partitions as Rec[]) ?? []).map((s) => ({
      containsNull: Boolean(s.contains_null), containsNan: s.contains_nan == null ? null : Boolean(s.contains_nan),
      lowerBound: s.lower_bound == null ? null : bytes(s.lower_bound), upperBound: s.upper_bound == null ? null : bytes(s.upper_bound),
    })),
  };
}
