// The TimeSeries connector (netflix-models.md §2): every slice table `data_<start>` of a movement's window becomes one
// Iceberg table with one row per event item, partitioned by day(event_time), with provenance columns (slice_table,
// time_bucket, event_bucket). `sourceTables` picks the slice tables of the window and leaves wide-partition split
// tables out (their partitions stay in the slice tables); an exact identity set removes any item seen twice anyway
// and counts it. See connectors/README.md.
//
// The engine adds writetime(event_item_value) and writetime(value_metadata) (`writetimeColumns`), even with the
// movement's `writetime` off: write_time is the newer of the two, null without them.

import type { RecordBatch } from 'apache-arrow';
import { toArrowSchema } from '../engine/iceberg/parquet/arrow-schema.ts';
import { createPartitionSpec } from '../engine/iceberg/spec/partition-spec.ts';
import type { PartitionSpec } from '../engine/iceberg/spec/partition-spec.ts';
import type { Schema } from '../engine/iceberg/spec/schema.ts';
import { TIME_SERIES_TABLE } from './controller/table-model.ts';
import type { Connector, ConnectorOptions, TableModel } from './registry.ts';
import { EventItemDedup } from './time-series/dedup.ts';
import { createTimeSeriesStats, timeSeriesSchema, transformSlice } from './time-series/events.ts';
import type { TimeSeriesStats } from './time-series/events.ts';
import type { TimeWindow } from './time-series/slices.ts';

export { EventItemDedup } from './time-series/dedup.ts';
export { createTimeSeriesStats } from './time-series/events.ts';
export type { TimeSeriesStats } from './time-series/events.ts';
export { parseSliceStart, sourceTables } from './time-series/slices.ts';
export type { SliceTable, SourceTables, SplitTable, TimeWindow } from './time-series/slices.ts';

export interface TimeSeriesSettings {
  /** Items with event_time outside [startMs, endMs) are dropped and counted (slices overlap a window's edges). */
  window?: TimeWindow;
  /**
   * The identity set: shared across calls to dedup over several slice/split tables in one process; `false` turns the
   * safety net off (it holds every item's identity, ~key bytes + 12 bytes each). Default: a fresh set per transform.
   */
  dedup?: EventItemDedup | false;
  /** Unit of a bigint event_time column (default ms; a CQL timestamp is always ms). */
  eventTimeUnit?: 'ms' | 'us';
  /** Counters filled while the transform runs. */
  stats?: TimeSeriesStats;
}

export interface TimeSeriesOptions extends ConnectorOptions {
  timeSeries?: TimeSeriesSettings;
}

/** Columns the engine should add `writetime(col)` for. */
export const TIME_SERIES_WRITETIME_COLUMNS = ['event_item_value', 'value_metadata'] as const;

export function timeSeriesOutputSchema(table: TableModel, _options?: ConnectorOptions): Schema {
  return timeSeriesSchema(table);
}

/** The output table's partition spec: day(event_time). */
export function outputPartitionSpec(schema: Schema): PartitionSpec {
  return createPartitionSpec(schema, [{ column: 'event_time', transform: 'day' }]);
}

export interface SliceInput {
  table: TableModel;
  batches: AsyncIterable<RecordBatch>;
}

/** Several slice (or split) tables in order through one identity set: the first copy of an item wins. */
export async function* transformSlices(slices: Iterable<SliceInput> | AsyncIterable<SliceInput>, options: TimeSeriesOptions): AsyncGenerator<RecordBatch> {
  const s = options.timeSeries ?? {};
  const cfg = {
    eventTimeUnit: s.eventTimeUnit ?? 'ms', window: s.window, stats: s.stats ?? createTimeSeriesStats(),
    dedup: s.dedup === false ? null : s.dedup ?? new EventItemDedup(),
  };
  let arrowSchema: ReturnType<typeof toArrowSchema> | undefined;
  for await (const slice of slices) {
    arrowSchema ??= toArrowSchema(timeSeriesSchema(slice.table));
    yield* transformSlice(slice.batches, slice.table.table, arrowSchema, cfg);
  }
}

export const connector: Connector = {
  name: 'time-series',
  accepts: (table) => TIME_SERIES_TABLE.check(table),
  outputSchema: timeSeriesOutputSchema,
  transform: (batches, table, options) => transformSlices([{ table, batches }], options as TimeSeriesOptions),
  partitionSpec: outputPartitionSpec,
  writetimeColumns: TIME_SERIES_WRITETIME_COLUMNS,
};
