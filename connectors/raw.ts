// The raw connector: the table as CQL shows it, one output row per CQL row. The output schema is the Iceberg schema
// cql-mapping derives from the table model; the transform turns the merge engine's CQL-shaped Arrow batches
// (engine/compaction/batch-writer.ts) into the Arrow shape the Parquet writer expects (toArrowSchema):
//   tinyint/smallint Int8/Int16 → Int32; timestamp ms → µs; time ns → µs (truncated); varint/decimal exact text →
//   Decimal128 (or kept as text with the `string` mapping); uuid FixedSizeBinary(16) kept (or formatted as text);
//   collections, tuples, UDTs and durations converted element-wise; everything else is passed through untouched.
// Buffers are converted column by column into typed arrays; no per-value objects except for decimals (BigInt).
// `writetime(col)` columns (ConnectorOptions.writetime) are kept under that name as long microseconds, as CQL's
// WRITETIME() shows them.

import { Field, RecordBatch, Schema as ArrowSchema, Struct, Type, Utf8, makeData } from 'apache-arrow';
import type { Data, DataType, Decimal, List, Map_, Timestamp, TimeMicrosecond, Int32 } from 'apache-arrow';
import { ColumnBuilder } from '../engine/compaction/arrow-columns.ts';
import { parseMarshalType } from '../engine/compaction/value-comparator.ts';
import type { MarshalType } from '../engine/compaction/value-comparator.ts';
import { CassbergError } from '../engine/errors.ts';
import { toArrowSchema } from '../engine/iceberg/parquet/arrow-schema.ts';
import { schemaFromCassandraTable } from '../engine/iceberg/spec/cql-mapping.ts';
import type { CassandraColumn, CqlMappingOptions } from '../engine/iceberg/spec/cql-mapping.ts';
import { highestFieldId } from '../engine/iceberg/spec/schema.ts';
import type { Schema } from '../engine/iceberg/spec/schema.ts';
import { ANY_TABLE } from './controller/table-model.ts';
import type { Connector, ConnectorOptions, ModelCheck, TableModel } from './registry.ts';

export interface RawOptions extends ConnectorOptions {
  /** CQL → Iceberg mapping choices (varint/decimal/uuid as string, decimal precision and scale). */
  cqlMapping?: CqlMappingOptions;
}

const MARSHAL_TO_CQL: Record<string, string> = {
  AsciiType: 'ascii', UTF8Type: 'text', BytesType: 'blob', BooleanType: 'boolean', ByteType: 'tinyint',
  ShortType: 'smallint', Int32Type: 'int', LongType: 'bigint', IntegerType: 'varint', DecimalType: 'decimal',
  FloatType: 'float', DoubleType: 'double', TimestampType: 'timestamp', DateType: 'timestamp', SimpleDateType: 'date',
  TimeType: 'time', UUIDType: 'uuid', TimeUUIDType: 'timeuuid', LexicalUUIDType: 'uuid', InetAddressType: 'inet',
  CounterColumnType: 'counter', DurationType: 'duration',
};

const hexDecoder = new TextDecoder();
function fromHex(hex: string): string {
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return hexDecoder.decode(out);
}

/** `MapType(Int32Type,UTF8Type)` → `map<int, text>`; UDTs become their name and are added to `udts`. */
function marshalToCql(t: MarshalType, udts: NonNullable<CqlMappingOptions['udts']>): string {
  const scalar = MARSHAL_TO_CQL[t.name];
  if (scalar) return scalar;
  const args = (n: number) => t.params.slice(0, n).map((p) => marshalToCql(p, udts)).join(', ');
  switch (t.name) {
    case 'ReversedType': return marshalToCql(t.params[0]!, udts);
    case 'FrozenType': return `frozen<${args(1)}>`;
    case 'ListType': return `list<${args(1)}>`;
    case 'SetType': return `set<${args(1)}>`;
    case 'MapType': return `map<${args(2)}>`;
    case 'TupleType': return `tuple<${args(t.params.length)}>`;
    case 'VectorType': return `vector<${args(1)}, ${t.params[1]!.name}>`;
    case 'UserType': {
      const name = fromHex(t.params[1]!.name);
      udts[name] = t.params.slice(2).map((f, i) => ({ name: f.fieldName ?? `field${i}`, cqlType: marshalToCql(f, udts) }));
      return name;
    }
    default:
      throw new CassbergError('FeatureUnsupported', `type ${t.name} has no CQL mapping`, { type: t.name });
  }
}

