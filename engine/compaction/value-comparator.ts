// Value comparators for the orders Cassandra sorts by: clustering components (ClusteringComparator) and cell
// paths of non-frozen collections (CollectionType.cellPathComparator). Built from the AbstractType string the
// Statistics.db serialization header carries, parsed by engine/sstable/type-parser.ts. Follows apache/cassandra db/marshal/*Type.compareCustom; an empty value sorts first
// for every type (AbstractType.compare).

import { parseCassandraType } from '../sstable/type-parser.ts';
import type { CassandraType } from '../sstable/type-parser.ts';
import { compareBytes } from './reconcile.ts';

/** Compares two byte ranges; negative, zero or positive. */
export type ValueComparator = (a: Uint8Array, aStart: number, aLength: number,
                               b: Uint8Array, bStart: number, bLength: number) => number;

/**
 * The older nested-name shape of a parsed AbstractType, kept for connectors/raw.ts: FrozenType as a wrapper,
 * UserType params = [keyspace, hex name, fields…] with `fieldName`, VectorType params = [element, dimension].
 */
export interface MarshalType {
  name: string;
  params: MarshalType[];
  /** For a UserType field: the field name (hex-decoded from the `6669656c64:` prefix). */
  fieldName?: string;
}

const FREEZABLE = new Set(['ListType', 'SetType', 'MapType', 'UserType']);
const leaf = (name: string): MarshalType => ({ name, params: [] });

/** Cassandra's own toString: FrozenType around a frozen collection or UDT at the top or inside a multi-cell parent
 *  (inside a frozen one, freezing is implied and not written). */
function toMarshalType(t: CassandraType, inFrozen = false): MarshalType {
  const sub = (p: CassandraType) => toMarshalType(p, t.name === 'ReversedType' ? inFrozen : !t.multiCell);
  let m: MarshalType;
  if (t.name === 'UserType') {
    const hexName = Buffer.from(t.typeName!, 'utf8').toString('hex');
    m = { name: t.name, params: [leaf(t.keyspace!), leaf(hexName), ...t.params.map((p, i) => ({ ...sub(p), fieldName: t.fieldNames![i]! }))] };
  } else if (t.name === 'VectorType') m = { name: t.name, params: [sub(t.params[0]!), leaf(String(t.dimension))] };
  else if (t.name === 'CustomType') m = leaf(t.typeName!);
  else m = { name: t.name, params: t.params.map(sub) };
  return FREEZABLE.has(t.name) && !t.multiCell && !inFrozen ? { name: 'FrozenType', params: [m] } : m;
}

/** Parses an AbstractType string with the one type parser (engine/sstable/type-parser.ts) into the MarshalType shape. */
export function parseMarshalType(text: string): MarshalType {
  return toMarshalType(parseCassandraType(text));
}

function signedBigEndian(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  if (aLength !== bLength) return aLength - bLength;
  if (aLength === 0) return 0;
  const d = ((a[aStart]! ^ 0x80) - (b[bStart]! ^ 0x80));
  if (d !== 0) return d;
  return compareBytes(a, aStart + 1, aLength - 1, b, bStart + 1, bLength - 1);
}

function readFloat(bytes: Uint8Array, start: number, length: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
  return length === 4 ? view.getFloat32(0) : view.getFloat64(0);
}

/** Java Float.compare / Double.compare: -0.0 < 0.0 and NaN above everything. */
function compareFloats(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  const x = readFloat(a, aStart, aLength), y = readFloat(b, bStart, bLength);
  if (x < y) return -1;
  if (x > y) return 1;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  if (x === 0 && y === 0) return (Object.is(x, -0) ? 0 : 1) - (Object.is(y, -0) ? 0 : 1);
  return 0;
}

function varint(bytes: Uint8Array, start: number, length: number): bigint {
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(bytes[start + i]!);
  return length > 0 && (bytes[start]! & 0x80) !== 0 ? v - (1n << BigInt(8 * length)) : v;
}

