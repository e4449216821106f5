// Column builders that turn CQL value bytes into Arrow Data without per-value objects, on the reader's growable
// buffers (engine/sstable/columns/buffers.ts: doubling bytes, offsets for variable width, a validity bitmap with a
// running null count), finished through makeData. One builder per output column of a batch.

import {
  Binary, Bool, DateDay, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, TimeNanosecond,
  TimestampMillisecond, Utf8, makeData,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { CorruptInputError } from '../errors.ts';
import { decimalPlainString, readVarint, toJson } from '../sstable/cql-json.ts';
import { ByteBuffer, OffsetsBuffer, ValidityBuffer } from '../sstable/columns/buffers.ts';
import type { CassandraType } from '../sstable/type-parser.ts';
import { counterContextTotal } from './counter-context.ts';

/** How a CQL value becomes Arrow: fixed-width big-endian → little-endian copy, or bytes as they are. */
type Encoding = 'fixed' | 'bytes' | 'bool' | 'date' | 'counter' | 'json' | 'text';

const encoder = new TextEncoder();

export class ColumnBuilder {
  private readonly validity = new ValidityBuffer();
  private readonly data = new ByteBuffer();
  private readonly offsets = new OffsetsBuffer();
  /** Boolean values, one bit each. */
  private readonly bits = new ValidityBuffer();
  private readonly variable: boolean;
  private readonly keepByteOrder: boolean;

  constructor(readonly arrowType: DataType, private readonly encoding: Encoding, private readonly width: number,
              private readonly cqlType: CassandraType | null) {
    this.variable = encoding === 'bytes' || encoding === 'json' || encoding === 'text';
    this.keepByteOrder = arrowType instanceof FixedSizeBinary;
  }

  get length(): number { return this.validity.length; }
  get nullCount(): number { return this.validity.nullCount; }

  /** Bytes held, for batch size accounting. */
  get byteSize(): number {
    return this.data.length + (this.variable ? 4 * this.length : 0) + (this.length >> 3);
  }

  /** Ends a value whose bytes (if any) are written. */
  private finishValue(valid: boolean): void {
    if (this.variable) this.offsets.push(this.data.length);
    this.validity.append(valid);
  }

  appendNull(): void {
    if (this.encoding === 'bool') this.bits.append(false);
    else if (!this.variable) {
      const at = this.data.reserve(this.width);
      this.data.data.fill(0, at, at + this.width);
    }
    this.finishValue(false);
  }

  /** Appends one serialized CQL value (an empty value of a non-text type reads as null: Arrow has no empty int). */
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0 && this.encoding !== 'bytes') { this.appendNull(); return; }
    switch (this.encoding) {
      case 'bytes': this.data.append(bytes, start, length); break;
      case 'fixed': this.copyReversed(bytes, start, this.width); break;
      case 'bool': this.bits.append(bytes[start] !== 0); break;
      case 'date': this.writeInt32(((bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!) - 0x80000000 | 0); break;
      case 'counter': this.writeInt64(counterContextTotal(bytes, start, length)); break;
      case 'json': this.writeText(toJson(this.cqlType!, bytes, start, length)); break;
      case 'text': this.writeText(exactText(this.cqlType!, bytes, start, length)); break;
    }
    this.finishValue(true);
  }

  /** Appends an int64 (writetime, last_modified) or int32 (ttl) number. */
  appendNumber(value: number): void {
    if (this.width === 8) this.writeInt64(BigInt(value)); else this.writeInt32(value);
    this.finishValue(true);
  }

  /** Appends an int64 given as a bigint. */
  appendBigInt(value: bigint): void {
    this.writeInt64(value);
    this.finishValue(true);
  }

  private writeText(text: string): void {
    const at = this.data.reserve(text.length * 3);
    this.data.length = at + encoder.encodeInto(text, this.data.data.subarray(at)).written;
  }

  /** Big-endian on disk, little-endian in Arrow (FixedSizeBinary keeps its byte order). */
  private copyReversed(bytes: Uint8Array, start: number, width: number): void {
    if (this.keepByteOrder) { this.data.append(bytes, start, width); return; }
    const at = this.data.reserve(width), d = this.data.data;
    for (let i = 0; i < width; i++) d[at + i] = bytes[start + width - 1 - i]!;
  }

  // reserve() may replace the view: take the offset first
  private writeInt32(v: number): void {
    const at = this.data.reserve(4);
    this.data.view.setInt32(at, v, true);
  }

  private writeInt64(v: bigint): void {
    const at = this.data.reserve(8);
    this.data.view.setBigInt64(at, v, true);
  }

  /** Hands the filled buffers to makeData and resets the builder. */
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    const nullBitmap = this.validity.flush() ?? undefined;
    const type = this.arrowType;
    if (this.variable) {
      return makeData({ type: type as Utf8, length, nullCount, nullBitmap, valueOffsets: this.offsets.flush(), data: this.data.flush() });
    }
    if (this.encoding === 'bool') {
      const data = this.bits.bits.slice(0, (length + 7) >> 3);
      this.bits.flush();
      return makeData({ type: type as Bool, length, nullCount, nullBitmap, data });
    }
    return makeData({ type: type as Int32, length, nullCount, nullBitmap, data: typedView(type, this.data.flush()) as Int32Array });
  }
}

/** varint and inet as their CQL text, decimal as BigDecimal.toPlainString (no exponent: what a reader of the
 *  column parses; select-json.ts turns it back into Cassandra's JSON form). */
function exactText(type: CassandraType, bytes: Uint8Array, start: number, length: number): string {
  if (type.name === 'DecimalType') {
    if (length < 4) throw new CorruptInputError('value', start, `DecimalType value of ${length} bytes`);
    const scale = (bytes[start]! << 24) | (bytes[start + 1]! << 16) | (bytes[start + 2]! << 8) | bytes[start + 3]!;
    return decimalPlainString(readVarint(bytes, start + 4, length - 4), scale);
  }
  const json = toJson(type, bytes, start, length);
  return json.startsWith('"') ? JSON.parse(json) as string : json;
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
export function createColumnBuilder(type: CassandraType, multiCell: boolean): ColumnBuilder {
  if (multiCell) return new ColumnBuilder(new Utf8(), 'json', 0, type);
  switch (type.name) {
    case 'ReversedType': return createColumnBuilder(type.params[0]!, false);
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
