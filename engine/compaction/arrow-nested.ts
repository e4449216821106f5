// Arrow builders for CQL's nested types: list/set/vector → List, map → Map_, tuple/UDT/duration → Struct. Each
// takes a value either in its serialized frozen form (appendValue) or, for a multi-cell column, from the column's
// live cells in path order (appendCells). Leaves are the typed-array ColumnBuilders of arrow-columns.ts.

import { Field, Int32, Int64, List, Map_, Struct, Utf8, makeData } from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { ColumnBuilder, createColumnBuilder } from './arrow-columns.ts';
import type { RowBuffer } from './row-buffer.ts';
import { OffsetsBuffer, ValidityBuffer } from '../sstable/columns/buffers.ts';
import { multiCellJson, toJson } from '../sstable/cql-json.ts';
import { unreversed } from '../sstable/type-parser.ts';
import type { CassandraType } from '../sstable/type-parser.ts';

export interface ValueBuilder {
  readonly arrowType: DataType;
  readonly length: number;
  readonly byteSize: number;
  appendNull(): void;
  /** One serialized value (frozen form for collections, tuples and UDTs). */
  appendValue(bytes: Uint8Array, start: number, length: number): void;
  /** A multi-cell column's live cells [start, end) of `row`, in path order. */
  appendCells?(row: RowBuffer, start: number, end: number): void;
  finish(): Data;
}

function readInt32(bytes: Uint8Array, pos: number): number {
  return (bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
}

/** Validity bitmap plus offsets for list-like builders, on the reader's growable buffers. */
class Offsets {
  private readonly validity = new ValidityBuffer();
  private readonly offsets = new OffsetsBuffer();

  get length(): number { return this.validity.length; }

  push(valid: boolean, end: number): void {
    this.validity.append(valid);
    this.offsets.push(end);
  }

  take(): { length: number; nullCount: number; nullBitmap: Uint8Array | undefined; valueOffsets: Int32Array } {
    const length = this.validity.length, nullCount = this.validity.nullCount;
    return { length, nullCount, nullBitmap: this.validity.flush() ?? undefined, valueOffsets: this.offsets.flush() };
  }
}

let vintSize = 0;

/** Cassandra's unsigned vint (length in the leading 1-bits of the first byte); sets vintSize. */
function readUnsignedVInt(bytes: Uint8Array, pos: number): number {
  const first = bytes[pos]!;
  let extra = 0;
  while (extra < 8 && (first & (0x80 >> extra)) !== 0) extra++;
  let v = first & (0xff >> (extra + 1));
  for (let i = 1; i <= extra; i++) v = v * 256 + bytes[pos + i]!;
  vintSize = extra + 1;
  return v;
}

/** list and set (frozen: int32 count + int32-length elements), vector (elements back to back). */
class ListValueBuilder implements ValueBuilder {
  readonly arrowType: DataType;
  private readonly offsets = new Offsets();

  constructor(private readonly kind: 'ListType' | 'SetType' | 'VectorType', private readonly child: ValueBuilder,
              private readonly dimension = 0, private readonly elementWidth = 0) {
    this.arrowType = new List(new Field('element', child.arrowType, false));
  }

  get length(): number { return this.offsets.length; }
  get byteSize(): number { return this.child.byteSize + 4 * this.offsets.length; }
  appendNull(): void { this.offsets.push(false, this.child.length); }

  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) { this.appendNull(); return; }
    if (this.kind === 'VectorType') {
      let pos = start;
      for (let i = 0; i < this.dimension; i++) {
        let w = this.elementWidth, skip = 0;
        if (w === 0) { w = readUnsignedVInt(bytes, pos); skip = vintSize; } // variable-size elements: vint length
        this.child.appendValue(bytes, pos + skip, w);
        pos += skip + w;
      }
    } else {
      const n = readInt32(bytes, start);
      let pos = start + 4;
      for (let i = 0; i < n; i++) {
        const l = readInt32(bytes, pos);
        if (l < 0) this.child.appendNull(); else this.child.appendValue(bytes, pos + 4, l);
        pos += 4 + Math.max(l, 0);
      }
    }
    this.offsets.push(true, this.child.length);
  }

  appendCells(row: RowBuffer, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      if (this.kind === 'SetType') this.child.appendValue(row.bytes, row.cellPathStart[i]!, row.cellPathLength[i]!);
      else this.child.appendValue(row.bytes, row.cellValueStart[i]!, row.cellValueLength[i]!);
    }
    this.offsets.push(true, this.child.length);
  }

  finish(): Data {
    const o = this.offsets.take();
    return makeData({ type: this.arrowType as List, ...o, child: this.child.finish() });
  }
}

