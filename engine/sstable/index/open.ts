// One entry point for the partition index of an sstable, whichever format wrote it: big (Index.db, with Summary.db
// when present) or BTI (Partitions.db, Rows.db). Callers get a PartitionIndex and use partition-index.ts on it.

import type { Partitioner } from '../../partitioner/partitioner.ts';
import type { ByteSource } from '../../storage/object-store.ts';
import { BigPartitionIndex } from './big-index.ts';
import { BtiPartitionIndex, type DataReader } from './bti/partitions.ts';
import type { PartitionIndex } from './partition-index.ts';
import { parseSummary } from './summary.ts';

export type IndexComponents =
  | { format: 'big'; index: ByteSource; summary: ByteSource | null }
  | { format: 'bti'; partitions: ByteSource; rows: ByteSource | null; data: DataReader | null; uintDeletionTime?: boolean };

/** A ByteSource over bytes already in memory (index components passed as bytes). */
export function sourceOfBytes(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: async () => bytes.length,
    read: async (start, end) => {
      if (start < 0 || end > bytes.length || start > end) throw new RangeError(`${name}: read [${start}, ${end}) of ${bytes.length} bytes`);
      return bytes.subarray(start, end);
    },
  };
}

/** Opens the partition index; reads Summary.db whole (it is small) and nothing else until asked. */
export async function openPartitionIndex<T>(components: IndexComponents, partitioner: Partitioner<T>): Promise<PartitionIndex<T>> {
  if (components.format === 'bti') {
    return new BtiPartitionIndex(components.partitions, components.rows, components.data, partitioner, components.uintDeletionTime ?? true);
  }
  const summarySource = components.summary;
  const summary = summarySource ? parseSummary(await summarySource.read(0, await summarySource.size()), summarySource.name) : null;
  return new BigPartitionIndex(components.index, summary, partitioner);
}