function compareVarints(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  const x = varint(a, aStart, aLength), y = varint(b, bStart, bLength);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** DecimalType: int32 scale then varint unscaled value; compared as numbers (BigDecimal.compareTo). */
function compareDecimals(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  const va = new DataView(a.buffer, a.byteOffset + aStart, aLength), vb = new DataView(b.buffer, b.byteOffset + bStart, bLength);
  const sa = va.getInt32(0), sb = vb.getInt32(0);
  let ua = varint(a, aStart + 4, aLength - 4), ub = varint(b, bStart + 4, bLength - 4);
  if (sa < sb) ua *= 10n ** BigInt(sb - sa); else if (sb < sa) ub *= 10n ** BigInt(sa - sb);
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/** TimeUUIDType: time_hi (with version), time_mid, time_low unsigned, then the last 8 bytes as signed bytes. */
function compareTimeUuids(a: Uint8Array, aStart: number, _aLength: number, b: Uint8Array, bStart: number, _bLength: number): number {
  const d = compareUuidTimestamps(a, aStart, b, bStart);
  if (d !== 0) return d;
  for (let i = 8; i < 16; i++) {
    const x = (a[aStart + i]! << 24) >> 24, y = (b[bStart + i]! << 24) >> 24;
    if (x !== y) return x - y;
  }
  return 0;
}

const TIMESTAMP_BYTE_ORDER = [6, 7, 4, 5, 0, 1, 2, 3];

function compareUuidTimestamps(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number): number {
  for (const i of TIMESTAMP_BYTE_ORDER) {
    const d = a[aStart + i]! - b[bStart + i]!;
    if (d !== 0) return d;
  }
  return 0;
}

/** UUIDType: version first; version-1 UUIDs by timestamp; then all 16 bytes unsigned. */
function compareUuids(a: Uint8Array, aStart: number, aLength: number, b: Uint8Array, bStart: number, bLength: number): number {
  const va = a[aStart + 6]! >> 4, vb = b[bStart + 6]! >> 4;
  if (va !== vb) return va - vb;
  if (va === 1) {
    const d = compareUuidTimestamps(a, aStart, b, bStart);
    if (d !== 0) return d;
  }
  return compareBytes(a, aStart, aLength, b, bStart, bLength);
}

function readInt32(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!);
}

/** Frozen list/set (int32 count, then int32-length elements) or map (keys and values alternate). */
function collectionComparator(element: ValueComparator, value: ValueComparator | null): ValueComparator {
  return (a, aStart, aLength, b, bStart, bLength) => {
    const na = readInt32(a, aStart), nb = readInt32(b, bStart);
    let pa = aStart + 4, pb = bStart + 4;
    const n = Math.min(na, nb);
    for (let i = 0; i < n; i++) {
      for (let part = 0; part < (value ? 2 : 1); part++) {
        const cmp = part === 0 ? element : value!;
        const la = readInt32(a, pa), lb = readInt32(b, pb);
        const d = cmp(a, pa + 4, Math.max(la, 0), b, pb + 4, Math.max(lb, 0));
        if (d !== 0) return d;
        pa += 4 + Math.max(la, 0); pb += 4 + Math.max(lb, 0);
      }
    }
    return na - nb;
  };
}

/** Tuples and frozen UDTs: fields in order, each int32 length (-1 = null, which sorts first). */
function tupleComparator(fields: ValueComparator[]): ValueComparator {
  return (a, aStart, aLength, b, bStart, bLength) => {
    let pa = aStart, pb = bStart;
    const ea = aStart + aLength, eb = bStart + bLength;
    for (let i = 0; pa < ea && pb < eb; i++) {
      const la = readInt32(a, pa), lb = readInt32(b, pb);
      pa += 4; pb += 4;
      if (la < 0 || lb < 0) {
        if (la !== lb) return la < 0 ? -1 : 1;
        continue;
      }
      const d = (fields[i] ?? compareBytes)(a, pa, la, b, pb, lb);
      if (d !== 0) return d;
      pa += la; pb += lb;
    }
    // trailing nulls do not count (TupleType.compareCustom)
    for (; pa < ea; ) { const l = readInt32(a, pa); pa += 4 + Math.max(l, 0); if (l > 0) return 1; }
    for (; pb < eb; ) { const l = readInt32(b, pb); pb += 4 + Math.max(l, 0); if (l > 0) return -1; }
    return 0;
  };
}

function withEmptyFirst(cmp: ValueComparator): ValueComparator {
  return (a, aStart, aLength, b, bStart, bLength) => {
    if (aLength === 0 || bLength === 0) return aLength === 0 ? (bLength === 0 ? 0 : -1) : 1;
    return cmp(a, aStart, aLength, b, bStart, bLength);
  };
}

/** The comparator for values of `type`, as the type's compare() orders them. */
export function createValueComparator(type: CassandraType): ValueComparator {
  switch (type.name) {
    case 'ReversedType': {
      const inner = createValueComparator(type.params[0]!);
      return (a, as, al, b, bs, bl) => -inner(a, as, al, b, bs, bl);
    }
    case 'Int32Type': case 'LongType': case 'ShortType': case 'ByteType': case 'TimestampType': case 'DateType':
    case 'TimeType': case 'CounterColumnType':
      return withEmptyFirst(signedBigEndian);
    case 'FloatType': case 'DoubleType': return withEmptyFirst(compareFloats);
    case 'IntegerType': return withEmptyFirst(compareVarints);
    case 'DecimalType': return withEmptyFirst(compareDecimals);
    case 'UUIDType': return withEmptyFirst(compareUuids);
    case 'TimeUUIDType': return withEmptyFirst(compareTimeUuids);
    case 'ListType': case 'SetType':
      return withEmptyFirst(collectionComparator(createValueComparator(type.params[0]!), null));
    case 'MapType':
      return withEmptyFirst(collectionComparator(createValueComparator(type.params[0]!), createValueComparator(type.params[1]!)));
    case 'TupleType': return withEmptyFirst(tupleComparator(type.params.map(createValueComparator)));
    case 'UserType': return withEmptyFirst(tupleComparator(type.params.map(createValueComparator)));
    default:
      // UTF8Type, AsciiType, BytesType, BooleanType, InetAddressType, SimpleDateType (unsigned days), EmptyType,
      // DurationType, VectorType and anything else byte-ordered
      return compareBytes;
  }
}

/**
 * The order of cell paths inside a non-frozen collection or UDT column (CollectionType.cellPathComparator):
 * list → TimeUUID keys, set → elements, map → keys, non-frozen UDT → 2-byte field positions.
 */
export function createCellPathComparator(type: CassandraType): ValueComparator {
  switch (type.name) {
    case 'ListType': return withEmptyFirst(compareTimeUuids);
    case 'SetType': case 'MapType': return createValueComparator(type.params[0]!);
    default: return compareBytes;
  }
}
