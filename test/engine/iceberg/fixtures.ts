// Shared test fixtures: a Cassandra table using every CQL type, rows of it as Arrow data, the
// values PyIceberg is expected to return for them, and a temporary file:// warehouse with a
// SQLite catalog.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Table, makeBuilder, makeData, makeVector, type Vector } from 'apache-arrow';
import { SqlCatalog, SqliteDriver } from '../../../engine/iceberg/catalog/sql.ts';
import { LocalFileIO } from '../../../engine/iceberg/io.ts';
import { toArrowType } from '../../../engine/iceberg/parquet/arrow-schema.ts';
import type { CassandraColumn, CqlMappingOptions } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { uuidToBytes } from '../../../engine/iceberg/spec/conversions.ts';
import type { Schema } from '../../../engine/iceberg/spec/schema.ts';

export const ALL_TYPES_COLUMNS: CassandraColumn[] = [
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'ck', cqlType: 'text', kind: 'clustering' },
  { name: 'c_ascii', cqlType: 'ascii', kind: 'static' },
  { name: 'c_bigint', cqlType: 'bigint', kind: 'regular' },
  { name: 'c_smallint', cqlType: 'smallint', kind: 'regular' },
  { name: 'c_tinyint', cqlType: 'tinyint', kind: 'regular' },
  { name: 'c_varint', cqlType: 'varint', kind: 'regular' },
  { name: 'c_decimal', cqlType: 'decimal', kind: 'regular' },
  { name: 'c_float', cqlType: 'float', kind: 'regular' },
  { name: 'c_double', cqlType: 'double', kind: 'regular' },
  { name: 'c_boolean', cqlType: 'boolean', kind: 'regular' },
  { name: 'c_blob', cqlType: 'blob', kind: 'regular' },
  { name: 'c_uuid', cqlType: 'uuid', kind: 'regular' },
  { name: 'c_timeuuid', cqlType: 'timeuuid', kind: 'regular' },
  { name: 'c_timestamp', cqlType: 'timestamp', kind: 'regular' },
  { name: 'c_date', cqlType: 'date', kind: 'regular' },
  { name: 'c_time', cqlType: 'time', kind: 'regular' },
  { name: 'c_duration', cqlType: 'duration', kind: 'regular' },
  { name: 'c_inet', cqlType: 'inet', kind: 'regular' },
  { name: 'c_list', cqlType: 'list<int>', kind: 'regular' },
  { name: 'c_set', cqlType: 'frozen<set<text>>', kind: 'regular' },
  { name: 'c_map', cqlType: 'map<text, bigint>', kind: 'regular' },
  { name: 'c_tuple', cqlType: 'tuple<int, text>', kind: 'regular' },
  { name: 'c_udt', cqlType: 'frozen<address>', kind: 'regular' },
  { name: 'c_vector', cqlType: 'vector<float, 3>', kind: 'regular' },
  { name: 'c_nested', cqlType: 'map<int, frozen<list<text>>>', kind: 'regular' },
];

export const ALL_TYPES_OPTIONS: CqlMappingOptions = {
  udts: { address: [{ name: 'street', cqlType: 'text' }, { name: 'zip', cqlType: 'int' }] },
  decimal: { precision: 38, scale: 6 },
};

/** One row in builder-friendly form: bigint for longs/micros, unscaled bigint for decimals, uuid strings. */
export type Row = Record<string, unknown>;

export function allTypesRow(i: number): Row {
  const nul = i % 3 === 2;
  return {
    id: i, ck: `ck-${i}-é`, c_ascii: nul ? null : `ascii${i}`, c_bigint: nul ? null : 9_007_199_254_740_993n * BigInt(i % 2 ? 1 : -1),
    c_smallint: -32768 + i, c_tinyint: nul ? null : 127 - i, c_varint: nul ? null : 123_456_789_012_345_678_901_234n * BigInt(i + 1),
    c_decimal: nul ? null : -1_234_567n * BigInt(i + 1), c_float: i === 1 ? Number.NaN : 1.5 * i, c_double: nul ? null : Math.PI * i,
    c_boolean: nul ? null : i % 2 === 0, c_blob: nul ? null : Uint8Array.of(0, 255, i),
    c_uuid: nul ? null : `f79c3e09-677c-4bbd-a479-3f349cb785e${i % 10}`, c_timeuuid: `d2177dd0-eaa2-11de-a572-001b779c76e${i % 10}`,
    c_timestamp: nul ? null : 1_700_000_000_123_000n + BigInt(i) * 1_000n, c_date: nul ? null : 19_000 + i, c_time: nul ? null : 3_723_000_123n + BigInt(i),
    c_duration: nul ? null : { months: i, days: -i | 0, nanoseconds: 1_000_000_007n * BigInt(i) },
    c_inet: nul ? null : `10.0.0.${i}`, c_list: nul ? null : [i, i + 1, -i | 0], c_set: nul ? null : [`a${i}`, `b${i}`],
    c_map: nul ? null : new Map([[`k${i}`, BigInt(i) * 10n]]), c_tuple: nul ? null : { f0: i, f1: null },
    c_udt: nul ? null : { street: `${i} Main St`, zip: 10_000 + i }, c_vector: nul ? null : [0.5, 1.5, i],
    c_nested: nul ? null : new Map([[i, [`x${i}`, `y${i}`]]]),
  };
}