/** A column type as CQL text, whether the model wrote CQL (`blob`) or an AbstractType (`ReversedType(BytesType)`). */
export function cqlTypeOf(type: string, udts: NonNullable<CqlMappingOptions['udts']> = {}): string {
  const outer = /^[A-Za-z0-9_.]+/.exec(type.trim())?.[0] ?? '';
  return /Type$/.test(outer) ? marshalToCql(parseMarshalType(type.trim()), udts) : type.trim();
}

/** True when the model gives the column's clustering order as DESC (ReversedType), false for ASC, null if unknown. */
export function isDescending(type: string): boolean | null {
  const t = type.trim();
  if (/^(org\.apache\.cassandra\.db\.marshal\.)?ReversedType\(/.test(t)) return true;
  return /Type$/.test(/^[A-Za-z0-9_.]+/.exec(t)?.[0] ?? '') ? false : null;
}

/** The table model as cql-mapping columns, with UDT definitions found in AbstractType names merged into `opts`. */
export function cassandraColumns(table: TableModel, opts: CqlMappingOptions = {}): { columns: CassandraColumn[]; mapping: CqlMappingOptions } {
  const udts = { ...(opts.udts ?? {}) };
  const columns = table.columns.map((c) => ({ name: c.name, cqlType: cqlTypeOf(c.type, udts), kind: c.kind }));
  return { columns, mapping: { ...opts, udts } };
}

/** Raw output schema: the CQL table's columns, then `writetime(col)` longs for non-key columns when asked. */
export function rawOutputSchema(table: TableModel, options: RawOptions): Schema {
  const { columns, mapping } = cassandraColumns(table, options.cqlMapping);
  const schema = schemaFromCassandraTable(columns, mapping);
  // A partition with only a static row shows null clustering columns, so they cannot be required then.
  if (table.columns.some((c) => c.kind === 'static')) {
    const clustering = new Set(table.columns.filter((c) => c.kind === 'clustering').map((c) => c.name));
    for (const f of schema.fields) if (clustering.has(f.name)) f.required = false;
    schema.identifierFieldIds = schema.identifierFieldIds.filter((id) => schema.fields.find((f) => f.id === id)!.required);
  }
  if (options.writetime) {
    let id = highestFieldId(schema);
    for (const c of table.columns) {
      if (c.kind === 'static' || c.kind === 'regular') schema.fields.push({ id: ++id, name: `writetime(${c.name})`, required: false, type: { kind: 'long' } });
    }
  }
  return schema;
}

function mismatch(path: string, source: DataType, target: DataType): never {
  throw new CassbergError('DataInvalid', `column ${path}: cannot convert ${String(source)} to ${String(target)}`, { column: path });
}

const TWO_32 = 4294967296;
/** Largest |ms| whose µs value is still an exact double. */
const MAX_EXACT_MS = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

export function getInt64(words: Int32Array, i: number): number {
  return words[2 * i + 1]! * TWO_32 + (words[2 * i]! >>> 0);
}

function setInt64(words: Int32Array, i: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  words[2 * i] = (v - hi * TWO_32) | 0;
  words[2 * i + 1] = hi;
}

export function int64Words(values: BigInt64Array): Int32Array {
  return new Int32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** ms → µs (`factor` 1000) or ns → µs (`factor` -1000, truncating toward negative infinity). */
function rescaleInt64(values: BigInt64Array, factor: number, path: string): BigInt64Array {
  const out = new BigInt64Array(values.length);
  const src = int64Words(values), dst = int64Words(out);
  for (let i = 0; i < values.length; i++) {
    const v = getInt64(src, i);
    if (factor < 0) { setInt64(dst, i, Math.floor(v / -factor)); continue; }
    if (Math.abs(v) <= MAX_EXACT_MS) { setInt64(dst, i, v * factor); continue; }
    const big = values[i]! * BigInt(factor);
    if (big !== BigInt.asIntN(64, big)) throw new CassbergError('DataInvalid', `column ${path}: timestamp ${values[i]} ms overflows int64 microseconds`, { column: path });
    out[i] = big;
  }
  return out;
}

const textDecoder = new TextDecoder();

/** Exact decimal text ("-12.50", "7") → Decimal128 words at the target scale; refuses lost digits and overflow. */
function decimalWords(data: Data, target: Decimal, path: string): Uint32Array {
  const offsets = data.valueOffsets as Int32Array, bytes = data.values as Uint8Array;
  const out = new Uint32Array(4 * data.length);
  const limit = 10n ** BigInt(target.precision);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) continue;
    const text = textDecoder.decode(bytes.subarray(offsets[i]!, offsets[i + 1]!));
    const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
    if (!m) throw new CassbergError('DataInvalid', `column ${path}: "${text}" is not a decimal number`, { column: path });
    const fraction = m[3] ?? '';
    if (/[1-9]/.test(fraction.slice(target.scale))) {
      throw new CassbergError('DataInvalid', `column ${path}: ${text} has more than ${target.scale} fraction digits; map it as decimal string or with a larger scale`, { column: path });
    }
    let unscaled = BigInt(m[2]! + fraction.slice(0, target.scale).padEnd(target.scale, '0'));
    if (unscaled >= limit) throw new CassbergError('DataInvalid', `column ${path}: ${text} does not fit decimal(${target.precision}, ${target.scale})`, { column: path });
    if (m[1]) unscaled = -unscaled;
    let u = BigInt.asUintN(128, unscaled);
    for (let k = 0; k < 4; k++) { out[4 * i + k] = Number(u & 0xffffffffn); u >>= 32n; }
  }
  return out;
}

