// TimeSeries slice rows → one output row per event item (netflix-models.md §2.3, §2.6). Each input row of a slice
// table is one event item; it is emitted with its provenance (slice table, time_bucket, event_bucket) unless it falls
// outside the movement's window or its identity (time_series_id, event_time, event_id, event_item_key) was already
// emitted (EventItemDedup). Values and value_metadata are moved as stored. Column builders grow typed arrays; the
// per-item dedup key is written into one reused scratch buffer.

import { RecordBatch, Struct, Type, makeData } from 'apache-arrow';
import type { Data, Int32, Schema as ArrowSchema, Timestamp } from 'apache-arrow';
import { ColumnBuilder } from '../../engine/compaction/arrow-columns.ts';
import { CassbergError } from '../../engine/errors.ts';
import { cqlTypeName } from '../controller/table-model.ts';
import type { TableModel } from '../controller/table-model.ts';
import { columnData, getInt64, int64Words, isValid } from '../raw.ts';
import type { Schema } from '../../engine/iceberg/spec/schema.ts';
import type { PrimitiveType } from '../../engine/iceberg/spec/types.ts';
import type { EventItemDedup } from './dedup.ts';
import type { TimeWindow } from './slices.ts';

export interface TimeSeriesStats {
  items: number;
  duplicatesRemoved: number;
  outsideWindow: number;
  slices: number;
}

export function createTimeSeriesStats(): TimeSeriesStats {
  return { items: 0, duplicatesRemoved: 0, outsideWindow: 0, slices: 0 };
}

const OUTPUT = ['time_series_id', 'event_time', 'event_id', 'event_item_key', 'event_item_value', 'value_metadata', 'write_time', 'slice_table', 'time_bucket', 'event_bucket'] as const;

function typeOf(table: TableModel, column: string): string {
  const c = table.columns.find((x) => x.name === column);
  return c ? cqlTypeName(c.type) : 'text';
}

/** The output schema; key column types follow the slice table (text → string, blob → binary, uuid → uuid). */
export function timeSeriesSchema(table: TableModel): Schema {
  const stringOr = (cql: string): PrimitiveType => ({ kind: cql === 'blob' ? 'binary' : cql === 'uuid' || cql === 'timeuuid' ? 'uuid' : 'string' });
  const types: Record<(typeof OUTPUT)[number], PrimitiveType> = {
    time_series_id: stringOr(typeOf(table, 'time_series_id')), event_time: { kind: 'timestamptz' },
    event_id: stringOr(typeOf(table, 'event_id')), event_item_key: stringOr(typeOf(table, 'event_item_key')),
    event_item_value: { kind: 'binary' }, value_metadata: { kind: 'binary' }, write_time: { kind: 'timestamptz' },
    slice_table: { kind: 'string' }, time_bucket: { kind: 'long' }, event_bucket: { kind: 'long' },
  };
  const optional = new Set(['event_item_value', 'value_metadata', 'write_time']);
  const fields = OUTPUT.map((name, i) => ({ id: i + 1, name, required: !optional.has(name), type: types[name] }));
  return { schemaId: 0, fields, identifierFieldIds: [1, 2, 3, 4] };
}

export interface EventReaderConfig {
  /** Unit of a bigint event_time column (a CQL timestamp is always ms). */
  eventTimeUnit: 'ms' | 'us';
  window: TimeWindow | undefined;
  dedup: EventItemDedup | null;
  stats: TimeSeriesStats;
}

const MAX_EXACT_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** Reads an integer column (Int8..Int64) as numbers. */
function intReader(data: Data, column: string): (i: number) => number {
  if (data.type.typeId !== Type.Int) throw new CassbergError('DataInvalid', `time-series: ${column} is ${String(data.type)}, expected an integer`, { column });
  if ((data.type as Int32).bitWidth < 64) { const v = data.values as Int32Array; return (i) => v[i]!; }
  const words = int64Words(data.values as BigInt64Array);
  return (i) => getInt64(words, i);
}

function micros(data: Data, unit: 'ms' | 'us'): (i: number) => number {
  const words = int64Words(data.values as BigInt64Array);
  const isTimestamp = data.type.typeId === Type.Timestamp;
  if (!isTimestamp && data.type.typeId !== Type.Int) throw new CassbergError('DataInvalid', `time-series: event_time is ${String(data.type)}`);
  const ms = isTimestamp ? (data.type as Timestamp).unit === 1 : unit === 'ms';
  return (i) => {
    const v = getInt64(words, i);
    if (!ms) return v;
    if (Math.abs(v) > MAX_EXACT_MS) throw new CassbergError('DataInvalid', `time-series: event_time ${v} ms is out of range`);
    return v * 1000;
  };
}

class EventBuilders {
  readonly columns: ColumnBuilder[];
  rows = 0;
  constructor(readonly arrowSchema: ArrowSchema) {
    this.columns = arrowSchema.fields.map((f) => {
      const t = f.type;
      if (t.typeId === Type.Utf8 || t.typeId === Type.Binary) return new ColumnBuilder(t, 'bytes', 0, null);
      return new ColumnBuilder(t, 'fixed', t.typeId === Type.FixedSizeBinary ? 16 : 8, null);
    });
  }
  finish(): RecordBatch {
    const children = this.columns.map((c) => c.finish());
    const length = this.rows;
    this.rows = 0;
    return new RecordBatch(this.arrowSchema, makeData({ type: new Struct(this.arrowSchema.fields), length, nullCount: 0, children }));
  }
}

