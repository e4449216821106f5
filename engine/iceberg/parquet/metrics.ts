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

function less(type: PrimitiveType, a: IcebergValue, b: IcebergValue): boolean {
  if (typeof a === 'number' && a === 0 && b === 0) return Object.is(a, -0) && !Object.is(b, -0);
  return compareValues(type, a, b) < 0;
}

export function computeColumnMetrics(table: Table, schema: Schema, truncateLength = DEFAULT_TRUNCATE_LENGTH): ColumnMetrics {
  const out: ColumnMetrics = { nullValueCounts: new Map(), nanValueCounts: new Map(), lowerBounds: new Map(), upperBounds: new Map() };
  schema.fields.forEach((field, col) => {
    const column = table.getChildAt(col);
    if (!column) return;
    if (!isPrimitive(field.type)) return;
    const type = field.type;
    const order: PrimitiveType = type.kind === 'string' ? { kind: 'binary' } : type;
    const isFloat = type.kind === 'float' || type.kind === 'double';
    let nulls = 0;
    let nans = 0;
    let min: IcebergValue | null = null;
    let max: IcebergValue | null = null;
    for (const d of column.data) {
      for (let i = 0; i < d.length; i++) {
        const v = valueAt(d, type, i, true);
        if (v === null) { nulls++; continue; }
        if (isFloat && Number.isNaN(v)) { nans++; continue; }
        if (min === null || less(order, v, min)) min = v;
        if (max === null || less(order, max, v)) max = v;
      }
    }
    out.nullValueCounts.set(field.id, nulls);
    if (isFloat) out.nanValueCounts.set(field.id, nans);
    if (min !== null && max !== null) {
      out.lowerBounds.set(field.id, truncateLower(type, toBytes(order, min), truncateLength));
      const upper = truncateUpper(type, toBytes(order, max), truncateLength);
      if (upper) out.upperBounds.set(field.id, upper);
    }
  });
  return out;
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
