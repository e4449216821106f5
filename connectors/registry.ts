// The Connector Factory: every connector is registered here, by name, once. The Connector Controller validates rule
// documents against these names and routes a table only to a connector whose data model accepts it.
//
// Adding a connector = one module in connectors/ that exports `connector: Connector`, plus one line in CONNECTORS.
// Modules are loaded lazily (`loadConnector`), so the Decider, the CLI and the rule validation never import the
// connectors' batch code, and a registered connector whose module is not written yet fails only when it is run.

import { fileURLToPath } from 'node:url';
import type { RecordBatch } from 'apache-arrow';
import { InvalidConfigError, UnsupportedFormatError } from '../engine/errors.ts';
import type { PartitionSpec } from '../engine/iceberg/spec/partition-spec.ts';
import type { Schema } from '../engine/iceberg/spec/schema.ts';
import { ANY_TABLE, KEY_VALUE_TABLE, TIME_SERIES_TABLE } from './controller/table-model.ts';
import type { DataModel, ModelCheck, TableModel } from './controller/table-model.ts';

export type { DataModel, ModelCheck, TableModel } from './controller/table-model.ts';

export interface ConnectorOptions {
  /** Epoch seconds at which TTLs are judged (the movement's reference time). */
  referenceTimeSec: number;
  /** Add `writetime(col)` columns for non-key columns. */
  writetime: boolean;
}

/**
 * What a connector module implements. A connector turns the merged rows of one split into the rows of its output
 * table; the engine does everything before (backup, SSTable merge) and after (Parquet, Iceberg commit).
 */
export interface Connector {
  readonly name: string;
  /** The registry entry's data model check; a connector may be stricter (e.g. look at the table's options). */
  accepts(table: TableModel): ModelCheck;
  /** The Iceberg schema of the output table, field ids included. Deterministic for a given table and options. */
  outputSchema(table: TableModel, options: ConnectorOptions): Schema;
  /**
   * Merged rows of one split as Arrow batches in the table's CQL schema (engine/compaction/batch-writer.ts), in
   * token and clustering order → output batches whose columns are the output schema's top-level fields by name.
   * Streams: never holds more than the rows of the batch at hand plus the open group (one KV record, one TS event).
   */
  transform(batches: AsyncIterable<RecordBatch>, table: TableModel, options: ConnectorOptions): AsyncIterable<RecordBatch>;
  /** The output table's partition spec (unpartitioned when absent); data files are written partitioned by it. */
  partitionSpec?(schema: Schema): PartitionSpec;
  /** Columns whose `writetime(col)` the transform reads: the engine adds them even when `writetime` is off. */
  readonly writetimeColumns?: readonly string[];
}

export interface ConnectorEntry {
  readonly name: string;
  readonly description: string;
  /** The tables this connector can move. */
  readonly model: DataModel;
  /** The legacy connector: the fallback target, and the connector of tables no rule moves elsewhere. */
  readonly legacy: boolean;
  /** Module exporting `connector`, relative to connectors/. */
  readonly module: string;
}

export const LEGACY_CONNECTOR = 'legacy';

export const CONNECTORS: readonly ConnectorEntry[] = [
  { name: 'raw', description: 'the table as it is, one row per CQL row', model: ANY_TABLE, legacy: false, module: './raw.ts' },
  { name: 'key-value', description: 'Key-Value abstraction: one row per item, chunked values assembled', model: KEY_VALUE_TABLE, legacy: false, module: './key-value.ts' },
  { name: 'time-series', description: 'TimeSeries abstraction: one row per event item across the slice tables of the window, partitioned by day(event_time)', model: TIME_SERIES_TABLE, legacy: false, module: './time-series.ts' },
  { name: LEGACY_CONNECTOR, description: 'legacy whole-table mover with an intermediate table (Casspactor-like)', model: ANY_TABLE, legacy: true, module: './legacy.ts' },
];

export function connectorNames(registry: readonly ConnectorEntry[] = CONNECTORS): string[] {
  return registry.map((e) => e.name);
}

export function findConnector(name: string, registry: readonly ConnectorEntry[] = CONNECTORS): ConnectorEntry | undefined {
  return registry.find((e) => e.name === name);
}

/** The entry for `name`; unknown names throw InvalidConfigError naming `field` and listing the registered names. */
export function getConnector(name: string, field = 'connector', registry: readonly ConnectorEntry[] = CONNECTORS): ConnectorEntry {
  const entry = findConnector(name, registry);
  if (!entry) {
    throw new InvalidConfigError(`${field}: unknown connector "${name}" (registered: ${connectorNames(registry).join(', ')})`, { field, connector: name });
  }
  return entry;
}

function isConnector(value: unknown): value is Connector {
  const c = value as Partial<Connector> | undefined;
  return typeof c === 'object' && c !== null && typeof c.name === 'string' && typeof c.accepts === 'function'
    && typeof c.outputSchema === 'function' && typeof c.transform === 'function';
}

/** Imports a connector's module and checks that it exports `connector` under the registered name. */
export async function loadConnector(name: string, registry: readonly ConnectorEntry[] = CONNECTORS): Promise<Connector> {
  const entry = getConnector(name, 'connector', registry);
  const url = new URL(entry.module, import.meta.url).href;
  let mod: { connector?: unknown };
  try {
    mod = (await import(url)) as { connector?: unknown };
  } catch (err) {
    const missing = (err as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(fileURLToPath(url));
    if (missing) throw new UnsupportedFormatError(`connector ${name} is registered but its module ${fileURLToPath(url)} does not exist yet`, { connector: name });
    throw err;
  }
  if (!isConnector(mod.connector) || mod.connector.name !== name) {
    throw new UnsupportedFormatError(`${fileURLToPath(url)} must export \`connector\` implementing Connector with name "${name}"`, { connector: name });
  }
  return mod.connector;
}
