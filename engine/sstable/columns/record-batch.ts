// CQL rows of one sstable → Arrow RecordBatches: one builder per `SELECT *` column, filled straight from the
// unfiltered's byte ranges (clustering values, cells, non-frozen collection cells by path), finished with makeData.

import { Field, RecordBatch, Schema, Struct, makeData } from 'apache-arrow';
import { scanCqlRows, liveCells } from '../cql-rows.ts';
import type { CqlRowSink, RowsOptions } from '../cql-rows.ts';
import type { PartitionScanner } from '../partition-scanner.ts';
import { SCHEMA_ONLY } from '../table-model.ts';
import type { ModelColumn, TableModel } from '../table-model.ts';
import type { Unfiltered } from '../unfiltered.ts';
import { StructBuilder, createColumnBuilder } from './column-builder.ts';
import type { CollectionBuilder, ColumnBuilder } from './column-builder.ts';

/** Appends a column's live value in `u` (or null) to its builder. */
function appendColumn(b: ColumnBuilder, u: Unfiltered | null, col: ModelColumn, deletedAt: number, nowSec: number, scratch: Int32Array): void {
  if (!u) return b.appendNull();
  const cells = u.cellCount <= scratch.length ? scratch : new Int32Array(u.cellCount);
  const n = liveCells(u, col, deletedAt, nowSec, cells);
  if (n === 0) return b.appendNull();
  const type = col.type;
  if (!type.multiCell) {
    const i = cells[0]!;
    return b.appendValue(u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!);
  }
  if (b instanceof StructBuilder) { // non-frozen UDT: fields by 2-byte index path
    const seen = new Uint8Array(type.params.length);
    for (let k = 0; k < n; k++) {
      const i = cells[k]!, ps = u.cellPathStart[i]!;
      const f = u.cellPathLength[i] === 2 ? (u.bytes[ps]! << 8) | u.bytes[ps + 1]! : -1;
      if (f < 0 || f >= seen.length || seen[f]) continue;
      seen[f] = 1;
      b.appendField(f, u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!);
    }
    for (let f = 0; f < seen.length; f++) if (!seen[f]) b.fields[f]!.appendNull();
    return b.endRow(true);
  }
  const c = b as CollectionBuilder;
  c.beginCollection();
  for (let k = 0; k < n; k++) {
    const i = cells[k]!;
    if (type.name === 'ListType') c.elements.appendValue(u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!);
    else {
      c.elements.appendValue(u.bytes, u.cellPathStart[i]!, u.cellPathLength[i]!);
      c.mapValues?.appendValue(u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!);
    }
  }
  c.endCollection();
}

export class ArrowRowSink implements CqlRowSink {
  readonly builders: ColumnBuilder[];
  readonly schema: Schema;
  rows = 0;
  private readonly scratch = new Int32Array(256);

  constructor(readonly model: TableModel, readonly nowSec: number) {
    this.builders = model.selectOrder.map((c) => createColumnBuilder(c.type));
    this.schema = new Schema(model.selectOrder.map((c, i) => new Field(c.name, this.builders[i]!.arrowType, c.kind !== 'partition_key' && c.kind !== 'clustering')));
  }

  row(key: readonly Uint8Array[], staticRow: Unfiltered | null, staticDeletedAt: number, row: Unfiltered | null, rowDeletedAt: number): void {
    const cols = this.model.selectOrder;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j]!, b = this.builders[j]!;
      if (c.kind === 'partition_key') b.appendValue(key[c.headerIndex]!, 0, key[c.headerIndex]!.length);
      else if (c.kind === 'clustering') {
        const len = row ? row.clusteringLength[c.headerIndex]! : -1;
        if (row && len >= 0) b.appendValue(row.bytes, row.clusteringStart[c.headerIndex]!, len);
        else b.appendNull();
      } else if (c.headerIndex === SCHEMA_ONLY) b.appendNull();
      else if (this.model.statics[c.headerIndex] === c) appendColumn(b, staticRow, c, staticDeletedAt, this.nowSec, this.scratch);
      else appendColumn(b, row, c, rowDeletedAt, this.nowSec, this.scratch);
    }
    this.rows++;
  }

  /** The rows so far as one RecordBatch; the builders start over. */
  flush(): RecordBatch {
    const children = this.builders.map((b) => b.finish());
    const data = makeData({ type: new Struct(this.schema.fields), length: this.rows, nullCount: 0, children });
    this.rows = 0;
    return new RecordBatch(this.schema, data);
  }
}

/** Reads one sstable's rows as Arrow RecordBatches of at most `batchRows` rows. */
export async function readRecordBatches(scanner: PartitionScanner, model: TableModel, options: RowsOptions & { batchRows?: number } = {}): Promise<RecordBatch[]> {
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  const batchRows = options.batchRows ?? 65536;
  const sink = new ArrowRowSink(model, nowSec);
  const batches: RecordBatch[] = [];
  const flushing: CqlRowSink = {
    row(key, s, sd, r, rd) {
      sink.row(key, s, sd, r, rd);
      if (sink.rows >= batchRows) batches.push(sink.flush());
    },
  };
  await scanCqlRows(scanner, model, flushing, { nowSec });
  if (sink.rows > 0 || batches.length === 0) batches.push(sink.flush());
  return batches;
}
