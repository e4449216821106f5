import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { BYTE_ORDERED } from '../../../../engine/partitioner/partitioner.ts';
import { openPartitionIndex } from '../../../../engine/sstable/index/open.ts';
import { estimatePartitionsByTokenRange, findDataRanges, type PartitionIndex } from '../../../../engine/sstable/index/partition-index.ts';
import { CORPUS_ROOT, collect, componentPath, fileSource, openData } from './corpus.ts';

const b = (s: string) => new TextEncoder().encode(s);

async function both(): Promise<[string, PartitionIndex<Uint8Array>, number][]> {
  const oa = join(CORPUS_ROOT, 'oa/legacy_tables/legacy_oa_simple');
  const da = join(CORPUS_ROOT, 'da/legacy_tables/legacy_da_simple');
  const data = await openData(da, 'da', 'bti');
  return [
    ['big', await openPartitionIndex({ format: 'big', index: fileSource(componentPath(oa, 'Index.db')), summary: fileSource(componentPath(oa, 'Summary.db')) }, BYTE_ORDERED), 118],
    ['bti', await openPartitionIndex({ format: 'bti', partitions: fileSource(componentPath(da, 'Partitions.db')), rows: fileSource(componentPath(da, 'Rows.db')), data }, BYTE_ORDERED), data.uncompressedLength],
  ];
}

test('openPartitionIndex gives the same partitions and ranges for the big and the BTI copy of a table', async () => {
  const [[, big, bigLength], [, bti, btiLength]] = await both();
  assert.equal(bigLength, btiLength); // oa and da write the same Data.db layout
  const a = await collect(big!), c = await collect(bti!);
  assert.deepEqual(a.map((e) => [e.key, e.dataPosition]), c.map((e) => [e.key, e.dataPosition]));
  const range = { startExclusive: b('3'), endInclusive: b('0') }; // wraps: "4" then "0"
  assert.deepEqual(await findDataRanges(big!, range, bigLength), [{ start: 0, end: a[1]!.dataPosition }, { start: a[4]!.dataPosition, end: bigLength }]);
  assert.deepEqual(await findDataRanges(bti!, range, btiLength), await findDataRanges(big!, range, bigLength));
});

test('partition count estimates per token range', async () => {
  for (const [format, index, length] of await both()) {
    const ranges = [{ startExclusive: new Uint8Array(0), endInclusive: new Uint8Array(0) }, { startExclusive: b('0'), endInclusive: b('2') }, { startExclusive: b('4'), endInclusive: b('9') }];
    assert.deepEqual(await estimatePartitionsByTokenRange(index, ranges, length, 5), [5, 2, 0], format);
  }
});
