// CQL values (their serialized bytes) → Arrow columns through growable buffers and makeData, with no per-value
// objects. Mapping (kept in line with engine/iceberg/spec/cql-mapping.ts): text/ascii/inet → Utf8, blob → Binary,
// tinyint/smallint/int/bigint/counter → Int8/16/32/64, float/double, boolean, varint → Decimal(38,0),
// decimal → Decimal(38,18) (rescaled; more digits are an error), uuid/timeuuid → FixedSizeBinary(16),
// timestamp → Timestamp(µs, UTC), date → DateDay, time → Time(µs), duration → Struct<months, days, nanoseconds>,
// list/set/vector → List, map → Map, tuple → Struct<f0…>, UDT → Struct of its fields. Nesting at any depth.

import {
  Binary, Bool, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int16, Int32, Int64, Int8, List, Map_,
  Struct, TimeMicrosecond, TimestampMicrosecond, Utf8, makeData,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { CorruptInputError, UnsupportedFormatError } from '../../errors.ts';
import { ByteReader } from '../byte-reader.ts';
import { counterValue, readVarint } from '../cql-json.ts';
import type { CassandraType } from '../type-parser.ts';
import { unreversed } from '../type-parser.ts';
import { ByteBuffer, OffsetsBuffer, ValidityBuffer } from './buffers.ts';

const encoder = new TextEncoder();
export const DECIMAL_SCALE = 18;
const MAX_DECIMAL = 10n ** 38n;

export interface ColumnBuilder {
  readonly arrowType: DataType;
  readonly length: number;
  appendNull(): void;
  /** A serialized value of the column's type; an empty value is null except for text and blobs. */
  appendValue(bytes: Uint8Array, start: number, length: number): void;
  finish(): Data;
}

/** Builder for a list/set/map column fed cell by cell (non-frozen collections). */
export interface CollectionBuilder extends ColumnBuilder {
  beginCollection(): void;
  /** Element (list/set) or key (map) bytes. */
  readonly elements: ColumnBuilder;
  /** Map values; null for lists and sets. */
  readonly mapValues: ColumnBuilder | null;
  endCollection(): void;
}

function fail(what: string, at: number): never { throw new CorruptInputError('value', at, what); }

const FIXED: Record<string, { type: () => DataType; width: number; size: number }> = {
  ByteType: { type: () => new Int8(), width: 1, size: 1 },
  ShortType: { type: () => new Int16(), width: 2, size: 2 },
  Int32Type: { type: () => new Int32(), width: 4, size: 4 },
  LongType: { type: () => new Int64(), width: 8, size: 8 },
  CounterColumnType: { type: () => new Int64(), width: 8, size: -1 },
  FloatType: { type: () => new Float32(), width: 4, size: 4 },
  DoubleType: { type: () => new Float64(), width: 8, size: 8 },
  UUIDType: { type: () => new FixedSizeBinary(16), width: 16, size: 16 },
  TimeUUIDType: { type: () => new FixedSizeBinary(16), width: 16, size: 16 },
  LexicalUUIDType: { type: () => new FixedSizeBinary(16), width: 16, size: 16 },
  TimestampType: { type: () => new TimestampMicrosecond('UTC'), width: 8, size: 8 },
  DateType: { type: () => new TimestampMicrosecond('UTC'), width: 8, size: 8 },
  SimpleDateType: { type: () => new DateDay(), width: 4, size: 4 },
  TimeType: { type: () => new TimeMicrosecond(), width: 8, size: 8 },
  IntegerType: { type: () => new Decimal(0, 38, 128), width: 16, size: -1 },
  DecimalType: { type: () => new Decimal(DECIMAL_SCALE, 38, 128), width: 16, size: -1 },
};

function writeDecimal(view: DataView, at: number, v: bigint, start: number): void {
  if (v >= MAX_DECIMAL || v <= -MAX_DECIMAL) fail(`value ${v} exceeds 38 digits`, start);
  const u = BigInt.asUintN(128, v);
  view.setBigUint64(at, BigInt.asUintN(64, u), true);
  view.setBigUint64(at + 8, u >> 64n, true);
}

/** Fixed-width Arrow values converted from big-endian CQL bytes to little-endian. */
class FixedBuilder implements ColumnBuilder {
  readonly validity = new ValidityBuffer();
  readonly data = new ByteBuffer();
  constructor(readonly name: string, readonly arrowType: DataType, readonly width: number, readonly size: number) {}
  get length(): number { return this.validity.length; }
  appendNull(): void { this.data.reserve(this.width); this.validity.append(false); }
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) return this.appendNull();
    if (this.size >= 0 && length !== this.size) fail(`${this.name} value of ${length} bytes (${this.size} expected)`, start);
    const at = this.data.reserve(this.width);
    const out = this.data.view;
    const src = new DataView(bytes.buffer, bytes.byteOffset + start, length);
    switch (this.name) {
      case 'ByteType': out.setInt8(at, src.getInt8(0)); break;
      case 'ShortType': out.setInt16(at, src.getInt16(0), true); break;
      case 'Int32Type': out.setInt32(at, src.getInt32(0), true); break;
      case 'SimpleDateType': out.setInt32(at, (src.getUint32(0) - 2147483648) | 0, true); break;
      case 'LongType': out.setBigInt64(at, src.getBigInt64(0), true); break;
      case 'CounterColumnType': out.setBigInt64(at, counterValue(bytes, start, length), true); break;
      case 'FloatType': out.setFloat32(at, src.getFloat32(0), true); break;
      case 'DoubleType': out.setFloat64(at, src.getFloat64(0), true); break;
      case 'TimestampType': case 'DateType': out.setBigInt64(at, src.getBigInt64(0) * 1000n, true); break;
      case 'TimeType': out.setBigInt64(at, src.getBigInt64(0) / 1000n, true); break;
      case 'IntegerType': writeDecimal(out, at, readVarint(bytes, start, length), start); break;
      case 'DecimalType': {
        if (length < 4) fail(`decimal value of ${length} bytes`, start);
        const scale = src.getInt32(0);
        let v = readVarint(bytes, start + 4, length - 4);
        if (scale <= DECIMAL_SCALE) v *= 10n ** BigInt(DECIMAL_SCALE - scale);
        else {
          const d = 10n ** BigInt(scale - DECIMAL_SCALE);
          if (v % d !== 0n) fail(`decimal with scale ${scale} does not fit scale ${DECIMAL_SCALE}`, start);
          v /= d;
        }
        writeDecimal(out, at, v, start);
        break;
      }
      default: this.data.data.set(bytes.subarray(start, start + length), at); // uuid: bytes as they are
    }
    this.validity.append(true);
  }
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    const nullBitmap = this.validity.flush();
    const raw = this.data.flush();
    const buffer = raw.buffer;
    const t = this.arrowType;
    const data = t instanceof Int8 ? new Int8Array(buffer) : t instanceof Int16 ? new Int16Array(buffer)
      : t instanceof Int32 || t instanceof DateDay ? new Int32Array(buffer)
      : t instanceof Float32 ? new Float32Array(buffer) : t instanceof Float64 ? new Float64Array(buffer)
      : t instanceof Decimal ? new Uint32Array(buffer)
      : t instanceof FixedSizeBinary ? raw : new BigInt64Array(buffer);
    return makeData({ type: t as never, length, nullCount, nullBitmap, data } as never);
  }
}

