// Adapter from the SSTable PartitionScanner (engine/sstable) to the merge's UnfilteredSource: maps the sstable's own
// serialization-header columns (trap 13: decode with the header, not today's schema) onto the table layout by name,
// drops cells of columns the layout does not have (dropped columns), and computes the partition token. Rows are
// not copied: the RowBuffer points at the scanner's window, which stays put until this source is advanced.

import { UnsupportedFormatError } from '../errors.ts';
import { MARKER, PARTITION_END, ROW, STATIC_ROW } from '../sstable/partition-scanner.ts';
import type { PartitionScanner, ScannerOptions } from '../sstable/partition-scanner.ts';
import type { HeaderColumn } from '../sstable/serialization-header.ts';
import type { SSTable } from '../sstable/sstable-reader.ts';
import type { Unfiltered } from '../sstable/unfiltered.ts';
import { CELL_EXPIRING, CELL_TOMBSTONE } from './reconcile.ts';
import { PARTITION_START, RowBuffer, SOURCE_END } from './row-buffer.ts';
import type { UnfilteredSource } from './row-buffer.ts';
import type { ColumnKind, TableLayout } from './table-layout.ts';
import { murmur3Token, toPartitionerName } from './token.ts';
import type { PartitionerName } from './token.ts';

/** Header column index → layout column index, -1 for columns the layout does not have. */
function mapColumns(header: readonly HeaderColumn[], layout: TableLayout, kind: ColumnKind): Int32Array {
  return Int32Array.from(header, (h) => {
    const c = layout.columns.find((l) => l.name === h.name);
    if (!c) return -1;
    if (c.kind !== kind) {
      throw new UnsupportedFormatError(`column ${h.name} is ${kind} in the sstable but ${c.kind} in the table`, { column: h.name });
    }
    return c.index;
  });
}

export class SSTableSource implements UnfilteredSource {
  readonly row = new RowBuffer();
  partitionKey: Uint8Array = new Uint8Array(0);
  token = 0n;
  partitionMarkedForDeleteAt = -Infinity;
  partitionLocalDeletionTime = Infinity;
  readonly partitioner: PartitionerName;

  private readonly scanner: PartitionScanner;
  private readonly staticMap: Int32Array;
  private readonly regularMap: Int32Array;
  private readonly clusteringCount: number;
  private inPartition = false;

  /** `scan` restricts the source to a Data.db byte range (e.g. from the partition index for a token range). */
  constructor(readonly sstable: SSTable, layout: TableLayout, scan: ScannerOptions = {}) {
    this.partitioner = toPartitionerName(sstable.partitioner);
    const header = sstable.header;
    if (header.clusteringTypes.length < layout.clusteringCount) {
      throw new UnsupportedFormatError(`sstable has ${header.clusteringTypes.length} clustering columns, the table ${layout.clusteringCount}`,
        { file: sstable.data.name });
    }
    this.clusteringCount = layout.clusteringCount;
    this.staticMap = mapColumns(header.staticColumns, layout, 'static');
    this.regularMap = mapColumns(header.regularColumns, layout, 'regular');
    this.scanner = sstable.scanner(scan);
  }

  next(): number | Promise<number> {
    if (!this.inPartition) return this.scanner.nextPartition().then((more) => this.startPartition(more));
    const ev = this.scanner.nextUnfiltered();
    return typeof ev === 'number' ? this.onEvent(ev) : ev.then((e) => this.onEvent(e));
  }

  skipPartition(): void {
    this.inPartition = false; // nextPartition() skips the rest of the current one
  }

  private startPartition(more: boolean): number {
    if (!more) return SOURCE_END;
    const s = this.scanner;
    this.partitionKey = s.partitionKey;
    this.token = this.partitioner === 'Murmur3Partitioner' ? murmur3Token(s.partitionKey) : 0n;
    this.partitionMarkedForDeleteAt = s.partitionMarkedForDeleteAt;
    this.partitionLocalDeletionTime = s.partitionLocalDeletionTime;
    this.inPartition = true;
    return PARTITION_START;
  }

