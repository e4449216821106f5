// Cassandra's reconciliation rules over plain numbers, after apache/cassandra
// db/rows/Cells.java (reconcile, resolveRegular, resolveCounter), db/LivenessInfo.java (supersedes, isLive),
// db/DeletionTime.java (supersedes, deletes) and db/rows/Row.java (Deletion.isShadowedBy).
//
// Representation (no objects on the hot path):
//  - timestamps are microseconds as `number`; NO_TIMESTAMP (-Infinity) stands for Long.MIN_VALUE ("none").
//  - a deletion time is a pair (markedForDeleteAtMicros, localDeletionTimeSec); LIVE = (NO_TIMESTAMP, NO_DELETION_TIME).
//  - local deletion / expiration times are seconds as `number`; NO_DELETION_TIME (+Infinity) = "none".
//  - a cell is (timestampMicros, flags, localDeletionTimeSec, ttlSec, value bytes start/length).

// LivenessInfo.NO_TIMESTAMP / DeletionTime.LIVE markedForDeleteAt (Long.MIN_VALUE), Cell.NO_DELETION_TIME (neither
// tombstone nor expiring) and Cell.NO_TTL: the decoder's values, one definition for both.
import { NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL } from '../sstable/deletion-time.ts';
export { NO_DELETION_TIME, NO_TIMESTAMP, NO_TTL };
/** LivenessInfo.EXPIRED_LIVENESS_TTL: a primary-key liveness that acts as a tombstone (materialized views). */
export const EXPIRED_LIVENESS_TTL = 2147483647;

/** Cell flags as kept by the merge (not the on-disk flags). */
export const CELL_TOMBSTONE = 0x01;
export const CELL_EXPIRING = 0x02;

// ---------------------------------------------------------------- DeletionTime

/** DeletionTime.supersedes: higher markedForDeleteAt, then higher localDeletionTime. */
export function deletionSupersedes(aMarkedForDeleteAt: number, aLocalDeletionTime: number,
                                   bMarkedForDeleteAt: number, bLocalDeletionTime: number): boolean {
  return aMarkedForDeleteAt > bMarkedForDeleteAt
    || (aMarkedForDeleteAt === bMarkedForDeleteAt && aLocalDeletionTime > bLocalDeletionTime);
}

/** DeletionTime.deletes(timestamp): anything written at or before markedForDeleteAt is shadowed. */
export function deletionDeletes(markedForDeleteAt: number, timestampMicros: number): boolean {
  return timestampMicros <= markedForDeleteAt;
}

/** DeletionTime.isLive: deletes nothing. */
export function isLiveDeletion(markedForDeleteAt: number): boolean {
  return markedForDeleteAt === NO_TIMESTAMP;
}

/** Row.Deletion.isShadowedBy: a shadowable row deletion is void once the row has a newer primary-key liveness. */
export function isShadowedBy(shadowable: boolean, markedForDeleteAt: number, livenessTimestamp: number): boolean {
  return shadowable && livenessTimestamp > markedForDeleteAt;
}

// ---------------------------------------------------------------- LivenessInfo

function livenessIsExpiring(ttl: number): boolean {
  return ttl !== NO_TTL;
}

function livenessIsExpired(ttl: number): boolean {
  return ttl === EXPIRED_LIVENESS_TTL;
}

/**
 * LivenessInfo.supersedes: higher timestamp; on a tie an expired (MV tombstone) liveness wins, then between two
 * infos of the same expiring-ness the later expiration time, and otherwise the expiring one.
 */
export function livenessSupersedes(aTs: number, aTtl: number, aExpirationSec: number,
                                   bTs: number, bTtl: number, bExpirationSec: number): boolean {
  if (aTs !== bTs) return aTs > bTs;
  const aExpired = livenessIsExpired(aTtl);
  if (aExpired !== livenessIsExpired(bTtl)) return aExpired;
  const aExpiring = livenessIsExpiring(aTtl);
  if (aExpiring === livenessIsExpiring(bTtl)) return aExpirationSec > bExpirationSec;
  return aExpiring;
}

