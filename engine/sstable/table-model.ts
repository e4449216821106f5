// The table as a reader of one sstable sees it: column names from schema.cql when given, else Cassandra's
// compact-table defaults (`key`, `key2`…, `column1`…, `value`; cql3/statements/schema/CreateTableStatement and
// CompactTables); value types always from the serialization header (trap 13). With both, the header is checked
// against the schema and every mismatch is explained.

import { UnsupportedFormatError } from '../errors.ts';
import { cqlToAbstractType, toCqlType } from './cql-types.ts';
import type { SchemaFile, TableSchema } from './schema.ts';
import { sortColumns } from './serialization-header.ts';
import type { HeaderColumn, SerializationHeader } from './serialization-header.ts';
import { parseCassandraType, typeToString, unreversed } from './type-parser.ts';
import type { CassandraType } from './type-parser.ts';

export interface ModelColumn {
  name: string;
  kind: 'partition_key' | 'clustering' | 'static' | 'regular';
  type: CassandraType;
  /** Index in the header's key components, clustering types, or static/regular column list; SCHEMA_ONLY for a
   *  column schema.cql declares but this sstable's header lacks (never written): always null. */
  headerIndex: number;
  /** Cells older than this (µs) belong to a dropped incarnation of the column. */
  droppedAtMicros: number;
}

/** headerIndex of a schema-only column: no cell names it, so its value is always null (as SELECT shows it). */
export const SCHEMA_ONLY = -1;

export interface TableModel {
  name: string;
  partitionKey: ModelColumn[];
  clustering: ModelColumn[];
  /** By header index (statics[i] describes header.staticColumns[i]); null for a column hidden by the schema. */
  statics: (ModelColumn | null)[];
  regulars: (ModelColumn | null)[];
  /** COMPACT STORAGE without clustering columns: the data lives in one static row per partition. */
  staticCompact: boolean;
  /** Columns of a CQL row in `SELECT *` order, schema-only columns included. */
  selectOrder: ModelColumn[];
  /** Header vs schema differences (empty when they agree or no schema was given). */
  mismatches: string[];
}

function keyComponentTypes(header: SerializationHeader): CassandraType[] {
  const k = unreversed(header.keyType);
  return k.name === 'CompositeType' ? [...k.params] : [k];
}

function byName(a: ModelColumn, b: ModelColumn): number { return a.name < b.name ? -1 : a.name > b.name ? 1 : 0; }

function selectOrder(pk: ModelColumn[], ck: ModelColumn[], statics: (ModelColumn | null)[], regulars: (ModelColumn | null)[],
                     schemaOnly: ModelColumn[] = []): ModelColumn[] {
  const present = (c: ModelColumn | null): c is ModelColumn => c !== null;
  const of = (kind: string) => schemaOnly.filter((c) => c.kind === kind);
  return [...pk, ...ck, ...[...statics.filter(present), ...of('static')].sort(byName),
    ...[...regulars.filter(present), ...of('regular')].sort(byName)];
}

function headerOnly(header: SerializationHeader, name: string): TableModel {
  const keys = keyComponentTypes(header);
  const pk = keys.map((type, i): ModelColumn => ({ name: i === 0 ? 'key' : `key${i + 1}`, kind: 'partition_key', type, headerIndex: i, droppedAtMicros: -Infinity }));
  const ck = header.clusteringTypes.map((type, i): ModelColumn => ({ name: `column${i + 1}`, kind: 'clustering', type, headerIndex: i, droppedAtMicros: -Infinity }));
  const col = (kind: 'static' | 'regular') => (c: HeaderColumn, i: number): ModelColumn => ({ name: c.name, kind, type: c.type, headerIndex: i, droppedAtMicros: -Infinity });
  const statics = header.staticColumns.map(col('static'));
  const regulars = header.regularColumns.map(col('regular'));
  return { name, partitionKey: pk, clustering: ck, statics, regulars, staticCompact: false, selectOrder: selectOrder(pk, ck, statics, regulars), mismatches: [] };
}

function sameType(schemaType: CassandraType, headerType: CassandraType): boolean {
  const norm = (t: CassandraType) => typeToString(t).replace(/FrozenType\(|\)/g, '');
  return norm(schemaType) === norm(headerType) && schemaType.multiCell === headerType.multiCell;
}

