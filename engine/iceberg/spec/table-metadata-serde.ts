// Kebab-case JSON wire shapes for schemas, partition specs and table metadata (spec Appendix C).
// The only module that knows the JSON key names; parsing is lossless for 63-bit snapshot ids.

import { CassbergError } from '../../errors.ts';
import { parseJson, stringifyJson } from './json.ts';
import { parseTransform, transformToString, type PartitionSpec } from './partition-spec.ts';
import type { Schema } from './schema.ts';
import type { Snapshot, SnapshotRef, SortOrder, TableMetadata } from './table-metadata.ts';
import { checkTableMetadata } from './table-metadata.ts';
import { isPrimitive, parsePrimitive, primitiveToString, type IcebergType, type NestedField } from './types.ts';

type Json = Record<string, unknown>;

export function typeToJson(t: IcebergType): unknown {
  if (isPrimitive(t)) return primitiveToString(t);
  if (t.kind === 'struct') return { type: 'struct', fields: t.fields.map(fieldToJson) };
  if (t.kind === 'list') {
    return { type: 'list', 'element-id': t.elementId, element: typeToJson(t.element), 'element-required': t.elementRequired };
  }
  return {
    type: 'map', 'key-id': t.keyId, key: typeToJson(t.key),
    'value-id': t.valueId, value: typeToJson(t.value), 'value-required': t.valueRequired,
  };
}

function fieldToJson(f: NestedField): Json {
  return { id: f.id, name: f.name, required: f.required, type: typeToJson(f.type), doc: f.doc };
}

export function typeFromJson(j: unknown): IcebergType {
  if (typeof j === 'string') return parsePrimitive(j);
  const o = j as Json;
  if (o.type === 'struct') return { kind: 'struct', fields: (o.fields as Json[]).map(fieldFromJson) };
  if (o.type === 'list') {
    return { kind: 'list', elementId: num(o['element-id']), elementRequired: Boolean(o['element-required']), element: typeFromJson(o.element) };
  }
  if (o.type === 'map') {
    return {
      kind: 'map', keyId: num(o['key-id']), key: typeFromJson(o.key),
      valueId: num(o['value-id']), value: typeFromJson(o.value), valueRequired: Boolean(o['value-required']),
    };
  }
  throw new CassbergError('DataInvalid', `iceberg: unknown type JSON ${JSON.stringify(j)}`);
}

function fieldFromJson(o: Json): NestedField {
  const f: NestedField = { id: num(o.id), name: String(o.name), required: Boolean(o.required), type: typeFromJson(o.type) };
  if (typeof o.doc === 'string') f.doc = o.doc;
  return f;
}

export function schemaToJson(s: Schema): Json {
  return { type: 'struct', 'schema-id': s.schemaId, 'identifier-field-ids': s.identifierFieldIds, fields: s.fields.map(fieldToJson) };
}

export function schemaFromJson(o: Json): Schema {
  return {
    schemaId: num(o['schema-id'] ?? 0),
    fields: (o.fields as Json[]).map(fieldFromJson),
    identifierFieldIds: ((o['identifier-field-ids'] as unknown[]) ?? []).map(num),
  };
}

/** The spec's fields array alone: the `partition-spec` key of a manifest's metadata. */
export function partitionFieldsToJson(spec: PartitionSpec): Json[] {
  return spec.fields.map((f) => ({ name: f.name, transform: transformToString(f.transform), 'source-id': f.sourceId, 'field-id': f.fieldId }));
}

export function partitionSpecToJson(spec: PartitionSpec): Json {
  return { 'spec-id': spec.specId, fields: partitionFieldsToJson(spec) };
}

export function partitionSpecFromJson(o: Json): PartitionSpec {
  return {
    specId: num(o['spec-id']),
    fields: (o.fields as Json[]).map((f) => ({
      sourceId: num(f['source-id']), fieldId: num(f['field-id']), name: String(f.name), transform: parseTransform(String(f.transform)),
    })),
  };
}

function sortOrderToJson(o: SortOrder): Json {
  return {
    'order-id': o.orderId,
    fields: o.fields.map((f) => ({ transform: f.transform, 'source-id': f.sourceId, direction: f.direction, 'null-order': f.nullOrder })),
  };
}

function sortOrderFromJson(o: Json): SortOrder {
  return {
    orderId: num(o['order-id']),
    fields: ((o.fields as Json[]) ?? []).map((f) => ({
      transform: String(f.transform), sourceId: num(f['source-id']),
      direction: f.direction as 'asc' | 'desc', nullOrder: f['null-order'] as 'nulls-first' | 'nulls-last',
    })),
  };
}

