// One row or range tombstone marker of Data.db (db/rows/UnfilteredSerializer.java, db/rows/Cell.java Serializer,
// db/Columns.java subset encoding), decoded into reusable typed arrays: no per-cell objects. Values, paths and
// clustering components are ranges of `bytes` (the scanner's window), valid until the scanner moves on.

import type { ByteReader } from './byte-reader.ts';
import {
  CLUSTERING, INCL_END_EXCL_START_BOUNDARY, EXCL_END_INCL_START_BOUNDARY, STATIC_CLUSTERING, SSTABLE_LOWER_BOUND,
  readClusteringValues, readValueLength,
} from './clustering.ts';
import { NO_DELETION_TIME, NO_TTL } from './deletion-time.ts';
import type { DeltaDecoder } from './deletion-time.ts';
import { RowArrays } from './row-arrays.ts';
import type { HeaderColumn, SerializationHeader } from './serialization-header.ts';

/** Unfiltered flags (first byte). */
export const END_OF_PARTITION = 0x01;
export const IS_MARKER = 0x02;
export const HAS_TIMESTAMP = 0x04;
export const HAS_TTL = 0x08;
export const HAS_DELETION = 0x10;
export const HAS_ALL_COLUMNS = 0x20;
export const HAS_COMPLEX_DELETION = 0x40;
export const EXTENSION_FLAG = 0x80;
/** Extended flags (second byte). */
export const IS_STATIC = 0x01;
export const HAS_SHADOWABLE_DELETION = 0x02;

/** Cell flags. */
export const CELL_IS_DELETED = 0x01;
export const CELL_IS_EXPIRING = 0x02;
export const CELL_HAS_EMPTY_VALUE = 0x04;
export const CELL_USE_ROW_TIMESTAMP = 0x08;
export const CELL_USE_ROW_TTL = 0x10;

export class Unfiltered extends RowArrays {
  flags = 0;
  extendedFlags = 0;
  /** Absolute Data.db offset of the first byte (the flags). */
  position = 0;
  /** Columns of this row (static or regular list of the header); cellColumn indexes it. Cell timestamps and TTLs
   *  are already resolved against the row; cellFlags are the raw Cell flags (CELL_*). */
  columns: readonly HeaderColumn[] = [];

  get isRow(): boolean { return this.kind === CLUSTERING || this.kind === STATIC_CLUSTERING; }
  get isBoundary(): boolean { return this.kind === EXCL_END_INCL_START_BOUNDARY || this.kind === INCL_END_EXCL_START_BOUNDARY; }

  reset(kind: number, bytes: Uint8Array, position: number): void {
    this.resetRow(kind);
    this.bytes = bytes;
    this.position = position;
  }

  /** Copies another unfiltered's state (the static row is kept while the partition's rows stream by). */
  copyFrom(o: Unfiltered): void {
    this.copyRowFrom(o);
    this.position = o.position;
    this.flags = o.flags; this.extendedFlags = o.extendedFlags; this.columns = o.columns;
  }
}

/** What a row decoder needs about the sstable. */
export interface RowContext {
  header: SerializationHeader;
  delta: DeltaDecoder;
  /** Scratch: indexes of the columns present in the current row. */
  present: Int32Array;
  /** Scratch for clustering values skipped over. */
  skipStarts: Int32Array;
  skipLengths: Int32Array;
}

export function createRowContext(header: SerializationHeader, delta: DeltaDecoder): RowContext {
  const n = Math.max(header.regularColumns.length, header.staticColumns.length, 1);
  const c = Math.max(header.clusteringTypes.length, 1);
  return { header, delta, present: new Int32Array(n), skipStarts: new Int32Array(c), skipLengths: new Int32Array(c) };
}

/** Columns.Serializer.deserializeSubset: fills ctx.present, returns the count. */
function readColumnSubset(r: ByteReader, columns: readonly HeaderColumn[], present: Int32Array): number {
  const superset = columns.length;
  if (superset < 64) {
    r.readUnsignedVIntParts();
    const hi = r.hi, lo = r.lo;
    if (superset < 32 ? lo >>> superset !== 0 || hi !== 0 : hi >>> (superset - 32) !== 0) {
      r.fail(`missing-columns bitmap names columns beyond the ${superset} of the header`);
    }
    let n = 0;
    for (let i = 0; i < superset; i++) {
      const missing = i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1;
      if (!missing) present[n++] = i;
    }
    return n;
  }
  const missingCount = r.readLength('missing column count');
  if (missingCount > superset) r.fail(`${missingCount} missing columns of ${superset}`);
  const count = superset - missingCount;
  if (count < (superset >> 1)) {
    for (let i = 0; i < count; i++) {
      const idx = r.readLength('column index');
      if (idx >= superset || (i > 0 && idx <= present[i - 1]!)) r.fail(`column index ${idx} out of order or beyond ${superset}`);
      present[i] = idx;
    }
    return count;
  }
  let n = 0, idx = 0;
  for (let skipped = 0; ; skipped++) {
    const nextMissing = skipped < missingCount ? r.readLength('missing column index') : superset;
    if (nextMissing > superset || nextMissing < idx) r.fail(`missing column index ${nextMissing} out of order or beyond ${superset}`);
    while (idx < nextMissing) present[n++] = idx++;
    if (idx === superset) break;
    idx++;
  }
  return n;
}

