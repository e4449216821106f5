// Growable typed-array column builders that turn CQL value bytes into Arrow Data without per-value objects
// (arrow-js builder/buffer.ts style: doubling buffers, offsets + bytes for variable width, a validity bitmap with a
// running null count), finished through makeData. One builder per output column of a batch.

import {
  Binary, Bool, DateDay, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, TimeNanosecond,
  TimestampMillisecond, Utf8, makeData,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { toJson } from './cql-json.ts';
import { counterContextTotal } from './counter-context.ts';
import type { MarshalType } from './value-comparator.ts';

function growBytes(a: Uint8Array<ArrayBuffer>, need: number): Uint8Array<ArrayBuffer> {
  if (need <= a.length) return a;
  let n = Math.max(a.length * 2, 64);
  while (n < need) n *= 2;
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

/** How a CQL value becomes Arrow: fixed-width big-endian → little-endian copy, or bytes as they are. */
type Encoding = 'fixed' | 'bytes' | 'bool' | 'date' | 'counter' | 'json' | 'text';

const encoder = new TextEncoder();

export class ColumnBuilder {
  length = 0;
  nullCount = 0;
  private validity: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  private data: Uint8Array<ArrayBuffer> = new Uint8Array(256);
  private dataUsed = 0;
  private view = new DataView(this.data.buffer);
  private offsets = new Int32Array(64);
  private readonly variable: boolean;
  private readonly keepByteOrder: boolean;

  constructor(readonly arrowType: DataType, private readonly encoding: Encoding, private readonly width: number,
              private readonly cqlType: MarshalType | null) {
    this.variable = encoding === 'bytes' || encoding === 'json' || encoding === 'text';
    this.keepByteOrder = arrowType instanceof FixedSizeBinary;
  }

  private ensureData(need: number): void {
    if (need <= this.data.length) return;
    this.data = growBytes(this.data, need);
    this.view = new DataView(this.data.buffer);
  }

  /** Bytes held, for batch size accounting. */
  get byteSize(): number {
    return this.dataUsed + (this.variable ? 4 * this.length : 0) + (this.length >> 3);
  }

  private setValid(valid: boolean): void {
    const i = this.length;
    this.validity = growBytes(this.validity, (i >> 3) + 1);
    if (valid) this.validity[i >> 3]! |= 1 << (i & 7);
    else { this.validity[i >> 3]! &= ~(1 << (i & 7)); this.nullCount++; }
    if (this.encoding === 'bool') this.ensureData((i >> 3) + 1);
    if (this.variable) {
      if (this.offsets.length < i + 2) {
        const o = new Int32Array(Math.max(this.offsets.length * 2, i + 2));
        o.set(this.offsets);
        this.offsets = o;
      }
    }
  }

  private finishValue(): void {
    if (this.variable) this.offsets[this.length + 1] = this.dataUsed;
    this.length++;
  }

  appendNull(): void {
    this.setValid(false);
    if (!this.variable) {
      const w = this.encoding === 'bool' ? 0 : this.width;
      this.ensureData(this.dataUsed + w);
      this.data.fill(0, this.dataUsed, this.dataUsed + w);
      this.dataUsed += w;
    }
    this.finishValue();
  }

  /** Appends one serialized CQL value (an empty value of a non-text type reads as null, as in CQL). */
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0 && this.encoding !== 'bytes') { this.appendNull(); return; }
    this.setValid(true);
    switch (this.encoding) {
      case 'bytes': this.copy(bytes, start, length); break;
      case 'fixed': this.copyReversed(bytes, start, this.width); break;
      case 'bool': this.setBit(bytes[start] !== 0); break;
      case 'date': this.writeInt32(((bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!) - 0x80000000 | 0); break;
      case 'counter': this.writeInt64(counterContextTotal(bytes, start, length)); break;
      case 'json': this.appendText(toJson(this.cqlType!, bytes, start, length)); return;
      case 'text': {
        const json = toJson(this.cqlType!, bytes, start, length);
        this.appendText(json.startsWith('"') ? JSON.parse(json) as string : json);
        return;
      }
    }
    this.finishValue();
  }

  /** Appends an int64 (writetime, last_modified) or int32 (ttl) number. */
  appendNumber(value: number): void {
    this.setValid(true);
    if (this.width === 8) this.writeInt64(BigInt(value)); else this.writeInt32(value);
    this.finishValue();
  }

  /** Appends an int64 given as a bigint. */
  appendBigInt(value: bigint): void {
    this.setValid(true);
    this.writeInt64(value);
    this.finishValue();
  }

  private appendText(text: string): void {
    this.ensureData(this.dataUsed + text.length * 3);
    this.dataUsed += encoder.encodeInto(text, this.data.subarray(this.dataUsed)).written;
    this.finishValue();
  }

  private copy(bytes: Uint8Array, start: number, length: number): void {
    this.ensureData(this.dataUsed + length);
    const d = this.data, at = this.dataUsed;
    if (length > 64) d.set(bytes.subarray(start, start + length), at);
    else for (let i = 0; i < length; i++) d[at + i] = bytes[start + i]!;
    this.dataUsed += length;
  }

  /** Big-endian on disk, little-endian in Arrow (FixedSizeBinary keeps its byte order). */
  private copyReversed(bytes: Uint8Array, start: number, width: number): void {
    if (this.keepByteOrder) { this.copy(bytes, start, width); return; }
    this.ensureData(this.dataUsed + width);
    const d = this.data, at = this.dataUsed;
    for (let i = 0; i < width; i++) d[at + i] = bytes[start + width - 1 - i]!;
    this.dataUsed += width;
  }

  private setBit(on: boolean): void {
    if (on) this.data[this.length >> 3]! |= 1 << (this.length & 7);
    this.dataUsed = (this.length >> 3) + 1;
  }

  private writeInt32(v: number): void {
    this.ensureData(this.dataUsed + 4);
    this.view.setInt32(this.dataUsed, v, true);
    this.dataUsed += 4;
  }

  private writeInt64(v: bigint): void {
    this.ensureData(this.dataUsed + 8);
    this.view.setBigInt64(this.dataUsed, v, true);
    this.dataUsed += 8;
  }

  /** Hands the filled buffers to makeData and resets the builder. */
  finish(): Data {
    const length = this.length, nullCount = this.nullCount;
    const nullBitmap = nullCount > 0 ? this.validity.slice(0, (length + 7) >> 3) : undefined;
    const type = this.arrowType;
    let data: Data;
    if (this.variable) {
      data = makeData({ type: type as Utf8, length, nullCount, nullBitmap, valueOffsets: this.offsets.slice(0, length + 1), data: this.data.slice(0, this.dataUsed) });
    } else if (this.encoding === 'bool') {
      data = makeData({ type: type as Bool, length, nullCount, nullBitmap, data: this.data.slice(0, (length + 7) >> 3) });
    } else {
      data = makeData({ type: type as Int32, length, nullCount, nullBitmap, data: typedView(type, this.data.slice(0, this.dataUsed)) as Int32Array });
    }
    this.length = 0; this.nullCount = 0; this.dataUsed = 0;
    this.validity.fill(0); this.data.fill(0);
    return data;
  }
}

function typedView(type: DataType, bytes: Uint8Array): ArrayBufferView {
  const b = bytes.buffer;
  if (type instanceof Int8) return new Int8Array(b);
  if (type instanceof Int16) return new Int16Array(b);
  if (type instanceof Int32 || type instanceof DateDay) return new Int32Array(b);
  if (type instanceof Float32) return new Float32Array(b);
  if (type instanceof Float64) return new Float64Array(b);
  if (type instanceof FixedSizeBinary) return bytes;
  return new BigInt64Array(b); // Int64, TimestampMillisecond, TimeNanosecond
}

/** The Arrow type and encoding of a scalar CQL type (`multiCell`: keep the column as its SELECT JSON text). */
export function createColumnBuilder(type: MarshalType, multiCell: boolean): ColumnBuilder {
  if (multiCell) return new ColumnBuilder(new Utf8(), 'json', 0, type);
  switch (type.name) {
    case 'ReversedType': case 'FrozenType': return createColumnBuilder(type.params[0]!, false);
    case 'UTF8Type': case 'AsciiType': return new ColumnBuilder(new Utf8(), 'bytes', 0, type);
    case 'BytesType': return new ColumnBuilder(new Binary(), 'bytes', 0, type);
    case 'BooleanType': return new ColumnBuilder(new Bool(), 'bool', 1, type);
    case 'ByteType': return new ColumnBuilder(new Int8(), 'fixed', 1, type);
    case 'ShortType': return new ColumnBuilder(new Int16(), 'fixed', 2, type);
    case 'Int32Type': return new ColumnBuilder(new Int32(), 'fixed', 4, type);
    case 'LongType': return new ColumnBuilder(new Int64(), 'fixed', 8, type);
    case 'CounterColumnType': return new ColumnBuilder(new Int64(), 'counter', 8, type);
    case 'FloatType': return new ColumnBuilder(new Float32(), 'fixed', 4, type);
    case 'DoubleType': return new ColumnBuilder(new Float64(), 'fixed', 8, type);
    case 'TimestampType': case 'DateType': return new ColumnBuilder(new TimestampMillisecond('UTC'), 'fixed', 8, type);
    case 'SimpleDateType': return new ColumnBuilder(new DateDay(), 'date', 4, type);
    case 'TimeType': return new ColumnBuilder(new TimeNanosecond(), 'fixed', 8, type);
    case 'UUIDType': case 'TimeUUIDType': case 'LexicalUUIDType': return new ColumnBuilder(new FixedSizeBinary(16), 'fixed', 16, type);
    case 'IntegerType': case 'DecimalType': case 'InetAddressType':
      return new ColumnBuilder(new Utf8(), 'text', 0, type); // exact text: arbitrary precision, address
    default: return new ColumnBuilder(new Utf8(), 'json', 0, type); // types without an Arrow mapping: their JSON text
  }
}

/** An int64 (width 8) or int32 (width 4) builder for writetime / ttl / last_modified. */
export function createNumberBuilder(width: 4 | 8): ColumnBuilder {
  return new ColumnBuilder(width === 8 ? new Int64() : new Int32(), 'fixed', width, null);
}
