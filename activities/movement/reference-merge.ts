// The legacy connector's merge: a deliberately plain, in-memory reference of Cassandra's merge rules, written apart
// from engine/compaction (which streams). Every SSTable of the table is decoded with engine/sstable's scanner into one
// Map of partitions; per partition a Map of rows keyed by clustering; cells reconciled by timestamp, then tombstone
// wins, then the later local deletion time, then the greater value; partition, row, range and complex deletions
// shadow what they cover; TTLs expire at the reference time. Only the type comparators (clustering order, for range
// tombstones) and the Arrow encoding (BatchWriter) are borrowed from the engine.
import type { RecordBatch } from 'apache-arrow';
import { BatchWriter } from '../../engine/compaction/batch-writer.ts';
import { CELL_EXPIRING } from '../../engine/compaction/reconcile.ts';
import { CLUSTERING as BUF_CLUSTERING, RowBuffer, STATIC_CLUSTERING as BUF_STATIC } from '../../engine/compaction/row-buffer.ts';
import type { TableLayout } from '../../engine/compaction/table-layout.ts';
import { CassbergError } from '../../engine/errors.ts';
import { EXCL_END_BOUND, EXCL_END_INCL_START_BOUNDARY, EXCL_START_BOUND, INCL_END_BOUND, INCL_END_EXCL_START_BOUNDARY, INCL_START_BOUND } from '../../engine/sstable/clustering.ts';
import { NO_TIMESTAMP } from '../../engine/sstable/deletion-time.ts';
import { MARKER, PARTITION_END, STATIC_ROW } from '../../engine/sstable/partition-scanner.ts';
import type { SSTable } from '../../engine/sstable/sstable-reader.ts';
import { CELL_IS_DELETED, CELL_IS_EXPIRING, type Unfiltered } from '../../engine/sstable/unfiltered.ts';

/** A partition larger than the legacy connector may hold in memory; no retry makes it fit. */
export class PartitionTooLargeError extends CassbergError {
  constructor(message: string, context: Record<string, string | number> = {}) {
    super('FeatureUnsupported', message, context);
  }
}
PartitionTooLargeError.prototype.name = 'PartitionTooLargeError';

interface RefCell { column: number; ts: number; tombstone: boolean; expiring: boolean; ldt: number; ttl: number; path: Uint8Array | null; value: Uint8Array }
interface RefRow { clustering: (Uint8Array | null)[]; livenessTs: number; livenessTtl: number; livenessExpSec: number; deletedAt: number; cells: Map<string, RefCell>; complexDeletedAt: Map<number, number> }
interface RangeDeletion { start: (Uint8Array | null)[]; startInclusive: boolean; end: (Uint8Array | null)[]; endInclusive: boolean; deletedAt: number }
interface RefPartition { key: Uint8Array; deletedAt: number; staticRow: RefRow | null; rows: Map<string, RefRow>; ranges: RangeDeletion[]; bytes: number }

const hex = (b: Uint8Array | null) => (b === null ? '~' : Buffer.from(b).toString('hex'));
const copy = (bytes: Uint8Array, start: number, length: number) => (length < 0 ? null : bytes.slice(start, start + length));

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Cassandra's Cells.reconcile: the later timestamp; on a tie the tombstone, then the later deletion time, then the greater value. */
export function reconcileCells(a: RefCell, b: RefCell, nowSec: number): RefCell {
  if (a.ts !== b.ts) return a.ts > b.ts ? a : b;
  const deadA = a.tombstone || (a.expiring && a.ldt <= nowSec), deadB = b.tombstone || (b.expiring && b.ldt <= nowSec);
  if (deadA !== deadB) return deadA ? a : b;
  if (a.ldt !== b.ldt && (a.expiring || a.tombstone) && (b.expiring || b.tombstone)) return a.ldt > b.ldt ? a : b;
  return compareBytes(a.value, b.value) >= 0 ? a : b;
}

export interface ReferenceMergeOptions { nowSec: number; maxPartitionBytes: number; onPartition?: (count: number) => void }

export class ReferenceMerge {
  readonly partitions = new Map<string, RefPartition>();
  private readonly clusteringColumns;

  constructor(private readonly layout: TableLayout, private readonly options: ReferenceMergeOptions) {
    this.clusteringColumns = layout.columns.filter((c) => c.kind === 'clustering');
  }

