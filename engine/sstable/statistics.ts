// Statistics.db (io/sstable/metadata/MetadataSerializer.java): a table of contents of metadata components, then
// VALIDATION (partitioner), COMPACTION (cardinality), STATS (StatsMetadata.java, version-gated fields) and
// HEADER (db/SerializationHeader.java Component). From `na` on, CRC32s follow the count, the toc and each component.

import { ByteReader } from './byte-reader.ts';
import { readClusteringBound } from './clustering.ts';
import type { ClusteringBound } from './clustering.ts';
import type { VersionFlags } from './descriptor.ts';
import { parseSerializationHeader } from './serialization-header.ts';
import type { SerializationHeader } from './serialization-header.ts';
import { parseCassandraType } from './type-parser.ts';
import { crc32 } from 'node:zlib';

export const METADATA_TYPES = ['VALIDATION', 'COMPACTION', 'STATS', 'HEADER'] as const;

export interface ValidationMetadata {
  partitioner: string;
  bloomFilterFpChance: number;
}

export interface HistogramBucket { offset: bigint; count: bigint }

export interface StatsMetadata {
  estimatedPartitionSize: HistogramBucket[];
  estimatedCellPerPartitionCount: HistogramBucket[];
  commitLogUpperBound: { segmentId: bigint; position: number };
  minTimestampMicros: bigint;
  maxTimestampMicros: bigint;
  /** Raw 32-bit values; `oa`+ read as unsigned. */
  minLocalDeletionTimeSec: number;
  maxLocalDeletionTimeSec: number;
  minTtlSec: number;
  maxTtlSec: number;
  compressionRatio: number;
  tombstoneDropTimes: { pointSec: number; count: number }[];
  sstableLevel: number;
  repairedAt: bigint;
  /** Legacy min/max clustering values (trustworthy only when hasAccurateMinMax). */
  minClusteringValues?: Uint8Array[];
  maxClusteringValues?: Uint8Array[];
  coveredClustering?: { start: ClusteringBound; end: ClusteringBound };
  hasLegacyCounterShards: boolean;
  totalColumnsSet: bigint;
  totalRows: bigint;
  commitLogLowerBound?: { segmentId: bigint; position: number };
  commitLogIntervals?: { start: { segmentId: bigint; position: number }; end: { segmentId: bigint; position: number } }[];
  pendingRepair?: Uint8Array | null;
  isTransient?: boolean;
  originatingHostId?: Uint8Array | null;
  hasPartitionLevelDeletions?: boolean;
  firstKey?: Uint8Array;
  lastKey?: Uint8Array;
  tokenSpaceCoverage?: number;
}

export interface Statistics {
  validation?: ValidationMetadata;
  stats?: StatsMetadata;
  header?: SerializationHeader;
  /** Component offsets in the file, by type name. */
  offsets: Record<string, number>;
}

function checkCrc(r: ByteReader, from: number, to: number, what: string, initial = 0): void {
  const expected = r.readUint32();
  const actual = crc32(r.bytes.subarray(from, to), initial) >>> 0;
  if (expected !== actual) r.fail(`${what} CRC32 mismatch: stored ${expected}, computed ${actual}`, r.pos - 4);
}

function readHistogram(r: ByteReader): HistogramBucket[] {
  const n = r.readInt32();
  if (n < 0 || n * 16 > r.remaining) r.fail(`histogram of ${n} buckets`);
  const out: HistogramBucket[] = [];
  for (let i = 0; i < n; i++) out.push({ offset: r.readBigInt64(), count: r.readBigInt64() });
  return out;
}

function readCommitLogPosition(r: ByteReader): { segmentId: bigint; position: number } {
  return { segmentId: r.readBigInt64(), position: r.readInt32() };
}

function readLegacyMinMax(r: ByteReader): Uint8Array[] {
  const n = r.readInt32();
  if (n < 0 || n * 2 > r.remaining) r.fail(`min/max clustering of ${n} values`);
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.readWithShortLength().slice());
  return out;
}

function readCoveredClustering(r: ByteReader): { start: ClusteringBound; end: ClusteringBound } {
  const n = r.readLength('clustering type count');
  if (n > 1024) r.fail(`${n} clustering types`);
  const types = [];
  for (let i = 0; i < n; i++) types.push(parseCassandraType(new TextDecoder().decode(r.readWithVIntLength('type name')), false));
  return { start: readClusteringBound(r, types), end: readClusteringBound(r, types) };
}

function readOptionalUuid(r: ByteReader): Uint8Array | null {
  return r.readBoolean() ? r.readBytes(16).slice() : null;
}