  private onEvent(ev: number): number {
    if (ev === PARTITION_END) { this.inPartition = false; return PARTITION_END; }
    this.fill(this.scanner.unfiltered, ev === STATIC_ROW ? this.staticMap : this.regularMap, ev === MARKER);
    return ev === STATIC_ROW ? STATIC_ROW : ev === ROW ? ROW : MARKER;
  }

  /** Points the RowBuffer at the unfiltered's bytes and copies its typed arrays, remapping columns. */
  private fill(u: Unfiltered, columns: Int32Array, isMarker: boolean): void {
    const b = this.row;
    b.reset(u.kind);
    b.bytes = u.bytes;
    const size = isMarker ? Math.min(u.clusteringSize, this.clusteringCount) : this.clusteringCount;
    b.ensureClustering(size);
    for (let i = 0; i < size; i++) { b.clusteringStart[i] = u.clusteringStart[i]!; b.clusteringLength[i] = u.clusteringLength[i]!; }
    b.clusteringSize = size;
    b.livenessTimestamp = u.livenessTimestamp;
    b.livenessTtl = u.livenessTtl;
    b.livenessExpirationSec = u.livenessExpirationSec;
    b.deletionMarkedForDeleteAt = u.deletionMarkedForDeleteAt;
    b.deletionLocalDeletionTime = u.deletionLocalDeletionTime;
    b.deletionShadowable = u.deletionShadowable;
    b.openMarkedForDeleteAt = u.openMarkedForDeleteAt;
    b.openLocalDeletionTime = u.openLocalDeletionTime;
    if (isMarker) return;
    b.ensureCells(u.cellCount);
    let n = 0;
    for (let i = 0; i < u.cellCount; i++) {
      const c = columns[u.cellColumn[i]!]!;
      if (c < 0) continue;
      b.cellColumn[n] = c;
      b.cellFlags[n] = u.cellFlags[i]! & (CELL_TOMBSTONE | CELL_EXPIRING);
      b.cellTimestamp[n] = u.cellTimestamp[i]!;
      b.cellLocalDeletionTime[n] = u.cellLocalDeletionTime[i]!;
      b.cellTtl[n] = u.cellTtl[i]!;
      b.cellPathStart[n] = u.cellPathStart[i]!;
      b.cellPathLength[n] = u.cellPathLength[i]!;
      b.cellValueStart[n] = u.cellValueStart[i]!;
      b.cellValueLength[n] = u.cellValueLength[i]!;
      n++;
    }
    b.cellCount = n;
    for (let i = 0; i < u.complexDeletionCount; i++) {
      const c = columns[u.complexDeletionColumn[i]!]!;
      if (c >= 0) b.addComplexDeletion(c, u.complexDeletionMarkedForDeleteAt[i]!, u.complexDeletionLocalDeletionTime[i]!);
    }
  }
}

/**
 * Sources for several sstables of one table; they must agree on the partitioner. `dataRanges[i]`, when given,
 * limits sstable i to those uncompressed Data.db byte ranges (partition boundaries), one source per range.
 */
export function createSSTableSources(sstables: readonly SSTable[], layout: TableLayout,
                                     dataRanges?: readonly (readonly { start: number; end: number }[] | undefined)[]): { sources: SSTableSource[]; partitioner: PartitionerName } {
  const sources = sstables.flatMap((t, i) => {
    const ranges = dataRanges?.[i];
    return ranges ? ranges.map((r) => new SSTableSource(t, layout, { start: r.start, end: r.end })) : [new SSTableSource(t, layout)];
  });
  const partitioner = sources[0]?.partitioner ?? 'Murmur3Partitioner';
  for (const s of sources) {
    if (s.partitioner !== partitioner) {
      throw new UnsupportedFormatError(`sstables of one table use ${partitioner} and ${s.partitioner}`, { file: s.sstable.data.name });
    }
  }
  return { sources, partitioner };
}
