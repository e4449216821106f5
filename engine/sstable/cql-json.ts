// CQL values as `SELECT JSON` renders them (each type's toJSONString in db/marshal/*Type.java and the
// serializers' toString): text as JSON strings, blobs "0x…", timestamps "yyyy-MM-dd HH:mm:ss.SSSZ" (UTC), dates
// "yyyy-MM-dd", times "HH:mm:ss.nnnnnnnnn", numbers bare, collections `[a, b]` / `{"k": v}` with Cassandra's
// separators, map keys that are not JSON strings wrapped in quotes. Frozen layouts: CollectionSerializer,
// TupleSerializer, UserType, VectorType.

import { CorruptInputError, UnsupportedFormatError } from '../errors.ts';
import { ByteReader } from './byte-reader.ts';
import type { CassandraType } from './type-parser.ts';
import { unreversed } from './type-parser.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const utf8 = new TextDecoder();

export function hexString(bytes: Uint8Array, start: number, length: number): string {
  let s = '';
  for (let i = start; i < start + length; i++) s += HEX[bytes[i]!];
  return s;
}

export function uuidString(bytes: Uint8Array, start: number): string {
  const h = hexString(bytes, start, 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Two's-complement big-endian integer of any width (IntegerType, DecimalType unscaled value). */
export function readVarint(bytes: Uint8Array, start: number, length: number): bigint {
  if (length === 0) return 0n;
  let v = 0n;
  for (let i = start; i < start + length; i++) v = (v << 8n) | BigInt(bytes[i]!);
  return bytes[start]! & 0x80 ? v - (1n << BigInt(8 * length)) : v;
}

/** java.math.BigDecimal.toString of unscaled × 10^-scale. */
export function decimalString(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  const adjusted = -scale + (digits.length - 1);
  let body: string;
  if (scale === 0) body = digits;
  else if (scale > 0 && adjusted >= -6) {
    body = digits.length > scale
      ? `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`
      : `0.${'0'.repeat(scale - digits.length)}${digits}`;
  } else {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}

/** java.math.BigDecimal.toPlainString of unscaled × 10^-scale: no exponent, trailing zeros kept. */
export function decimalPlainString(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

function pad(n: number, width: number): string { return String(n).padStart(width, '0'); }

/** TimestampType JSON form, UTC. */
export function timestampString(millis: number): string {
  const d = new Date(millis);
  if (Number.isNaN(d.getTime())) return String(millis);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)} ` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(d.getUTCMilliseconds(), 3)}Z`;
}

/** SimpleDateType: uint32 days with 2^31 = 1970-01-01. */
export function dateString(raw: number): string {
  const d = new Date((raw - 2147483648) * 86400000);
  if (Number.isNaN(d.getTime())) return String(raw - 2147483648);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}`;
}

/** TimeType: nanoseconds of the day as HH:mm:ss.nnnnnnnnn. */
export function timeString(nanos: bigint): string {
  const ns = Number(nanos % 1000000000n), s = Number(nanos / 1000000000n);
  return `${pad(Math.floor(s / 3600), 2)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}.${pad(ns, 9)}`;
}

/** cql3/Duration.toString: 1y2mo3d4h5m6s7ms8us9ns. */
export function durationString(months: number, days: number, nanos: bigint): string {
  const negative = months < 0 || days < 0 || nanos < 0n;
  const m = Math.abs(months), d = Math.abs(days);
  let n = nanos < 0n ? -nanos : nanos;
  let s = negative ? '-' : '';
  const add = (v: bigint | number, unit: string) => { if (v !== 0 && v !== 0n) s += `${v}${unit}`; };
  add(Math.floor(m / 12), 'y'); add(m % 12, 'mo'); add(d, 'd');
  const units: [bigint, string][] = [[3600000000000n, 'h'], [60000000000n, 'm'], [1000000000n, 's'], [1000000n, 'ms'], [1000n, 'us'], [1n, 'ns']];
  for (const [size, unit] of units) { add(n / size, unit); n %= size; }
  return s;
}

function inetString(bytes: Uint8Array, start: number, length: number): string {
  if (length === 4) return `${bytes[start]}.${bytes[start + 1]}.${bytes[start + 2]}.${bytes[start + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < length; i += 2) groups.push(((bytes[start + i]! << 8) | bytes[start + i + 1]!).toString(16));
  return groups.join(':');
}

/** Java's Double.toString / Float.toString layout of shortest round-trip digits: plain with at least one fraction
 *  digit for 1e-3 <= |v| < 1e7, else `d.dddE±n` (no plus sign); one-digit results get a second digit, the closest
 *  to the exact binary value (4.9E-324). NaN/Infinity are the caller's concern. */
function javaNumberString(v: number, shortest: string): string {
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = Number(shortest).toExponential().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  let digits = mantissa.replace(/^-/, '').replace('.', '');
  let exp = Number(expText);
  if (digits.length === 1 && Math.abs(v) < 1e-3) {
    const two = Math.abs(v).toExponential(1).split('e') as [string, string];
    digits = two[0].replace('.', ''); exp = Number(two[1]);
  }
  const sign = negative ? '-' : '';
  if (exp >= -3 && exp < 7) {
    if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    return `${sign}${int}.${digits.slice(exp + 1) || '0'}`;
  }
  return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
}

/** JDK <= 18 FloatingDecimal prints a few floats with one digit more than the shortest (JDK-4511638). */
const JDK_FLOAT_STRINGS: ReadonlyMap<number, string> = new Map([[Math.fround(1.17549435e-38), '1.17549435E-38']]);

/** Double.toString as DoubleType.toJSONString prints it (NaN and infinities are JSON null). */
export function javaDoubleString(v: number): string {
  return Number.isFinite(v) ? javaNumberString(v, String(v)) : 'null';
}

/** Float.toString of a float32 as FloatType.toJSONString prints it (NaN and infinities are JSON null). */
export function javaFloatString(v: number): string {
  if (!Number.isFinite(v)) return 'null';
  const jdk = JDK_FLOAT_STRINGS.get(Math.abs(v));
  if (jdk !== undefined) return v < 0 ? `-${jdk}` : jdk;
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return javaNumberString(v, s);
  }
  return javaNumberString(v, String(v));
}

/** CounterContext: sum of the counts of all shards (header count, header, then 32-byte shards). */
export function counterValue(bytes: Uint8Array, start: number, length: number, file = 'counter'): bigint {
  const r = new ByteReader(bytes.subarray(start, start + length), file);
  if (length === 0) return 0n;
  const headers = r.readInt16();
  if (headers < 0) r.fail(`counter context header count ${headers}`);
  r.skip(headers * 2);
  if (r.remaining % 32 !== 0) r.fail(`counter context shards of ${r.remaining} bytes`);
  let total = 0n;
  while (r.remaining > 0) {
    r.skip(24);
    total += r.readBigInt64();
  }
  return total;
}

function quoteKey(json: string): string {
  return json.startsWith('"') ? json : JSON.stringify(json);
}

function frozenElements(type: CassandraType, bytes: Uint8Array, start: number, length: number, pairs: boolean): string {
  const r = new ByteReader(bytes.subarray(start, start + length), 'frozen value');
  const count = r.readInt32();
  if (count < 0 || count > length) r.fail(`collection of ${count} elements`);
  const parts: string[] = [];
  const element = (t: CassandraType) => {
    const n = r.readInt32();
    if (n < 0) return 'null';
    const v = r.readBytes(n);
    return toJson(t, v, 0, v.length);
  };
  for (let i = 0; i < count; i++) {
    if (pairs) {
      const k = element(type.params[0]!);
      parts.push(`${quoteKey(k)}: ${element(type.params[1]!)}`);
    } else parts.push(element(type.params[0]!));
  }
  return pairs ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}

function fieldsJson(type: CassandraType, bytes: Uint8Array, start: number, length: number): string {
  const r = new ByteReader(bytes.subarray(start, start + length), 'frozen value');
  const parts: string[] = [];
  for (let i = 0; i < type.params.length; i++) {
    let v = 'null';
    if (r.remaining > 0) {
      const n = r.readInt32();
      if (n >= 0) { const b = r.readBytes(n); v = toJson(type.params[i]!, b, 0, b.length); }
    }
    parts.push(type.name === 'UserType' ? `${JSON.stringify(type.fieldNames![i])}: ${v}` : v);
  }
  return type.name === 'UserType' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}

function vectorJson(type: CassandraType, bytes: Uint8Array, start: number, length: number): string {
  const r = new ByteReader(bytes.subarray(start, start + length), 'vector value');
  const element = type.params[0]!;
  const parts: string[] = [];
  for (let i = 0; i < type.dimension!; i++) {
    const n = element.fixedLength >= 0 ? element.fixedLength : r.readLength('vector element length');
    const b = r.readBytes(n);
    parts.push(toJson(element, b, 0, n));
  }
  return `[${parts.join(', ')}]`;
}

/** Serialized sizes of fixed-size values (an empty value is allowed for every type and renders as null). */
const VALUE_SIZES: Record<string, readonly number[]> = {
  BooleanType: [1], Int32Type: [4], ShortType: [2], ByteType: [1], LongType: [8], FloatType: [4], DoubleType: [8],
  UUIDType: [16], TimeUUIDType: [16], LexicalUUIDType: [16], TimestampType: [8], DateType: [8], SimpleDateType: [4],
  TimeType: [8], InetAddressType: [4, 16],
};

const EMPTY_AS_STRING = new Set([...Object.keys(VALUE_SIZES), 'IntegerType', 'DecimalType', 'CounterColumnType', 'DurationType']);

/** JSON text of one serialized value (never null: callers render null themselves). Bad sizes → CorruptInputError. */
export function toJson(type: CassandraType, bytes: Uint8Array, start: number, length: number, file = 'value'): string {
  const t = unreversed(type);
  const sizes = VALUE_SIZES[t.name];
  if (sizes && length !== 0 && !sizes.includes(length)) {
    throw new CorruptInputError(file, start, `${t.name} value of ${length} bytes (${sizes.join(' or ')} expected)`);
  }
  if ((t.name === 'DecimalType' && length > 0 && length < 4) || (t.name === 'CounterColumnType' && length > 0 && length < 2)) {
    throw new CorruptInputError(file, start, `${t.name} value of ${length} bytes`);
  }
  // An empty value of a scalar type is valid (isEmptyValueMeaningless) and toJSONString prints it as "".
  if (length === 0 && EMPTY_AS_STRING.has(t.name)) return '""';
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
  switch (t.name) {
    case 'AsciiType': case 'UTF8Type': return JSON.stringify(utf8.decode(bytes.subarray(start, start + length)));
    case 'BytesType': case 'CustomType': case 'EmptyType': case 'DynamicCompositeType': case 'CompositeType':
      return `"0x${hexString(bytes, start, length)}"`;
    case 'BooleanType': return bytes[start] ? 'true' : 'false';
    case 'Int32Type': return String(view.getInt32(0));
    case 'ShortType': return String(view.getInt16(0));
    case 'ByteType': return String(view.getInt8(0));
    case 'LongType': case 'CounterColumnType':
      return t.name === 'LongType' ? String(view.getBigInt64(0)) : String(counterValue(bytes, start, length));
    case 'IntegerType': return String(readVarint(bytes, start, length));
    case 'DecimalType':
      return decimalString(readVarint(bytes, start + 4, length - 4), view.getInt32(0));
    case 'FloatType': return javaFloatString(view.getFloat32(0));
    case 'DoubleType': return javaDoubleString(view.getFloat64(0));
    case 'UUIDType': case 'TimeUUIDType': case 'LexicalUUIDType': return `"${uuidString(bytes, start)}"`;
    case 'TimestampType': case 'DateType': return `"${timestampString(Number(view.getBigInt64(0)))}"`;
    case 'SimpleDateType': return `"${dateString(view.getUint32(0))}"`;
    case 'TimeType': return `"${timeString(view.getBigInt64(0))}"`;
    case 'InetAddressType': return `"${inetString(bytes, start, length)}"`;
    case 'DurationType': {
      const r = new ByteReader(bytes.subarray(start, start + length), 'duration value');
      const months = r.readVInt(), days = r.readVInt();
      r.readUnsignedVIntParts();
      const z = (BigInt(r.hi) << 32n) | BigInt(r.lo);
      return `"${durationString(months, days, (z >> 1n) ^ -(z & 1n))}"`;
    }
    case 'ListType': case 'SetType': return frozenElements(t, bytes, start, length, false);
    case 'MapType': return frozenElements(t, bytes, start, length, true);
    case 'TupleType': case 'UserType': return fieldsJson(t, bytes, start, length);
    case 'VectorType': return vectorJson(t, bytes, start, length);
  }
  throw new UnsupportedFormatError(`no JSON rendering for ${t.name}`, { type: t.text });
}

/** The cells of a row as the unfiltered (unfiltered.ts) and the merge's RowBuffer both lay them out. */
export interface CellArrays {
  readonly bytes: Uint8Array;
  readonly cellValueStart: Int32Array;
  readonly cellValueLength: Int32Array;
  readonly cellPathStart: Int32Array;
  readonly cellPathLength: Int32Array;
}

/**
 * JSON text of a multi-cell (non-frozen) collection or UDT from its live cells in path order: cell k of `from`…`to`
 * is `indexes[k]`, or k itself when `indexes` is null. List elements are values, set elements paths, map entries
 * path: value, UDT fields by their 2-byte index path (fields without a cell are null).
 */
export function multiCellJson(type: CassandraType, cells: CellArrays, indexes: Int32Array | null, from: number, to: number): string {
  const b = cells.bytes;
  const parts: string[] = [];
  const fields = type.name === 'UserType' ? new Array<string>(type.params.length).fill('null') : null;
  for (let k = from; k < to; k++) {
    const i = indexes ? indexes[k]! : k;
    const vs = cells.cellValueStart[i]!, vl = cells.cellValueLength[i]!, ps = cells.cellPathStart[i]!, pl = cells.cellPathLength[i]!;
    if (type.name === 'ListType') parts.push(toJson(type.params[0]!, b, vs, vl));
    else if (type.name === 'SetType') parts.push(toJson(type.params[0]!, b, ps, pl));
    else if (type.name === 'MapType') parts.push(`${quoteKey(toJson(type.params[0]!, b, ps, pl))}: ${toJson(type.params[1]!, b, vs, vl)}`);
    else if (fields) {
      const f = pl === 2 ? (b[ps]! << 8) | b[ps + 1]! : -1;
      if (f < 0 || f >= fields.length) throw new CorruptInputError('cell path', ps, `UDT field index ${f} of ${fields.length}`);
      fields[f] = toJson(type.params[f]!, b, vs, vl);
    }
  }
  if (fields) return `{${fields.map((v, f) => `${JSON.stringify(type.fieldNames![f])}: ${v}`).join(', ')}}`;
  return type.name === 'MapType' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}