/** LivenessInfo.isLive: non-empty, and if expiring then `nowSec < expiration`; an expired liveness never is. */
export function isLivenessLive(ts: number, ttl: number, expirationSec: number, nowSec: number): boolean {
  if (ts === NO_TIMESTAMP) return false;
  if (livenessIsExpired(ttl)) return false;
  if (livenessIsExpiring(ttl)) return nowSec < expirationSec;
  return true;
}

// ---------------------------------------------------------------- cells

/** Cell.isLive: a tombstone never is; an expiring cell is live while `nowSec < localDeletionTime`. */
export function isCellLive(flags: number, localDeletionTimeSec: number, nowSec: number): boolean {
  if ((flags & CELL_TOMBSTONE) !== 0) return false;
  if ((flags & CELL_EXPIRING) !== 0) return nowSec < localDeletionTimeSec;
  return true;
}

/** Unsigned lexicographic comparison of two byte ranges (ValueAccessor.compare / FastByteOperations). */
export function compareBytes(a: Uint8Array, aStart: number, aLength: number,
                             b: Uint8Array, bStart: number, bLength: number): number {
  const n = aLength < bLength ? aLength : bLength;
  for (let i = 0; i < n; i++) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return aLength - bLength;
}

/**
 * Cells.resolveRegular for two non-counter cells: returns 0 when the left cell wins, 1 when the right one does.
 * Higher timestamp wins. On equal timestamps a tombstone or expiring cell beats a live one (CASSANDRA-14592), a
 * tombstone beats an expiring cell, then the higher local deletion time wins, and finally the greater value
 * (unsigned bytes; the left cell on equality).
 */
export function resolveRegular(
  aTs: number, aFlags: number, aLdt: number, aBytes: Uint8Array, aStart: number, aLength: number,
  bTs: number, bFlags: number, bLdt: number, bBytes: Uint8Array, bStart: number, bLength: number,
): 0 | 1 {
  if (aTs !== bTs) return aTs > bTs ? 0 : 1;
  const aDeadOrExpiring = (aFlags & (CELL_TOMBSTONE | CELL_EXPIRING)) !== 0;
  const bDeadOrExpiring = (bFlags & (CELL_TOMBSTONE | CELL_EXPIRING)) !== 0;
  if (aDeadOrExpiring || bDeadOrExpiring) {
    if (aDeadOrExpiring !== bDeadOrExpiring) return aDeadOrExpiring ? 0 : 1;
    const aTombstone = (aFlags & CELL_EXPIRING) === 0;
    const bTombstone = (bFlags & CELL_EXPIRING) === 0;
    if (aTombstone !== bTombstone) return aTombstone ? 0 : 1;
    if (aLdt !== bLdt) return aLdt > bLdt ? 0 : 1;
  }
  return compareBytes(aBytes, aStart, aLength, bBytes, bStart, bLength) >= 0 ? 0 : 1;
}

/**
 * The non-merging part of Cells.resolveCounter: -1 when the two counter cells must be merged (both live with
 * non-empty contexts), otherwise 0 (left wins) or 1 (right wins). A counter tombstone always wins whatever its
 * timestamp (CASSANDRA-7346); an empty value loses to a non-empty one, two empty ones go by timestamp.
 */
export function resolveCounter(aTs: number, aFlags: number, aLength: number,
                               bTs: number, bFlags: number, bLength: number): -1 | 0 | 1 {
  const aTombstone = (aFlags & CELL_TOMBSTONE) !== 0;
  const bTombstone = (bFlags & CELL_TOMBSTONE) !== 0;
  if (aTombstone || bTombstone) return aTombstone ? 0 : 1;
  const aEmpty = aLength === 0;
  const bEmpty = bLength === 0;
  if (aEmpty || bEmpty) {
    if (aEmpty !== bEmpty) return aEmpty ? 1 : 0;
    return aTs > bTs ? 0 : 1;
  }
  return -1;
}

/**
 * The TTL a CQL `TTL(col)` shows at `nowSec` for a live cell or liveness: the remaining seconds, or -1 when the
 * data does not expire.
 */
export function remainingTtlSec(flagsOrTtl: boolean, expirationSec: number, nowSec: number): number {
  return flagsOrTtl ? expirationSec - nowSec : -1;
}
