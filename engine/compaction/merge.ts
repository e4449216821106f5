// K-way merge of partition streams (many SSTables of many replicas) into the rows a full-table `SELECT *` returns
// at nowSec, after apache/cassandra db/rows/UnfilteredRowIterators.java (the merge iterator and its partition
// deletion), db/rows/RangeTombstoneMarker.java (Merger: the open deletion is the newest of the open markers),
// db/ClusteringComparator.java (order of rows and bounds), db/transform/Filter.java and
// cql3/statements/SelectStatement.processPartition (a partition with no live row but live static data shows one row
// with null clustering columns). Streaming: one row per source is held, never a partition.

import { CorruptInputError } from '../errors.ts';
import { NO_DELETION_TIME, NO_TIMESTAMP, deletionSupersedes } from './reconcile.ts';
import {
  KIND_COMPARED_TO_CLUSTERING, KIND_COMPARISON, MARKER, PARTITION_END, PARTITION_START, ROW, RowBuffer, SOURCE_END,
  STATIC_ROW, isBoundary, isEndBound, isStartBound,
} from './row-buffer.ts';
import type { UnfilteredSource } from './row-buffer.ts';
import { RowMerger } from './row-merger.ts';
import type { TableLayout } from './table-layout.ts';
import { comparePartitions, tokenInRange } from './token.ts';
import type { PartitionerName, TokenRange } from './token.ts';
import type { ValueComparator } from './value-comparator.ts';

export interface MergeOptions {
  /** Reference time: expiring data with localDeletionTime <= nowSec is dead. */
  nowSec: number;
  partitioner: PartitionerName;
  /** Only partitions whose token lies in this range (start exclusive, end inclusive). */
  tokenRange?: TokenRange;
}

/** Receives merged rows; `row` is null for the static-only row of a partition without live rows. */
export interface MergedRowSink {
  addRow(partitionKey: Uint8Array, staticRow: RowBuffer | null, row: RowBuffer | null): void;
  /** When present, fill() returns as soon as this says a batch is ready. */
  isFull?(): boolean;
}

/** ClusteringComparator.compare over two RowBuffers (rows and bounds). */
export function compareClusterings(comparators: readonly ValueComparator[], a: RowBuffer, b: RowBuffer): number {
  const n = a.clusteringSize < b.clusteringSize ? a.clusteringSize : b.clusteringSize;
  for (let i = 0; i < n; i++) {
    const la = a.clusteringLength[i]!, lb = b.clusteringLength[i]!;
    if (la < 0 || lb < 0) {
      if (la !== lb) return la < 0 ? -1 : 1;
      continue;
    }
    const d = comparators[i]!(a.bytes, a.clusteringStart[i]!, la, b.bytes, b.clusteringStart[i]!, lb);
    if (d !== 0) return d;
  }
  if (a.clusteringSize === b.clusteringSize) return KIND_COMPARISON[a.kind]! - KIND_COMPARISON[b.kind]!;
  return a.clusteringSize < b.clusteringSize ? KIND_COMPARED_TO_CLUSTERING[a.kind]! : -KIND_COMPARED_TO_CLUSTERING[b.kind]!;
}

/** Open range tombstones of the current partition, as a multiset: a close removes one equal open deletion. */
class OpenDeletions {
  private marked = new Float64Array(8);
  private local = new Float64Array(8);
  private count = 0;
  activeMarkedForDeleteAt = NO_TIMESTAMP;
  activeLocalDeletionTime = NO_DELETION_TIME;

  clear(): void {
    this.count = 0;
    this.activeMarkedForDeleteAt = NO_TIMESTAMP;
    this.activeLocalDeletionTime = NO_DELETION_TIME;
  }

  open(m: number, l: number): void {
    if (this.count === this.marked.length) {
      const nm = new Float64Array(this.count * 2), nl = new Float64Array(this.count * 2);
      nm.set(this.marked); nl.set(this.local);
      this.marked = nm; this.local = nl;
    }
    this.marked[this.count] = m;
    this.local[this.count++] = l;
    if (deletionSupersedes(m, l, this.activeMarkedForDeleteAt, this.activeLocalDeletionTime)) {
      this.activeMarkedForDeleteAt = m;
      this.activeLocalDeletionTime = l;
    }
  }

