// In-memory UnfilteredSource built from plain descriptions, and a sink that turns merged rows back into plain
// values, for merge tests. Text values throughout; clustering columns are Int32Type unless a test says otherwise.

import { CELL_EXPIRING, CELL_TOMBSTONE, NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL } from '../../../engine/compaction/reconcile.ts';
import {
  CLUSTERING, MARKER, PARTITION_END, PARTITION_START, ROW, RowBuffer, SOURCE_END, STATIC_CLUSTERING, STATIC_ROW,
} from '../../../engine/compaction/row-buffer.ts';
import type { UnfilteredSource } from '../../../engine/compaction/row-buffer.ts';
import type { MergedRowSink } from '../../../engine/compaction/merge.ts';
import type { TableLayout } from '../../../engine/compaction/table-layout.ts';
import { murmur3Token } from '../../../engine/compaction/token.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

export type Cell = {
  col: number; ts: number; value?: string | Uint8Array; tomb?: boolean; ttl?: number; ldt?: number; path?: string | Uint8Array;
};
export type Row = {
  ck?: (number | null)[]; liveness?: { ts: number; ttl?: number; exp?: number }; deletion?: [number, number, boolean?];
  cells?: Cell[]; complex?: { col: number; m: number; l: number }[];
};
export type Marker = { marker: number; ck: number[]; del: [number, number]; open?: [number, number] };
export type Partition = { key: string; deletion?: [number, number]; static?: Row; items?: (Row | Marker)[] };

export function int32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n);
  return b;
}

const bytes = (v: string | Uint8Array | undefined) => (v === undefined ? new Uint8Array(0) : typeof v === 'string' ? enc.encode(v) : v);

function fillRow(buf: RowBuffer, kind: number, row: Row): void {
  buf.reset(kind);
  for (const v of row.ck ?? []) {
    if (v === null) buf.addClustering(null, 0, -1);
    else { const b = int32(v); buf.addClustering(b, 0, 4); }
  }
  if (row.liveness) {
    buf.livenessTimestamp = row.liveness.ts;
    buf.livenessTtl = row.liveness.ttl ?? NO_TTL;
    buf.livenessExpirationSec = row.liveness.exp ?? NO_DELETION_TIME;
  }
  if (row.deletion) {
    buf.deletionMarkedForDeleteAt = row.deletion[0];
    buf.deletionLocalDeletionTime = row.deletion[1];
    buf.deletionShadowable = row.deletion[2] ?? false;
  }
  for (const c of row.cells ?? []) {
    const flags = c.tomb ? CELL_TOMBSTONE : c.ttl ? CELL_EXPIRING : 0;
    const v = bytes(c.value);
    const p = c.path === undefined ? null : bytes(c.path);
    buf.addCell(c.col, c.ts, flags, c.tomb || c.ttl ? c.ldt! : NO_DELETION_TIME, c.ttl ?? NO_TTL, p, 0, p?.length ?? 0, v, 0, v.length);
  }
  for (const d of row.complex ?? []) buf.addComplexDeletion(d.col, d.m, d.l);
}

/** A source over partitions given in order. */
export class ArraySource implements UnfilteredSource {
  readonly row = new RowBuffer();
  partitionKey: Uint8Array = new Uint8Array(0);
  token = 0n;
  partitionMarkedForDeleteAt = NO_TIMESTAMP;
  partitionLocalDeletionTime = NO_DELETION_TIME;
  private p = -1;
  private item = -2; // -2 before static, -1 static done
  skipped = 0;

  constructor(private readonly partitions: Partition[], private readonly keyBytes: (k: string) => Uint8Array = (k) => enc.encode(k)) {}

  next(): number {
    if (this.item === Number.MAX_SAFE_INTEGER || this.p < 0) return this.nextPartition();
    const part = this.partitions[this.p]!;
    if (this.item === -2) {
      this.item = -1;
      if (part.static) { fillRow(this.row, STATIC_CLUSTERING, part.static); return STATIC_ROW; }
    }
    const items = part.items ?? [];
    this.item = this.item < 0 ? 0 : this.item + 1;
    if (this.item >= items.length) { this.item = Number.MAX_SAFE_INTEGER; return PARTITION_END; }
    const it = items[this.item]!;
    if ('marker' in it) {
      this.row.reset(it.marker);
      for (const v of it.ck) { const b = int32(v); this.row.addClustering(b, 0, 4); }
      this.row.deletionMarkedForDeleteAt = it.del[0];
      this.row.deletionLocalDeletionTime = it.del[1];
      if (it.open) { this.row.openMarkedForDeleteAt = it.open[0]; this.row.openLocalDeletionTime = it.open[1]; }
      return MARKER;
    }
    fillRow(this.row, CLUSTERING, it);
    return ROW;
  }

  private nextPartition(): number {
    this.p++;
    if (this.p >= this.partitions.length) return SOURCE_END;
    const part = this.partitions[this.p]!;
    this.partitionKey = this.keyBytes(part.key);
    this.token = murmur3Token(this.partitionKey);
    this.partitionMarkedForDeleteAt = part.deletion?.[0] ?? NO_TIMESTAMP;
    this.partitionLocalDeletionTime = part.deletion?.[1] ?? NO_DELETION_TIME;
    this.item = -2;
    return PARTITION_START;
  }

  skipPartition(): void {
    this.skipped++;
    this.item = Number.MAX_SAFE_INTEGER;
  }
}

export type OutRow = { pk: string; ck: (number | null)[]; cells: Record<string, string | string[]>; static: Record<string, string | string[]> };

function cellsOf(layout: TableLayout, row: RowBuffer): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < row.cellCount; i++) {
    const col = layout.columns[row.cellColumn[i]!]!;
    const v = dec.decode(row.bytes.subarray(row.cellValueStart[i]!, row.cellValueStart[i]! + row.cellValueLength[i]!));
    if (col.isComplex) {
      const path = dec.decode(row.bytes.subarray(row.cellPathStart[i]!, row.cellPathStart[i]! + row.cellPathLength[i]!));
      ((out[col.name] ??= []) as string[]).push(v === '' ? path : `${path}=${v}`);
    } else {
      out[col.name] = v;
    }
  }
  return out;
}

export class CollectSink implements MergedRowSink {
  rows: OutRow[] = [];
  constructor(private readonly layout: TableLayout) {}
  addRow(partitionKey: Uint8Array, staticRow: RowBuffer | null, row: RowBuffer | null): void {
    const ck: (number | null)[] = [];
    if (row) {
      for (let i = 0; i < row.clusteringSize; i++) {
        const l = row.clusteringLength[i]!;
        ck.push(l < 0 ? null : new DataView(row.bytes.buffer, row.bytes.byteOffset + row.clusteringStart[i]!, 4).getInt32(0));
      }
    } else {
      for (let i = 0; i < this.layout.clusteringCount; i++) ck.push(null);
    }
    this.rows.push({
      pk: dec.decode(partitionKey), ck, cells: row ? cellsOf(this.layout, row) : {}, static: staticRow ? cellsOf(this.layout, staticRow) : {},
    });
  }
}
