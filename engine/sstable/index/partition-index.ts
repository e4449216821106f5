// What the big (Index.db + Summary.db) and BTI (Partitions.db) partition indexes share: listing every partition
// with its Data.db position, and finding the Data.db position where the partitions after a token begin. On top of
// that, token ranges map to Data.db byte ranges (for split planning and seeking), without reading Data.db.
// All positions are in the uncompressed Data.db stream.

import type { Partitioner, Range } from '../../partitioner/partitioner.ts';
import { toSegments } from '../../partitioner/partitioner.ts';

export interface PartitionEntry<T> {
  key: Uint8Array;
  token: T;
  /** Position of the partition's header in the uncompressed Data.db. */
  dataPosition: number;
}

export interface PartitionIndex<T> {
  readonly partitioner: Partitioner<T>;
  /** Every partition in sstable (token) order. */
  entries(): AsyncGenerator<PartitionEntry<T>>;
  /** Data.db position of the first partition whose token is > `token`, or null when there is none. */
  dataPositionAfter(token: T): Promise<number | null>;
}

/** Uncompressed Data.db bytes [start, end). */
export interface DataRange {
  start: number;
  end: number;
}

/**
 * The Data.db byte ranges holding exactly the partitions whose tokens are in `range` (start exclusive, end
 * inclusive; wrapping ranges give up to two ranges), in file order, empty ones dropped. `dataLength` is the
 * uncompressed Data.db length (the end of the last partition).
 */
export async function findDataRanges<T>(index: PartitionIndex<T>, range: Range<T>, dataLength: number): Promise<DataRange[]> {
  const p = index.partitioner;
  const out: DataRange[] = [];
  for (const segment of toSegments(p, range)) {
    const start = p.compareTokens(segment.startExclusive, p.minToken) === 0 ? 0 : (await index.dataPositionAfter(segment.startExclusive)) ?? dataLength;
    const end = segment.endInclusive === null ? dataLength : (await index.dataPositionAfter(segment.endInclusive)) ?? dataLength;
    if (end > start) out.push({ start, end });
  }
  out.sort((a, b) => a.start - b.start);
  // the two pieces of a wrapping range touch when the whole ring is asked for
  for (let i = out.length - 1; i > 0; i--) {
    if (out[i - 1]!.end >= out[i]!.start) {
      out[i - 1] = { start: out[i - 1]!.start, end: Math.max(out[i - 1]!.end, out[i]!.end) };
      out.splice(i, 1);
    }
  }
  return out;
}

/**
 * Uncompressed Data.db bytes per token range, for planning splits without reading Data.db. Exact partition
 * boundaries: the bytes of each range are those of the partitions whose tokens it contains.
 */
export async function estimateBytesByTokenRange<T>(index: PartitionIndex<T>, ranges: readonly Range<T>[], dataLength: number): Promise<number[]> {
  const out: number[] = [];
  for (const range of ranges) {
    let bytes = 0;
    for (const r of await findDataRanges(index, range, dataLength)) bytes += r.end - r.start;
    out.push(bytes);
  }
  return out;
}

/**
 * Estimated partitions per token range: `totalPartitions` (the BTI footer's key count, or the sum of Statistics.db's
 * partition-size histogram for big sstables) spread over the ranges in proportion to their Data.db bytes. Exact
 * when partitions are of equal size; always 0 for a range holding no partition.
 */
export async function estimatePartitionsByTokenRange<T>(index: PartitionIndex<T>, ranges: readonly Range<T>[], dataLength: number,
                                                        totalPartitions: number): Promise<number[]> {
  const bytes = await estimateBytesByTokenRange(index, ranges, dataLength);
  return bytes.map((b) => (b === 0 || dataLength === 0 ? 0 : Math.max(1, Math.round((totalPartitions * b) / dataLength))));
}