  close(m: number, l: number): void {
    for (let i = 0; i < this.count; i++) {
      if (this.marked[i] !== m || this.local[i] !== l) continue;
      this.count--;
      this.marked[i] = this.marked[this.count]!;
      this.local[i] = this.local[this.count]!;
      this.activeMarkedForDeleteAt = NO_TIMESTAMP;
      this.activeLocalDeletionTime = NO_DELETION_TIME;
      for (let j = 0; j < this.count; j++) {
        if (deletionSupersedes(this.marked[j]!, this.local[j]!, this.activeMarkedForDeleteAt, this.activeLocalDeletionTime)) {
          this.activeMarkedForDeleteAt = this.marked[j]!;
          this.activeLocalDeletionTime = this.local[j]!;
        }
      }
      return;
    }
  }
}


export class PartitionMerger {
  private readonly sources: readonly UnfilteredSource[];
  private readonly state: Int32Array;
  private readonly participants: number[] = [];
  private readonly rowMerger: RowMerger;
  private readonly comparators: ValueComparator[];
  private readonly open = new OpenDeletions();
  private readonly staticOut = new RowBuffer();
  private readonly rowOut = new RowBuffer();
  private readonly group: RowBuffer[] = [];
  private readonly members: number[] = [];
  private started = false;
  private inPartition = false;
  private partitionKey: Uint8Array = new Uint8Array(0);
  private partitionMarked = NO_TIMESTAMP;
  private partitionLocal = NO_DELETION_TIME;
  private hasStatic = false;
  private emittedRow = false;

  /** Partitions and rows seen, for progress and tests. */
  partitionsMerged = 0;
  rowsEmitted = 0;

  constructor(sources: readonly UnfilteredSource[], private readonly layout: TableLayout, private readonly options: MergeOptions) {
    this.sources = sources;
    this.state = new Int32Array(sources.length);
    this.rowMerger = new RowMerger(layout, options.nowSec);
    this.comparators = layout.columns.filter((c) => c.kind === 'clustering').map((c) => c.comparator);
  }

  /**
   * Merges until `sink` has been given `maxRows` rows more, or says it is full, or the sources are exhausted; returns false
   * once everything has been merged. State survives between calls, so a caller can flush batches in between.
   */
  async fill(sink: MergedRowSink, maxRows: number): Promise<boolean> {
    if (!this.started) {
      await this.advanceSources(this.sources.map((_, i) => i));
      this.started = true;
    }
    const target = this.rowsEmitted + maxRows;
    while (this.rowsEmitted < target) {
      if (!this.inPartition && !(await this.startPartition())) return false;
      if (this.inPartition) {
        const before = this.rowsEmitted;
        const pending = this.step(sink);
        if (pending) await pending;
        if (this.rowsEmitted !== before && sink.isFull?.()) break;
      }
    }
    return true;
  }

  /** Picks the smallest partition among the sources, skipping those outside the token range. */
  private async startPartition(): Promise<boolean> {
    for (;;) {
      let min = -1;
      for (let i = 0; i < this.sources.length; i++) {
        if (this.state[i] === SOURCE_END) continue;
        if (this.state[i] !== PARTITION_START) throw this.orderError(i, 'expected a partition start');
        if (min < 0 || this.comparePartitionsOf(i, min) < 0) min = i;
      }
      if (min < 0) return false;
      const p = this.participants;
      p.length = 0;
      for (let i = 0; i < this.sources.length; i++) {
        if (this.state[i] === PARTITION_START && (i === min || this.comparePartitionsOf(i, min) === 0)) p.push(i);
      }
      const lead = this.sources[min]!;
      const range = this.options.tokenRange;
      if (range && this.options.partitioner === 'Murmur3Partitioner' && !tokenInRange(range, lead.token)) {
        for (const i of p) {
          const r = this.sources[i]!.skipPartition();
          if (r) await r;
        }
        await this.advanceSources(p);
        continue;
      }
      this.partitionKey = lead.partitionKey.slice();
      this.partitionMarked = NO_TIMESTAMP;
      this.partitionLocal = NO_DELETION_TIME;
      for (const i of p) {
        const s = this.sources[i]!;
        if (deletionSupersedes(s.partitionMarkedForDeleteAt, s.partitionLocalDeletionTime, this.partitionMarked, this.partitionLocal)) {
          this.partitionMarked = s.partitionMarkedForDeleteAt;
          this.partitionLocal = s.partitionLocalDeletionTime;
        }
      }
      await this.advanceSources(p);
      this.open.clear();
      this.emittedRow = false;
      this.hasStatic = this.mergeStatic();
      await this.advanceSources(p.filter((i) => this.state[i] === STATIC_ROW));
      this.inPartition = true;
      this.partitionsMerged++;
      return true;
    }
  }