/** map (frozen: int32 count + alternating int32-length keys and values); entries are Struct<key, value>. */
class MapValueBuilder implements ValueBuilder {
  readonly arrowType: DataType;
  private readonly entries: Struct;
  private readonly offsets = new Offsets();

  constructor(private readonly keys: ValueBuilder, private readonly values: ValueBuilder) {
    this.entries = new Struct([new Field('key', keys.arrowType, false), new Field('value', values.arrowType, false)]);
    this.arrowType = new Map_(new Field('entries', this.entries, false));
  }

  get length(): number { return this.offsets.length; }
  get byteSize(): number { return this.keys.byteSize + this.values.byteSize + 4 * this.offsets.length; }
  appendNull(): void { this.offsets.push(false, this.keys.length); }

  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) { this.appendNull(); return; }
    const n = readInt32(bytes, start);
    let pos = start + 4;
    for (let i = 0; i < 2 * n; i++) {
      const l = readInt32(bytes, pos);
      const target = (i & 1) === 0 ? this.keys : this.values;
      if (l < 0) target.appendNull(); else target.appendValue(bytes, pos + 4, l);
      pos += 4 + Math.max(l, 0);
    }
    this.offsets.push(true, this.keys.length);
  }

  appendCells(row: RowBuffer, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      this.keys.appendValue(row.bytes, row.cellPathStart[i]!, row.cellPathLength[i]!);
      this.values.appendValue(row.bytes, row.cellValueStart[i]!, row.cellValueLength[i]!);
    }
    this.offsets.push(true, this.keys.length);
  }

  finish(): Data {
    const o = this.offsets.take();
    const n = this.keys.length;
    const child = makeData({ type: this.entries, length: n, nullCount: 0, children: [this.keys.finish(), this.values.finish()] });
    return makeData({ type: this.arrowType as Map_, ...o, child });
  }
}

/** tuple and UDT (frozen: int32-length fields, -1 null, trailing fields may be missing); UDT cells by field index. */
class StructValueBuilder implements ValueBuilder {
  readonly arrowType: DataType;
  private readonly validity = new Offsets();

  constructor(names: string[], private readonly fields: ValueBuilder[]) {
    this.arrowType = new Struct(fields.map((f, i) => new Field(names[i]!, f.arrowType, true)));
  }

  get length(): number { return this.validity.length; }
  get byteSize(): number { let n = this.validity.length >> 3; for (const f of this.fields) n += f.byteSize; return n; }

  appendNull(): void {
    for (const f of this.fields) f.appendNull();
    this.validity.push(false, 0);
  }

  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) { this.appendNull(); return; }
    let pos = start;
    const end = start + length;
    for (const f of this.fields) {
      if (pos >= end) { f.appendNull(); continue; }
      const l = readInt32(bytes, pos);
      if (l < 0) f.appendNull(); else f.appendValue(bytes, pos + 4, l);
      pos += 4 + Math.max(l, 0);
    }
    this.validity.push(true, 0);
  }

  appendCells(row: RowBuffer, start: number, end: number): void {
    let i = start;
    for (let f = 0; f < this.fields.length; f++) {
      while (i < end && fieldPosition(row, i) < f) i++;
      if (i < end && fieldPosition(row, i) === f) this.fields[f]!.appendValue(row.bytes, row.cellValueStart[i]!, row.cellValueLength[i]!);
      else this.fields[f]!.appendNull();
    }
    this.validity.push(true, 0);
  }

  finish(): Data {
    const o = this.validity.take();
    return makeData({ type: this.arrowType as Struct, length: o.length, nullCount: o.nullCount, nullBitmap: o.nullBitmap,
      children: this.fields.map((f) => f.finish()) });
  }
}

function fieldPosition(row: RowBuffer, cell: number): number {
  const p = row.cellPathStart[cell]!;
  return (row.bytes[p]! << 8) | row.bytes[p + 1]!;
}

