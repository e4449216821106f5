// Merged rows → Arrow RecordBatches in the table's CQL schema, cut by size. Options: column projection, per-column
// `writetime(col)` (int64 µs) and `ttl(col)` (int32 remaining seconds at nowSec, as CQL's TTL() shows) columns, and
// a row `last_modified` column (int64 µs: the newest timestamp among the row's live liveness and live cells).
// Types map as arrow-columns.ts / arrow-nested.ts say (collections → List / Map_, tuples, UDTs and durations → Struct).
// For a multi-cell column writetime is the newest element timestamp and ttl the smallest remaining TTL among its
// expiring elements.

import { Field, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import type { Data } from 'apache-arrow';
import { InvalidConfigError } from '../errors.ts';
import { createNumberBuilder } from './arrow-columns.ts';
import type { ColumnBuilder } from './arrow-columns.ts';
import { createJsonTextBuilder, createValueBuilder } from './arrow-nested.ts';
import type { ValueBuilder } from './arrow-nested.ts';
import type { MergedRowSink } from './merge.ts';
import { CELL_EXPIRING, NO_TIMESTAMP } from './reconcile.ts';
import type { RowBuffer } from './row-buffer.ts';
import type { ColumnLayout, TableLayout } from './table-layout.ts';

export interface BatchWriterOptions {
  nowSec: number;
  /** Columns to write, by name (default: every column in schema order). */
  columns?: readonly string[];
  /** Non-key columns that get a `writetime(<name>)` column. */
  writetime?: readonly string[];
  /** Non-key columns that get a `ttl(<name>)` column. */
  ttl?: readonly string[];
  /** Adds a row last-modified column; a string names it (default `last_modified`). */
  lastModified?: boolean | string;
  /** A batch is handed out once its buffers reach this many bytes (default 8 MiB). */
  maxBatchBytes?: number;
  /** Value columns as their `SELECT JSON` text (Utf8, field metadata JSON_TEXT) instead of typed Arrow columns. */
  jsonValues?: boolean;
}

/** Field metadata key marking a column whose values are `SELECT JSON` text (select-json.ts prints them as they are). */
export const JSON_TEXT = 'cassberg.select-json';

const VALUE = 0, WRITETIME = 1, TTL = 2, LAST_MODIFIED = 3;

interface Output {
  what: number;
  column: ColumnLayout | null;
  builder: ValueBuilder;
}

export class BatchWriter implements MergedRowSink {
  readonly schema: Schema;
  private readonly outputs: Output[] = [];
  private readonly layout: TableLayout;
  private readonly nowSec: number;
  private readonly maxBatchBytes: number;
  private readonly cellStart: Int32Array;
  private readonly cellEnd: Int32Array;
  private readonly keyStart: Int32Array;
  private readonly keyLength: Int32Array;
  private lastKey: Uint8Array | null = null;
  rowCount = 0;

  constructor(layout: TableLayout, options: BatchWriterOptions) {
    this.layout = layout;
    this.nowSec = options.nowSec;
    this.maxBatchBytes = options.maxBatchBytes ?? 8 << 20;
    const byName = new Map(layout.columns.map((c) => [c.name, c]));
    const pick = (name: string, what: string): ColumnLayout => {
      const c = byName.get(name);
      if (!c) throw new InvalidConfigError(`${what}: no column ${name} in the table`, { column: name });
      return c;
    };
    const fields: Field[] = [];
    for (const name of options.columns ?? layout.columns.map((c) => c.name)) {
      const c = pick(name, 'columns');
      const builder = options.jsonValues ? createJsonTextBuilder(c.type) : createValueBuilder(c.type);
      this.outputs.push({ what: VALUE, column: c, builder });
      const metadata = options.jsonValues ? new Map([[JSON_TEXT, 'true']]) : undefined;
      fields.push(new Field(c.name, builder.arrowType, c.kind !== 'partition_key', metadata));
    }
    for (const [list, what, prefix] of [[options.writetime, WRITETIME, 'writetime'], [options.ttl, TTL, 'ttl']] as const) {
      for (const name of list ?? []) {
        const c = pick(name, prefix);
        if (c.kind === 'partition_key' || c.kind === 'clustering') {
          throw new InvalidConfigError(`${prefix}: ${name} is a primary key column`, { column: name });
        }
        const builder: ValueBuilder = createNumberBuilder(what === WRITETIME ? 8 : 4);
        this.outputs.push({ what, column: c, builder });
        fields.push(new Field(`${prefix}(${name})`, builder.arrowType, true));
      }
    }
    if (options.lastModified) {
      const builder = createNumberBuilder(8);
      this.outputs.push({ what: LAST_MODIFIED, column: null, builder });
      fields.push(new Field(typeof options.lastModified === 'string' ? options.lastModified : 'last_modified', builder.arrowType, true));
    }
    this.schema = new Schema(fields);
    this.cellStart = new Int32Array(layout.columns.length);
    this.cellEnd = new Int32Array(layout.columns.length);
    this.keyStart = new Int32Array(Math.max(layout.partitionKeyCount, 1));
    this.keyLength = new Int32Array(Math.max(layout.partitionKeyCount, 1));
  }

  get byteSize(): number {
    let n = 0;
    for (const o of this.outputs) n += o.builder.byteSize;
    return n;
  }

  isFull(): boolean {
    return this.byteSize >= this.maxBatchBytes;
  }

  /** Splits a partition key into its components (CompositeType: u16 length, value, end-of-component byte). */
  private splitKey(key: Uint8Array): void {
    if (key === this.lastKey) return;
    this.lastKey = key;
    if (this.layout.partitionKeyCount <= 1) { this.keyStart[0] = 0; this.keyLength[0] = key.length; return; }
    let pos = 0;
    for (let i = 0; i < this.layout.partitionKeyCount; i++) {
      const length = (key[pos]! << 8) | key[pos + 1]!;
      this.keyStart[i] = pos + 2;
      this.keyLength[i] = length;
      pos += 3 + length;
    }
  }

  private indexCells(row: RowBuffer | null, columns: Int32Array): void {
    for (let k = 0; k < columns.length; k++) { this.cellStart[columns[k]!] = 0; this.cellEnd[columns[k]!] = 0; }
    if (!row) return;
    for (let i = 0; i < row.cellCount; i++) {
      const c = row.cellColumn[i]!;
      if (i === 0 || row.cellColumn[i - 1] !== c) this.cellStart[c] = i;
      this.cellEnd[c] = i + 1;
    }
  }

  addRow(partitionKey: Uint8Array, staticRow: RowBuffer | null, row: RowBuffer | null): void {
    this.splitKey(partitionKey);
    this.indexCells(staticRow, this.layout.staticColumns);
    this.indexCells(row, this.layout.regularColumns);
    for (const o of this.outputs) {
      if (o.what === LAST_MODIFIED) { this.appendLastModified(o.builder as ColumnBuilder, row ?? staticRow); continue; }
      const c = o.column!;
      if (c.kind === 'partition_key') {
        o.builder.appendValue(partitionKey, this.keyStart[c.index]!, this.keyLength[c.index]!);
      } else if (c.kind === 'clustering') {
        const i = c.index - this.layout.partitionKeyCount;
        const length = row ? row.clusteringLength[i]! : -1;
        if (!row || length < 0) o.builder.appendNull(); else o.builder.appendValue(row.bytes, row.clusteringStart[i]!, length);
      } else {
        const source = c.kind === 'static' ? staticRow : row;
        const start = this.cellStart[c.index]!, end = this.cellEnd[c.index]!;
        if (!source || start === end) o.builder.appendNull();
        else if (o.what === VALUE) this.appendCells(o.builder, c, source, start, end);
        else if (o.what === WRITETIME) (o.builder as ColumnBuilder).appendNumber(maxTimestamp(source, start, end));
        else this.appendTtl(o.builder as ColumnBuilder, source, start, end);
      }
    }
    this.rowCount++;
  }

  private appendCells(builder: ValueBuilder, c: ColumnLayout, row: RowBuffer, start: number, end: number): void {
    if (!c.isComplex) builder.appendValue(row.bytes, row.cellValueStart[start]!, row.cellValueLength[start]!);
    else builder.appendCells!(row, start, end);
  }

  private appendTtl(builder: ColumnBuilder, row: RowBuffer, start: number, end: number): void {
    let min = Infinity;
    for (let i = start; i < end; i++) {
      if ((row.cellFlags[i]! & CELL_EXPIRING) !== 0) min = Math.min(min, row.cellLocalDeletionTime[i]! - this.nowSec);
    }
    if (min === Infinity) builder.appendNull(); else builder.appendNumber(min);
  }

  private appendLastModified(builder: ColumnBuilder, row: RowBuffer | null): void {
    if (!row) { builder.appendNull(); return; }
    const ts = Math.max(row.livenessTimestamp, maxTimestamp(row, 0, row.cellCount));
    if (ts === NO_TIMESTAMP) builder.appendNull(); else builder.appendNumber(ts);
  }

  /** The rows added since the last flush as one RecordBatch, or null when there are none. */
  flush(): RecordBatch | null {
    if (this.rowCount === 0) return null;
    const children: Data[] = this.outputs.map((o) => o.builder.finish());
    const length = this.rowCount;
    this.rowCount = 0;
    const data = makeData({ type: new Struct(this.schema.fields), length, nullCount: 0, children });
    return new RecordBatch(this.schema, data);
  }
}

function maxTimestamp(row: RowBuffer, start: number, end: number): number {
  let ts = NO_TIMESTAMP;
  for (let i = start; i < end; i++) if (row.cellTimestamp[i]! > ts) ts = row.cellTimestamp[i]!;
  return ts;
}
