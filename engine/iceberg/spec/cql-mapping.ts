// CQL column types → Iceberg v2 types, and a Cassandra table model → Iceberg schema with field ids.
//
// Choices (documented; see test/engine/iceberg/cql-mapping.test.ts):
// * tinyint/smallint widen to int; counter is long.
// * varint → decimal(38, 0) by default (as apache/cassandra-analytics' BigNumberConfig); values
//   beyond 38 digits must be rejected by the producer, or choose `varint: 'string'`.
// * decimal → decimal(38, 18) by default (CQL decimals carry a per-value scale; producers rescale
//   and reject values that do not fit), or `decimal: 'string'`.
// * uuid/timeuuid → uuid (16 big-endian bytes; PyIceberg reads it back as UUID) or `uuid: 'string'`.
// * timestamp → timestamptz (µs: multiply CQL ms by 1000); time → time (ns truncated to µs).
// * duration → struct<months:int, days:int, nanoseconds:long>, all required.
// * inet → string (textual form); blob → binary.
// * list/set → list (element required: CQL collection elements are never null); map → map.
// * tuple → struct with optional fields f0, f1, …; UDT → struct of its fields (optional).
// * vector<T, N> → list<T> (element required); Iceberg v2 has no fixed-size list.
// * primary key columns are required and become identifier-field-ids.

import { UnsupportedFormatError } from '../../errors.ts';
import type { Schema } from './schema.ts';
import { canPromote, decimalType, isPrimitive, typesEqual, type IcebergType, type NestedField } from './types.ts';

export type ColumnKind = 'partition_key' | 'clustering' | 'static' | 'regular';

export interface CassandraColumn { name: string; cqlType: string; kind: ColumnKind }

export interface CqlMappingOptions {
  varint?: 'decimal' | 'string';
  decimal?: { precision: number; scale: number } | 'string';
  uuid?: 'uuid' | 'string';
  /** User-defined types by name (without keyspace): field name → CQL type. */
  udts?: Record<string, Array<{ name: string; cqlType: string }>>;
}

/** A parsed CQL type: a name and its type arguments (`map<text, frozen<list<int>>>`). */
export interface CqlTypeNode { name: string; args: CqlTypeNode[] }

export function parseCqlType(text: string): CqlTypeNode {
  const cursor = { text, pos: 0 };
  const node = readCqlType(cursor);
  if (cursor.text.slice(cursor.pos).trim() !== '') throw new UnsupportedFormatError(`cql type "${text}": trailing text`);
  return node;
}

function readCqlType(c: { text: string; pos: number }): CqlTypeNode {
  const m = /^\s*("(?:[^"]|"")*"|[A-Za-z0-9_.]+)\s*/.exec(c.text.slice(c.pos));
  if (!m) throw new UnsupportedFormatError(`cql type "${c.text}": expected a type name at ${c.pos}`);
  c.pos += m[0].length;
  const raw = m[1]!;
  const name = raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
  const args: CqlTypeNode[] = [];
  if (c.text[c.pos] === '<') {
    c.pos++;
    for (;;) {
      args.push(readCqlType(c));
      const sep = c.text[c.pos++];
      if (sep === '>') break;
      if (sep !== ',') throw new UnsupportedFormatError(`cql type "${c.text}": expected "," or ">" at ${c.pos - 1}`);
    }
    while (c.text[c.pos] === ' ') c.pos++;
  }
  return { name, args };
}

/** Hands out fresh field ids above `lastId`. */
export class FieldIdAllocator {
  constructor(public lastId: number) {}
  next(): number { return ++this.lastId; }
}

const SCALARS: Record<string, IcebergType> = {
  ascii: { kind: 'string' }, text: { kind: 'string' }, varchar: { kind: 'string' }, inet: { kind: 'string' },
  boolean: { kind: 'boolean' }, tinyint: { kind: 'int' }, smallint: { kind: 'int' }, int: { kind: 'int' },
  bigint: { kind: 'long' }, counter: { kind: 'long' }, float: { kind: 'float' }, double: { kind: 'double' },
  timestamp: { kind: 'timestamptz' }, date: { kind: 'date' }, time: { kind: 'time' }, blob: { kind: 'binary' },
};

