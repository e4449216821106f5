// The merge's Arrow output (batch-writer.ts, arrow-columns.ts, arrow-nested.ts) rendered back as the lines
// `SELECT JSON` prints: `{"pk": 0, "m": {"1": 2}, "v": "a"}` with Cassandra's separators, map keys that are not
// JSON strings wrapped in quotes, floats with Java Float.toString digits, and `writetime(col)` columns as bare
// microsecond numbers. One implementation for `cassberg sstable dump` and the Cassandra oracle test.

import type { RecordBatch } from 'apache-arrow';
import { dateString, timeString, timestampString, uuidString } from './cql-json.ts';
import type { TableLayout } from './table-layout.ts';
import type { MarshalType } from './value-comparator.ts';
import { durationString } from '../sstable/cql-json.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function base(t: MarshalType): MarshalType {
  return t.name === 'ReversedType' || t.name === 'FrozenType' ? base(t.params[0]!) : t;
}

/**
 * Java's Double.toString / Float.toString layout of the shortest digits JS finds: "1.0", "0.001", "1.0E7",
 * "1.0E300", "-2.5E-4" (plain decimal for 1e-3 <= |v| < 1e7, else d.dddE±n without '+').
 */
function javaNumberString(v: number, shortest: string): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(v);
  if (abs >= 1e-3 && abs < 1e7) {
    const plain = abs >= 1e-6 && !shortest.includes('e') ? shortest : v.toFixed(20).replace(/0+$/, '');
    return plain.includes('.') ? plain : `${plain}.0`;
  }
  const [mantissa, exponent] = Number(shortest).toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${exponent.replace('+', '')}`;
}

/** Shortest decimal that reads back as the same float32 (Java Float.toString digits). */
function float32String(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return javaNumberString(s, String(s));
  }
  return javaNumberString(v, String(v));
}

function quoteKey(json: string): string {
  return json.startsWith('"') ? json : JSON.stringify(json);
}

function elementsText(type: MarshalType, v: Iterable<unknown>): string {
  const parts: string[] = [];
  for (const e of v) parts.push(toJsonText(type, e));
  return `[${parts.join(', ')}]`;
}

function mapText(t: MarshalType, v: Iterable<[unknown, unknown]>): string {
  const parts: string[] = [];
  for (const [k, e] of v) parts.push(`${quoteKey(toJsonText(t.params[0]!, k))}: ${toJsonText(t.params[1]!, e)}`);
  return `{${parts.join(', ')}}`;
}

function structText(t: MarshalType, row: Record<string, unknown>): string {
  if (t.name === 'TupleType') return `[${t.params.map((p, i) => toJsonText(p, row[`f${i}`])).join(', ')}]`;
  const fields = t.params.slice(2);
  return `{${fields.map((p, i) => `${JSON.stringify(p.fieldName ?? `f${i}`)}: ${toJsonText(p, row[p.fieldName ?? `f${i}`])}`).join(', ')}}`;
}

/** The JSON text of one Arrow value of CQL type `type`, as Cassandra's `SELECT JSON` renders it. */
export function toJsonText(type: MarshalType, v: unknown): string {
  if (v === null || v === undefined) return 'null';
  const t = base(type);
  switch (t.name) {
    case 'UTF8Type': case 'AsciiType': return JSON.stringify(v);
    case 'BooleanType': case 'ByteType': case 'ShortType': case 'Int32Type': case 'LongType': case 'CounterColumnType':
      return String(v);
    case 'DoubleType': return javaNumberString(v as number, String(v));
    case 'FloatType': return float32String(v as number);
    case 'IntegerType': case 'DecimalType': return v as string; // exact text (arrow-columns.ts 'text' encoding)
    case 'InetAddressType': return JSON.stringify(v);
    case 'TimestampType': case 'DateType': return `"${timestampString(Number(v))}"`;
    case 'SimpleDateType': return `"${dateString(Number(v) / 86400000 + 2 ** 31)}"`;
    case 'TimeType': return `"${timeString(BigInt(v as bigint))}"`;
    case 'UUIDType': case 'TimeUUIDType': case 'LexicalUUIDType': return `"${uuidString(v as Uint8Array, 0)}"`;
    case 'BytesType': { let s = '"0x'; for (const b of v as Uint8Array) s += HEX[b]; return `${s}"`; }
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
  for (let r = 0; r < batch.numRows; r++) {
    const parts: string[] = [];
    for (let i = 0; i < names.length; i++) {
      const v = children[i]?.get(r);
      const type = types[i];
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