  /**
   * Moves the given sources to their next event. Synchronous while the sources are; otherwise the returned promise
   * settles once all of them have answered (their reads overlap).
   */
  private advanceSources(list: readonly number[]): Promise<void> | undefined {
    let pending: Promise<void>[] | undefined;
    for (const i of list) {
      const r = this.sources[i]!.next();
      if (typeof r === 'number') this.state[i] = r;
      else (pending ??= []).push(r.then((v) => { this.state[i] = v; }));
    }
    return pending && Promise.all(pending).then(() => undefined);
  }

  private advanceOne(i: number): Promise<void> | undefined {
    const r = this.sources[i]!.next();
    if (typeof r === 'number') { this.state[i] = r; return undefined; }
    return r.then((v) => { this.state[i] = v; });
  }

  private comparePartitionsOf(i: number, j: number): number {
    const a = this.sources[i]!, b = this.sources[j]!;
    return comparePartitions(this.options.partitioner, a.token, a.partitionKey, b.token, b.partitionKey);
  }

  private mergeStatic(): boolean {
    const group = this.group;
    group.length = 0;
    for (const i of this.participants) if (this.state[i] === STATIC_ROW) group.push(this.sources[i]!.row);
    if (group.length === 0) return false;
    return this.rowMerger.merge(group, group.length, this.partitionMarked, this.partitionLocal, this.staticOut);
  }

  /** Handles the next marker or row of the current partition, or its end. */
  private step(sink: MergedRowSink): Promise<void> | undefined {
    let min = -1;
    for (const i of this.participants) {
      const st = this.state[i]!;
      if (st === PARTITION_END) continue;
      if (st !== ROW && st !== MARKER) throw this.orderError(i, `unexpected event ${st} inside a partition`);
      if (min < 0 || compareClusterings(this.comparators, this.sources[i]!.row, this.sources[min]!.row) < 0) min = i;
    }
    if (min < 0) return this.endPartition(sink);
    const lead = this.sources[min]!.row;
    if (this.state[min] === MARKER) {
      this.applyMarker(lead);
      return this.advanceOne(min);
    }
    const group = this.group;
    group.length = 0;
    const members = this.members;
    members.length = 0;
    for (const i of this.participants) {
      if (this.state[i] !== ROW) continue;
      const r = this.sources[i]!.row;
      if (i === min || compareClusterings(this.comparators, r, lead) === 0) { group.push(r); members.push(i); }
    }
    let am = this.partitionMarked, al = this.partitionLocal;
    if (deletionSupersedes(this.open.activeMarkedForDeleteAt, this.open.activeLocalDeletionTime, am, al)) {
      am = this.open.activeMarkedForDeleteAt; al = this.open.activeLocalDeletionTime;
    }
    if (this.rowMerger.merge(group, group.length, am, al, this.rowOut)) {
      sink.addRow(this.partitionKey, this.hasStatic ? this.staticOut : null, this.rowOut);
      this.emittedRow = true;
      this.rowsEmitted++;
    }
    return this.advanceSources(members);
  }

  private applyMarker(marker: RowBuffer): void {
    if (isStartBound(marker.kind)) {
      this.open.open(marker.deletionMarkedForDeleteAt, marker.deletionLocalDeletionTime);
    } else if (isEndBound(marker.kind)) {
      this.open.close(marker.deletionMarkedForDeleteAt, marker.deletionLocalDeletionTime);
    } else if (isBoundary(marker.kind)) {
      this.open.close(marker.deletionMarkedForDeleteAt, marker.deletionLocalDeletionTime);
      this.open.open(marker.openMarkedForDeleteAt, marker.openLocalDeletionTime);
    }
  }

  private endPartition(sink: MergedRowSink): Promise<void> | undefined {
    if (!this.emittedRow && this.hasStatic) {
      sink.addRow(this.partitionKey, this.staticOut, null);
      this.rowsEmitted++;
    }
    this.inPartition = false;
    return this.advanceSources(this.participants);
  }

  private orderError(source: number, what: string): CorruptInputError {
    return new CorruptInputError(`merge source ${source}`, 0, `${what} (got event ${this.state[source]})`);
  }
}

