// Manifests and manifest lists (spec "Manifests", "Manifest Lists"): domain types and the v2 Avro
// schemas, declared once as data with a field id and a doc on every field.

import type { IcebergValue } from './conversions.ts';
import type { PrimitiveType } from './types.ts';

export const FORMAT_VERSION = 2;

export type EntryStatus = 0 | 1 | 2;
export const STATUS = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;

export interface DataFile {
  content: 0 | 1 | 2;
  filePath: string;
  fileFormat: 'PARQUET' | 'AVRO' | 'ORC';
  specId: number;
  /** Partition values in spec field order. */
  partition: Array<IcebergValue | null>;
  recordCount: number;
  fileSizeInBytes: number;
  columnSizes: Map<number, number>;
  valueCounts: Map<number, number>;
  nullValueCounts: Map<number, number>;
  nanValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
  splitOffsets: number[];
  sortOrderId: number | null;
}

export interface ManifestEntry {
  status: EntryStatus;
  /** null for ADDED entries: inherited from the manifest list. */
  snapshotId: bigint | null;
  sequenceNumber: number | null;
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

export interface FieldSummary { containsNull: boolean; containsNan: boolean | null; lowerBound: Uint8Array | null; upperBound: Uint8Array | null }

export interface ManifestFile {
  manifestPath: string;
  manifestLength: number;
  partitionSpecId: number;
  content: 0 | 1;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: bigint;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  partitions: FieldSummary[];
}

type AvroType = unknown;
interface FieldDef { id: number; name: string; type: AvroType; required: boolean; doc: string }

function intMap(id: number, keyId: number, valueId: number, value: string, doc: string): FieldDef {
  return {
    id, name: '', required: false, doc,
    type: { type: 'array', logicalType: 'map', items: { type: 'record', name: `k${keyId}_v${valueId}`, fields: [
      { name: 'key', type: 'int', 'field-id': keyId }, { name: 'value', type: value, 'field-id': valueId },
    ] } },
  };
}

function named(name: string, def: FieldDef): FieldDef { return { ...def, name }; }

/** `data_file` (r2) fields in Java's v2 write order; `partition` (102) is filled in per spec. */
export const DATA_FILE_FIELDS_V2: readonly FieldDef[] = [
  { id: 134, name: 'content', type: 'int', required: true, doc: 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes' },
  { id: 100, name: 'file_path', type: 'string', required: true, doc: 'Location URI with FS scheme' },
  { id: 101, name: 'file_format', type: 'string', required: true, doc: 'File format name: avro, orc, or parquet' },
  { id: 102, name: 'partition', type: null, required: true, doc: 'Partition data tuple, schema based on the partition spec' },
  { id: 103, name: 'record_count', type: 'long', required: true, doc: 'Number of records in the file' },
  { id: 104, name: 'file_size_in_bytes', type: 'long', required: true, doc: 'Total file size in bytes' },
  named('column_sizes', intMap(108, 117, 118, 'long', 'Map of column id to total size on disk')),
  named('value_counts', intMap(109, 119, 120, 'long', 'Map of column id to total count, including null and NaN')),
  named('null_value_counts', intMap(110, 121, 122, 'long', 'Map of column id to null value count')),
  named('nan_value_counts', intMap(137, 138, 139, 'long', 'Map of column id to number of NaN values in the column')),
  named('lower_bounds', intMap(125, 126, 127, 'bytes', 'Map of column id to lower bound')),
  named('upper_bounds', intMap(128, 129, 130, 'bytes', 'Map of column id to upper bound')),
  { id: 131, name: 'key_metadata', type: 'bytes', required: false, doc: 'Encryption key metadata blob' },
  { id: 132, name: 'split_offsets', type: { type: 'array', items: 'long', 'element-id': 133 }, required: false, doc: 'Splittable offsets' },
  { id: 135, name: 'equality_ids', type: { type: 'array', items: 'int', 'element-id': 136 }, required: false, doc: 'Equality comparison field IDs' },
  { id: 140, name: 'sort_order_id', type: 'int', required: false, doc: 'Sort order ID' },
  { id: 143, name: 'referenced_data_file', type: 'string', required: false, doc: 'Fully qualified location of a data file that all deletes reference' },
];

/** `manifest_entry` fields; `data_file` (2) is filled in per spec. */
export const MANIFEST_ENTRY_FIELDS_V2: readonly FieldDef[] = [
  { id: 0, name: 'status', type: 'int', required: true, doc: '0=EXISTING 1=ADDED 2=DELETED' },
  { id: 1, name: 'snapshot_id', type: 'long', required: false, doc: 'Snapshot id where the file was added, or deleted if status is 2' },
  { id: 3, name: 'sequence_number', type: 'long', required: false, doc: 'Data sequence number; inherited when null and status is 1' },
  { id: 4, name: 'file_sequence_number', type: 'long', required: false, doc: 'File sequence number; inherited when null and status is 1' },
  { id: 2, name: 'data_file', type: null, required: true, doc: 'File path, partition tuple, metrics' },
];

const FIELD_SUMMARY: AvroType = { type: 'record', name: 'r508', fields: [
  avroField({ id: 509, name: 'contains_null', type: 'boolean', required: true, doc: 'True if any file has a null partition value' }),
  avroField({ id: 518, name: 'contains_nan', type: 'boolean', required: false, doc: 'True if any file has a nan partition value' }),
  avroField({ id: 510, name: 'lower_bound', type: 'bytes', required: false, doc: 'Partition lower bound for all files' }),
  avroField({ id: 511, name: 'upper_bound', type: 'bytes', required: false, doc: 'Partition upper bound for all files' }),
] };

/** `manifest_file` fields in Java's v2 write order. */
export const MANIFEST_FILE_FIELDS_V2: readonly FieldDef[] = [
  { id: 500, name: 'manifest_path', type: 'string', required: true, doc: 'Location URI with FS scheme' },
  { id: 501, name: 'manifest_length', type: 'long', required: true, doc: 'Total file size in bytes' },
  { id: 502, name: 'partition_spec_id', type: 'int', required: true, doc: 'Spec ID used to write' },
  { id: 517, name: 'content', type: 'int', required: true, doc: 'Contents of the manifest: 0=data, 1=deletes' },
  { id: 515, name: 'sequence_number', type: 'long', required: true, doc: 'Sequence number when the manifest was added' },
  { id: 516, name: 'min_sequence_number', type: 'long', required: true, doc: 'Lowest sequence number in the manifest' },
  { id: 503, name: 'added_snapshot_id', type: 'long', required: true, doc: 'Snapshot ID that added the manifest' },
  { id: 504, name: 'added_files_count', type: 'int', required: true, doc: 'Added entry count' },
  { id: 505, name: 'existing_files_count', type: 'int', required: true, doc: 'Existing entry count' },
  { id: 506, name: 'deleted_files_count', type: 'int', required: true, doc: 'Deleted entry count' },
  { id: 512, name: 'added_rows_count', type: 'long', required: true, doc: 'Added rows count' },
  { id: 513, name: 'existing_rows_count', type: 'long', required: true, doc: 'Existing rows count' },
  { id: 514, name: 'deleted_rows_count', type: 'long', required: true, doc: 'Deleted rows count' },
  { id: 507, name: 'partitions', type: { type: 'array', items: FIELD_SUMMARY, 'element-id': 508 }, required: false, doc: 'Summary for each partition' },
  { id: 519, name: 'key_metadata', type: 'bytes', required: false, doc: 'Encryption key metadata blob' },
];

/** One Avro record field: optional fields become `["null", T]` with `default: null`. */
export function avroField(f: FieldDef): Record<string, unknown> {
  const type = f.required ? f.type : ['null', f.type];
  return f.required ? { name: f.name, type, doc: f.doc, 'field-id': f.id } : { name: f.name, type, doc: f.doc, default: null, 'field-id': f.id };
}

/** Avro schema of one partition value type (spec Appendix A). */
export function avroTypeOf(t: PrimitiveType, fieldId: number): AvroType {
  switch (t.kind) {
    case 'boolean': case 'int': case 'long': case 'float': case 'double': case 'string': return t.kind;
    case 'binary': return 'bytes';
    case 'date': return { type: 'int', logicalType: 'date' };
    case 'time': return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp': case 'timestamptz': return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': t.kind === 'timestamptz' };
    case 'uuid': return { type: 'fixed', name: `uuid_fixed_${fieldId}`, size: 16, logicalType: 'uuid' };
    case 'fixed': return { type: 'fixed', name: `fixed_${fieldId}`, size: t.length };
    case 'decimal': return { type: 'fixed', name: `decimal_${fieldId}`, size: decimalRequiredBytes(t.precision), logicalType: 'decimal', precision: t.precision, scale: t.scale };
  }
}

/** Minimum bytes to hold a decimal of `precision` digits (spec Appendix A). */
export function decimalRequiredBytes(precision: number): number {
  let bytes = 1;
  while (2 ** (8 * bytes - 1) < 10 ** precision) bytes++;
  return bytes;
}

export function manifestEntrySchema(partition: Array<{ fieldId: number; name: string; type: PrimitiveType }>): Record<string, unknown> {
  const partitionRecord = { type: 'record', name: 'r102', fields: partition.map((p) => avroField({ id: p.fieldId, name: p.name, type: avroTypeOf(p.type, p.fieldId), required: false, doc: '' })) };
  const dataFile = { type: 'record', name: 'r2', fields: DATA_FILE_FIELDS_V2.map((f) => avroField(f.id === 102 ? { ...f, type: partitionRecord } : f)) };
  return { type: 'record', name: 'manifest_entry', fields: MANIFEST_ENTRY_FIELDS_V2.map((f) => avroField(f.id === 2 ? { ...f, type: dataFile } : f)) };
}

export const MANIFEST_LIST_SCHEMA_V2: Record<string, unknown> = {
  type: 'record', name: 'manifest_file', fields: MANIFEST_FILE_FIELDS_V2.map(avroField),
};