class BoolBuilder implements ColumnBuilder {
  readonly arrowType = new Bool();
  readonly validity = new ValidityBuffer();
  readonly values = new ValidityBuffer();
  get length(): number { return this.validity.length; }
  appendNull(): void { this.values.append(false); this.validity.append(false); }
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) return this.appendNull();
    if (length !== 1) fail(`boolean value of ${length} bytes`, start);
    this.values.append(bytes[start] !== 0);
    this.validity.append(true);
  }
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    const nullBitmap = this.validity.flush();
    const bits = this.values.bits.slice(0, (length + 7) >> 3);
    this.values.flush();
    return makeData({ type: this.arrowType, length, nullCount, nullBitmap, data: bits });
  }
}

/** Utf8 / Binary: offsets + bytes. inet is rendered as text, everything else copied. */
class VariableBuilder implements ColumnBuilder {
  readonly validity = new ValidityBuffer();
  readonly offsets = new OffsetsBuffer();
  readonly data = new ByteBuffer();
  constructor(readonly name: string, readonly arrowType: Utf8 | Binary) {}
  get length(): number { return this.validity.length; }
  appendNull(): void { this.offsets.push(this.data.length); this.validity.append(false); }
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (this.name === 'InetAddressType') {
      if (length === 0) return this.appendNull();
      if (length !== 4 && length !== 16) fail(`inet value of ${length} bytes`, start);
      const parts: string[] = [];
      if (length === 4) for (let i = 0; i < 4; i++) parts.push(String(bytes[start + i]));
      else for (let i = 0; i < 16; i += 2) parts.push(((bytes[start + i]! << 8) | bytes[start + i + 1]!).toString(16));
      const text = encoder.encode(parts.join(length === 4 ? '.' : ':'));
      this.data.append(text, 0, text.length);
    } else this.data.append(bytes, start, length);
    this.offsets.push(this.data.length);
    this.validity.append(true);
  }
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    return makeData({
      type: this.arrowType as never, length, nullCount, nullBitmap: this.validity.flush(),
      valueOffsets: this.offsets.flush(), data: this.data.flush(),
    } as never);
  }
}