/** A text, blob or uuid column of one batch: value i is bytes[start(i), start(i) + length(i)). */
class KeyColumn {
  readonly bytes: Uint8Array;
  private readonly offsets: Int32Array | null;
  constructor(readonly data: Data) {
    this.bytes = data.values as Uint8Array;
    this.offsets = data.type.typeId === Type.FixedSizeBinary ? null : data.valueOffsets as Int32Array;
  }
  start(i: number): number { return this.offsets ? this.offsets[i]! : 16 * i; }
  length(i: number): number { return this.offsets ? this.offsets[i + 1]! - this.offsets[i]! : 16; }
  appendTo(builder: ColumnBuilder, i: number): void {
    if (!isValid(this.data, i)) builder.appendNull(); else builder.appendValue(this.bytes, this.start(i), this.length(i));
  }
}

const encoder = new TextEncoder();

/** Streams one slice table's batches as output batches (one per non-empty input batch). */
export async function* transformSlice(batches: AsyncIterable<RecordBatch>, sliceTable: string, arrowSchema: ArrowSchema, cfg: EventReaderConfig): AsyncGenerator<RecordBatch> {
  const out = new EventBuilders(arrowSchema);
  const [tsid, etime, eid, ikey, ivalue, imeta, wtime, slice, tbucket, ebucket] = out.columns as [ColumnBuilder, ...ColumnBuilder[]];
  const sliceName = encoder.encode(sliceTable);
  let scratch = new Uint8Array(256);
  const scratchView = () => new DataView(scratch.buffer);
  let view = scratchView();
  cfg.stats.slices++;
  for await (const batch of batches) {
    const c = (name: string) => columnData(batch, name, true);
    const ids = c('time_series_id'), times = c('event_time'), eventIds = c('event_id'), keys = c('event_item_key');
    const values = c('event_item_value'), metadata = columnData(batch, 'value_metadata');
    const wtValue = columnData(batch, 'writetime(event_item_value)'), wtMeta = columnData(batch, 'writetime(value_metadata)');
    const timeBucket = intReader(c('time_bucket'), 'time_bucket'), eventBucket = intReader(c('event_bucket'), 'event_bucket');
    const eventTime = micros(times, cfg.eventTimeUnit);
    const wtv = wtValue && int64Words(wtValue.values as BigInt64Array), wtm = wtMeta && int64Words(wtMeta.values as BigInt64Array);
    const idCol = new KeyColumn(ids), eventCol = new KeyColumn(eventIds), keyCol = new KeyColumn(keys);
    const valueCol = new KeyColumn(values), metaCol = metadata && new KeyColumn(metadata);
    for (let i = 0; i < batch.numRows; i++) {
      if (!isValid(times, i) || !isValid(eventIds, i) || !isValid(keys, i)) continue; // partition without rows
      const us = eventTime(i);
      if (cfg.window && (us < cfg.window.startMs * 1000 || us >= cfg.window.endMs * 1000)) { cfg.stats.outsideWindow++; continue; }
      if (cfg.dedup) {
        const il = idCol.length(i), el = eventCol.length(i), kl = keyCol.length(i);
        const need = il + el + kl + 16;
        if (need > scratch.length) { scratch = new Uint8Array(need * 2); view = scratchView(); }
        let p = 0;
        view.setUint32(p, il); copy(scratch, p + 4, idCol.bytes, idCol.start(i), il); p += 4 + il;
        view.setFloat64(p, us); p += 8;
        view.setUint32(p, el); copy(scratch, p + 4, eventCol.bytes, eventCol.start(i), el); p += 4 + el;
        copy(scratch, p, keyCol.bytes, keyCol.start(i), kl); p += kl;
        if (!cfg.dedup.add(scratch, p)) { cfg.stats.duplicatesRemoved++; continue; }
      }
      idCol.appendTo(tsid, i);
      etime!.appendNumber(us);
      eventCol.appendTo(eid!, i);
      keyCol.appendTo(ikey!, i);
      valueCol.appendTo(ivalue!, i);
      if (metaCol) metaCol.appendTo(imeta!, i); else imeta!.appendNull();
      const t = Math.max(wtValue && isValid(wtValue, i) ? getInt64(wtv!, i) : -Infinity, wtMeta && isValid(wtMeta, i) ? getInt64(wtm!, i) : -Infinity);
      if (t === -Infinity) wtime!.appendNull(); else wtime!.appendNumber(t);
      slice!.appendValue(sliceName, 0, sliceName.length);
      tbucket!.appendNumber(timeBucket(i));
      ebucket!.appendNumber(eventBucket(i));
      out.rows++;
      cfg.stats.items++;
    }
    if (out.rows > 0) yield out.finish();
  }
}

function copy(to: Uint8Array, at: number, from: Uint8Array, start: number, length: number): void {
  for (let k = 0; k < length; k++) to[at + k] = from[start + k]!;
}