export function parseStatsMetadata(r: ByteReader, flags: VersionFlags): StatsMetadata {
  const uint = flags.hasUIntDeletionTime;
  const s: StatsMetadata = {
    estimatedPartitionSize: readHistogram(r),
    estimatedCellPerPartitionCount: readHistogram(r),
    commitLogUpperBound: readCommitLogPosition(r),
    minTimestampMicros: r.readBigInt64(),
    maxTimestampMicros: r.readBigInt64(),
    minLocalDeletionTimeSec: uint ? r.readUint32() : r.readInt32(),
    maxLocalDeletionTimeSec: uint ? r.readUint32() : r.readInt32(),
    minTtlSec: r.readInt32(),
    maxTtlSec: r.readInt32(),
    compressionRatio: r.readFloat64(),
    tombstoneDropTimes: [],
    sstableLevel: 0, repairedAt: 0n, hasLegacyCounterShards: false, totalColumnsSet: 0n, totalRows: 0n,
  };
  r.readInt32(); // max bin size
  const bins = r.readInt32();
  if (bins < 0 || bins * 12 > r.remaining) r.fail(`tombstone histogram of ${bins} bins`);
  for (let i = 0; i < bins; i++) {
    if (uint) s.tombstoneDropTimes.push({ pointSec: Number(r.readBigInt64()), count: r.readInt32() });
    else s.tombstoneDropTimes.push({ pointSec: r.readFloat64(), count: Number(r.readBigInt64()) });
  }
  s.sstableLevel = r.readInt32();
  s.repairedAt = r.readBigInt64();
  if (flags.hasLegacyMinMax) {
    s.minClusteringValues = readLegacyMinMax(r);
    s.maxClusteringValues = readLegacyMinMax(r);
  } else if (flags.hasImprovedMinMax) {
    s.coveredClustering = readCoveredClustering(r);
  }
  s.hasLegacyCounterShards = r.readBoolean();
  s.totalColumnsSet = r.readBigInt64();
  s.totalRows = r.readBigInt64();
  if (flags.hasCommitLogLowerBound) s.commitLogLowerBound = readCommitLogPosition(r);
  if (flags.hasCommitLogIntervals) {
    const n = r.readInt32();
    if (n < 0 || n * 24 > r.remaining) r.fail(`${n} commit log intervals`);
    s.commitLogIntervals = [];
    for (let i = 0; i < n; i++) s.commitLogIntervals.push({ start: readCommitLogPosition(r), end: readCommitLogPosition(r) });
  }
  // Development builds of a version wrote fewer tail fields (the 2017 `na` compact fixtures end after
  // pendingRepair): the component's length from the toc decides, never "fully consumed".
  if (flags.hasPendingRepair && r.remaining > 0) s.pendingRepair = readOptionalUuid(r);
  if (flags.hasIsTransient && r.remaining > 0) s.isTransient = r.readBoolean();
  if (flags.hasOriginatingHostId && r.remaining > 0) s.originatingHostId = readOptionalUuid(r);
  if (flags.hasPartitionLevelDeletionsPresenceMarker) s.hasPartitionLevelDeletions = r.readBoolean();
  if (flags.hasImprovedMinMax && flags.hasLegacyMinMax) s.coveredClustering = readCoveredClustering(r);
  if (flags.hasKeyRange) {
    s.firstKey = r.readWithVIntLength('first key').slice();
    s.lastKey = r.readWithVIntLength('last key').slice();
  }
  if (flags.hasTokenSpaceCoverage) s.tokenSpaceCoverage = r.readFloat64();
  return s;
}

/** Parses a whole Statistics.db file. `wanted` limits which components are decoded. */
export function parseStatistics(bytes: Uint8Array, file: string, flags: VersionFlags,
                                wanted: ReadonlySet<string> = new Set(METADATA_TYPES)): Statistics {
  const r = new ByteReader(bytes, file);
  const count = r.readInt32();
  if (count < 0 || count > METADATA_TYPES.length) r.fail(`metadata component count ${count} (0..4 expected)`, 0);
  if (flags.hasMetadataChecksum) checkCrc(r, 0, 4, 'metadata count');
  const tocStart = r.pos;
  const entries: { type: number; offset: number }[] = [];
  for (let i = 0; i < count; i++) entries.push({ type: r.readInt32(), offset: r.readInt32() });
  if (flags.hasMetadataChecksum) checkCrc(r, tocStart, r.pos, 'metadata table of contents', crc32(bytes.subarray(0, 4)));
  const result: Statistics = { offsets: {} };
  const crcBytes = flags.hasMetadataChecksum ? 4 : 0;
  for (let i = 0; i < entries.length; i++) {
    const { type, offset } = entries[i]!;
    const name = METADATA_TYPES[type];
    if (name === undefined) r.fail(`metadata type ${type} (0..3 expected)`, tocStart + i * 8);
    const end = i + 1 < entries.length ? entries[i + 1]!.offset : bytes.length;
    if (offset < r.pos || end > bytes.length || end - crcBytes < offset) r.fail(`${name} component range [${offset}, ${end})`, tocStart + i * 8);
    result.offsets[name] = offset;
    if (!wanted.has(name)) continue;
    const body = new ByteReader(bytes.subarray(offset, end - crcBytes), file, offset);
    if (flags.hasMetadataChecksum) {
      const c = new ByteReader(bytes, file);
      c.pos = end - crcBytes;
      checkCrc(c, offset, end - crcBytes, `${name} metadata`);
    }
    if (name === 'VALIDATION') result.validation = { partitioner: body.readUTF(), bloomFilterFpChance: body.readFloat64() };
    else if (name === 'STATS') result.stats = parseStatsMetadata(body, flags);
    else if (name === 'HEADER') result.header = parseSerializationHeader(body);
  }
  return result;
}