function uuidText(data: Data): Data {
  const builder = new ColumnBuilder(new Utf8(), 'bytes', 0, null);
  const bytes = data.values as Uint8Array;
  const text = new Uint8Array(36);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) { builder.appendNull(); continue; }
    let p = 0;
    for (let k = 0; k < 16; k++) {
      if (k === 4 || k === 6 || k === 8 || k === 10) text[p++] = 45; // '-'
      const b = bytes[16 * i + k]!;
      text[p++] = HEX_DIGITS[b >> 4]!;
      text[p++] = HEX_DIGITS[b & 15]!;
    }
    builder.appendValue(text, 0, 36);
  }
  return builder.finish();
}
const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));

/** The same validity (offset, bitmap, count) with new value buffers. */
function base(data: Data) {
  return { offset: data.offset, length: data.length, nullCount: data.nullCount, nullBitmap: data.nullBitmap };
}

/** Converts one column (or nested child) of an engine batch to the Iceberg Arrow type `target`. */
export function convertData(data: Data, target: DataType, path: string): Data {
  const source = data.type;
  switch (target.typeId) {
    case Type.List: {
      if (source.typeId !== Type.List) mismatch(path, source, target);
      const child = convertData(data.children[0]!, target.children[0]!.type, `${path}.element`);
      return makeData({ type: target as List, ...base(data), valueOffsets: data.valueOffsets, child });
    }
    case Type.Map: {
      if (source.typeId !== Type.Map) mismatch(path, source, target);
      const entries = data.children[0]!;
      const entriesType = target.children[0]!.type as Struct;
      const children = [0, 1].map((k) => convertData(entries.children[k]!, entriesType.children[k]!.type, `${path}.${k ? 'value' : 'key'}`));
      const child = makeData({ type: entriesType, ...base(entries), children });
      return makeData({ type: target as Map_, ...base(data), valueOffsets: data.valueOffsets, child });
    }
    case Type.Struct: {
      if (source.typeId !== Type.Struct) mismatch(path, source, target);
      const children = target.children.map((f: Field) => {
        const i = source.children.findIndex((s: Field) => s.name === f.name);
        if (i < 0) throw new CassbergError('DataInvalid', `column ${path}: struct field ${f.name} missing`, { column: path });
        return convertData(data.children[i]!, f.type, `${path}.${f.name}`);
      });
      return makeData({ type: target as Struct, ...base(data), children });
    }
    case Type.Int: {
      const bits = (source as Int32).bitWidth;
      if (source.typeId !== Type.Int || bits > (target as Int32).bitWidth) mismatch(path, source, target);
      if (bits === (target as Int32).bitWidth) return data;
      if ((target as Int32).bitWidth !== 32) mismatch(path, source, target);
      return makeData({ type: target as Int32, ...base(data), data: Int32Array.from(data.values as Int8Array) });
    }
    case Type.Timestamp: {
      if (source.typeId !== Type.Timestamp) mismatch(path, source, target);
      const unit = (source as Timestamp).unit;
      if (unit === (target as Timestamp).unit) return data;
      if (unit !== 1) mismatch(path, source, target); // TimeUnit.MILLISECOND
      return makeData({ type: target as Timestamp, ...base(data), data: rescaleInt64(data.values as BigInt64Array, 1000, path) });
    }
    case Type.Time: {
      if (source.typeId !== Type.Time) mismatch(path, source, target);
      const unit = (source as TimeMicrosecond).unit;
      if (unit === (target as TimeMicrosecond).unit) return data;
      if (unit !== 3) mismatch(path, source, target); // TimeUnit.NANOSECOND
      return makeData({ type: target as TimeMicrosecond, ...base(data), data: rescaleInt64(data.values as BigInt64Array, -1000, path) });
    }
    case Type.Decimal:
      if (source.typeId !== Type.Utf8) mismatch(path, source, target);
      return makeData({ type: target as Decimal, ...base(data), data: decimalWords(data, target as Decimal, path) });
    case Type.Utf8:
      if (source.typeId === Type.FixedSizeBinary) return uuidText(data);
      if (source.typeId !== Type.Utf8) mismatch(path, source, target);
      return data;
    default:
      if (source.typeId !== target.typeId || String(source) !== String(target)) mismatch(path, source, target);
      return data;
  }
}