  /** Decodes one SSTable into the partitions map. */
  async add(sstable: SSTable): Promise<void> {
    const scanner = sstable.scanner();
    const staticMap = this.columnMap(sstable.header.staticColumns.map((c) => c.name));
    const regularMap = this.columnMap(sstable.header.regularColumns.map((c) => c.name));
    while (await scanner.nextPartition()) {
      const key = scanner.partitionKey.slice();
      const p = this.partition(key);
      if (scanner.partitionMarkedForDeleteAt > p.deletedAt) p.deletedAt = scanner.partitionMarkedForDeleteAt;
      let open: RangeDeletion | null = null;
      for (;;) {
        const ev = await scanner.nextUnfiltered();
        if (ev === PARTITION_END) break;
        const u = scanner.unfiltered;
        if (ev === MARKER) { open = this.marker(p, u, open); continue; }
        const isStatic = ev === STATIC_ROW;
        this.addRow(p, u, isStatic ? staticMap : regularMap, isStatic);
        if (p.bytes > this.options.maxPartitionBytes) {
          throw new PartitionTooLargeError(`partition ${hex(key)} of ${sstable.data.name} holds more than ${this.options.maxPartitionBytes} bytes, the legacy connector's in-memory limit`,
            { partitionKey: hex(key), limitBytes: this.options.maxPartitionBytes });
        }
      }
      this.options.onPartition?.(this.partitions.size);
    }
  }

  private columnMap(names: string[]): Int32Array {
    return Int32Array.from(names, (n) => this.layout.columns.find((c) => c.name === n && (c.kind === 'static' || c.kind === 'regular'))?.index ?? -1);
  }

  private partition(key: Uint8Array): RefPartition {
    const id = hex(key);
    let p = this.partitions.get(id);
    if (!p) {
      p = { key, deletedAt: NO_TIMESTAMP, staticRow: null, rows: new Map(), ranges: [], bytes: key.length };
      this.partitions.set(id, p);
    }
    return p;
  }

  private clusteringOf(u: Unfiltered): (Uint8Array | null)[] {
    const out: (Uint8Array | null)[] = [];
    for (let i = 0; i < u.clusteringSize; i++) out.push(copy(u.bytes, u.clusteringStart[i]!, u.clusteringLength[i]!));
    return out;
  }

  private marker(p: RefPartition, u: Unfiltered, open: RangeDeletion | null): RangeDeletion | null {
    const bound = this.clusteringOf(u);
    const close = (inclusive: boolean) => {
      if (open) { open.end = bound; open.endInclusive = inclusive; p.ranges.push(open); }
    };
    switch (u.kind) {
      case INCL_START_BOUND: case EXCL_START_BOUND:
        return { start: bound, startInclusive: u.kind === INCL_START_BOUND, end: [], endInclusive: true, deletedAt: u.deletionMarkedForDeleteAt };
      case INCL_END_BOUND: case EXCL_END_BOUND:
        close(u.kind === INCL_END_BOUND);
        return null;
      case EXCL_END_INCL_START_BOUNDARY: case INCL_END_EXCL_START_BOUNDARY:
        close(u.kind === INCL_END_EXCL_START_BOUNDARY);
        return { start: bound, startInclusive: u.kind === EXCL_END_INCL_START_BOUNDARY, end: [], endInclusive: true, deletedAt: u.openMarkedForDeleteAt };
      default:
        return open;
    }
  }

  private addRow(p: RefPartition, u: Unfiltered, columns: Int32Array, isStatic: boolean): void {
    const clustering = isStatic ? [] : this.clusteringOf(u);
    const id = clustering.map(hex).join('/');
    let row = isStatic ? p.staticRow : p.rows.get(id);
    if (!row) {
      row = { clustering, livenessTs: NO_TIMESTAMP, livenessTtl: 0, livenessExpSec: Infinity, deletedAt: NO_TIMESTAMP, cells: new Map(), complexDeletedAt: new Map() };
      if (isStatic) p.staticRow = row; else p.rows.set(id, row);
      p.bytes += clustering.reduce((a, c) => a + (c?.length ?? 0), 0);
    }
    if (u.livenessTimestamp > row.livenessTs || (u.livenessTimestamp === row.livenessTs && u.livenessExpirationSec > row.livenessExpSec)) {
      row.livenessTs = u.livenessTimestamp;
      row.livenessTtl = u.livenessTtl;
      row.livenessExpSec = u.livenessTtl > 0 ? u.livenessExpirationSec : Infinity;
    }
    if (u.deletionMarkedForDeleteAt > row.deletedAt) row.deletedAt = u.deletionMarkedForDeleteAt;
    for (let i = 0; i < u.complexDeletionCount; i++) {
      const c = columns[u.complexDeletionColumn[i]!]!;
      if (c >= 0 && u.complexDeletionMarkedForDeleteAt[i]! > (row.complexDeletedAt.get(c) ?? NO_TIMESTAMP)) row.complexDeletedAt.set(c, u.complexDeletionMarkedForDeleteAt[i]!);
    }
    for (let i = 0; i < u.cellCount; i++) {
      const column = columns[u.cellColumn[i]!]!;
      if (column < 0 || u.cellTimestamp[i]! <= this.layout.columns[column]!.droppedAtMicros) continue;
      const cell: RefCell = {
        column, ts: u.cellTimestamp[i]!, tombstone: (u.cellFlags[i]! & CELL_IS_DELETED) !== 0, expiring: (u.cellFlags[i]! & CELL_IS_EXPIRING) !== 0,
        ldt: u.cellLocalDeletionTime[i]!, ttl: u.cellTtl[i]!, path: copy(u.bytes, u.cellPathStart[i]!, u.cellPathLength[i]!),
        value: u.bytes.slice(u.cellValueStart[i]!, u.cellValueStart[i]! + u.cellValueLength[i]!),
      };
      const key = `${column}:${hex(cell.path)}`;
      const prev = row.cells.get(key);
      if (!prev) p.bytes += cell.value.length + (cell.path?.length ?? 0) + 32;
      row.cells.set(key, prev ? reconcileCells(prev, cell, this.options.nowSec) : cell);
    }
  }