function readCell(r: ByteReader, ctx: RowContext, u: Unfiltered, column: number, complex: boolean): void {
  const col = u.columns[column]!;
  const flags = r.readUint8();
  if (flags > 0x1f) r.fail(`cell flags 0x${flags.toString(16)}`, r.pos - 1);
  const i = u.allocateCell();
  const d = ctx.delta;
  u.cellColumn[i] = column;
  u.cellFlags[i] = flags;
  u.cellTimestamp[i] = flags & CELL_USE_ROW_TIMESTAMP ? u.livenessTimestamp : d.readTimestamp(r);
  if (flags & CELL_USE_ROW_TTL) {
    u.cellLocalDeletionTime[i] = u.livenessExpirationSec;
    u.cellTtl[i] = u.livenessTtl;
  } else {
    u.cellLocalDeletionTime[i] = flags & (CELL_IS_DELETED | CELL_IS_EXPIRING) ? d.readLocalDeletionTime(r) : NO_DELETION_TIME;
    u.cellTtl[i] = flags & CELL_IS_EXPIRING ? d.readTtl(r) : NO_TTL;
  }
  if (complex) {
    const length = r.readLength('cell path length');
    r.need(length, 'cell path');
    u.cellPathStart[i] = r.pos;
    u.cellPathLength[i] = length;
    r.pos += length;
  } else {
    u.cellPathStart[i] = 0;
    u.cellPathLength[i] = -1;
  }
  if (flags & CELL_HAS_EMPTY_VALUE) {
    u.cellValueStart[i] = r.pos;
    u.cellValueLength[i] = 0;
  } else {
    const length = readValueLength(r, col.type, `value of column ${col.name}`);
    u.cellValueStart[i] = r.pos - length;
    u.cellValueLength[i] = length;
  }
}

/** Row body after the clustering: sizes, liveness, deletion, columns. `u.kind` and clustering already set. */
export function readRowBody(r: ByteReader, ctx: RowContext, u: Unfiltered): void {
  const flags = u.flags;
  const isStatic = (u.extendedFlags & IS_STATIC) !== 0;
  const columns = isStatic ? ctx.header.staticColumns : ctx.header.regularColumns;
  u.columns = columns;
  const rowSize = r.readLength('row size');
  const bodyStart = r.pos;
  if (rowSize > r.remaining) r.failEnd(`row size ${rowSize} exceeds the ${r.remaining} bytes left`);
  r.skipUnsignedVInt(); // previous unfiltered size
  const d = ctx.delta;
  if (flags & HAS_TIMESTAMP) {
    u.livenessTimestamp = d.readTimestamp(r);
    if (flags & HAS_TTL) {
      u.livenessTtl = d.readTtl(r);
      u.livenessExpirationSec = d.readLocalDeletionTime(r);
    }
  }
  if (flags & HAS_DELETION) {
    u.deletionMarkedForDeleteAt = d.readTimestamp(r);
    u.deletionLocalDeletionTime = d.readLocalDeletionTime(r);
    u.deletionShadowable = (u.extendedFlags & HAS_SHADOWABLE_DELETION) !== 0;
  }
  let count = columns.length;
  const present = ctx.present;
  if (flags & HAS_ALL_COLUMNS) for (let i = 0; i < count; i++) present[i] = i;
  else count = readColumnSubset(r, columns, present);
  const hasComplexDeletion = (flags & HAS_COMPLEX_DELETION) !== 0;
  for (let k = 0; k < count; k++) {
    const c = present[k]!;
    if (!columns[c]!.isComplex) {
      readCell(r, ctx, u, c, false);
      continue;
    }
    if (hasComplexDeletion) {
      const mfda = d.readTimestamp(r);
      u.addComplexDeletion(c, mfda, d.readLocalDeletionTime(r));
    }
    const cells = r.readLength('complex cell count');
    if (cells > r.remaining) r.fail(`${cells} cells in ${r.remaining} bytes`);
    for (let j = 0; j < cells; j++) readCell(r, ctx, u, c, true);
  }
  if (r.pos !== bodyStart + rowSize) r.fail(`row size ${rowSize} disagrees with the ${r.pos - bodyStart} bytes decoded`, bodyStart);
}

