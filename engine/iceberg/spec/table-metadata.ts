// Table metadata (spec "Table Metadata Fields"), snapshots and refs, as camelCase domain types.
// Snapshot ids are bigint (63-bit); sequence numbers and timestamps fit in a JS number.

import { CassbergError } from '../../errors.ts';
import type { PartitionSpec } from './partition-spec.ts';
import type { Schema } from './schema.ts';

export interface SortOrder { orderId: number; fields: Array<{ sourceId: number; transform: string; direction: 'asc' | 'desc'; nullOrder: 'nulls-first' | 'nulls-last' }> }

export type Operation = 'append' | 'replace' | 'overwrite' | 'delete';

export interface Snapshot {
  snapshotId: bigint;
  parentSnapshotId: bigint | null;
  sequenceNumber: number;
  timestampMs: number;
  manifestList: string;
  /** Includes `operation`; all values are strings. */
  summary: Record<string, string>;
  schemaId: number;
}

export interface SnapshotRef { snapshotId: bigint; type: 'branch' | 'tag' }

export interface TableMetadata {
  formatVersion: 2;
  tableUuid: string;
  location: string;
  lastSequenceNumber: number;
  lastUpdatedMs: number;
  lastColumnId: number;
  schemas: Schema[];
  currentSchemaId: number;
  partitionSpecs: PartitionSpec[];
  defaultSpecId: number;
  lastPartitionId: number;
  sortOrders: SortOrder[];
  defaultSortOrderId: number;
  properties: Record<string, string>;
  currentSnapshotId: bigint | null;
  snapshots: Snapshot[];
  snapshotLog: Array<{ snapshotId: bigint; timestampMs: number }>;
  metadataLog: Array<{ metadataFile: string; timestampMs: number }>;
  refs: Record<string, SnapshotRef>;
}

export const UNSORTED_ORDER: SortOrder = { orderId: 0, fields: [] };
export const MAIN_BRANCH = 'main';

export function currentSchema(md: TableMetadata): Schema {
  const s = md.schemas.find((x) => x.schemaId === md.currentSchemaId);
  if (!s) throw new CassbergError('DataInvalid', `iceberg: current-schema-id ${md.currentSchemaId} can't be found`);
  return s;
}

export function defaultSpec(md: TableMetadata): PartitionSpec {
  const s = md.partitionSpecs.find((x) => x.specId === md.defaultSpecId);
  if (!s) throw new CassbergError('DataInvalid', `iceberg: default-spec-id ${md.defaultSpecId} can't be found`);
  return s;
}

export function specById(md: TableMetadata, specId: number): PartitionSpec {
  const s = md.partitionSpecs.find((x) => x.specId === specId);
  if (!s) throw new CassbergError('DataInvalid', `iceberg: partition spec ${specId} can't be found`);
  return s;
}

export function snapshotById(md: TableMetadata, id: bigint): Snapshot | undefined {
  return md.snapshots.find((s) => s.snapshotId === id);
}

export function currentSnapshot(md: TableMetadata): Snapshot | undefined {
  return md.currentSnapshotId === null ? undefined : snapshotById(md, md.currentSnapshotId);
}

/** The snapshots of `ref` walking parents back from its head, newest first. */
export function ancestors(md: TableMetadata, ref = MAIN_BRANCH): Snapshot[] {
  const out: Snapshot[] = [];
  let id: bigint | null = md.refs[ref]?.snapshotId ?? null;
  while (id !== null) {
    const s = snapshotById(md, id);
    if (!s) break;
    out.push(s);
    id = s.parentSnapshotId;
  }
  return out;
}

/**
 * Checks the invariants Java's TableMetadata parser checks: ids referenced exist, sequence
 * numbers do not exceed last-sequence-number, refs point at snapshots, main = current snapshot.
 */
export function checkTableMetadata(md: TableMetadata): void {
  currentSchema(md);
  defaultSpec(md);
  if (!md.sortOrders.some((o) => o.orderId === md.defaultSortOrderId)) {
    throw new CassbergError('DataInvalid', `iceberg: default-sort-order-id ${md.defaultSortOrderId} can't be found`);
  }
  for (const s of md.snapshots) {
    if (s.sequenceNumber > md.lastSequenceNumber) {
      throw new CassbergError('DataInvalid', `iceberg: snapshot ${s.snapshotId} sequence number ${s.sequenceNumber} exceeds last-sequence-number ${md.lastSequenceNumber}`);
    }
  }
  for (const [name, ref] of Object.entries(md.refs)) {
    if (!snapshotById(md, ref.snapshotId)) throw new CassbergError('DataInvalid', `iceberg: ref ${name} points to missing snapshot ${ref.snapshotId}`);
  }
  const main = md.refs[MAIN_BRANCH]?.snapshotId ?? null;
  if (main !== md.currentSnapshotId) throw new CassbergError('DataInvalid', `iceberg: main ref ${main} differs from current-snapshot-id ${md.currentSnapshotId}`);
}
