// Wire shapes of the Iceberg REST catalog (open-api/rest-catalog-open-api.yaml): table updates and
// requirements, create-table requests, load/commit results and error bodies. Kebab-case keys live
// here only; bodies go through the lossless JSON of spec/json.ts (63-bit snapshot ids).

import { CassbergError } from '../../errors.ts';
import { parseJson } from '../spec/json.ts';
import { partitionSpecToJson, schemaToJson, snapshotToJson, tableMetadataFromJson } from '../spec/table-metadata-serde.ts';
import type { TableRequirement, TableUpdate } from '../spec/table-update.ts';
import type { CatalogTable, CreateTableRequest } from './catalog.ts';

type Json = Record<string, unknown>;

export function tableUpdateToJson(u: TableUpdate): Json {
  switch (u.action) {
    case 'add-schema': return { action: u.action, schema: schemaToJson(u.schema), 'last-column-id': u.lastColumnId };
    case 'set-current-schema': return { action: u.action, 'schema-id': u.schemaId };
    case 'add-spec': return { action: u.action, spec: partitionSpecToJson(u.spec) };
    case 'set-default-spec': return { action: u.action, 'spec-id': u.specId };
    case 'add-snapshot': return { action: u.action, snapshot: snapshotToJson(u.snapshot) };
    case 'set-snapshot-ref': return { action: u.action, 'ref-name': u.refName, type: u.type, 'snapshot-id': u.snapshotId };
    case 'set-properties': return { action: u.action, updates: u.updates };
    case 'remove-properties': return { action: u.action, removals: u.removals };
  }
}

export function tableRequirementToJson(r: TableRequirement): Json {
  switch (r.type) {
    case 'assert-create': return { type: r.type };
    case 'assert-table-uuid': return { type: r.type, uuid: r.uuid };
    // null is meaningful here ("the ref must not exist"), so it is written, not omitted.
    case 'assert-ref-snapshot-id': return { type: r.type, ref: r.ref, 'snapshot-id': r.snapshotId };
    case 'assert-current-schema-id': return { type: r.type, 'current-schema-id': r.currentSchemaId };
    case 'assert-last-assigned-field-id': return { type: r.type, 'last-assigned-field-id': r.lastAssignedFieldId };
    case 'assert-default-spec-id': return { type: r.type, 'default-spec-id': r.defaultSpecId };
  }
}

export function commitTableRequestToJson(changes: { updates: TableUpdate[]; requirements: TableRequirement[] }): Json {
  return { requirements: changes.requirements.map(tableRequirementToJson), updates: changes.updates.map(tableUpdateToJson) };
}

export function createTableRequestToJson(name: string, req: CreateTableRequest): Json {
  return {
    name, location: req.location, schema: schemaToJson(req.schema), 'partition-spec': partitionSpecToJson(req.spec),
    'write-order': { 'order-id': 0, fields: [] }, 'stage-create': false, properties: req.properties,
  };
}

/** LoadTableResult / CommitTableResponse: `metadata-location` plus the metadata it points to. */
export function catalogTableFromJson(o: Json, what: string): CatalogTable {
  const location = o['metadata-location'];
  if (typeof location !== 'string' || typeof o.metadata !== 'object' || o.metadata === null) {
    throw new CassbergError('Unexpected', `rest catalog: ${what}: response has no metadata-location and metadata`);
  }
  return { metadataLocation: location, metadata: tableMetadataFromJson(o.metadata as Json) };
}

export interface RestErrorBody { message: string; type: string; code: number }

/**
 * The `error` object of an IcebergErrorResponse, or a stand-in built from the status when the body
 * is not one (servlet containers answer uncaught exceptions with HTML).
 */
export function parseErrorBody(status: number, text: string): RestErrorBody {
  try {
    const e = (parseJson(text) as { error?: Partial<RestErrorBody> }).error;
    if (e && typeof e.message === 'string') return { message: e.message, type: String(e.type ?? 'unknown'), code: Number(e.code ?? status) };
  } catch {
    // not JSON: fall through
  }
  const firstLine = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300);
  return { message: firstLine || `HTTP ${status}`, type: 'unknown', code: status };
}

/** Parses a JSON response body losslessly; names the request in the error. */
export function parseBody(text: string, what: string): Json {
  try {
    const v = parseJson(text);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  } catch (err) {
    throw new CassbergError('Unexpected', `rest catalog: ${what}: response is not JSON`, {}, { cause: err });
  }
  throw new CassbergError('Unexpected', `rest catalog: ${what}: response is not a JSON object`);
}
