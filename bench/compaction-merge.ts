// One merge of bench/compaction.ts, in a process of its own so its CPU time and peak RSS are its alone: the SSTables
// named on the command line → engine/compaction (createSSTableSources + selectAll, as activities/movement/split-work.ts
// runs a split: a token range read through the partition index) → Arrow RecordBatches, counted and dropped.
// Prints one JSON line: rows, seconds, cpuMs, maxRssKiB and a checksum of the `v` column (to compare with a CQL scan).
//
//   node --import tsx bench/compaction-merge.ts '{"files":[…],"schema":"CREATE TABLE …","nowSec":…,"tokenRange":["-9223372036854775808","0"]}'

import { basename, dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dataRangesOf, openIndexOf } from '../activities/movement/index-seek.ts';
import { openMergeInput } from '../cli/sstable.ts';
import { selectAll } from '../engine/compaction/select.ts';
import { createSSTableSources } from '../engine/compaction/sstable-source.ts';
import { parseSchema } from '../engine/sstable/schema.ts';
import { LocalObjectStore } from '../engine/storage/local-fs.ts';

export interface MergeJob { files: string[]; schema: string; nowSec: number; tokenRange?: [string, string] }
export interface MergeResult { rows: number; seconds: number; cpuMs: number; maxRssKiB: number; vLow: number; vHigh: number; batches: number }

async function merge(job: MergeJob): Promise<MergeResult> {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const { sstables, layout } = await openMergeInput(job.files, parseSchema(job.schema));
  const tokenRange = job.tokenRange && { startExclusive: BigInt(job.tokenRange[0]), endInclusive: BigInt(job.tokenRange[1]) };
  const dataRanges = tokenRange && await Promise.all(sstables.map(async (t, i) => {
    const path = resolve(job.files[i]!);
    return dataRangesOf(await openIndexOf(new LocalObjectStore(dirname(path)), basename(path), t), t, tokenRange);
  }));
  const { sources, partitioner } = createSSTableSources(sstables, layout, dataRanges);
  const v = layout.columns.findIndex((c) => c.name === 'v');
  let rows = 0, batches = 0, vLow = 0, vHigh = 0;
  for await (const batch of selectAll(sources, layout, { nowSec: job.nowSec, partitioner, ...(tokenRange ? { tokenRange } : {}) })) {
    rows += batch.numRows;
    batches++;
    // the bigint column read as 32-bit halves: a checksum without a BigInt per value
    for (const data of batch.getChildAt(v)!.data) {
      const words = new Int32Array(data.values.buffer, data.values.byteOffset, data.length * 2);
      for (let i = 0; i < words.length; i += 2) { vLow += words[i]! >>> 0; vHigh += words[i + 1]!; }
    }
  }
  const used = process.cpuUsage(cpu);
  return {
    rows, batches, vLow, vHigh, seconds: (performance.now() - start) / 1000, cpuMs: (used.user + used.system) / 1000,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
}

const job = JSON.parse(process.argv[2] ?? '') as MergeJob;
merge(job).then((r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
  (err: unknown) => { console.error(err); process.exit(1); });
