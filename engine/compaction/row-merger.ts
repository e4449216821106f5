// Merges the versions of one row (same clustering, one version per source) into what a SELECT returns, after
// apache/cassandra db/rows/Row.java (Row.Merger.merge and its ColumnDataReducer), db/rows/ComplexColumnData.java
// and db/transform/Filter.java (purge of everything not live at nowInSec). The output RowBuffer holds only live
// primary-key liveness and live cells; merge() says whether the row has live data (Row.hasLiveData).

import {
  CELL_TOMBSTONE, NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL, deletionDeletes, deletionSupersedes, isCellLive,
  isLivenessLive, isShadowedBy, livenessSupersedes, resolveCounter, resolveRegular,
} from './reconcile.ts';
import { mergeCounterContexts } from './counter-context.ts';
import { STATIC_CLUSTERING } from './row-buffer.ts';
import type { RowBuffer } from './row-buffer.ts';
import type { TableLayout } from './table-layout.ts';

export class RowMerger {
  private readonly layout: TableLayout;
  private readonly nowSec: number;
  /** Per input slot: for each column, the [start, end) range of its cells. */
  private starts: Int32Array[] = [];
  private ends: Int32Array[] = [];
  /** Per input slot: cursor inside a complex column. */
  private cursor = new Int32Array(8);
  private counterScratch = [new Uint8Array(256), new Uint8Array(256)];

  constructor(layout: TableLayout, nowSec: number) {
    this.layout = layout;
    this.nowSec = nowSec;
  }

  private ensureSlots(n: number): void {
    const width = this.layout.columns.length;
    while (this.starts.length < n) {
      this.starts.push(new Int32Array(width));
      this.ends.push(new Int32Array(width));
    }
    if (this.cursor.length < n) this.cursor = new Int32Array(n * 2);
  }

  private indexCells(slot: number, row: RowBuffer): void {
    const starts = this.starts[slot]!, ends = this.ends[slot]!;
    starts.fill(0);
    ends.fill(0);
    const columns = row.cellColumn;
    for (let i = 0; i < row.cellCount; i++) {
      const c = columns[i]!;
      if (i === 0 || columns[i - 1] !== c) starts[c] = i;
      ends[c] = i + 1;
    }
  }

  /**
   * Merges `rows[0..n)` under `activeDeletion` (the partition deletion or the covering range tombstone, whichever
   * supersedes) into `out`, which receives the clustering of rows[0]. Returns whether the merged row has live data.
   */
  merge(rows: readonly RowBuffer[], n: number, activeMarkedForDeleteAt: number, activeLocalDeletionTime: number,
        out: RowBuffer): boolean {
    const first = rows[0]!;
    out.reset(first.kind);
    for (let i = 0; i < first.clusteringSize; i++) {
      out.addClustering(first.bytes, first.clusteringStart[i]!, first.clusteringLength[i]!);
    }
    let lts = NO_TIMESTAMP, lttl = NO_TTL, lexp = NO_DELETION_TIME;
    let dm = NO_TIMESTAMP, dl = NO_DELETION_TIME, dShadowable = false;
    this.ensureSlots(n);
    for (let s = 0; s < n; s++) {
      const r = rows[s]!;
      if (livenessSupersedes(r.livenessTimestamp, r.livenessTtl, r.livenessExpirationSec, lts, lttl, lexp)) {
        lts = r.livenessTimestamp; lttl = r.livenessTtl; lexp = r.livenessExpirationSec;
      }
      if (deletionSupersedes(r.deletionMarkedForDeleteAt, r.deletionLocalDeletionTime, dm, dl)) {
        dm = r.deletionMarkedForDeleteAt; dl = r.deletionLocalDeletionTime; dShadowable = r.deletionShadowable;
      }
      this.indexCells(s, r);
    }
    if (isShadowedBy(dShadowable, dm, lts)) { dm = NO_TIMESTAMP; dl = NO_DELETION_TIME; }
    let am = activeMarkedForDeleteAt, al = activeLocalDeletionTime;
    if (deletionSupersedes(dm, dl, am, al)) { am = dm; al = dl; }
    if (deletionDeletes(am, lts)) lts = NO_TIMESTAMP;
    let live = false;
    if (isLivenessLive(lts, lttl, lexp, this.nowSec)) {
      out.livenessTimestamp = lts; out.livenessTtl = lttl; out.livenessExpirationSec = lexp;
      live = true;
    }
    const columnIndexes = first.kind === STATIC_CLUSTERING ? this.layout.staticColumns : this.layout.regularColumns;
    for (let k = 0; k < columnIndexes.length; k++) {
      const c = columnIndexes[k]!;
      const column = this.layout.columns[c]!;
      const added = column.isComplex
        ? this.mergeComplex(rows, n, c, am, al, out)
        : this.mergeSimple(rows, n, c, column.isCounter, am, out);
      if (added) live = true;
    }
    return live;
  }