/** Reads one unfiltered after the partition header; returns false at the end-of-partition byte. */
export function readUnfiltered(r: ByteReader, ctx: RowContext, u: Unfiltered): boolean {
  const position = r.absolutePos;
  const flags = r.readUint8();
  if (flags === END_OF_PARTITION) return false;
  if (flags & END_OF_PARTITION) r.fail(`unfiltered flags 0x${flags.toString(16)}`, r.pos - 1);
  const extendedFlags = flags & EXTENSION_FLAG ? r.readUint8() : 0;
  const types = ctx.header.clusteringTypes;
  if (flags & IS_MARKER) {
    const kind = r.readUint8();
    if (kind === CLUSTERING || kind === STATIC_CLUSTERING || kind >= SSTABLE_LOWER_BOUND) r.fail(`range tombstone kind ${kind}`, r.pos - 1);
    u.reset(kind, r.bytes, position);
    u.flags = flags;
    u.extendedFlags = extendedFlags;
    const size = r.readUint16();
    if (size > types.length) r.fail(`bound of ${size} values for ${types.length} clustering columns`, r.pos - 2);
    u.ensureClustering(size);
    readClusteringValues(r, types, size, u.clusteringStart, u.clusteringLength);
    u.clusteringSize = size;
    const markerSize = r.readLength('marker size');
    const bodyStart = r.pos;
    if (markerSize > r.remaining) r.failEnd(`marker size ${markerSize} exceeds the ${r.remaining} bytes left`);
    r.skipUnsignedVInt(); // previous unfiltered size
    const d = ctx.delta;
    u.deletionMarkedForDeleteAt = d.readTimestamp(r);
    u.deletionLocalDeletionTime = d.readLocalDeletionTime(r);
    if (u.isBoundary) {
      u.openMarkedForDeleteAt = d.readTimestamp(r);
      u.openLocalDeletionTime = d.readLocalDeletionTime(r);
    }
    if (r.pos !== bodyStart + markerSize) r.fail(`marker size ${markerSize} disagrees with the ${r.pos - bodyStart} bytes decoded`, bodyStart);
    return true;
  }
  if (extendedFlags & IS_STATIC) r.fail('static row after the first unfiltered of a partition', position - r.base);
  u.reset(CLUSTERING, r.bytes, position);
  u.flags = flags;
  u.extendedFlags = extendedFlags;
  u.ensureClustering(types.length);
  readClusteringValues(r, types, types.length, u.clusteringStart, u.clusteringLength);
  u.clusteringSize = types.length;
  readRowBody(r, ctx, u);
  return true;
}

/** Reads the static row that follows the partition header when the header has static columns. */
export function readStaticRow(r: ByteReader, ctx: RowContext, u: Unfiltered): void {
  const position = r.absolutePos;
  const flags = r.readUint8();
  if (!(flags & EXTENSION_FLAG) || (flags & (IS_MARKER | END_OF_PARTITION))) r.fail(`static row flags 0x${flags.toString(16)}`, r.pos - 1);
  const extendedFlags = r.readUint8();
  if (!(extendedFlags & IS_STATIC)) r.fail(`static row extended flags 0x${extendedFlags.toString(16)}`, r.pos - 1);
  u.reset(STATIC_CLUSTERING, r.bytes, position);
  u.flags = flags;
  u.extendedFlags = extendedFlags;
  readRowBody(r, ctx, u);
}

/**
 * Skips one unfiltered (or the static row when `isStatic`) using its size field, decoding only the clustering;
 * returns false at the end-of-partition byte.
 */
export function skipUnfiltered(r: ByteReader, ctx: RowContext, isStatic: boolean): boolean {
  const flags = r.readUint8();
  if (flags === END_OF_PARTITION && !isStatic) return false;
  const extendedFlags = flags & EXTENSION_FLAG ? r.readUint8() : 0;
  if (isStatic !== ((extendedFlags & IS_STATIC) !== 0)) r.fail(`unfiltered flags 0x${flags.toString(16)}/0x${extendedFlags.toString(16)}`, r.pos - 1);
  const types = ctx.header.clusteringTypes;
  if (flags & IS_MARKER) {
    r.readUint8();
    const size = r.readUint16();
    if (size > types.length) r.fail(`bound of ${size} values for ${types.length} clustering columns`, r.pos - 2);
    readClusteringValues(r, types, size, ctx.skipStarts, ctx.skipLengths);
  } else if (!isStatic) readClusteringValues(r, types, types.length, ctx.skipStarts, ctx.skipLengths);
  const size = r.readLength('unfiltered size');
  r.need(size, 'unfiltered body');
  r.pos += size;
  return true;
}