export function snapshotToJson(s: Snapshot): Json {
  return {
    'snapshot-id': s.snapshotId, 'parent-snapshot-id': s.parentSnapshotId ?? undefined, 'sequence-number': s.sequenceNumber,
    'timestamp-ms': s.timestampMs, 'manifest-list': s.manifestList, summary: s.summary, 'schema-id': s.schemaId,
  };
}

function snapshotFromJson(o: Json): Snapshot {
  return {
    snapshotId: big(o['snapshot-id']), parentSnapshotId: o['parent-snapshot-id'] == null ? null : big(o['parent-snapshot-id']),
    sequenceNumber: num(o['sequence-number'] ?? 0), timestampMs: num(o['timestamp-ms']), manifestList: String(o['manifest-list']),
    summary: (o.summary as Record<string, string>) ?? { operation: 'append' }, schemaId: num(o['schema-id'] ?? 0),
  };
}

export function tableMetadataToJson(md: TableMetadata): Json {
  return {
    'format-version': md.formatVersion, 'table-uuid': md.tableUuid, location: md.location,
    'last-sequence-number': md.lastSequenceNumber, 'last-updated-ms': md.lastUpdatedMs, 'last-column-id': md.lastColumnId,
    'current-schema-id': md.currentSchemaId, schemas: md.schemas.map(schemaToJson),
    'default-spec-id': md.defaultSpecId, 'partition-specs': md.partitionSpecs.map(partitionSpecToJson),
    'last-partition-id': md.lastPartitionId,
    'default-sort-order-id': md.defaultSortOrderId, 'sort-orders': md.sortOrders.map(sortOrderToJson),
    properties: md.properties,
    'current-snapshot-id': md.currentSnapshotId ?? -1,
    refs: Object.fromEntries(Object.entries(md.refs).map(([k, r]) => [k, { 'snapshot-id': r.snapshotId, type: r.type }])),
    snapshots: md.snapshots.map(snapshotToJson),
    'snapshot-log': md.snapshotLog.map((e) => ({ 'snapshot-id': e.snapshotId, 'timestamp-ms': e.timestampMs })),
    'metadata-log': md.metadataLog.map((e) => ({ 'metadata-file': e.metadataFile, 'timestamp-ms': e.timestampMs })),
    statistics: [], 'partition-statistics': [],
  };
}

export function tableMetadataFromJson(o: Json): TableMetadata {
  if (o['format-version'] !== 2) throw new CassbergError('DataInvalid', `iceberg: format-version ${String(o['format-version'])} is not supported (v2 only)`);
  const current = o['current-snapshot-id'];
  const refs = (o.refs as Record<string, Json>) ?? {};
  const md: TableMetadata = {
    formatVersion: 2, tableUuid: String(o['table-uuid']), location: String(o.location),
    lastSequenceNumber: num(o['last-sequence-number']), lastUpdatedMs: num(o['last-updated-ms']), lastColumnId: num(o['last-column-id']),
    schemas: (o.schemas as Json[]).map(schemaFromJson), currentSchemaId: num(o['current-schema-id']),
    partitionSpecs: (o['partition-specs'] as Json[]).map(partitionSpecFromJson), defaultSpecId: num(o['default-spec-id']),
    lastPartitionId: num(o['last-partition-id']),
    sortOrders: ((o['sort-orders'] as Json[]) ?? []).map(sortOrderFromJson), defaultSortOrderId: num(o['default-sort-order-id'] ?? 0),
    properties: (o.properties as Record<string, string>) ?? {},
    currentSnapshotId: current == null || big(current) === -1n ? null : big(current),
    snapshots: ((o.snapshots as Json[]) ?? []).map(snapshotFromJson),
    snapshotLog: ((o['snapshot-log'] as Json[]) ?? []).map((e) => ({ snapshotId: big(e['snapshot-id']), timestampMs: num(e['timestamp-ms']) })),
    metadataLog: ((o['metadata-log'] as Json[]) ?? []).map((e) => ({ metadataFile: String(e['metadata-file']), timestampMs: num(e['timestamp-ms']) })),
    refs: Object.fromEntries(Object.entries(refs).map(([k, r]) => [k, { snapshotId: big(r['snapshot-id']), type: r.type as SnapshotRef['type'] }])),
  };
  if (md.currentSnapshotId !== null && !md.refs.main) md.refs.main = { snapshotId: md.currentSnapshotId, type: 'branch' };
  checkTableMetadata(md);
  return md;
}

export function writeTableMetadata(md: TableMetadata): Uint8Array {
  return new TextEncoder().encode(stringifyJson(tableMetadataToJson(md), 2));
}

export function readTableMetadata(bytes: Uint8Array): TableMetadata {
  return tableMetadataFromJson(parseJson(new TextDecoder().decode(bytes)) as Json);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new CassbergError('DataInvalid', `iceberg: expected a number, got ${String(v)}`);
}

function big(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new CassbergError('DataInvalid', `iceberg: expected an integer, got ${String(v)}`);
}
