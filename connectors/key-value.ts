// The Key-Value connector (netflix-models.md §1): tables shaped like Netflix KV — PRIMARY KEY (id text, key blob)
// with value blob and value_metadata blob — become one Iceberg row per live item (layout `item`, default) or one row
// per id with its items in clustering order (layout `record`). Expired items are skipped, chunked values are
// assembled from the chunk table through `keyValue.chunks`. See connectors/README.md for the layouts and encodings.
//
// The engine should run with `writetime` on (writetime(value), writetime(value_metadata)): write_time is the newer of
// the two, null without them.

import type { RecordBatch } from 'apache-arrow';
import { InvalidConfigError } from '../engine/errors.ts';
import { toArrowSchema } from '../engine/iceberg/parquet/arrow-schema.ts';
import type { Schema } from '../engine/iceberg/spec/schema.ts';
import type { NestedField } from '../engine/iceberg/spec/types.ts';
import { KEY_VALUE_TABLE } from './controller/table-model.ts';
import type { ChunkSource } from './key-value/chunks.ts';
import { createKeyValueStats, transformItems } from './key-value/items.ts';
import type { KeyValueStats } from './key-value/items.ts';
import { cassbergV1Decoder, VALUE_METADATA_DECODERS } from './key-value/value-metadata.ts';
import type { ValueMetadataDecoder } from './key-value/value-metadata.ts';
import { isDescending } from './raw.ts';
import type { Connector, ConnectorOptions, TableModel } from './registry.ts';

export type { ChunkRef, ChunkSource } from './key-value/chunks.ts';
export { chunkSourceFromBatches, chunkTableModel, chunkTableName, CHUNK_COLUMNS } from './key-value/chunks.ts';
export type { KeyValueStats } from './key-value/items.ts';
export { encodeValueMetadata } from './key-value/value-metadata.ts';

export interface KeyValueSettings {
  /** `item` (default): one row per item; `record`: one row per id, items as list<struct>. */
  layout?: 'item' | 'record';
  /** A decoder or a registered decoder name (`cassberg-v1`, default; `json`). */
  valueMetadata?: ValueMetadataDecoder | string;
  /** Where chunked values come from; required once a chunked item is met. */
  chunks?: ChunkSource;
  /** Overrides the clustering order read from the model (ReversedType = DESC); checked item by item. */
  clusteringOrder?: 'ASC' | 'DESC';
  /** Counters filled while the transform runs (items, expired, chunked, orphan chunks, records). */
  stats?: KeyValueStats;
  /** Record layout: output batch size bound (default 8 MiB). */
  maxBatchBytes?: number;
}

export interface KeyValueOptions extends ConnectorOptions {
  keyValue?: KeyValueSettings;
}

/** Columns the engine should add `writetime(col)` for. */
export const KEY_VALUE_WRITETIME_COLUMNS = ['value', 'value_metadata'] as const;

function itemFields(firstId: number): NestedField[] {
  return [
    { id: firstId, name: 'key', required: true, type: { kind: 'binary' } },
    { id: firstId + 1, name: 'value', required: false, type: { kind: 'binary' } },
    { id: firstId + 2, name: 'value_metadata', required: false, type: { kind: 'binary' } },
    { id: firstId + 3, name: 'write_time', required: false, type: { kind: 'timestamptz' } },
  ];
}

export function keyValueOutputSchema(_table: TableModel, options: KeyValueOptions): Schema {
  const id: NestedField = { id: 1, name: 'id', required: true, type: { kind: 'string' } };
  if ((options.keyValue?.layout ?? 'item') === 'item') {
    return { schemaId: 0, fields: [id, ...itemFields(2)], identifierFieldIds: [1, 2] };
  }
  const items: NestedField = {
    id: 2, name: 'items', required: true,
    type: { kind: 'list', elementId: 3, elementRequired: true, element: { kind: 'struct', fields: itemFields(4) } },
  };
  return { schemaId: 0, fields: [id, items], identifierFieldIds: [1] };
}

function decoderOf(setting: KeyValueSettings['valueMetadata']): ValueMetadataDecoder {
  if (setting === undefined) return cassbergV1Decoder;
  if (typeof setting !== 'string') return setting;
  const decoder = VALUE_METADATA_DECODERS[setting];
  if (!decoder) {
    throw new InvalidConfigError(`keyValue.valueMetadata: unknown decoder "${setting}" (known: ${Object.keys(VALUE_METADATA_DECODERS).join(', ')})`, { field: 'keyValue.valueMetadata' });
  }
  return decoder;
}

function transform(batches: AsyncIterable<RecordBatch>, table: TableModel, options: KeyValueOptions): AsyncIterable<RecordBatch> {
  const s = options.keyValue ?? {};
  const key = table.columns.find((c) => c.kind === 'clustering');
  const descending = s.clusteringOrder ? s.clusteringOrder === 'DESC' : key ? isDescending(key.type) : null;
  const layout = s.layout ?? 'item';
  return transformItems(batches, toArrowSchema(keyValueOutputSchema(table, options)), {
    decoder: decoderOf(s.valueMetadata), chunks: s.chunks, descending, layout,
    stats: s.stats ?? createKeyValueStats(), maxBatchBytes: s.maxBatchBytes ?? 8 << 20,
  });
}

export const connector: Connector = {
  name: 'key-value',
  accepts: (table) => KEY_VALUE_TABLE.check(table),
  outputSchema: keyValueOutputSchema,
  transform,
  writetimeColumns: KEY_VALUE_WRITETIME_COLUMNS,
};

export { createKeyValueStats };