function decimalWords(v: bigint): Uint32Array {
  const out = new Uint32Array(4);
  let u = BigInt.asUintN(128, v);
  for (let k = 0; k < 4; k++) { out[k] = Number(u & 0xffffffffn); u >>= 32n; }
  return out;
}

function fixedWidth(field: Schema['fields'][number], values: unknown[]): Vector {
  const type = toArrowType(field.type);
  const n = values.length;
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nullCount = 0;
  const data = field.type.kind === 'date' ? new Int32Array(n) : new BigInt64Array(n);
  values.forEach((v, i) => {
    if (v === null) { nullCount++; return; }
    bitmap[i >> 3]! |= 1 << (i & 7);
    (data as unknown as Array<unknown>)[i] = v;
  });
  return makeVector(makeData({ type: type as never, length: n, nullCount, nullBitmap: bitmap, data } as never));
}

/** Builds an Arrow table for `schema` from rows (columns in `schema` order unless `order` is given). */
export function arrowTable(schema: Schema, rows: Row[]): Table {
  const columns: Record<string, Vector> = {};
  for (const field of schema.fields) {
    const values = rows.map((r) => r[field.name] ?? null);
    const kind = field.type.kind;
    if (kind === 'date' || kind === 'timestamp' || kind === 'timestamptz') { columns[field.name] = fixedWidth(field, values); continue; }
    const b = makeBuilder({ type: toArrowType(field.type), nullValues: [null] });
    for (const v of values) {
      if (v !== null && kind === 'decimal') b.append(decimalWords(v as bigint));
      else if (v !== null && kind === 'uuid') b.append(uuidToBytes(v as string));
      else b.append(v);
    }
    columns[field.name] = b.finish().toVector();
  }
  return new Table(columns);
}

export interface Warehouse { dir: string; url: string; dbPath: string; catalog: SqlCatalog; io: LocalFileIO; cleanup(): Promise<void> }

export async function tempWarehouse(catalogName = 'cassberg'): Promise<Warehouse> {
  const dir = mkdtempSync(join(tmpdir(), 'cassberg-iceberg-'));
  const dbPath = join(dir, 'catalog.db');
  const catalog = new SqlCatalog(catalogName, new SqliteDriver(dbPath));
  await catalog.initialize();
  return {
    dir, dbPath, catalog, io: new LocalFileIO(), url: pathToFileURL(join(dir, 'wh')).href,
    async cleanup() { await catalog.close(); rmSync(dir, { recursive: true, force: true }); },
  };
}

function pad(n: number | bigint, w = 2): string { return String(n).padStart(w, '0'); }

/** Python's isoformat() fraction: omitted when zero, else 6 digits. */
function micros(us: bigint): string { return us === 0n ? '' : `.${pad(us, 6)}`; }

function decimalText(unscaled: bigint, scale: number): string {
  if (scale === 0) return unscaled.toString();
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

const asJsonInt = (v: bigint | number): bigint | number => (Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v));

/** The value PyIceberg's scan returns for `v` of Iceberg type `t`, in pyiceberg-runner's JSON form. */
export function expectedValue(t: Schema['fields'][number]['type'], v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (t.kind) {
    case 'long': return asJsonInt(v as bigint);
    case 'float': case 'double': return Number.isNaN(v) ? 'NaN' : t.kind === 'float' ? Math.fround(v as number) : v;
    case 'decimal': return decimalText(v as bigint, t.scale);
    case 'binary': case 'fixed': return `hex:${Buffer.from(v as Uint8Array).toString('hex')}`;
    case 'timestamp': case 'timestamptz': {
      const us = v as bigint;
      const iso = new Date(Number(us / 1000n)).toISOString().slice(0, 19);
      return `${iso}${micros(((us % 1_000_000n) + 1_000_000n) % 1_000_000n)}${t.kind === 'timestamptz' ? '+00:00' : ''}`;
    }
    case 'date': return new Date((v as number) * 86_400_000).toISOString().slice(0, 10);
    case 'time': {
      const us = v as bigint;
      const s = us / 1_000_000n;
      return `${pad(s / 3600n)}:${pad((s / 60n) % 60n)}:${pad(s % 60n)}${micros(us % 1_000_000n)}`;
    }
    case 'struct': {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(t.fields.map((f) => [f.name, expectedValue(f.type, o[f.name] ?? null)]));
    }
    case 'list': return (v as unknown[]).map((x) => expectedValue(t.element, x));
    case 'map': return [...(v as Map<unknown, unknown>)].map(([k, x]) => [expectedValue(t.key, k), expectedValue(t.value, x)]);
    default: return v;
  }
}

export function expectedRows(schema: Schema, rows: Row[]): Array<Record<string, unknown>> {
  return rows.map((r) => Object.fromEntries(schema.fields.map((f) => [f.name, expectedValue(f.type, r[f.name] ?? null)])));
}