/** An engine batch → a batch of `arrowSchema` (Iceberg shape); extra input columns are dropped. */
export function toIcebergBatch(batch: RecordBatch, arrowSchema: ArrowSchema): RecordBatch {
  const children = arrowSchema.fields.map((f) => {
    const i = batch.schema.fields.findIndex((s) => s.name === f.name);
    if (i < 0) throw new CassbergError('DataInvalid', `input batch has no column ${f.name}`, { column: f.name });
    return convertData(batch.data.children[i]!, f.type, f.name);
  });
  return new RecordBatch(arrowSchema, makeData({ type: new Struct(arrowSchema.fields), length: batch.numRows, nullCount: 0, children }));
}

/** The column `name` of an engine batch, or undefined (required: a DataInvalid error naming it). */
export function columnData(batch: RecordBatch, name: string, required: true): Data;
export function columnData(batch: RecordBatch, name: string, required?: false): Data | undefined;
export function columnData(batch: RecordBatch, name: string, required = false): Data | undefined {
  const i = batch.schema.fields.findIndex((f) => f.name === name);
  if (i < 0 && required) throw new CassbergError('DataInvalid', `input batch has no column ${name}`, { column: name });
  return i < 0 ? undefined : batch.data.children[i]!;
}

/** Whether row `i` of `data` holds a value (validity bitmap, honouring the slice offset). */
export function isValid(data: Data, i: number): boolean {
  if (data.nullCount === 0) return true;
  const bit = data.offset + i;
  return (data.nullBitmap![bit >> 3]! & (1 << (bit & 7))) !== 0;
}

/** Read access to a Utf8/Binary column of one batch without per-value objects. */
export class BytesColumn {
  readonly offsets: Int32Array;
  readonly bytes: Uint8Array;
  constructor(readonly data: Data) {
    if (data.type.typeId !== Type.Utf8 && data.type.typeId !== Type.Binary) {
      throw new CassbergError('DataInvalid', `expected a text or blob column, got ${String(data.type)}`);
    }
    this.offsets = data.valueOffsets as Int32Array;
    this.bytes = data.values as Uint8Array;
  }
  valid(i: number): boolean { return isValid(this.data, i); }
  start(i: number): number { return this.offsets[i]!; }
  length(i: number): number { return this.offsets[i + 1]! - this.offsets[i]!; }
  /** A view of value i (for error messages and rare paths). */
  view(i: number): Uint8Array { return this.bytes.subarray(this.offsets[i]!, this.offsets[i + 1]!); }
  /** Appends value i (or null) to a bytes ColumnBuilder. */
  appendTo(builder: ColumnBuilder, i: number): void {
    if (!this.valid(i)) builder.appendNull();
    else builder.appendValue(this.bytes, this.offsets[i]!, this.offsets[i + 1]! - this.offsets[i]!);
  }
}

function accepts(table: TableModel): ModelCheck {
  const check = ANY_TABLE.check(table);
  if (!check.ok) return check;
  try {
    rawOutputSchema(table, { referenceTimeSec: 0, writetime: false });
    return check;
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

async function* transform(batches: AsyncIterable<RecordBatch>, table: TableModel, options: RawOptions): AsyncGenerator<RecordBatch> {
  const arrowSchema = toArrowSchema(rawOutputSchema(table, options));
  for await (const batch of batches) {
    if (batch.numRows > 0) yield toIcebergBatch(batch, arrowSchema);
  }
}

export const connector: Connector = { name: 'raw', accepts, outputSchema: rawOutputSchema, transform };
