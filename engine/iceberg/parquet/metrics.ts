// Column metrics of a data file computed from the Arrow data written (exact and type-aware):
// null and NaN counts and lower/upper bounds of top-level primitive columns, bounds encoded per
// spec Appendix D. Strings and binaries are truncated to 16 (write.metadata.metrics.default =
// truncate(16)); a truncated upper bound is rounded up, or dropped when it cannot be.

import type { Data, Table } from 'apache-arrow';
import { compareBytes, compareValues, toBytes, type IcebergValue } from '../spec/conversions.ts';
import type { Schema } from '../spec/schema.ts';
import { isPrimitive, type PrimitiveType } from '../spec/types.ts';

export const DEFAULT_TRUNCATE_LENGTH = 16;

export interface ColumnMetrics {
  nullValueCounts: Map<number, number>;
  nanValueCounts: Map<number, number>;
  lowerBounds: Map<number, Uint8Array>;
  upperBounds: Map<number, Uint8Array>;
}

function isValid(d: Data, i: number): boolean {
  if (!d.nullBitmap || d.nullCount === 0) return true;
  const j = d.offset + i;
  return ((d.nullBitmap[j >> 3]! >> (j & 7)) & 1) === 1;
}

const textDecoder = new TextDecoder();

/** The value at row `i` of a column chunk, in the representation of spec/conversions.ts. */
/** `stringsAsBytes`: metrics compare UTF-8 bytes (code-point order) and skip decoding every string. */
export function valueAt(d: Data, type: PrimitiveType, i: number, stringsAsBytes = false): IcebergValue | null {
  if (!isValid(d, i)) return null;
  const values = d.values as ArrayLike<number | bigint> & { subarray?: unknown };
  switch (type.kind) {
    case 'boolean': { const j = d.offset + i; return ((d.values[j >> 3] >> (j & 7)) & 1) === 1; }
    case 'int': case 'date': case 'float': case 'double': return values[i] as number;
    case 'long': case 'time': case 'timestamp': case 'timestamptz': return values[i] as bigint;
    case 'string': case 'binary': {
      const offs = d.valueOffsets as Int32Array;
      const bytes = (d.values as Uint8Array).subarray(offs[i]!, offs[i + 1]!);
      return type.kind === 'string' && !stringsAsBytes ? textDecoder.decode(bytes) : bytes;
    }
    case 'uuid': case 'fixed': {
      const w = type.kind === 'fixed' ? type.length : 16;
      return (d.values as Uint8Array).subarray(i * w, (i + 1) * w);
    }
    case 'decimal': {
      const words = d.values as Uint32Array;
      let v = 0n;
      for (let k = 3; k >= 0; k--) v = (v << 32n) | BigInt(words[i * 4 + k]!);
      return BigInt.asIntN(128, v);
    }
  }
}

export function computeColumnMetrics(table: Table, schema: Schema, truncateLength = DEFAULT_TRUNCATE_LENGTH): ColumnMetrics {
  const out: ColumnMetrics = { nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() };
  schema.fields.forEach((field, col) => {
    const column = table.getChildAt(col);
    if (!column) return;
    if (!isPrimitive(field.type)) return;
    const type = field.type;
    const order: PrimitiveType = type.kind === 'string' ? { kind: 'binary' } : type;
    const { nulls, nans, min, max } = scanColumn(column.data, type);
    out.nullValueCounts.set(field.id, nulls);
    if (type.kind === 'float' || type.kind === 'double') out.nanValueCounts.set(field.id, nans);
    if (min !== null && max !== null) {
      out.lowerBounds.set(field.id, truncateLower(type, toBytes(order, min), truncateLength));
      const upper = truncateUpper(type, toBytes(order, max), truncateLength);
      if (upper) out.upperBounds.set(field.id, upper);
    }
  });
  return out;
}

interface ColumnScan { nulls: number; nans: number; min: IcebergValue | null; max: IcebergValue | null }

// Metrics run over every value written, so the common types are scanned in place over Arrow's buffers: numbers
// straight from their typed arrays, 64-bit values as two 32-bit words, strings and binaries as byte ranges. Only the
// final min and max become values.
function scanColumn(chunks: readonly Data[], type: PrimitiveType): ColumnScan {
  switch (type.kind) {
    case 'int': case 'date': case 'float': case 'double': return scanNumbers(chunks);
    case 'long': case 'time': case 'timestamp': case 'timestamptz': return scanLongs(chunks);
    case 'string': case 'binary': return scanBytes(chunks);
    default: return scanValues(chunks, type);
  }
}

/** Min/max by `<` with -0 below +0 (Iceberg orders floats by their sign-magnitude bits); NaN counted, not ordered. */
function scanNumbers(chunks: readonly Data[]): ColumnScan {
  let nulls = 0, nans = 0, min = Infinity, max = -Infinity, seen = false;
  for (const d of chunks) {
    const values = d.values as Int32Array | Float32Array | Float64Array;
    for (let i = 0; i < d.length; i++) {
      if (!isValid(d, i)) { nulls++; continue; }
      const v = values[i]!;
      if (v !== v) { nans++; continue; }
      seen = true;
      if (v < min || (v === 0 && min === 0 && Object.is(v, -0))) min = v;
      if (v > max || (v === 0 && max === 0 && Object.is(max, -0))) max = v;
    }
  }
  return { nulls, nans, min: seen ? min : null, max: seen ? max : null };
}