  /** ColumnDataReducer for a simple column: reconcile the versions not deleted by the active deletion. */
  private mergeSimple(rows: readonly RowBuffer[], n: number, c: number, isCounter: boolean, am: number, out: RowBuffer): boolean {
    const dropped = this.layout.columns[c]!.droppedAtMicros;
    let win = -1, winCell = -1;
    let mergedCounter = -1, mergedLength = 0, mergedTs = NO_TIMESTAMP;
    for (let s = 0; s < n; s++) {
      const start = this.starts[s]![c]!, end = this.ends[s]![c]!;
      if (start === end) continue;
      const r = rows[s]!;
      const ts = r.cellTimestamp[start]!;
      if (ts <= dropped || deletionDeletes(am, ts)) continue;
      if (win < 0) { win = s; winCell = start; continue; }
      const w = rows[win]!;
      if (!isCounter) {
        if (resolveRegular(
          w.cellTimestamp[winCell]!, w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, w.bytes, w.cellValueStart[winCell]!, w.cellValueLength[winCell]!,
          ts, r.cellFlags[start]!, r.cellLocalDeletionTime[start]!, r.bytes, r.cellValueStart[start]!, r.cellValueLength[start]!,
        ) === 1) { win = s; winCell = start; }
        continue;
      }
      // counters: a running merged context lives in counterScratch[mergedCounter] once two live versions met
      const wLength = mergedCounter >= 0 ? mergedLength : w.cellValueLength[winCell]!;
      const wTs = mergedCounter >= 0 ? mergedTs : w.cellTimestamp[winCell]!;
      const wFlags = mergedCounter >= 0 ? 0 : w.cellFlags[winCell]!;
      const res = resolveCounter(wTs, wFlags, wLength, ts, r.cellFlags[start]!, r.cellValueLength[start]!);
      if (res === 0) continue;
      if (res === 1) { win = s; winCell = start; mergedCounter = -1; continue; }
      const target = mergedCounter === 0 ? 1 : 0;
      const srcBytes = mergedCounter >= 0 ? this.counterScratch[mergedCounter]! : w.bytes;
      const srcStart = mergedCounter >= 0 ? 0 : w.cellValueStart[winCell]!;
      const need = wLength + r.cellValueLength[start]!;
      if (this.counterScratch[target]!.length < need) this.counterScratch[target] = new Uint8Array(need * 2);
      mergedLength = mergeCounterContexts(srcBytes, srcStart, wLength, r.bytes, r.cellValueStart[start]!, r.cellValueLength[start]!,
        this.counterScratch[target]!, 0);
      mergedCounter = target;
      mergedTs = Math.max(wTs, ts);
    }
    if (win < 0) return false;
    const w = rows[win]!;
    if (mergedCounter >= 0) {
      out.addCell(c, mergedTs, 0, NO_DELETION_TIME, NO_TTL, null, 0, 0, this.counterScratch[mergedCounter]!, 0, mergedLength);
      return true;
    }
    if (!isCellLive(w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, this.nowSec)) return false;
    out.addCell(c, w.cellTimestamp[winCell]!, w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, w.cellTtl[winCell]!,
      null, 0, 0, w.bytes, w.cellValueStart[winCell]!, w.cellValueLength[winCell]!);
    return true;
  }

