// Engine-shaped input for connector tests: rows described as plain values are serialized the way SSTable cells
// hold them and pushed through the merge engine's own BatchWriter (engine/compaction/batch-writer.ts), so the
// connectors see exactly the Arrow types, nullability and `writetime(col)` columns the engine produces.

import type { RecordBatch } from 'apache-arrow';
import { BatchWriter } from '../../engine/compaction/batch-writer.ts';
import { NO_DELETION_TIME, NO_TTL } from '../../engine/compaction/reconcile.ts';
import { CLUSTERING, RowBuffer } from '../../engine/compaction/row-buffer.ts';
import { createTableLayout } from '../../engine/compaction/table-layout.ts';
import type { ColumnSpec } from '../../engine/compaction/table-layout.ts';

const enc = new TextEncoder();

export const text = (s: string): Uint8Array => enc.encode(s);
export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex'));
export const toHex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

export function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

export function int64(n: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(n));
  return b;
}

/** A cell: its serialized value and write timestamp (µs). */
export interface CellValue { value: Uint8Array; ts: number }

export interface EngineRow {
  /** Serialized partition key components, in order. */
  pk: Uint8Array[];
  /** Serialized clustering components, in order. */
  ck: Uint8Array[];
  /** Regular cells by column name. */
  cells: Record<string, CellValue>;
}

/** CompositeType key of several components (u16 length, bytes, end-of-component 0), or the single component. */
function partitionKey(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length + 3, 0));
  let pos = 0;
  for (const p of parts) {
    out[pos] = p.length >> 8; out[pos + 1] = p.length & 0xff;
    out.set(p, pos + 2);
    pos += p.length + 3;
  }
  return out;
}

/** Rows → engine batches of at most `rowsPerBatch` rows, with `writetime(col)` for the listed columns. */
export function engineBatches(specs: ColumnSpec[], rows: EngineRow[], opts: { writetime?: string[]; rowsPerBatch?: number } = {}): RecordBatch[] {
  const layout = createTableLayout(specs);
  const writer = new BatchWriter(layout, { nowSec: 1_800_000_000, writetime: opts.writetime });
  const out: RecordBatch[] = [];
  const row = new RowBuffer();
  const per = opts.rowsPerBatch ?? Infinity;
  for (const r of rows) {
    row.reset(CLUSTERING);
    for (const c of r.ck) row.addClustering(c, 0, c.length);
    for (const c of layout.columns) {
      const cell = r.cells[c.name];
      if (cell) row.addCell(c.index, cell.ts, 0, NO_DELETION_TIME, NO_TTL, null, 0, -1, cell.value, 0, cell.value.length);
    }
    writer.addRow(partitionKey(r.pk), null, row);
    if (writer.rowCount >= per) out.push(writer.flush()!);
  }
  const last = writer.flush();
  if (last) out.push(last);
  return out;
}

export async function* stream<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Rows of batches as plain objects: bigint kept, binary as hex, nested vectors through toJSON. */
export function plainRows(batches: RecordBatch[]): Array<Record<string, unknown>> {
  return batches.flatMap((b) => b.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) if (v instanceof Uint8Array) o[k] = toHex(v);
    return o;
  }));
}

/** One column's values read from the buffers: int64/timestamp/time as bigint, decimal as unscaled bigint, binary as hex. */
export function columnValues(batches: RecordBatch[], name: string): unknown[] {
  const out: unknown[] = [];
  for (const b of batches) {
    const i = b.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new Error(`no column ${name}`);
    const data = b.data.children[i]!;
    const vector = b.getChildAt(i)!;
    const type = String(data.type);
    for (let r = 0; r < data.length; r++) {
      if (!data.getValid(r)) { out.push(null); continue; }
      if (/^(Int64|Timestamp|Time)/.test(type)) out.push((data.values as BigInt64Array)[r]);
      else if (type.startsWith('Decimal')) {
        const w = data.values as Uint32Array;
        let v = 0n;
        for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(w[4 * r + k]!);
        out.push(BigInt.asIntN(128, v));
      } else {
        const v = vector.get(r);
        out.push(v instanceof Uint8Array ? toHex(v) : v && typeof (v as { toJSON?: unknown }).toJSON === 'function' ? JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? String(x) : x instanceof Uint8Array ? toHex(x) : x))) : v);
      }
    }
  }
  return out;
}