/** list/set/vector (elements) and map (entries struct of key, value). */
class ListBuilder implements CollectionBuilder {
  readonly validity = new ValidityBuffer();
  readonly offsets = new OffsetsBuffer();
  readonly arrowType: DataType;
  private count = 0;
  constructor(readonly type: CassandraType, readonly elements: ColumnBuilder, readonly mapValues: ColumnBuilder | null) {
    const entry = (name: string, b: ColumnBuilder, nullable: boolean) => new Field(name, b.arrowType, nullable);
    this.arrowType = mapValues
      ? new Map_(new Field('entries', new Struct([entry('key', elements, false), entry('value', mapValues, true)]) as never, false))
      : new List(entry('element', elements, type.name === 'VectorType'));
  }
  get length(): number { return this.validity.length; }
  appendNull(): void { this.offsets.push(this.count); this.validity.append(false); }
  beginCollection(): void {}
  endCollection(): void {
    this.count = this.elements.length;
    this.offsets.push(this.count);
    this.validity.append(true);
  }
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    const r = new ByteReader(bytes.subarray(start, start + length), 'value', start);
    if (this.type.name === 'VectorType') {
      const element = this.type.params[0]!;
      for (let i = 0; i < this.type.dimension!; i++) {
        const n = element.fixedLength >= 0 ? element.fixedLength : r.readLength('vector element length');
        r.need(n, 'vector element');
        this.elements.appendValue(r.bytes, r.pos, n);
        r.pos += n;
      }
    } else {
      const n = r.readInt32();
      if (n < 0 || n > length) r.fail(`collection of ${n} elements`);
      for (let i = 0; i < n; i++) {
        appendSized(r, this.elements);
        if (this.mapValues) appendSized(r, this.mapValues);
      }
    }
    this.endCollection();
  }
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    const nullBitmap = this.validity.flush(), valueOffsets = this.offsets.flush();
    this.count = 0;
    let child = this.elements.finish();
    if (this.mapValues) {
      const values = this.mapValues.finish();
      child = makeData({ type: (this.arrowType as Map_).children[0]!.type, length: child.length, nullCount: 0, children: [child, values] });
    }
    return makeData({ type: this.arrowType as never, length, nullCount, nullBitmap, valueOffsets, child } as never);
  }
}