  /** -1/0/1 of a row's clustering against a bound over the bound's prefix. */
  private comparePrefix(row: (Uint8Array | null)[], bound: (Uint8Array | null)[]): number {
    for (let i = 0; i < bound.length; i++) {
      const a = row[i] ?? null, b = bound[i] ?? null;
      if (a === null || b === null) { if (a !== b) return a === null ? -1 : 1; continue; }
      const d = this.clusteringColumns[i]!.comparator(a, 0, a.length, b, 0, b.length);
      if (d !== 0) return d;
    }
    return 0;
  }

  private rangeDeletedAt(p: RefPartition, row: RefRow): number {
    let max = NO_TIMESTAMP;
    for (const r of p.ranges) {
      const s = this.comparePrefix(row.clustering, r.start), e = this.comparePrefix(row.clustering, r.end);
      if ((s > 0 || (s === 0 && r.startInclusive)) && (e < 0 || (e === 0 && r.endInclusive)) && r.deletedAt > max) max = r.deletedAt;
    }
    return max;
  }

  /** The row's live cells in column then path order (what BatchWriter expects), shadowed by `deletedAt`. */
  private liveCells(row: RefRow, deletedAt: number): RefCell[] {
    const now = this.options.nowSec;
    const live = [...row.cells.values()].filter((c) => !c.tombstone && !(c.expiring && c.ldt <= now)
      && c.ts > Math.max(deletedAt, row.complexDeletedAt.get(c.column) ?? NO_TIMESTAMP));
    return live.sort((a, b) => {
      if (a.column !== b.column) return a.column - b.column;
      if (!a.path || !b.path) return 0;
      return this.layout.columns[a.column]!.pathComparator(a.path, 0, a.path.length, b.path, 0, b.path.length);
    });
  }

  private toBuffer(row: RefRow, cells: RefCell[], livenessLive: boolean, isStatic: boolean): RowBuffer {
    const b = new RowBuffer();
    b.reset(isStatic ? BUF_STATIC : BUF_CLUSTERING);
    for (const c of row.clustering) b.addClustering(c, 0, c?.length ?? -1);
    if (livenessLive) { b.livenessTimestamp = row.livenessTs; b.livenessTtl = row.livenessTtl; b.livenessExpirationSec = row.livenessExpSec; }
    for (const c of cells) b.addCell(c.column, c.ts, c.expiring ? CELL_EXPIRING : 0, c.ldt, c.ttl, c.path, 0, c.path?.length ?? 0, c.value, 0, c.value.length);
    return b;
  }

  /** The merged rows as the engine's CQL-shaped Arrow batches (BatchWriter), partition by partition. */
  async *batches(writer: BatchWriter): AsyncGenerator<RecordBatch> {
    const now = this.options.nowSec;
    for (const p of this.partitions.values()) {
      let staticBuf: RowBuffer | null = null;
      if (p.staticRow) {
        const cells = this.liveCells(p.staticRow, Math.max(p.deletedAt, p.staticRow.deletedAt));
        if (cells.length > 0) staticBuf = this.toBuffer(p.staticRow, cells, false, true);
      }
      const rows = [...p.rows.values()].sort((a, b) => this.compareRows(a, b));
      let emitted = 0;
      for (const row of rows) {
        const deletedAt = Math.max(p.deletedAt, row.deletedAt, this.rangeDeletedAt(p, row));
        const livenessLive = row.livenessTs > deletedAt && row.livenessExpSec > now;
        const cells = this.liveCells(row, deletedAt);
        if (!livenessLive && cells.length === 0) continue;
        writer.addRow(p.key, staticBuf, this.toBuffer(row, cells, livenessLive, false));
        emitted++;
      }
      if (emitted === 0 && staticBuf) writer.addRow(p.key, staticBuf, null);
      if (writer.isFull()) {
        const batch = writer.flush();
        if (batch) yield batch;
      }
    }
    const last = writer.flush();
    if (last) yield last;
  }

  private compareRows(a: RefRow, b: RefRow): number {
    return this.comparePrefix(a.clustering, b.clustering);
  }
}
