// Manifest and manifest-list files. Writers count as they go and return the descriptor the next
// level needs (a manifest returns its manifest-list entry), as PyIceberg's to_manifest_file().

import { writeAvroFile, readAvroFile } from './container.ts';
import { compareValues, toBytes } from '../spec/conversions.ts';
import { FORMAT_VERSION, MANIFEST_LIST_SCHEMA_V2, manifestEntrySchema, STATUS, type FieldSummary, type ManifestEntry, type ManifestFile } from '../spec/manifest.ts';
import { manifestEntryFromAvro, manifestEntryToAvro, manifestFileFromAvro, manifestFileToAvro, type PartitionFieldType } from '../spec/manifest-serde.ts';
import { partitionType, type PartitionSpec } from '../spec/partition-spec.ts';
import type { Schema } from '../spec/schema.ts';
import { partitionFieldsToJson, schemaToJson } from '../spec/table-metadata-serde.ts';
import { stringifyJson } from '../spec/json.ts';

/** Sequence number placeholder for a manifest written by a commit that has not been assigned one. */
export const UNASSIGNED_SEQUENCE_NUMBER = -1;

export function partitionFieldTypes(spec: PartitionSpec, schema: Schema): PartitionFieldType[] {
  return partitionType(spec, schema).map(({ field, type }) => ({ fieldId: field.fieldId, name: field.name, type }));
}

export interface ManifestWriteInput {
  path: string;
  schema: Schema;
  spec: PartitionSpec;
  /** The snapshot this manifest is written for (added_snapshot_id). */
  snapshotId: bigint;
  entries: ManifestEntry[];
}

/** Encodes one data manifest; returns its bytes and its manifest-list entry (sequence number unassigned). */
export function writeManifest(input: ManifestWriteInput): { bytes: Uint8Array; manifest: ManifestFile } {
  const ptypes = partitionFieldTypes(input.spec, input.schema);
  const metadata = {
    schema: stringifyJson(schemaToJson(input.schema)),
    'schema-id': String(input.schema.schemaId),
    'partition-spec': stringifyJson(partitionFieldsToJson(input.spec)),
    'partition-spec-id': String(input.spec.specId),
    'format-version': String(FORMAT_VERSION),
    content: 'data',
  };
  const records = input.entries.map((e) => manifestEntryToAvro(e, ptypes));
  const bytes = writeAvroFile(input.path, manifestEntrySchema(ptypes), records, { metadata });
  const count = (status: number): [number, number] => {
    const es = input.entries.filter((e) => e.status === status);
    return [es.length, es.reduce((s, e) => s + e.dataFile.recordCount, 0)];
  };
  const [addedFiles, addedRows] = count(STATUS.ADDED);
  const [existingFiles, existingRows] = count(STATUS.EXISTING);
  const [deletedFiles, deletedRows] = count(STATUS.DELETED);
  const explicit = input.entries.filter((e) => e.status !== STATUS.ADDED && e.sequenceNumber !== null).map((e) => e.sequenceNumber!);
  return {
    bytes,
    manifest: {
      manifestPath: input.path, manifestLength: bytes.length, partitionSpecId: input.spec.specId, content: 0,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: explicit.length ? Math.min(...explicit) : UNASSIGNED_SEQUENCE_NUMBER,
      addedSnapshotId: input.snapshotId,
      addedFilesCount: addedFiles, existingFilesCount: existingFiles, deletedFilesCount: deletedFiles,
      addedRowsCount: addedRows, existingRowsCount: existingRows, deletedRowsCount: deletedRows,
      partitions: summarizePartitions(ptypes, input.entries.filter((e) => e.status !== STATUS.DELETED)),
    },
  };
}

/** One field summary per partition field over live entries: nulls, NaNs, and bounds. */
export function summarizePartitions(ptypes: PartitionFieldType[], entries: ManifestEntry[]): FieldSummary[] {
  return ptypes.map((p, i) => {
    let containsNull = false;
    let containsNan = false;
    let lower: ReturnType<typeof valueAt> = null;
    let upper: ReturnType<typeof valueAt> = null;
    for (const e of entries) {
      const v = valueAt(e, i);
      if (v === null) { containsNull = true; continue; }
      if (typeof v === 'number' && Number.isNaN(v)) { containsNan = true; continue; }
      if (lower === null || compareValues(p.type, v, lower) < 0) lower = v;
      if (upper === null || compareValues(p.type, v, upper) > 0) upper = v;
    }
    const isFloat = p.type.kind === 'float' || p.type.kind === 'double';
    return {
      containsNull, containsNan: isFloat ? containsNan : false,
      lowerBound: lower === null ? null : toBytes(p.type, lower), upperBound: upper === null ? null : toBytes(p.type, upper),
    };
  });
}

function valueAt(e: ManifestEntry, i: number): ManifestEntry['dataFile']['partition'][number] {
  return e.dataFile.partition[i] ?? null;
}

/** Fills the sequence numbers of manifests added by the snapshot being committed. */
export function assignSequenceNumber(m: ManifestFile, sequenceNumber: number): ManifestFile {
  if (m.sequenceNumber !== UNASSIGNED_SEQUENCE_NUMBER) return m;
  const min = m.minSequenceNumber === UNASSIGNED_SEQUENCE_NUMBER || m.addedFilesCount > 0
    ? Math.min(sequenceNumber, m.minSequenceNumber === UNASSIGNED_SEQUENCE_NUMBER ? sequenceNumber : m.minSequenceNumber)
    : m.minSequenceNumber;
  return { ...m, sequenceNumber, minSequenceNumber: min };
}

export interface ManifestListWriteInput {
  path: string;
  snapshotId: bigint;
  parentSnapshotId: bigint | null;
  sequenceNumber: number;
  manifests: ManifestFile[];
}

export function writeManifestList(input: ManifestListWriteInput): Uint8Array {
  const metadata = {
    'snapshot-id': input.snapshotId.toString(),
    'parent-snapshot-id': input.parentSnapshotId === null ? 'null' : input.parentSnapshotId.toString(),
    'sequence-number': String(input.sequenceNumber),
    'format-version': String(FORMAT_VERSION),
  };
  const records = input.manifests.map((m) => manifestFileToAvro(assignSequenceNumber(m, input.sequenceNumber)));
  return writeAvroFile(input.path, MANIFEST_LIST_SCHEMA_V2, records, { metadata });
}

export function readManifestList(bytes: Uint8Array, path = 'manifest list'): ManifestFile[] {
  return readAvroFile(bytes, path).records.map((r) => manifestFileFromAvro(r as Record<string, unknown>));
}

/**
 * Reads a manifest's entries, inheriting snapshot id and sequence numbers of ADDED entries from
 * its manifest-list entry (spec "Sequence Number Inheritance").
 */
export function readManifest(bytes: Uint8Array, manifest: ManifestFile, spec: PartitionSpec, schema: Schema): ManifestEntry[] {
  const ptypes = partitionFieldTypes(spec, schema);
  return readAvroFile(bytes, manifest.manifestPath).records.map((r) => {
    const e = manifestEntryFromAvro(r as Record<string, unknown>, ptypes, manifest.partitionSpecId);
    if (e.snapshotId === null) e.snapshotId = manifest.addedSnapshotId;
    if (e.status === STATUS.ADDED) {
      e.sequenceNumber ??= manifest.sequenceNumber;
      e.fileSequenceNumber ??= manifest.sequenceNumber;
    }
    return e;
  });
}
