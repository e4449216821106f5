// One row or range tombstone marker held in reusable typed arrays (no per-cell objects): the layout shared by the
// decoder's Unfiltered (unfiltered.ts, cells index the header's columns) and the merge's RowBuffer
// (engine/compaction/row-buffer.ts, cells index the table layout). Values, paths and clustering components are
// ranges of `bytes`; timestamps are µs, deletion times seconds, both as doubles (NO_TIMESTAMP = -Infinity).

import { CLUSTERING } from './clustering.ts';
import { NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL } from './deletion-time.ts';

/** A typed array at least `need` long: `a` itself, or a copy grown by doubling. */
export function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  let n = Math.max(a.length * 2, 1);
  while (n < need) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

export class RowArrays {
  /** ClusteringPrefix.Kind ordinal: CLUSTERING (row), STATIC_CLUSTERING (static row) or a bound/boundary kind. */
  kind = CLUSTERING;
  bytes: Uint8Array = new Uint8Array(0);

  clusteringSize = 0;
  clusteringStart = new Int32Array(4);
  /** -1 for a null component. */
  clusteringLength = new Int32Array(4);

  livenessTimestamp = NO_TIMESTAMP;
  livenessTtl = NO_TTL;
  livenessExpirationSec = NO_DELETION_TIME;

  /** Row deletion, a bound's deletion, or a boundary's end (closing) deletion. */
  deletionMarkedForDeleteAt = NO_TIMESTAMP;
  deletionLocalDeletionTime = NO_DELETION_TIME;
  deletionShadowable = false;
  /** A boundary's start (opening) deletion. */
  openMarkedForDeleteAt = NO_TIMESTAMP;
  openLocalDeletionTime = NO_DELETION_TIME;

  cellCount = 0;
  cellColumn = new Int32Array(16);
  cellFlags = new Uint8Array(16);
  cellTimestamp = new Float64Array(16);
  cellLocalDeletionTime = new Float64Array(16);
  cellTtl = new Int32Array(16);
  cellPathStart = new Int32Array(16);
  /** -1 for cells of simple columns. */
  cellPathLength = new Int32Array(16);
  cellValueStart = new Int32Array(16);
  cellValueLength = new Int32Array(16);

  complexDeletionCount = 0;
  complexDeletionColumn = new Int32Array(4);
  complexDeletionMarkedForDeleteAt = new Float64Array(4);
  complexDeletionLocalDeletionTime = new Float64Array(4);

  /** Empties the row and makes it of `kind`; the buffers are kept. */
  protected resetRow(kind: number): void {
    this.kind = kind;
    this.clusteringSize = 0;
    this.livenessTimestamp = NO_TIMESTAMP;
    this.livenessTtl = NO_TTL;
    this.livenessExpirationSec = NO_DELETION_TIME;
    this.deletionMarkedForDeleteAt = NO_TIMESTAMP;
    this.deletionLocalDeletionTime = NO_DELETION_TIME;
    this.deletionShadowable = false;
    this.openMarkedForDeleteAt = NO_TIMESTAMP;
    this.openLocalDeletionTime = NO_DELETION_TIME;
    this.cellCount = 0;
    this.complexDeletionCount = 0;
  }

  /** Room for `n` clustering components. */
  ensureClustering(n: number): void {
    if (n > this.clusteringStart.length) {
      this.clusteringStart = grow(this.clusteringStart, n);
      this.clusteringLength = grow(this.clusteringLength, n);
    }
  }

  /** Room for `n` cells. */
  ensureCells(n: number): void {
    if (n <= this.cellColumn.length) return;
    this.cellColumn = grow(this.cellColumn, n);
    this.cellFlags = grow(this.cellFlags, n);
    this.cellTimestamp = grow(this.cellTimestamp, n);
    this.cellLocalDeletionTime = grow(this.cellLocalDeletionTime, n);
    this.cellTtl = grow(this.cellTtl, n);
    this.cellPathStart = grow(this.cellPathStart, n);
    this.cellPathLength = grow(this.cellPathLength, n);
    this.cellValueStart = grow(this.cellValueStart, n);
    this.cellValueLength = grow(this.cellValueLength, n);
  }

  /** Index of a new cell slot, for the caller to fill. */
  allocateCell(): number {
    const i = this.cellCount++;
    if (i >= this.cellColumn.length) this.ensureCells(i + 1);
    return i;
  }

  addComplexDeletion(column: number, markedForDeleteAt: number, localDeletionTime: number): void {
    const i = this.complexDeletionCount++;
    if (i >= this.complexDeletionColumn.length) {
      this.complexDeletionColumn = grow(this.complexDeletionColumn, i + 1);
      this.complexDeletionMarkedForDeleteAt = grow(this.complexDeletionMarkedForDeleteAt, i + 1);
      this.complexDeletionLocalDeletionTime = grow(this.complexDeletionLocalDeletionTime, i + 1);
    }
    this.complexDeletionColumn[i] = column;
    this.complexDeletionMarkedForDeleteAt[i] = markedForDeleteAt;
    this.complexDeletionLocalDeletionTime[i] = localDeletionTime;
  }

  /** Copies the row state of `o` (cells point into the same `bytes`, which this row then shares). */
  copyRowFrom(o: RowArrays): void {
    this.resetRow(o.kind);
    this.bytes = o.bytes;
    this.ensureClustering(o.clusteringSize);
    this.clusteringSize = o.clusteringSize;
    this.clusteringStart.set(o.clusteringStart.subarray(0, o.clusteringSize));
    this.clusteringLength.set(o.clusteringLength.subarray(0, o.clusteringSize));
    this.livenessTimestamp = o.livenessTimestamp; this.livenessTtl = o.livenessTtl; this.livenessExpirationSec = o.livenessExpirationSec;
    this.deletionMarkedForDeleteAt = o.deletionMarkedForDeleteAt; this.deletionLocalDeletionTime = o.deletionLocalDeletionTime;
    this.deletionShadowable = o.deletionShadowable;
    this.openMarkedForDeleteAt = o.openMarkedForDeleteAt; this.openLocalDeletionTime = o.openLocalDeletionTime;
    const n = o.cellCount;
    this.ensureCells(n);
    this.cellCount = n;
    this.cellColumn.set(o.cellColumn.subarray(0, n)); this.cellFlags.set(o.cellFlags.subarray(0, n));
    this.cellTimestamp.set(o.cellTimestamp.subarray(0, n)); this.cellLocalDeletionTime.set(o.cellLocalDeletionTime.subarray(0, n));
    this.cellTtl.set(o.cellTtl.subarray(0, n));
    this.cellPathStart.set(o.cellPathStart.subarray(0, n)); this.cellPathLength.set(o.cellPathLength.subarray(0, n));
    this.cellValueStart.set(o.cellValueStart.subarray(0, n)); this.cellValueLength.set(o.cellValueLength.subarray(0, n));
    for (let k = 0; k < o.complexDeletionCount; k++) {
      this.addComplexDeletion(o.complexDeletionColumn[k]!, o.complexDeletionMarkedForDeleteAt[k]!, o.complexDeletionLocalDeletionTime[k]!);
    }
  }
}
