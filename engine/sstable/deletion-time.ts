// Timestamps, local deletion times and TTLs as Data.db stores them. Partition-level DeletionTime
// (db/DeletionTime.java): legacy = int32 localDeletionTime then int64 markedForDeleteAt; `oa`+ = the single byte
// 0x80 for LIVE, else int64 markedForDeleteAt then uint32 localDeletionTime. Inside rows, markers and complex
// columns everything is a uvint delta against the header's EncodingStats minimums (SerializationHeader.read*),
// computed with Java's 64-bit (timestamps) and 32-bit (deletion times, TTLs) wrap-around.

import type { ByteReader } from './byte-reader.ts';
import { vintExtraBytes } from './byte-reader.ts';
import type { SerializationHeader } from './serialization-header.ts';

/** markedForDeleteAt / timestamp Long.MIN_VALUE: deletes nothing / no timestamp. */
export const NO_TIMESTAMP = -Infinity;
/** Local deletion time "none" (Integer.MAX_VALUE before `oa`, 0xFFFFFFFF from `oa`). */
export const NO_DELETION_TIME = Infinity;
export const NO_TTL = 0;

const TWO_32 = 4294967296;
const LONG_MIN = -(2n ** 63n);

/** Delta decoding state of one sstable: the header minimums and whether deletion times are unsigned. */
export class DeltaDecoder {
  private readonly minTimestamp: number;
  private readonly minTimestampBig: bigint;
  private readonly fastTimestamps: boolean;
  private readonly minLocalDeletionTime: number;
  private readonly minTtl: number;

  constructor(header: SerializationHeader, readonly uintDeletionTime: boolean) {
    this.minTimestampBig = header.minTimestampMicros;
    this.minTimestamp = Number(header.minTimestampMicros);
    this.fastTimestamps = Number.isSafeInteger(this.minTimestamp) && Math.abs(this.minTimestamp) < 2 ** 52;
    this.minLocalDeletionTime = header.minLocalDeletionTimeSec;
    this.minTtl = header.minTtlSec;
  }

  /** header.readTimestamp: uvint + minTimestamp with 64-bit wrap; Long.MIN_VALUE → NO_TIMESTAMP. */
  readTimestamp(r: ByteReader): number {
    if (this.fastTimestamps && r.pos < r.bytes.length && vintExtraBytes(r.bytes[r.pos]!) <= 6) {
      return this.minTimestamp + r.readUnsignedVInt();
    }
    r.readUnsignedVIntParts();
    const v = BigInt.asIntN(64, ((BigInt(r.hi) << 32n) | BigInt(r.lo)) + this.minTimestampBig);
    return v === LONG_MIN ? NO_TIMESTAMP : Number(v);
  }

  /** header.readLocalDeletionTime: (int) uvint + min, then the version's sentinel and signedness. */
  readLocalDeletionTime(r: ByteReader): number {
    return this.decodeLocalDeletionTime((r.readUnsignedVInt32() + this.minLocalDeletionTime) | 0);
  }

  readTtl(r: ByteReader): number {
    return (r.readUnsignedVInt32() + this.minTtl) | 0;
  }

  /** A raw 32-bit local deletion time as seconds (negative pre-`oa` values are overflowed 2038+ dates). */
  decodeLocalDeletionTime(raw: number): number {
    if (this.uintDeletionTime ? raw === -1 : raw === 0x7fffffff) return NO_DELETION_TIME;
    return raw >>> 0;
  }
}

/** Reads a partition-level DeletionTime; returns markedForDeleteAt and stores the ldt in `out[0]`. */
export function readPartitionDeletion(r: ByteReader, uintDeletionTime: boolean, out: Float64Array): number {
  if (uintDeletionTime) {
    const first = r.peekUint8();
    if (first & 0x80) {
      if (first !== 0x80) r.fail(`deletion time flags 0x${first.toString(16)} (0x80 for LIVE expected)`);
      r.pos++;
      out[0] = NO_DELETION_TIME;
      return NO_TIMESTAMP;
    }
    const hi = r.readInt32(), lo = r.readUint32();
    const ldt = r.readUint32();
    out[0] = ldt === 0xffffffff ? NO_DELETION_TIME : ldt;
    return hi * TWO_32 + lo;
  }
  const ldt = r.readInt32();
  const hi = r.readInt32(), lo = r.readUint32();
  out[0] = ldt === 0x7fffffff ? NO_DELETION_TIME : ldt >>> 0;
  if (hi === -0x80000000 && lo === 0) return NO_TIMESTAMP;
  return hi * TWO_32 + lo;
}
