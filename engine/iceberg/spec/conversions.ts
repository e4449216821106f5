// Single-value binary serialization (spec Appendix D), used for column bounds and partition
// summaries. JS representation of values, by Iceberg type:
//   boolean → boolean; int, date → number; long, time, timestamp, timestamptz → bigint (µs);
//   float, double → number; string → string; uuid, fixed, binary → Uint8Array;
//   decimal → bigint (the unscaled value).

import { CassbergError } from '../../errors.ts';
import type { PrimitiveType } from './types.ts';

export type IcebergValue = boolean | number | bigint | string | Uint8Array;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBytes(type: PrimitiveType, value: IcebergValue): Uint8Array {
  switch (type.kind) {
    case 'boolean': return Uint8Array.of(value ? 1 : 0);
    case 'int': case 'date': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setInt32(0, Number(value), true);
      return out;
    }
    case 'long': case 'time': case 'timestamp': case 'timestamptz': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, BigInt(value as bigint | number), true);
      return out;
    }
    case 'float': {
      const out = new Uint8Array(4);
      new DataView(out.buffer).setFloat32(0, value as number, true);
      return out;
    }
    case 'double': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, value as number, true);
      return out;
    }
    case 'string': return encoder.encode(value as string);
    case 'uuid': return typeof value === 'string' ? uuidToBytes(value) : (value as Uint8Array);
    case 'fixed': case 'binary': return value as Uint8Array;
    case 'decimal': return decimalToBytes(value as bigint);
  }
}

export function fromBytes(type: PrimitiveType, bytes: Uint8Array): IcebergValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (type.kind) {
    case 'boolean': return bytes[0] !== 0;
    case 'int': case 'date': return view.getInt32(0, true);
    case 'long': case 'time': case 'timestamp': case 'timestamptz':
      // Spec: a 4-byte value for a long promoted from int is still valid.
      return bytes.length === 4 ? BigInt(view.getInt32(0, true)) : view.getBigInt64(0, true);
    case 'float': return view.getFloat32(0, true);
    case 'double': return bytes.length === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true);
    case 'string': return decoder.decode(bytes);
    case 'uuid': case 'fixed': case 'binary': return bytes;
    case 'decimal': return decimalFromBytes(bytes);
  }
}

/** Minimal two's-complement big-endian bytes of an unscaled decimal. */
export function decimalToBytes(unscaled: bigint): Uint8Array {
  const out: number[] = [];
  let v = unscaled;
  for (;;) {
    const byte = Number(v & 0xffn);
    out.push(byte);
    v >>= 8n;
    const signBit = byte & 0x80;
    if ((v === 0n && !signBit) || (v === -1n && signBit)) break;
  }
  return Uint8Array.from(out.reverse());
}

export function decimalFromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes.length > 0 && bytes[0]! & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

export function uuidToBytes(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new CassbergError('DataInvalid', `iceberg: invalid uuid "${text}"`);
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function uuidFromBytes(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Compares unsigned bytes lexicographically (the order of UTF-8 strings by code point). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Orders two non-null values of one type (strings by code point, bytes unsigned). */
export function compareValues(type: PrimitiveType, a: IcebergValue, b: IcebergValue): number {
  switch (type.kind) {
    case 'string': return compareBytes(encoder.encode(a as string), encoder.encode(b as string));
    case 'uuid': case 'fixed': case 'binary': return compareBytes(toBytes(type, a), toBytes(type, b));
    case 'boolean': return Number(a) - Number(b);
    default: return a < b ? -1 : a > b ? 1 : 0;
  }
}
