// CQL rows of ONE sstable as `SELECT *` would show them if it were the only data (no merge with other sstables:
// that is the compaction engine's job). Applies the partition deletion, open range tombstones, row deletions,
// complex deletions, dropped columns, cell tombstones and expiry at `nowSec`; a partition without live rows but
// with live static data shows one row with null clustering and regular columns (SelectStatement.processPartition).
// Rows go to a sink (JSON text here, Arrow builders in columns/record-batch.ts) as unfiltereds plus cell indexes.

import { ByteReader } from './byte-reader.ts';
import { isBoundaryKind, EXCL_START_BOUND, INCL_START_BOUND } from './clustering.ts';
import { multiCellJson, toJson } from './cql-json.ts';
import { NO_TIMESTAMP } from './deletion-time.ts';
import { MARKER, PARTITION_END, STATIC_ROW } from './partition-scanner.ts';
import type { PartitionScanner } from './partition-scanner.ts';
import { SCHEMA_ONLY } from './table-model.ts';
import type { ModelColumn, TableModel } from './table-model.ts';
import { unreversed } from './type-parser.ts';
import { CELL_IS_DELETED, CELL_IS_EXPIRING, Unfiltered } from './unfiltered.ts';

export interface RowsOptions {
  /** Reference time for TTL expiry (seconds); default now. */
  nowSec?: number;
}

/** Receives output rows. `staticRow`/`row` stay valid only during the call; deletedAt = what shadows their cells. */
export interface CqlRowSink {
  row(key: readonly Uint8Array[], staticRow: Unfiltered | null, staticDeletedAt: number,
      row: Unfiltered | null, rowDeletedAt: number): void;
}

/** Splits a partition key into its components (CompositeType: u16 length, bytes, end-of-component byte). */
export function splitPartitionKey(model: TableModel, key: Uint8Array, file: string): Uint8Array[] {
  if (model.partitionKey.length === 1 && unreversed(model.partitionKey[0]!.type).name !== 'CompositeType') return [key];
  const r = new ByteReader(key, file);
  const out: Uint8Array[] = [];
  while (r.remaining > 0) {
    out.push(r.readWithShortLength());
    r.readUint8();
  }
  if (out.length !== model.partitionKey.length) r.fail(`partition key of ${out.length} components, ${model.partitionKey.length} expected`, 0);
  return out;
}

/** The timestamp at or below which the column's cells in `u` are shadowed. */
function shadowOf(u: Unfiltered, col: ModelColumn, deletedAt: number): number {
  let shadow = deletedAt > col.droppedAtMicros ? deletedAt : col.droppedAtMicros;
  for (let k = 0; k < u.complexDeletionCount; k++) {
    if (u.complexDeletionColumn[k] === col.headerIndex && u.complexDeletionMarkedForDeleteAt[k]! > shadow) shadow = u.complexDeletionMarkedForDeleteAt[k]!;
  }
  return shadow;
}

function cellLive(u: Unfiltered, i: number, shadow: number, nowSec: number): boolean {
  const flags = u.cellFlags[i]!;
  if (flags & CELL_IS_DELETED || u.cellTimestamp[i]! <= shadow) return false;
  return !(flags & CELL_IS_EXPIRING && u.cellLocalDeletionTime[i]! <= nowSec);
}

/** Writes the indexes of the live cells of `col` in `u` to `out`; returns how many. */
export function liveCells(u: Unfiltered, col: ModelColumn, deletedAt: number, nowSec: number, out: Int32Array): number {
  const shadow = shadowOf(u, col, deletedAt);
  let n = 0;
  for (let i = 0; i < u.cellCount; i++) {
    if (u.cellColumn[i] === col.headerIndex && cellLive(u, i, shadow, nowSec)) out[n++] = i;
  }
  return n;
}

/** Whether the row has live liveness info or at least one live cell of a known column. */
function rowLive(u: Unfiltered, deletedAt: number, nowSec: number, columns: readonly (ModelColumn | null)[]): boolean {
  const t = u.livenessTimestamp;
  if (t !== NO_TIMESTAMP && t > deletedAt && !(u.livenessTtl > 0 && u.livenessExpirationSec <= nowSec)) return true;
  for (let i = 0; i < u.cellCount; i++) {
    const col = columns[u.cellColumn[i]!];
    if (col && cellLive(u, i, shadowOf(u, col, deletedAt), nowSec)) return true;
  }
  return false;
}

