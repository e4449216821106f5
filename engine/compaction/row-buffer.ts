// The merge's input and output unit: one row or range tombstone marker in the typed arrays of RowArrays (shared with
// the decoder's Unfiltered), so a source refills the same RowBuffer for every unfiltered and no per-cell object is
// created. Cells refer to columns by their index in the table schema (TableLayout); values, paths and clustering
// components are ranges of `bytes`, which the buffer owns (appendBytes) or a source points at its read window.

import { RowArrays, grow } from '../sstable/row-arrays.ts';

// ClusteringPrefix.Kind ordinals: the sstable decoder's constants, one definition for both.
import {
  CLUSTERING, EXCL_END_BOUND, EXCL_END_INCL_START_BOUNDARY, EXCL_START_BOUND, INCL_END_BOUND, INCL_END_EXCL_START_BOUNDARY,
  INCL_START_BOUND, STATIC_CLUSTERING,
} from '../sstable/clustering.ts';

export {
  CLUSTERING, EXCL_END_BOUND, EXCL_END_INCL_START_BOUNDARY, EXCL_START_BOUND, INCL_END_BOUND, INCL_END_EXCL_START_BOUNDARY,
  INCL_START_BOUND, STATIC_CLUSTERING,
};

/** Kind.comparison by ordinal (ClusteringPrefix.Kind). */
export const KIND_COMPARISON = Int8Array.from([0, 0, 0, 1, 2, 3, 3, 3]);
/** Kind.comparedToClustering by ordinal: where a bound sorts relative to rows sharing its prefix. */
export const KIND_COMPARED_TO_CLUSTERING = Int8Array.from([-1, -1, -1, -1, 0, 1, 1, 1]);

export function isStartBound(kind: number): boolean { return kind === INCL_START_BOUND || kind === EXCL_START_BOUND; }
export function isEndBound(kind: number): boolean { return kind === INCL_END_BOUND || kind === EXCL_END_BOUND; }
export function isBoundary(kind: number): boolean {
  return kind === EXCL_END_INCL_START_BOUNDARY || kind === INCL_END_EXCL_START_BOUNDARY;
}

export class RowBuffer extends RowArrays {
  /** Values, paths and clustering components are ranges of this; a source may point it at its own read window. */
  override bytes: Uint8Array = new Uint8Array(1024);
  used = 0;

  /** Resets to an empty row of `kind`; the buffers are kept. */
  reset(kind: number): void {
    this.resetRow(kind);
    this.used = 0;
  }

  /** Copies `length` bytes into the row's byte area and returns where they start. */
  appendBytes(src: Uint8Array, start: number, length: number): number {
    const at = this.used;
    if (at + length > this.bytes.length) this.bytes = grow(this.bytes, at + length);
    const bytes = this.bytes;
    if (length < 64) {
      for (let i = 0; i < length; i++) bytes[at + i] = src[start + i]!;
    } else {
      bytes.set(src.subarray(start, start + length), at);
    }
    this.used = at + length;
    return at;
  }

  /** Reserves `length` bytes to be written by the caller and returns where they start. */
  reserveBytes(length: number): number {
    const at = this.used;
    if (at + length > this.bytes.length) this.bytes = grow(this.bytes, at + length);
    this.used = at + length;
    return at;
  }

  /** Appends a clustering component (null when `length` < 0). */
  addClustering(src: Uint8Array | null, start: number, length: number): void {
    const i = this.clusteringSize++;
    this.ensureClustering(i + 1);
    this.clusteringLength[i] = src === null || length < 0 ? -1 : length;
    this.clusteringStart[i] = src === null || length < 0 ? 0 : this.appendBytes(src, start, length);
  }

  /**
   * Appends a cell. Cells of one column must be contiguous, and those of a complex column sorted by path.
   * `flags` are reconcile.ts CELL_* flags; `path` null for simple columns.
   */
  addCell(column: number, timestamp: number, flags: number, localDeletionTime: number, ttl: number,
          path: Uint8Array | null, pathStart: number, pathLength: number,
          value: Uint8Array, valueStart: number, valueLength: number): void {
    const i = this.allocateCell();
    this.cellColumn[i] = column;
    this.cellTimestamp[i] = timestamp;
    this.cellFlags[i] = flags;
    this.cellLocalDeletionTime[i] = localDeletionTime;
    this.cellTtl[i] = ttl;
    this.cellPathLength[i] = path === null ? -1 : pathLength;
    this.cellPathStart[i] = path === null ? 0 : this.appendBytes(path, pathStart, pathLength);
    this.cellValueLength[i] = valueLength;
    this.cellValueStart[i] = this.appendBytes(value, valueStart, valueLength);
  }
}

/** What UnfilteredSource.next() reached. */
export const SOURCE_END = 0;
export const PARTITION_START = 1;
export const STATIC_ROW = 2;
export const ROW = 3;
export const MARKER = 4;
export const PARTITION_END = 5;

/**
 * One SSTable (or any ordered stream of partitions) as the merge reads it. `next()` moves to the next event:
 * PARTITION_START (partitionKey, token and partition deletion set), then optionally STATIC_ROW, then ROW / MARKER
 * events in clustering order (`row` filled), then PARTITION_END; SOURCE_END after the last partition.
 * `skipPartition()` after PARTITION_START moves to just before the next PARTITION_START without decoding rows.
 * Either method may return a promise when it must wait for I/O.
 */
export interface UnfilteredSource {
  next(): number | Promise<number>;
  skipPartition(): void | Promise<void>;
  readonly partitionKey: Uint8Array;
  /** Murmur3 token of partitionKey (ignored for ByteOrderedPartitioner). */
  readonly token: bigint;
  readonly partitionMarkedForDeleteAt: number;
  readonly partitionLocalDeletionTime: number;
  readonly row: RowBuffer;
}