/** duration: three signed vints (months, days, nanoseconds) → Struct<months: Int32, days: Int32, nanoseconds: Int64>. */
class DurationValueBuilder implements ValueBuilder {
  readonly arrowType: DataType;
  private readonly parts = [new ColumnBuilder(new Int32(), 'fixed', 4, null), new ColumnBuilder(new Int32(), 'fixed', 4, null), new ColumnBuilder(new Int64(), 'fixed', 8, null)];
  private readonly validity = new Offsets();

  constructor() {
    this.arrowType = new Struct(['months', 'days', 'nanoseconds'].map((n, i) => new Field(n, this.parts[i]!.arrowType, false)));
  }

  get length(): number { return this.validity.length; }
  get byteSize(): number { return 16 * this.validity.length; }

  appendNull(): void {
    for (const p of this.parts) p.appendNumber(0);
    this.validity.push(false, 0);
  }

  appendValue(bytes: Uint8Array, start: number, length: number): void {
    if (length === 0) { this.appendNull(); return; }
    let pos = start;
    for (const [k, p] of this.parts.entries()) {
      const first = bytes[pos]!;
      let extra = 0;
      while (extra < 8 && (first & (0x80 >> extra)) !== 0) extra++;
      let v = BigInt(first & (0xff >> (extra + 1)));
      for (let i = 1; i <= extra; i++) v = (v << 8n) | BigInt(bytes[pos + i]!);
      pos += extra + 1;
      const zigzag = (v >> 1n) ^ -(v & 1n);
      // months and days are vint32 into Int32 columns; only nanoseconds is 64-bit
      if (k < 2) p.appendNumber(Number(zigzag)); else p.appendBigInt(zigzag);
    }
    this.validity.push(true, 0);
  }

  finish(): Data {
    const o = this.validity.take();
    return makeData({ type: this.arrowType as Struct, length: o.length, nullCount: o.nullCount, nullBitmap: o.nullBitmap,
      children: this.parts.map((p) => p.finish()) });
  }
}

/** The builder for values of `type`; every nested type is frozen except the top level of a multi-cell column. */
export function createValueBuilder(type: CassandraType): ValueBuilder {
  const t = unreversed(type);
  switch (t.name) {
    case 'ListType': case 'SetType': return new ListValueBuilder(t.name, createValueBuilder(t.params[0]!));
    case 'VectorType': {
      const element = unreversed(t.params[0]!);
      return new ListValueBuilder('VectorType', createValueBuilder(element), t.dimension!, Math.max(element.fixedLength, 0));
    }
    case 'MapType': return new MapValueBuilder(createValueBuilder(t.params[0]!), createValueBuilder(t.params[1]!));
    case 'TupleType': return new StructValueBuilder(t.params.map((_, i) => `f${i}`), t.params.map(createValueBuilder));
    case 'UserType': return new StructValueBuilder([...t.fieldNames!], t.params.map(createValueBuilder));
    case 'DurationType': return new DurationValueBuilder();
    default: return createColumnBuilder(t, false);
  }
}

/** A value as its `SELECT JSON` text (engine/sstable/cql-json.ts) in a Utf8 column: exact where Arrow is not (an
 *  empty int is "" in CQL and null in Arrow), for printing rows rather than storing them. */
class JsonTextBuilder implements ValueBuilder {
  private readonly text = new ColumnBuilder(new Utf8(), 'bytes', 0, null);
  private readonly encoder = new TextEncoder();
  readonly arrowType = this.text.arrowType;

  constructor(private readonly type: CassandraType) {}

  get length(): number { return this.text.length; }
  get byteSize(): number { return this.text.byteSize; }
  appendNull(): void { this.text.appendNull(); }

  private append(json: string): void {
    const bytes = this.encoder.encode(json);
    this.text.appendValue(bytes, 0, bytes.length);
  }

  appendValue(bytes: Uint8Array, start: number, length: number): void { this.append(toJson(this.type, bytes, start, length)); }
  appendCells(row: RowBuffer, start: number, end: number): void { this.append(multiCellJson(this.type, row, null, start, end)); }
  finish(): Data { return this.text.finish(); }
}

/** The builder of a column's values as `SELECT JSON` text. */
export function createJsonTextBuilder(type: CassandraType): ValueBuilder {
  return new JsonTextBuilder(type);
}
