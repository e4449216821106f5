// Token range → Data.db byte ranges through the SSTable's partition index (engine/sstable/index), so a split reads
// only the partitions of its ranges. Big format: Index.db (+ Summary.db); BTI: Partitions.db (+ Rows.db). When an
// SSTable has no usable index the split scans the whole Data.db; the merge's token filter keeps the result exact.
import { logger } from '../../observability/logger.ts';
import { MURMUR3 } from '../../engine/partitioner/partitioner.ts';
import type { TokenRange } from '../../engine/partitioner/token-range.ts';
import { openPartitionIndex, type IndexComponents } from '../../engine/sstable/index/open.ts';
import { findDataRanges, type DataRange, type PartitionIndex } from '../../engine/sstable/index/partition-index.ts';
import type { SSTable } from '../../engine/sstable/sstable-reader.ts';
import type { ObjectStore } from '../../engine/storage/object-store.ts';
import { RangeReader } from '../../engine/storage/range-reader.ts';

async function component(store: ObjectStore, dataKey: string, name: string): Promise<RangeReader | null> {
  const key = dataKey.replace(/Data\.db$/, name);
  const info = await store.stat(key);
  return info ? new RangeReader(store, key, { sizeInBytes: info.sizeInBytes, chunkBytes: 1 << 20 }) : null;
}

/** The partition index of a Murmur3 SSTable, or null (logged) when it has none or it cannot be opened. */
export async function openIndexOf(store: ObjectStore, dataKey: string, sstable: SSTable): Promise<PartitionIndex<bigint> | null> {
  if (sstable.partitioner !== 'org.apache.cassandra.dht.Murmur3Partitioner' && !sstable.partitioner.endsWith('Murmur3Partitioner')) return null;
  let components: IndexComponents | null = null;
  if (sstable.descriptor.format === 'bti') {
    const partitions = await component(store, dataKey, 'Partitions.db');
    if (partitions) {
      components = { format: 'bti', partitions, rows: await component(store, dataKey, 'Rows.db'), data: sstable.data, uintDeletionTime: sstable.descriptor.flags.hasUIntDeletionTime };
    }
  } else {
    const index = await component(store, dataKey, 'Index.db');
    if (index) components = { format: 'big', index, summary: await component(store, dataKey, 'Summary.db') };
  }
  if (!components) {
    logger.warn({ sstable: store.describe(dataKey) }, 'no partition index: the split scans the whole Data.db');
    return null;
  }
  return openPartitionIndex(components, MURMUR3);
}

/** Data.db byte ranges of `range` in the SSTable, or undefined to scan it whole. */
export async function dataRangesOf(index: PartitionIndex<bigint> | null, sstable: SSTable, range: TokenRange): Promise<DataRange[] | undefined> {
  if (!index) return undefined;
  return findDataRanges(index, range, sstable.data.uncompressedLength);
}