function scanLongs(chunks: readonly Data[]): ColumnScan {
  let nulls = 0;
  let minHi = 0, minLo = 0, maxHi = 0, maxLo = 0, seen = false;
  for (const d of chunks) {
    const v = d.values as BigInt64Array;
    const words = new Int32Array(v.buffer, v.byteOffset, v.length * 2);
    for (let i = 0; i < d.length; i++) {
      if (!isValid(d, i)) { nulls++; continue; }
      const hi = words[2 * i + 1]!, lo = words[2 * i]! >>> 0; // little-endian: low word first
      if (!seen) { minHi = maxHi = hi; minLo = maxLo = lo; seen = true; continue; }
      if (hi < minHi || (hi === minHi && lo < minLo)) { minHi = hi; minLo = lo; }
      if (hi > maxHi || (hi === maxHi && lo > maxLo)) { maxHi = hi; maxLo = lo; }
    }
  }
  const long = (hi: number, lo: number) => (BigInt(hi) << 32n) | BigInt(lo);
  return { nulls, nans: 0, min: seen ? long(minHi, minLo) : null, max: seen ? long(maxHi, maxLo) : null };
}

/** UTF-8 strings and binaries compare as unsigned bytes; the extremes are kept as ranges of their chunk's buffer. */
function scanBytes(chunks: readonly Data[]): ColumnScan {
  let nulls = 0;
  let min: Uint8Array | null = null, max: Uint8Array | null = null;
  for (const d of chunks) {
    const offs = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    let minAt = -1, maxAt = -1;
    for (let i = 0; i < d.length; i++) {
      if (!isValid(d, i)) { nulls++; continue; }
      if (minAt < 0) { minAt = maxAt = i; continue; }
      if (compareRanges(bytes, offs[i]!, offs[i + 1]!, offs[minAt]!, offs[minAt + 1]!) < 0) minAt = i;
      if (compareRanges(bytes, offs[i]!, offs[i + 1]!, offs[maxAt]!, offs[maxAt + 1]!) > 0) maxAt = i;
    }
    if (minAt < 0) continue;
    const lo = bytes.subarray(offs[minAt]!, offs[minAt + 1]!), hi = bytes.subarray(offs[maxAt]!, offs[maxAt + 1]!);
    if (min === null || compareBytes(lo, min) < 0) min = lo;
    if (max === null || compareBytes(hi, max) > 0) max = hi;
  }
  return { nulls, nans: 0, min, max };
}

function compareRanges(b: Uint8Array, aStart: number, aEnd: number, cStart: number, cEnd: number): number {
  const n = Math.min(aEnd - aStart, cEnd - cStart);
  for (let k = 0; k < n; k++) {
    const x = b[aStart + k]!, y = b[cStart + k]!;
    if (x !== y) return x - y;
  }
  return (aEnd - aStart) - (cEnd - cStart);
}

/** The other primitives (boolean, uuid, fixed, decimal), value by value. */
function scanValues(chunks: readonly Data[], type: PrimitiveType): ColumnScan {
  let nulls = 0;
  let min: IcebergValue | null = null, max: IcebergValue | null = null;
  for (const d of chunks) {
    for (let i = 0; i < d.length; i++) {
      const v = valueAt(d, type, i, true);
      if (v === null) { nulls++; continue; }
      if (min === null || compareValues(type, v, min) < 0) min = v;
      if (max === null || compareValues(type, max, v) < 0) max = v;
    }
  }
  return { nulls, nans: 0, min, max };
}

/** Byte length of the first `n` code points of UTF-8 `bytes`. */
function prefixLength(bytes: Uint8Array, n: number): number {
  let points = 0;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i]! & 0xc0) !== 0x80) {
      if (points === n) return i;
      points++;
    }
  }
  return bytes.length;
}

function truncateLower(type: PrimitiveType, bytes: Uint8Array, n: number): Uint8Array {
  if (type.kind === 'string') return bytes.slice(0, prefixLength(bytes, n));
  if (type.kind === 'binary') return bytes.slice(0, n);
  return bytes;
}

/** Truncated upper bound ≥ every value with this prefix, or null when none exists. */
function truncateUpper(type: PrimitiveType, bytes: Uint8Array, n: number): Uint8Array | null {
  if (type.kind === 'string') {
    const cut = prefixLength(bytes, n);
    if (cut === bytes.length) return bytes;
    const points = Array.from(textDecoder.decode(bytes.subarray(0, cut)));
    for (let k = points.length - 1; k >= 0; k--) {
      let cp = points[k]!.codePointAt(0)! + 1;
      if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xe000;
      if (cp <= 0x10ffff) {
        const candidate = new TextEncoder().encode(points.slice(0, k).join('') + String.fromCodePoint(cp));
        if (compareBytes(candidate, bytes) > 0) return candidate;
      }
    }
    return null;
  }
  if (type.kind === 'binary' && bytes.length > n) {
    const out = bytes.slice(0, n);
    for (let k = n - 1; k >= 0; k--) {
      if (out[k]! < 0xff) { out[k]!++; return out.slice(0, k + 1); }
    }
    return null;
  }
  return bytes;
}