/** Maps one CQL type to Iceberg, allocating ids for nested fields depth-first after their parent. */
export function cqlToIceberg(node: CqlTypeNode, ids: FieldIdAllocator, opts: CqlMappingOptions = {}): IcebergType {
  const scalar = SCALARS[node.name];
  if (scalar) return scalar;
  switch (node.name) {
    case 'frozen': return cqlToIceberg(arg(node, 0), ids, opts);
    case 'uuid': case 'timeuuid': return opts.uuid === 'string' ? { kind: 'string' } : { kind: 'uuid' };
    case 'varint': return opts.varint === 'string' ? { kind: 'string' } : decimalType(38, 0);
    case 'decimal': {
      const d = opts.decimal ?? { precision: 38, scale: 18 };
      return d === 'string' ? { kind: 'string' } : decimalType(d.precision, d.scale);
    }
    case 'duration': return structOf([['months', 'int'], ['days', 'int'], ['nanoseconds', 'long']], ids, true);
    case 'list': case 'set': case 'vector': {
      const elementId = ids.next();
      return { kind: 'list', elementId, elementRequired: true, element: cqlToIceberg(arg(node, 0), ids, opts) };
    }
    case 'map': {
      const keyId = ids.next();
      const valueId = ids.next();
      const key = cqlToIceberg(arg(node, 0), ids, opts);
      return { kind: 'map', keyId, key, valueId, valueRequired: true, value: cqlToIceberg(arg(node, 1), ids, opts) };
    }
    case 'tuple': return structFromCql(node.args.map((a, i) => [`f${i}`, a] as const), ids, opts);
    default: {
      const udt = opts.udts?.[node.name.split('.').pop()!];
      if (!udt) throw new UnsupportedFormatError(`cql type "${node.name}" is not supported`, { cqlType: node.name });
      return structFromCql(udt.map((f) => [f.name, parseCqlType(f.cqlType)] as const), ids, opts);
    }
  }
}

function arg(node: CqlTypeNode, i: number): CqlTypeNode {
  const a = node.args[i];
  if (!a) throw new UnsupportedFormatError(`cql type ${node.name} needs ${i + 1} type argument(s)`);
  return a;
}

function structOf(fields: Array<[string, 'int' | 'long']>, ids: FieldIdAllocator, required: boolean): IcebergType {
  return { kind: 'struct', fields: fields.map(([name, kind]) => ({ id: ids.next(), name, required, type: { kind } })) };
}

function structFromCql(fields: ReadonlyArray<readonly [string, CqlTypeNode]>, ids: FieldIdAllocator, opts: CqlMappingOptions): IcebergType {
  const withIds = fields.map(([name, t]) => ({ id: ids.next(), name, t }));
  return {
    kind: 'struct',
    fields: withIds.map(({ id, name, t }) => ({ id, name, required: false, type: cqlToIceberg(t, ids, opts) })),
  };
}

const KEY_KINDS: ReadonlySet<ColumnKind> = new Set(['partition_key', 'clustering']);

/**
 * The Iceberg schema of a Cassandra table: top-level columns take ids 1..N in the given order,
 * nested ids follow (as Java's and PyIceberg's fresh-id assignment); key columns are required
 * and listed as identifier fields.
 */
export function schemaFromCassandraTable(columns: CassandraColumn[], opts: CqlMappingOptions = {}, schemaId = 0): Schema {
  const ids = new FieldIdAllocator(columns.length);
  const fields: NestedField[] = columns.map((col, i) => ({
    id: i + 1,
    name: col.name,
    required: KEY_KINDS.has(col.kind),
    type: cqlToIceberg(parseCqlType(col.cqlType), ids, opts),
  }));
  const identifierFieldIds = fields.filter((f) => f.required && isPrimitive(f.type)).map((f) => f.id);
  return { schemaId, fields, identifierFieldIds };
}

/**
 * The next schema after the Cassandra table changed: columns matched by name keep their ids,
 * new columns take ids above `lastColumnId` (ids are never reused), dropped columns disappear.
 * A type change other than a spec promotion (int→long, float→double, wider decimal) is refused.
 * Returns the current schema itself when nothing changed.
 */
export function evolveSchema(current: Schema, lastColumnId: number, columns: CassandraColumn[], opts: CqlMappingOptions = {}): { schema: Schema; lastColumnId: number } {
  const ids = new FieldIdAllocator(lastColumnId);
  const fields: NestedField[] = columns.map((col) => {
    const existing = current.fields.find((f) => f.name === col.name);
    if (!existing) {
      const id = ids.next();
      return { id, name: col.name, required: false, type: cqlToIceberg(parseCqlType(col.cqlType), ids, opts) };
    }
    const probe = cqlToIceberg(parseCqlType(col.cqlType), new FieldIdAllocator(0), opts);
    const same = isPrimitive(probe) ? isPrimitive(existing.type) && canPromote(existing.type, probe) : sameShape(existing.type, probe);
    if (!same) {
      throw new UnsupportedFormatError(`column ${col.name}: cannot change type to ${col.cqlType}`, { column: col.name });
    }
    return isPrimitive(probe) ? { ...existing, type: probe } : existing;
  });
  const unchanged = fields.length === current.fields.length && fields.every((f, i) => typesEqual(f.type, current.fields[i]!.type) && f.id === current.fields[i]!.id);
  if (unchanged) return { schema: current, lastColumnId };
  const kept = new Set(fields.map((f) => f.id));
  const schema = { schemaId: current.schemaId + 1, fields, identifierFieldIds: current.identifierFieldIds.filter((id) => kept.has(id)) };
  return { schema, lastColumnId: ids.lastId };
}

/** Same nested structure, ignoring field ids (ids of existing nested fields are kept). */
function sameShape(a: IcebergType, b: IcebergType): boolean {
  const strip = (t: IcebergType): unknown => JSON.parse(JSON.stringify(t, (k, v) => (k === 'id' || k === 'elementId' || k === 'keyId' || k === 'valueId' ? undefined : v)));
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}