  /**
   * A complex column: the newest complex deletion applies to the cells when it supersedes the active deletion; the
   * cells of all versions merge by path (the column's path order) and reconcile per path.
   */
  private mergeComplex(rows: readonly RowBuffer[], n: number, c: number, am: number, al: number, out: RowBuffer): boolean {
    const column = this.layout.columns[c]!;
    let cm = NO_TIMESTAMP, cl = NO_DELETION_TIME;
    for (let s = 0; s < n; s++) {
      const r = rows[s]!;
      for (let i = 0; i < r.complexDeletionCount; i++) {
        if (r.complexDeletionColumn[i] !== c) continue;
        const m = r.complexDeletionMarkedForDeleteAt[i]!, l = r.complexDeletionLocalDeletionTime[i]!;
        if (m > column.droppedAtMicros && deletionSupersedes(m, l, cm, cl)) { cm = m; cl = l; }
      }
      this.cursor[s] = this.starts[s]![c]!;
    }
    const deletion = deletionSupersedes(cm, cl, am, al) ? cm : am;
    const compare = column.pathComparator;
    let added = false;
    for (;;) {
      // the smallest path among the versions' next cells
      let min = -1;
      for (let s = 0; s < n; s++) {
        const i = this.cursor[s]!;
        if (i >= this.ends[s]![c]!) continue;
        if (min < 0) { min = s; continue; }
        const r = rows[s]!, m = rows[min]!, mi = this.cursor[min]!;
        if (compare(r.bytes, r.cellPathStart[i]!, r.cellPathLength[i]!, m.bytes, m.cellPathStart[mi]!, m.cellPathLength[mi]!) < 0) min = s;
      }
      if (min < 0) return added;
      const m = rows[min]!, mi = this.cursor[min]!;
      let win = -1, winCell = -1;
      for (let s = 0; s < n; s++) {
        const i = this.cursor[s]!;
        if (i >= this.ends[s]![c]!) continue;
        const r = rows[s]!;
        if (s !== min && compare(r.bytes, r.cellPathStart[i]!, r.cellPathLength[i]!, m.bytes, m.cellPathStart[mi]!, m.cellPathLength[mi]!) !== 0) continue;
        this.cursor[s] = i + 1;
        const ts = r.cellTimestamp[i]!;
        if (ts <= column.droppedAtMicros || deletionDeletes(deletion, ts)) continue;
        if (win < 0) { win = s; winCell = i; continue; }
        const w = rows[win]!;
        if (resolveRegular(
          w.cellTimestamp[winCell]!, w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, w.bytes, w.cellValueStart[winCell]!, w.cellValueLength[winCell]!,
          ts, r.cellFlags[i]!, r.cellLocalDeletionTime[i]!, r.bytes, r.cellValueStart[i]!, r.cellValueLength[i]!,
        ) === 1) { win = s; winCell = i; }
      }
      if (win < 0) continue;
      const w = rows[win]!;
      if ((w.cellFlags[winCell]! & CELL_TOMBSTONE) !== 0 || !isCellLive(w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, this.nowSec)) continue;
      out.addCell(c, w.cellTimestamp[winCell]!, w.cellFlags[winCell]!, w.cellLocalDeletionTime[winCell]!, w.cellTtl[winCell]!,
        w.bytes, w.cellPathStart[winCell]!, w.cellPathLength[winCell]!, w.bytes, w.cellValueStart[winCell]!, w.cellValueLength[winCell]!);
      added = true;
    }
  }
}
