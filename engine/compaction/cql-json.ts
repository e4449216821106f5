// CQL values rendered as JSON text (the shape of `SELECT JSON`), by AbstractType. Used for the columns the batch
// writer keeps as JSON (collections, tuples, UDTs, durations, vectors) and by tests comparing with Cassandra.

import type { MarshalType } from './value-comparator.ts';

const utf8 = new TextDecoder();
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function view(bytes: Uint8Array, start: number, length: number): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset + start, length);
}

function signedInteger(bytes: Uint8Array, start: number, length: number): bigint {
  let v = 0n;
  for (let i = 0; i < length; i++) v = (v << 8n) | BigInt(bytes[start + i]!);
  return length > 0 && bytes[start]! >= 0x80 ? v - (1n << BigInt(8 * length)) : v;
}

function pad(n: number | bigint, width: number): string {
  return String(n).padStart(width, '0');
}

export function uuidString(bytes: Uint8Array, start: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[bytes[start + i]!];
  }
  return s;
}

function inetString(bytes: Uint8Array, start: number, length: number): string {
  if (length === 4) return `${bytes[start]}.${bytes[start + 1]}.${bytes[start + 2]}.${bytes[start + 3]}`;
  const groups: string[] = [];
  for (let i = 0; i < length; i += 2) groups.push(((bytes[start + i]! << 8) | bytes[start + i + 1]!).toString(16));
  return groups.join(':');
}

/** Cassandra's timestamp JSON form: "yyyy-MM-dd HH:mm:ss.SSSZ" in UTC. */
export function timestampString(millis: number): string {
  const iso = new Date(millis).toISOString(); // 2024-01-02T03:04:05.678Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}Z`;
}

export function dateString(daysWithOffset: number): string {
  return new Date((daysWithOffset - 2 ** 31) * 86400000).toISOString().slice(0, 10);
}

export function timeString(nanos: bigint): string {
  const s = nanos / 1000000000n, ns = nanos % 1000000000n;
  return `${pad(s / 3600n, 2)}:${pad((s / 60n) % 60n, 2)}:${pad(s % 60n, 2)}.${pad(ns, 9)}`;
}

function decimalString(bytes: Uint8Array, start: number, length: number): string {
  const scale = view(bytes, start, 4).getInt32(0);
  const unscaled = signedInteger(bytes, start + 4, length - 4);
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

/** Reads Cassandra's signed vint (zig-zag over the unsigned prefix-length vint); returns [value, bytes read]. */
function readVInt(bytes: Uint8Array, pos: number): [bigint, number] {
  const first = bytes[pos]!;
  let extra = 0;
  while (extra < 8 && (first & (0x80 >> extra)) !== 0) extra++;
  let v = BigInt(first & (0xff >> (extra + 1)));
  for (let i = 1; i <= extra; i++) v = (v << 8n) | BigInt(bytes[pos + i]!);
  return [(v >> 1n) ^ -(v & 1n), extra + 1];
}

function durationString(bytes: Uint8Array, start: number): string {
  const [months, a] = readVInt(bytes, start);
  const [days, b] = readVInt(bytes, start + a);
  const [nanos] = readVInt(bytes, start + a + b);
  return `${months}mo${days}d${nanos}ns`;
}

function readInt32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
}

/** A map key must be a JSON string. */
export function asJsonKey(json: string): string {
  return json.startsWith('"') ? json : JSON.stringify(json);
}

/** The JSON text of one value of `type`. */
export function toJson(type: MarshalType, bytes: Uint8Array, start: number, length: number): string {
  if (length < 0) return 'null';
  switch (type.name) {
    case 'ReversedType': case 'FrozenType': return toJson(type.params[0]!, bytes, start, length);
    case 'UTF8Type': case 'AsciiType': return JSON.stringify(utf8.decode(bytes.subarray(start, start + length)));
    case 'BooleanType': return length === 0 ? 'null' : bytes[start] !== 0 ? 'true' : 'false';
  }
  if (length === 0 && type.name !== 'BytesType') return 'null';
  switch (type.name) {
    case 'Int32Type': case 'ShortType': case 'ByteType': case 'LongType': case 'CounterColumnType': case 'IntegerType':
      return signedInteger(bytes, start, length).toString();
    case 'FloatType': return String(view(bytes, start, 4).getFloat32(0));
    case 'DoubleType': return String(view(bytes, start, 8).getFloat64(0));
    case 'DecimalType': return decimalString(bytes, start, length);
    case 'TimestampType': case 'DateType': return JSON.stringify(timestampString(Number(signedInteger(bytes, start, 8))));
    case 'SimpleDateType': return JSON.stringify(dateString(view(bytes, start, 4).getUint32(0)));
    case 'TimeType': return JSON.stringify(timeString(signedInteger(bytes, start, 8)));
    case 'UUIDType': case 'TimeUUIDType': case 'LexicalUUIDType': return JSON.stringify(uuidString(bytes, start));
    case 'InetAddressType': return JSON.stringify(inetString(bytes, start, length));
    case 'DurationType': return JSON.stringify(durationString(bytes, start));
    case 'ListType': case 'SetType': case 'MapType': return collectionJson(type, bytes, start);
    case 'TupleType': case 'UserType': return tupleJson(type, bytes, start, length);
    default: {
      let hex = '0x';
      for (let i = 0; i < length; i++) hex += HEX[bytes[start + i]!];
      return JSON.stringify(hex);
    }
  }
}

function collectionJson(type: MarshalType, bytes: Uint8Array, start: number): string {
  const n = readInt32(bytes, start);
  let pos = start + 4;
  const parts: string[] = [];
  const next = (t: MarshalType) => {
    const l = readInt32(bytes, pos);
    const s = toJson(t, bytes, pos + 4, l);
    pos += 4 + Math.max(l, 0);
    return s;
  };
  for (let i = 0; i < n; i++) {
    if (type.name === 'MapType') {
      const k = next(type.params[0]!);
      parts.push(`${asJsonKey(k)}: ${next(type.params[1]!)}`);
    } else {
      parts.push(next(type.params[0]!));
    }
  }
  return type.name === 'MapType' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}

function tupleJson(type: MarshalType, bytes: Uint8Array, start: number, length: number): string {
  const fields = type.name === 'UserType' ? type.params.slice(2) : type.params;
  const parts: string[] = [];
  let pos = start;
  for (let i = 0; i < fields.length; i++) {
    let s = 'null';
    if (pos < start + length) {
      const l = readInt32(bytes, pos);
      s = toJson(fields[i]!, bytes, pos + 4, l);
      pos += 4 + Math.max(l, 0);
    }
    parts.push(type.name === 'UserType' ? `${JSON.stringify(fields[i]!.fieldName ?? `field${i}`)}: ${s}` : s);
  }
  return type.name === 'UserType' ? `{${parts.join(', ')}}` : `[${parts.join(', ')}]`;
}