/** Builds the model; `schema` picks the table (by name when the file has several). */
export function createTableModel(header: SerializationHeader, schema?: SchemaFile, tableName?: string): TableModel {
  if (!schema) return headerOnly(header, tableName ?? 'table');
  const table: TableSchema | undefined = schema.tables.length === 1 ? schema.tables[0] : schema.tables.find((t) => t.name === tableName);
  if (!table) throw new UnsupportedFormatError(`schema has no table ${tableName ?? ''} (tables: ${schema.tables.map((t) => t.name).join(', ')})`);
  const mismatches: string[] = [];
  const typeOf = (cql: string) => parseCassandraType(cqlToAbstractType(cql, schema.types, table.keyspace));
  const dropped = new Map(table.dropped.map((d) => [d.name, d.droppedAtMicros]));
  const keys = keyComponentTypes(header);
  const pkCols = table.columns.filter((c) => c.kind === 'partition_key');
  const ckCols = table.columns.filter((c) => c.kind === 'clustering');
  if (pkCols.length !== keys.length) mismatches.push(`partition key: schema has ${pkCols.length} column(s), header ${keys.length}`);
  const pk = keys.map((type, i): ModelColumn => ({ name: pkCols[i]?.name ?? `key${i + 1}`, kind: 'partition_key', type, headerIndex: i, droppedAtMicros: -Infinity }));
  const staticCompact = table.compactStorage && ckCols.length === 0;
  if (!staticCompact && ckCols.length !== header.clusteringTypes.length) {
    mismatches.push(`clustering: schema has ${ckCols.length} column(s), header ${header.clusteringTypes.length}`);
  }
  const ck = staticCompact ? [] : header.clusteringTypes.map((type, i): ModelColumn => {
    const s = ckCols[i];
    if (s) {
      const reversed = type.name === 'ReversedType';
      if (reversed !== (s.order === 'DESC')) mismatches.push(`clustering ${s.name}: schema order ${s.order}, header ${reversed ? 'DESC' : 'ASC'}`);
    }
    return { name: s?.name ?? `column${i + 1}`, kind: 'clustering', type, headerIndex: i, droppedAtMicros: -Infinity };
  });
  const check = (label: string, cql: string, headerType: CassandraType) => {
    if (!sameType(typeOf(cql), headerType)) mismatches.push(`${label}: schema type ${cql}, header ${toCqlType(headerType)} (${typeToString(headerType)})`);
  };
  pk.forEach((c, i) => { if (pkCols[i]) check(`partition key ${c.name}`, pkCols[i]!.cqlType, unreversed(c.type)); });
  ck.forEach((c, i) => { if (ckCols[i]) check(`clustering ${c.name}`, ckCols[i]!.cqlType, unreversed(c.type)); });
  // A static compact table keeps its CQL columns as statics of the internal table (reference 1.5).
  const wantStatic = (kind: string) => kind === 'static' || (staticCompact && kind === 'regular');
  const resolve = (isStatic: boolean) => (c: HeaderColumn, i: number): ModelColumn | null => {
    const s = table.columns.find((x) => x.name === c.name && (x.kind === 'static' || x.kind === 'regular'));
    if (!s) {
      if (staticCompact && !isStatic && c.type.name === 'EmptyType') return null; // hidden `value` column
      if (dropped.has(c.name)) return null;
      mismatches.push(`${isStatic ? 'static' : 'regular'} column ${c.name} (${toCqlType(c.type)}) is not in the schema`);
      return { name: c.name, kind: isStatic ? 'static' : 'regular', type: c.type, headerIndex: i, droppedAtMicros: -Infinity };
    }
    if (wantStatic(s.kind) !== isStatic) mismatches.push(`column ${c.name}: schema ${s.kind}, header ${isStatic ? 'static' : 'regular'}`);
    check(`column ${c.name}`, s.cqlType, c.type);
    return { name: c.name, kind: staticCompact ? 'regular' : isStatic ? 'static' : 'regular', type: c.type, headerIndex: i, droppedAtMicros: dropped.get(c.name) ?? -Infinity };
  };
  const statics = header.staticColumns.map(resolve(true));
  const regulars = header.regularColumns.map(resolve(false));
  // Declared but never written to this sstable (SerializationHeader lists only columns with data): null in every row.
  const inHeader = new Set([...header.staticColumns, ...header.regularColumns].map((c) => c.name));
  const schemaOnly = table.columns.filter((c) => (c.kind === 'static' || c.kind === 'regular') && !inHeader.has(c.name))
    .map((c): ModelColumn => ({
      name: c.name, kind: staticCompact ? 'regular' : c.kind as 'static' | 'regular', type: typeOf(c.cqlType),
      headerIndex: SCHEMA_ONLY, droppedAtMicros: dropped.get(c.name) ?? -Infinity,
    }));
  return {
    name: table.name, partitionKey: pk, clustering: ck, statics, regulars, staticCompact,
    selectOrder: selectOrder(pk, ck, statics, regulars, schemaOnly), mismatches,
  };
}

/**
 * SSTableHeaderFix for CASSANDRA-15035: 3.0.x headers may name a frozen UDT (or a collection holding one) without
 * its FrozenType, which makes the column look multi-cell. When the schema says the column is frozen, returns a
 * header where it is a simple column again (columns re-sorted: simple before complex), else the header unchanged.
 */
export function fixFrozenHeaderTypes(header: SerializationHeader, schema: SchemaFile | undefined, tableName?: string): SerializationHeader {
  const table = schema && (schema.tables.length === 1 ? schema.tables[0] : schema.tables.find((t) => t.name === tableName));
  if (!table) return header;
  let changed = false;
  const fix = (columns: HeaderColumn[]) => sortColumns(columns.map((c) => {
    const s = table.columns.find((x) => x.name === c.name);
    if (!s || !c.isComplex || c.type.name !== 'UserType') return c;
    const schemaType = parseCassandraType(cqlToAbstractType(s.cqlType, schema!.types, table.keyspace));
    if (schemaType.multiCell) return c;
    changed = true;
    return { ...c, type: schemaType, isComplex: false };
  }));
  const fixed = { ...header, staticColumns: fix(header.staticColumns), regularColumns: fix(header.regularColumns) };
  return changed ? fixed : header;
}
