// The whole path of issue 4: the SSTable streams of one table (any number of SSTables on any number of replicas)
// → the rows a full-table `SELECT *` returns at nowSec → Arrow RecordBatches bounded in bytes.

import type { RecordBatch } from 'apache-arrow';
import { InvalidConfigError } from '../errors.ts';
import { BatchWriter } from './batch-writer.ts';
import type { BatchWriterOptions } from './batch-writer.ts';
import { PartitionMerger } from './merge.ts';
import type { MergeOptions } from './merge.ts';
import type { UnfilteredSource } from './row-buffer.ts';
import type { TableLayout } from './table-layout.ts';

export type SelectOptions = MergeOptions & Omit<BatchWriterOptions, 'nowSec'>;

/** Rows merged between two checks of the batch size. */
const ROWS_PER_FILL = 32;

export async function* selectAll(sources: readonly UnfilteredSource[], layout: TableLayout,
                                 options: SelectOptions): AsyncGenerator<RecordBatch> {
  if (options.tokenRange && options.partitioner !== 'Murmur3Partitioner') {
    throw new InvalidConfigError(`a token range needs Murmur3Partitioner, not ${options.partitioner}`, { partitioner: options.partitioner });
  }
  const merger = new PartitionMerger(sources, layout, options);
  const writer = new BatchWriter(layout, { ...options, nowSec: options.nowSec });
  for (;;) {
    const more = await merger.fill(writer, ROWS_PER_FILL);
    if (writer.isFull() || !more) {
      const batch = writer.flush();
      if (batch) yield batch;
    }
    if (!more) return;
  }
}
