// The merge's Arrow output (batch-writer.ts, arrow-columns.ts, arrow-nested.ts) rendered back as the lines
// `SELECT JSON` prints: `{"pk": 0, "m": {"1": 2}, "v": "a"}` with Cassandra's separators, map keys that are not
// JSON strings wrapped in quotes, floats with Java Float.toString digits, and `writetime(col)` columns as bare
// microsecond numbers. One implementation for `cassberg sstable dump` and the Cassandra oracle test; the value
// forms are engine/sstable/cql-json.ts's. What typed Arrow columns cannot hold prints differently: an empty value of
// a non-text scalar is null (Cassandra: ""), a decimal with a negative scale is plain (5000, Cassandra: 5E+3);
// BatchWriter's jsonValues columns hold Cassandra's text exactly.

import type { RecordBatch } from 'apache-arrow';
import {
  dateString, decimalString, durationString, hexString, javaDoubleString, javaFloatString, timeString, timestampString, uuidString,
} from '../sstable/cql-json.ts';
import { unreversed } from '../sstable/type-parser.ts';
import type { CassandraType } from '../sstable/type-parser.ts';
import { JSON_TEXT } from './batch-writer.ts';
import type { TableLayout } from './table-layout.ts';

/** BigDecimal.toString of the plain decimal text an Arrow column holds; a negative scale (5E+3) is not in that
 *  text, so such a value prints plain (5000). */
function decimalJson(plain: string): string {
  const m = /^(-?\d+)(?:\.(\d+))?$/.exec(plain);
  return m ? decimalString(BigInt(m[1]! + (m[2] ?? '')), (m[2] ?? '').length) : plain;
}

function quoteKey(json: string): string {
  return json.startsWith('"') ? json : JSON.stringify(json);
}

function elementsText(type: CassandraType, v: Iterable<unknown>): string {
  const parts: string[] = [];
  for (const e of v) parts.push(toJsonText(type, e));
  return `[${parts.join(', ')}]`;
}

function mapText(t: CassandraType, v: Iterable<[unknown, unknown]>): string {
  const parts: string[] = [];
  for (const [k, e] of v) parts.push(`${quoteKey(toJsonText(t.params[0]!, k))}: ${toJsonText(t.params[1]!, e)}`);
  return `{${parts.join(', ')}}`;
}

function structText(t: CassandraType, row: Record<string, unknown>): string {
  if (t.name === 'TupleType') return `[${t.params.map((p, i) => toJsonText(p, row[`f${i}`])).join(', ')}]`;
  return `{${t.params.map((p, i) => `${JSON.stringify(t.fieldNames![i])}: ${toJsonText(p, row[t.fieldNames![i]!])}`).join(', ')}}`;
}

/** The JSON text of one Arrow value of CQL type `type`, as Cassandra's `SELECT JSON` renders it. */
export function toJsonText(type: CassandraType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const t = unreversed(type);
  switch (t.name) {
    case 'UTF8Type': case 'AsciiType': return JSON.stringify(v);
    case 'BooleanType': case 'ByteType': case 'ShortType': case 'Int32Type': case 'LongType': case 'CounterColumnType':
      return String(v);
    case 'DoubleType': return javaDoubleString(v as number);
    case 'FloatType': return javaFloatString(v as number);
    case 'IntegerType': return v as string; // exact text (arrow-columns.ts 'text' encoding)
    case 'DecimalType': return decimalJson(v as string);
    case 'InetAddressType': return JSON.stringify(v);
    case 'TimestampType': case 'DateType': return `"${timestampString(Number(v))}"`;
    case 'SimpleDateType': return `"${dateString(Number(v) / 86400000 + 2 ** 31)}"`;
    case 'TimeType': return `"${timeString(BigInt(v as bigint))}"`;
    case 'UUIDType': case 'TimeUUIDType': case 'LexicalUUIDType': return `"${uuidString(v as Uint8Array, 0)}"`;
    case 'BytesType': return `"0x${hexString(v as Uint8Array, 0, (v as Uint8Array).length)}"`;
    case 'ListType': case 'SetType': case 'VectorType': return elementsText(t.params[0]!, v as Iterable<unknown>);
    case 'MapType': return mapText(t, v as Iterable<[unknown, unknown]>);
    case 'TupleType': case 'UserType': return structText(t, v as Record<string, unknown>);
    case 'DurationType': {
      const d = v as { months: number; days: number; nanoseconds: bigint };
      return `"${durationString(d.months, d.days, BigInt(d.nanoseconds))}"`;
    }
    default: return v as string; // types without an Arrow mapping are kept as their JSON text
  }
}

/** Every row of the batch as one `SELECT JSON` line of the fields `names` (default: all, in the batch's order). */
export function* batchToJsonLines(batch: RecordBatch, layout: TableLayout,
                                  names: readonly string[] = batch.schema.fields.map((f) => f.name)): Generator<string> {
  const typeOf = new Map(layout.columns.map((c) => [c.name, c.type]));
  // writetime(col) / ttl(col) / last_modified are plain numbers
  const types = names.map((n) => typeOf.get(n) ?? null);
  const keys = names.map((n) => JSON.stringify(n));
  const children = names.map((n) => batch.getChild(n));
  // columns BatchWriter wrote with jsonValues hold their JSON text already
  const asText = names.map((n) => batch.schema.fields.find((f) => f.name === n)?.metadata.get(JSON_TEXT) === 'true');
  for (let r = 0; r < batch.numRows; r++) {
    const parts: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const v = children[i]?.get(r);
      const type = asText[i] ? null : types[i];
      parts.push(`${keys[i]}: ${type ? toJsonText(type, v) : v === null || v === undefined ? 'null' : String(v)}`);
    }
    yield `{${parts.join(', ')}}`;
  }
}

/** Every row of the batches as a plain object of the table's columns: the `SELECT JSON *` line, parsed. */
export function batchesToJson(batches: readonly RecordBatch[], layout: TableLayout): Record<string, unknown>[] {
  const names = layout.columns.map((c) => c.name);
  const rows: Record<string, unknown>[] = [];
  for (const batch of batches) {
    for (const line of batchToJsonLines(batch, layout, names)) rows.push(JSON.parse(line) as Record<string, unknown>);
  }
  return rows;
}
