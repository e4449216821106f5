// A commit is updates plus requirements, in the REST spec's vocabulary (`add-snapshot`,
// `assert-ref-snapshot-id` …). Applying updates and checking requirements are pure functions of
// table metadata, so every catalog shares them.

import { CassbergError, CommitConflictError } from '../../errors.ts';
import { UNPARTITIONED_LAST_PARTITION_ID, UNPARTITIONED_SPEC, type PartitionSpec } from './partition-spec.ts';
import { checkSchema, highestFieldId, type Schema } from './schema.ts';
import { checkTableMetadata, MAIN_BRANCH, UNSORTED_ORDER, type Snapshot, type TableMetadata } from './table-metadata.ts';

export type TableUpdate =
  | { action: 'add-schema'; schema: Schema; lastColumnId: number }
  | { action: 'set-current-schema'; schemaId: number }
  | { action: 'add-spec'; spec: PartitionSpec }
  | { action: 'set-default-spec'; specId: number }
  | { action: 'add-snapshot'; snapshot: Snapshot }
  | { action: 'set-snapshot-ref'; refName: string; type: 'branch' | 'tag'; snapshotId: bigint }
  | { action: 'set-properties'; updates: Record<string, string> }
  | { action: 'remove-properties'; removals: string[] };

export type TableRequirement =
  | { type: 'assert-create' }
  | { type: 'assert-table-uuid'; uuid: string }
  | { type: 'assert-ref-snapshot-id'; ref: string; snapshotId: bigint | null }
  | { type: 'assert-current-schema-id'; currentSchemaId: number }
  | { type: 'assert-last-assigned-field-id'; lastAssignedFieldId: number }
  | { type: 'assert-default-spec-id'; defaultSpecId: number };

export interface TableChanges { updates: TableUpdate[]; requirements: TableRequirement[] }

export interface NewTableInput {
  tableUuid: string;
  location: string;
  schema: Schema;
  spec?: PartitionSpec;
  properties?: Record<string, string>;
  nowMs: number;
}

/** Metadata of a new v2 table with no snapshot. */
export function newTableMetadata(input: NewTableInput): TableMetadata {
  checkSchema(input.schema);
  const spec = input.spec ?? UNPARTITIONED_SPEC;
  const md: TableMetadata = {
    formatVersion: 2, tableUuid: input.tableUuid, location: input.location.replace(/\/+$/, ''),
    lastSequenceNumber: 0, lastUpdatedMs: input.nowMs, lastColumnId: highestFieldId(input.schema),
    schemas: [input.schema], currentSchemaId: input.schema.schemaId,
    partitionSpecs: [spec], defaultSpecId: spec.specId,
    lastPartitionId: Math.max(UNPARTITIONED_LAST_PARTITION_ID, ...spec.fields.map((f) => f.fieldId)),
    sortOrders: [UNSORTED_ORDER], defaultSortOrderId: 0,
    properties: { 'write.parquet.compression-codec': 'zstd', ...input.properties },
    currentSnapshotId: null, snapshots: [], snapshotLog: [], metadataLog: [], refs: {},
  };
  checkTableMetadata(md);
  return md;
}

/** Throws CommitConflictError naming the first requirement `base` does not meet. */
export function checkRequirements(base: TableMetadata | null, requirements: TableRequirement[]): void {
  for (const r of requirements) {
    const fail = (what: string): never => { throw new CommitConflictError(`requirement ${r.type} failed: ${what}`, { requirement: r.type }); };
    if (r.type === 'assert-create') { if (base) fail('table already exists'); continue; }
    if (!base) fail('table does not exist');
    const md = base!;
    switch (r.type) {
      case 'assert-table-uuid': if (md.tableUuid !== r.uuid) fail(`table uuid is ${md.tableUuid}, expected ${r.uuid}`); break;
      case 'assert-ref-snapshot-id': {
        const actual = md.refs[r.ref]?.snapshotId ?? null;
        if (actual !== r.snapshotId) fail(`ref ${r.ref} is at ${actual}, expected ${r.snapshotId}`);
        break;
      }
      case 'assert-current-schema-id': if (md.currentSchemaId !== r.currentSchemaId) fail(`current schema is ${md.currentSchemaId}, expected ${r.currentSchemaId}`); break;
      case 'assert-last-assigned-field-id': if (md.lastColumnId !== r.lastAssignedFieldId) fail(`last column id is ${md.lastColumnId}, expected ${r.lastAssignedFieldId}`); break;
      case 'assert-default-spec-id': if (md.defaultSpecId !== r.defaultSpecId) fail(`default spec is ${md.defaultSpecId}, expected ${r.defaultSpecId}`); break;
    }
  }
}

/** Applies updates to a copy of `base`; `nowMs` becomes last-updated-ms. */
export function applyUpdates(base: TableMetadata, updates: TableUpdate[], nowMs: number): TableMetadata {
  const md: TableMetadata = structuredClone(base);
  md.lastUpdatedMs = Math.max(nowMs, base.lastUpdatedMs);
  for (const u of updates) applyUpdate(md, u);
  checkTableMetadata(md);
  return md;
}

function applyUpdate(md: TableMetadata, u: TableUpdate): void {
  switch (u.action) {
    case 'add-schema':
      checkSchema(u.schema);
      if (md.schemas.some((s) => s.schemaId === u.schema.schemaId)) throw new CassbergError('DataInvalid', `iceberg: schema id ${u.schema.schemaId} already exists`);
      if (u.lastColumnId < md.lastColumnId) throw new CassbergError('DataInvalid', `iceberg: last-column-id ${u.lastColumnId} below ${md.lastColumnId}`);
      md.schemas.push(u.schema);
      md.lastColumnId = Math.max(u.lastColumnId, highestFieldId(u.schema));
      return;
    case 'set-current-schema': md.currentSchemaId = u.schemaId; return;
    case 'add-spec':
      md.partitionSpecs.push(u.spec);
      md.lastPartitionId = Math.max(md.lastPartitionId, ...u.spec.fields.map((f) => f.fieldId));
      return;
    case 'set-default-spec': md.defaultSpecId = u.specId; return;
    case 'add-snapshot':
      if (u.snapshot.sequenceNumber <= md.lastSequenceNumber && md.snapshots.length > 0) {
        throw new CommitConflictError(`cannot add snapshot with sequence number ${u.snapshot.sequenceNumber} older than last sequence number ${md.lastSequenceNumber}`);
      }
      if (md.snapshots.some((s) => s.snapshotId === u.snapshot.snapshotId)) throw new CassbergError('DataInvalid', `iceberg: snapshot id ${u.snapshot.snapshotId} already exists`);
      md.snapshots.push(u.snapshot);
      md.lastSequenceNumber = u.snapshot.sequenceNumber;
      return;
    case 'set-snapshot-ref': {
      const snap = md.snapshots.find((s) => s.snapshotId === u.snapshotId);
      if (!snap) throw new CassbergError('DataInvalid', `iceberg: ref ${u.refName} to unknown snapshot ${u.snapshotId}`);
      md.refs[u.refName] = { snapshotId: u.snapshotId, type: u.type };
      if (u.refName === MAIN_BRANCH) {
        md.currentSnapshotId = u.snapshotId;
        md.snapshotLog.push({ snapshotId: u.snapshotId, timestampMs: snap.timestampMs });
      }
      return;
    }
    case 'set-properties': Object.assign(md.properties, u.updates); return;
    case 'remove-properties': for (const k of u.removals) delete md.properties[k]; return;
  }
}
