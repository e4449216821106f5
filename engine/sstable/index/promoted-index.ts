// The promoted (row) index of a wide partition inside an Index.db entry (io/sstable/format/big/RowIndexEntry.java,
// io/sstable/IndexInfo.java):
//
//   uvint partition-header length, DeletionTime (versioned), uvint block count,
//   block count × IndexInfo, block count × int32 offset of each IndexInfo relative to the first one
//   IndexInfo = first clustering (kind + values), last clustering, uvint offset of the block from the partition
//               start, signed vint (width − 65536), bool hasOpenMarker [+ DeletionTime]
//
// Decoding the clustering bounds needs the clustering types; without them the blocks are located through the
// offset table only.

import type { ByteReader } from '../byte-reader.ts';
import { readClusteringBound, type ClusteringBound } from '../clustering.ts';
import type { CassandraType } from '../type-parser.ts';

const WIDTH_BASE = 64 * 1024;

/** A partition-level or marker deletion as stored in index files. */
export interface IndexDeletionTime {
  markedForDeleteAtMicros: bigint;
  /** Seconds; unsigned in oa/da, signed before (2147483647 / 4294967295 = no deletion). */
  localDeletionTimeSec: number;
  live: boolean;
}

/**
 * DeletionTime.getSerializer(version): oa/da write LIVE as the single byte 0x80, otherwise int64
 * markedForDeleteAt (sign bit 0) then uint32 ldt; earlier versions write int32 ldt then int64 markedForDeleteAt.
 */
export function readIndexDeletionTime(r: ByteReader, uintDeletionTime: boolean): IndexDeletionTime {
  if (uintDeletionTime) {
    if ((r.peekUint8() & 0x80) !== 0) {
      const flags = r.readUint8();
      if (flags !== 0x80) r.fail(`deletion time flags 0x80 expected, found 0x${flags.toString(16)}`, r.pos - 1);
      return { markedForDeleteAtMicros: -(1n << 63n), localDeletionTimeSec: 0xffffffff, live: true };
    }
    const markedForDeleteAtMicros = r.readBigInt64();
    return { markedForDeleteAtMicros, localDeletionTimeSec: r.readUint32(), live: false };
  }
  const localDeletionTimeSec = r.readInt32();
  const markedForDeleteAtMicros = r.readBigInt64();
  return { markedForDeleteAtMicros, localDeletionTimeSec, live: localDeletionTimeSec === 0x7fffffff && markedForDeleteAtMicros === -(1n << 63n) };
}

export interface IndexInfo {
  firstName: ClusteringBound;
  lastName: ClusteringBound;
  /** Offset of the block from the start of the partition in Data.db. */
  offset: number;
  width: number;
  endOpenMarker: IndexDeletionTime | null;
}

export interface PromotedIndex {
  headerLength: number;
  deletionTime: IndexDeletionTime;
  blockCount: number;
  /** Absolute Index.db position of each IndexInfo. */
  blockPositions: Float64Array;
  /** Decoded blocks, when clustering types were given. */
  blocks: IndexInfo[] | null;
}

/**
 * Parses a promoted index occupying reader positions [r.pos, end) (absolute file offsets are r.base + pos). Fails when the
 * block offsets point outside the entry or (with types) when the blocks do not end where the offset table begins.
 */
export function readPromotedIndex(r: ByteReader, end: number, uintDeletionTime: boolean, clusteringTypes?: readonly CassandraType[]): PromotedIndex {
  const headerLength = r.readUnsignedVInt();
  const deletionTime = readIndexDeletionTime(r, uintDeletionTime);
  const blockCount = r.readLength('promoted index block count');
  const first = r.pos;
  const tableAt = end - 4 * blockCount;
  if (tableAt < first) r.fail(`${blockCount} promoted index blocks do not fit in the entry`);
  const blockPositions = new Float64Array(blockCount);
  for (let i = 0; i < blockCount; i++) {
    const offset = r.view.getInt32(tableAt + 4 * i);
    if (offset < 0 || first + offset >= tableAt) r.fail(`IndexInfo offset ${offset} outside the promoted index`, tableAt + 4 * i);
    blockPositions[i] = r.base + first + offset;
  }
  let blocks: IndexInfo[] | null = null;
  if (clusteringTypes) {
    blocks = [];
    for (let i = 0; i < blockCount; i++) {
      if (r.pos !== blockPositions[i]! - r.base) r.fail(`IndexInfo ${i} expected at offset ${blockPositions[i]}`);
      blocks.push(readIndexInfo(r, uintDeletionTime, clusteringTypes));
    }
    if (r.pos !== tableAt) r.fail(`IndexInfo blocks end ${tableAt - r.pos} bytes before the offset table`);
  }
  r.pos = end;
  return { headerLength, deletionTime, blockCount, blockPositions, blocks };
}

function readIndexInfo(r: ByteReader, uintDeletionTime: boolean, types: readonly CassandraType[]): IndexInfo {
  const firstName = readClusteringBound(r, types);
  const lastName = readClusteringBound(r, types);
  const offset = r.readUnsignedVInt();
  const width = r.readVInt() + WIDTH_BASE;
  const endOpenMarker = r.readBoolean() ? readIndexDeletionTime(r, uintDeletionTime) : null;
  return { firstName, lastName, offset, width, endOpenMarker };
}