/** int32 length (−1 = null) + bytes, as inside frozen collections, tuples and UDTs. */
function appendSized(r: ByteReader, b: ColumnBuilder): void {
  const n = r.readInt32();
  if (n < 0) return b.appendNull();
  r.need(n, 'element');
  b.appendValue(r.bytes, r.pos, n);
  r.pos += n;
}

/** tuple / UDT (frozen fields) and duration (three signed vints). */
class StructBuilder implements ColumnBuilder {
  readonly validity = new ValidityBuffer();
  readonly arrowType: Struct;
  constructor(readonly type: CassandraType, readonly names: readonly string[], readonly fields: ColumnBuilder[]) {
    this.arrowType = new Struct(fields.map((f, i) => new Field(names[i]!, f.arrowType, type.name !== 'DurationType')));
  }
  get length(): number { return this.validity.length; }
  appendNull(): void { for (const f of this.fields) f.appendNull(); this.validity.append(false); }
  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0 && this.type.name === 'DurationType') return this.appendNull();
    const r = new ByteReader(bytes.subarray(start, start + length), 'value', start);
    if (this.type.name === 'DurationType') {
      const [months, days] = [r.readVInt(), r.readVInt()];
      const nanos = r.readVInt();
      (this.fields[0] as FixedBuilder).data.view.setInt32((this.fields[0] as FixedBuilder).data.reserve(4), months, true);
      (this.fields[1] as FixedBuilder).data.view.setInt32((this.fields[1] as FixedBuilder).data.reserve(4), days, true);
      (this.fields[2] as FixedBuilder).data.view.setBigInt64((this.fields[2] as FixedBuilder).data.reserve(8), BigInt(nanos), true);
      for (const f of this.fields) (f as FixedBuilder).validity.append(true);
    } else {
      for (const f of this.fields) {
        if (r.remaining === 0) f.appendNull();
        else appendSized(r, f);
      }
    }
    this.validity.append(true);
  }
  /** Non-frozen UDT: one field from a cell (path = 2-byte field index); the caller appends nulls for the rest. */
  appendField(field: number, bytes: Uint8Array, start: number, length: number): void {
    this.fields[field]!.appendValue(bytes, start, length);
  }
  endRow(valid: boolean): void { this.validity.append(valid); }
  finish(): Data {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    const nullBitmap = this.validity.flush();
    return makeData({ type: this.arrowType, length, nullCount, nullBitmap, children: this.fields.map((f) => f.finish()) });
  }
}

export { StructBuilder };

/** A builder for values of `type` (ReversedType unwrapped; nested types at any depth). */
export function createColumnBuilder(type: CassandraType): ColumnBuilder {
  const t = unreversed(type);
  const fixed = FIXED[t.name];
  if (fixed) return new FixedBuilder(t.name, fixed.type(), fixed.width, fixed.size);
  switch (t.name) {
    case 'BooleanType': return new BoolBuilder();
    case 'AsciiType': case 'UTF8Type': case 'InetAddressType': return new VariableBuilder(t.name, new Utf8());
    case 'BytesType': case 'CustomType': case 'EmptyType': case 'CompositeType': case 'DynamicCompositeType':
      return new VariableBuilder(t.name, new Binary());
    case 'ListType': case 'SetType': case 'VectorType': return new ListBuilder(t, createColumnBuilder(t.params[0]!), null);
    case 'MapType': return new ListBuilder(t, createColumnBuilder(t.params[0]!), createColumnBuilder(t.params[1]!));
    case 'TupleType': return new StructBuilder(t, t.params.map((_, i) => `f${i}`), t.params.map(createColumnBuilder));
    case 'UserType': return new StructBuilder(t, t.fieldNames!, t.params.map(createColumnBuilder));
    case 'DurationType': {
      const f = (n: string, w: number) => new FixedBuilder(n, w === 4 ? new Int32() : new Int64(), w, w);
      return new StructBuilder(t, ['months', 'days', 'nanoseconds'], [f('Int32Type', 4), f('Int32Type', 4), f('LongType', 8)]);
    }
  }
  throw new UnsupportedFormatError(`no Arrow mapping for ${t.name}`, { type: t.text });
}