/** Streams the rows of one sstable to `sink`; returns how many rows were emitted. */
export async function scanCqlRows(scanner: PartitionScanner, model: TableModel, sink: CqlRowSink, options: RowsOptions = {}): Promise<number> {
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  const staticRow = new Unfiltered();
  let count = 0;
  while (await scanner.nextPartition()) {
    const partitionDeletedAt = scanner.partitionMarkedForDeleteAt;
    const key = splitPartitionKey(model, scanner.partitionKey, scanner.name);
    let hasStatic = false;
    let staticDeletedAt = partitionDeletedAt;
    let openDeletion = NO_TIMESTAMP;
    let rows = 0;
    for (;;) {
      const ev = await scanner.nextUnfiltered();
      if (ev === PARTITION_END) break;
      const u = scanner.unfiltered;
      if (ev === MARKER) {
        if (isBoundaryKind(u.kind)) openDeletion = u.openMarkedForDeleteAt;
        else openDeletion = u.kind === INCL_START_BOUND || u.kind === EXCL_START_BOUND ? u.deletionMarkedForDeleteAt : NO_TIMESTAMP;
        continue;
      }
      if (ev === STATIC_ROW) {
        staticDeletedAt = Math.max(partitionDeletedAt, u.deletionMarkedForDeleteAt);
        hasStatic = rowLive(u, staticDeletedAt, nowSec, model.statics);
        if (hasStatic) staticRow.copyFrom(u);
        continue;
      }
      if (model.staticCompact) continue; // dynamic (thrift-style) cells of a static compact table
      const deletedAt = Math.max(partitionDeletedAt, openDeletion, u.deletionMarkedForDeleteAt);
      if (!rowLive(u, deletedAt, nowSec, model.regulars)) continue;
      sink.row(key, hasStatic ? staticRow : null, staticDeletedAt, u, deletedAt);
      rows++;
    }
    if (rows === 0 && hasStatic) {
      sink.row(key, staticRow, staticDeletedAt, null, NO_TIMESTAMP);
      rows++;
    }
    count += rows;
  }
  return count;
}

/** JSON text of a column's value in `u` (null when no live cell); complex columns are assembled from cells. */
export function columnJson(u: Unfiltered, col: ModelColumn, deletedAt: number, nowSec: number, scratch: Int32Array): string | null {
  const n = liveCells(u, col, deletedAt, nowSec, scratch);
  if (n === 0) return null;
  if (col.type.multiCell) return multiCellJson(col.type, u, scratch, 0, n);
  const i = scratch[0]!;
  return toJson(col.type, u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!);
}

/** A sink rendering each row as one `SELECT JSON` object. */
export function createJsonRowSink(model: TableModel, emit: (json: string) => void, nowSec: number): CqlRowSink {
  const scratch = new Int32Array(1024);
  const columns = model.selectOrder;
  return {
    row(key, staticRow, staticDeletedAt, row, rowDeletedAt) {
      const parts: string[] = [];
      for (const c of columns) {
        let v: string | null = null;
        if (c.kind === 'partition_key') v = toJson(c.type, key[c.headerIndex]!, 0, key[c.headerIndex]!.length);
        else if (c.kind === 'clustering') {
          const len = row ? row.clusteringLength[c.headerIndex]! : -1;
          v = row && len >= 0 ? toJson(c.type, row.bytes, row.clusteringStart[c.headerIndex]!, len) : null;
        } else if (c.headerIndex === SCHEMA_ONLY) v = null;
        else if (model.statics[c.headerIndex] === c) v = staticRow && columnJson(staticRow, c, staticDeletedAt, nowSec, growFor(staticRow));
        else v = row && columnJson(row, c, rowDeletedAt, nowSec, growFor(row));
        parts.push(`${JSON.stringify(c.name)}: ${v ?? 'null'}`);
      }
      emit(`{${parts.join(', ')}}`);
    },
  };
  function growFor(u: Unfiltered): Int32Array { return u.cellCount <= scratch.length ? scratch : new Int32Array(u.cellCount); }
}

/** Streams the `SELECT JSON` rows of one sstable to `emit`; returns how many rows were emitted. */
export function forEachCqlRow(scanner: PartitionScanner, model: TableModel, emit: (json: string) => void,
                              options: RowsOptions = {}): Promise<number> {
  const nowSec = options.nowSec ?? Math.floor(Date.now() / 1000);
  return scanCqlRows(scanner, model, createJsonRowSink(model, emit, nowSec), { nowSec });
}
