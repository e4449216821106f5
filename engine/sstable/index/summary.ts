// Summary.db (io/sstable/indexsummary/IndexSummary.java serializer, IndexSummaryBuilder.java): a sample of every
// minIndexInterval-th Index.db entry (fewer when downsampled), with the Index.db position of each sampled key.
//
//   int32 minIndexInterval, int32 entryCount, int64 regionBytes, int32 samplingLevel, int32 sizeAtFullSampling
//   region: entryCount × int32 offset (little-endian, relative to the region start), then per entry the key bytes
//           followed by an int64 Index.db position (little-endian); a key's length is implied by the next offset
//   int32 length + first key, int32 length + last key (big-endian)
//
// A historical bug wrote the region big-endian; the first offset (always entryCount × 4) tells the two apart.

import { ByteReader } from '../byte-reader.ts';

export const BASE_SAMPLING_LEVEL = 128;
const MAX_ENTRIES = 1 << 28;

export interface IndexSummary {
  minIndexInterval: number;
  samplingLevel: number;
  sizeAtFullSampling: number;
  /** Sampled partition keys, in sstable order. */
  keys: Uint8Array[];
  /** Index.db position of each sampled key. */
  indexPositions: Float64Array;
  firstKey: Uint8Array;
  lastKey: Uint8Array;
}

export function parseSummary(bytes: Uint8Array, file: string): IndexSummary {
  const r = new ByteReader(bytes, file);
  const minIndexInterval = r.readInt32();
  const count = r.readInt32();
  if (count < 0 || count > MAX_ENTRIES) r.fail(`summary entry count ${count} out of range`, 4);
  const regionBytes = r.readInt64();
  const samplingLevel = r.readInt32();
  const sizeAtFullSampling = r.readInt32();
  if (samplingLevel < 1 || samplingLevel > BASE_SAMPLING_LEVEL) r.fail(`sampling level ${samplingLevel} (1..128 expected)`, 16);
  const regionStart = r.pos;
  if (regionBytes < count * 12 || regionBytes > r.remaining) r.fail(`summary region of ${regionBytes} bytes does not fit ${count} entries in the ${r.remaining} bytes left`, 8);
  const littleEndian = count === 0 || r.view.getUint32(regionStart, true) === count * 4;
  if (!littleEndian && r.view.getUint32(regionStart, false) !== count * 4) r.fail(`first summary offset ${count * 4} expected`, regionStart);
  const keys: Uint8Array[] = [];
  const indexPositions = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const offset = r.view.getUint32(regionStart + 4 * i, littleEndian);
    const next = i + 1 < count ? r.view.getUint32(regionStart + 4 * i + 4, littleEndian) : regionBytes;
    if (offset < count * 4 || next - offset < 8 || next > regionBytes) r.fail(`summary entry ${i} offsets ${offset}..${next} invalid`, regionStart + 4 * i);
    const keyAt = regionStart + offset, positionAt = regionStart + next - 8;
    keys.push(bytes.subarray(keyAt, positionAt));
    const position = r.view.getBigInt64(positionAt, littleEndian);
    if (position < 0n || position > BigInt(Number.MAX_SAFE_INTEGER)) r.fail(`summary entry ${i} Index.db position ${position} out of range`, positionAt);
    indexPositions[i] = Number(position);
    if (i > 0 && indexPositions[i]! <= indexPositions[i - 1]!) r.fail(`summary entry ${i} Index.db position ${indexPositions[i]} not increasing`, positionAt);
  }
  r.pos = regionStart + regionBytes;
  const firstKey = readIntLengthKey(r, 'first key');
  const lastKey = readIntLengthKey(r, 'last key');
  return { minIndexInterval, samplingLevel, sizeAtFullSampling, keys, indexPositions, firstKey, lastKey };
}

function readIntLengthKey(r: ByteReader, what: string): Uint8Array {
  const length = r.readInt32();
  if (length < 0 || length > r.remaining) r.fail(`${what} length ${length} exceeds the ${r.remaining} bytes left`, r.pos - 4);
  return r.readBytes(length);
}

/** Average number of Index.db entries each summary entry stands for (IndexSummary.getEffectiveIndexInterval). */
export function effectiveIndexInterval(summary: IndexSummary): number {
  return (BASE_SAMPLING_LEVEL / summary.samplingLevel) * summary.minIndexInterval;
}
