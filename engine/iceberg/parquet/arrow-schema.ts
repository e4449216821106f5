// Iceberg schema → Arrow schema whose every field (list elements and map keys/values included)
// carries `PARQUET:field_id`, so parquet-wasm writes the ids into the Parquet schema; and the
// check that a producer's batch matches the table schema before anything is written.

import {
  Binary, Bool, DateDay, Decimal, Field, FixedSizeBinary, Float32, Float64, Int32, Int64, List, Map_, RecordBatch,
  Schema as ArrowSchema, Struct, Table, TimeMicrosecond, TimestampMicrosecond, Type, Utf8, makeData,
  type DataType, type Data,
} from 'apache-arrow';
import { CassbergError } from '../../errors.ts';
import type { Schema } from '../spec/schema.ts';
import type { IcebergType, NestedField } from '../spec/types.ts';

export const FIELD_ID_KEY = 'PARQUET:field_id';

function meta(id: number): Map<string, string> {
  return new Map([[FIELD_ID_KEY, String(id)]]);
}

export function toArrowType(t: IcebergType): DataType {
  switch (t.kind) {
    case 'boolean': return new Bool();
    case 'int': return new Int32();
    case 'long': return new Int64();
    case 'float': return new Float32();
    case 'double': return new Float64();
    case 'decimal': return new Decimal(t.scale, t.precision, 128);
    case 'date': return new DateDay();
    case 'time': return new TimeMicrosecond();
    case 'timestamp': return new TimestampMicrosecond();
    case 'timestamptz': return new TimestampMicrosecond('UTC');
    case 'string': return new Utf8();
    case 'uuid': return new FixedSizeBinary(16);
    case 'fixed': return new FixedSizeBinary(t.length);
    case 'binary': return new Binary();
    case 'struct': return new Struct(t.fields.map(toArrowField));
    case 'list': return new List(new Field('element', toArrowType(t.element), !t.elementRequired, meta(t.elementId)));
    case 'map': {
      const entries = new Struct([
        new Field('key', toArrowType(t.key), false, meta(t.keyId)),
        new Field('value', toArrowType(t.value), !t.valueRequired, meta(t.valueId)),
      ]);
      // Parquet's map convention (and PyIceberg's stats path mapping) names the repeated group
      // key_value; arrow-js forces "entries" in the constructor, so rename the child afterwards.
      const map = new Map_(new Field('entries', entries, false));
      (map.children as Field[])[0] = new Field('key_value', entries, false);
      return map;
    }
  }
}

export function toArrowField(f: NestedField): Field {
  return new Field(f.name, toArrowType(f.type), !f.required, meta(f.id));
}

export function toArrowSchema(schema: Schema): ArrowSchema {
  return new ArrowSchema(schema.fields.map(toArrowField));
}

/** Why an Arrow type cannot carry an Iceberg type's values, or null when it can. */
function typeMismatch(expected: DataType, actual: DataType, path: string): string | null {
  if (expected.typeId !== actual.typeId) return `${path}: expected ${String(expected)}, got ${String(actual)}`;
  const e = expected as unknown as Record<string, unknown>;
  const a = actual as unknown as Record<string, unknown>;
  for (const key of ['bitWidth', 'unit', 'precision', 'scale', 'byteWidth', 'isSigned']) {
    if (e[key] !== a[key]) return `${path}: expected ${String(expected)}, got ${String(actual)}`;
  }
  if (expected.typeId === Type.Timestamp && Boolean(e.timezone) !== Boolean(a.timezone)) {
    return `${path}: expected ${String(expected)} (timezone ${String(e.timezone)}), got timezone ${String(a.timezone)}`;
  }
  const ec = expected.children ?? [];
  const ac = actual.children ?? [];
  if (ec.length !== ac.length) return `${path}: expected ${ec.length} children, got ${ac.length}`;
  for (let i = 0; i < ec.length; i++) {
    if (expected.typeId === Type.Struct && ec[i]!.name !== ac[i]!.name) return `${path}: expected field ${ec[i]!.name}, got ${ac[i]!.name}`;
    const m = typeMismatch(ec[i]!.type, ac[i]!.type, `${path}.${ec[i]!.name}`);
    if (m) return m;
  }
  return null;
}

/**
 * Rebinds `table` to the table schema's Arrow form (field ids attached, columns in schema order).
 * Throws a DataInvalid CassbergError listing every mismatch (missing/extra columns, types, nulls
 * in required columns) before any byte is written.
 */
export function bindToSchema(table: Table, schema: Schema): Table {
  const target = toArrowSchema(schema);
  const problems: string[] = [];
  const byName = new Map(table.schema.fields.map((f, i) => [f.name, i]));
  for (const f of table.schema.fields) if (!schema.fields.some((s) => s.name === f.name)) problems.push(`${f.name}: not in table schema`);
  const order: number[] = [];
  target.fields.forEach((f, i) => {
    const idx = byName.get(f.name);
    if (idx === undefined) { problems.push(`${f.name}: missing from batch`); return; }
    order.push(idx);
    const m = typeMismatch(f.type, table.schema.fields[idx]!.type, f.name);
    if (m) problems.push(m);
    if (schema.fields[i]!.required && (table.getChildAt(idx)?.nullCount ?? 0) > 0) problems.push(`${f.name}: required column has nulls`);
  });
  if (problems.length) {
    throw new CassbergError('DataInvalid', `batch does not match table schema ${schema.schemaId}: ${problems.join('; ')}`, { schemaId: schema.schemaId });
  }
  const structType = new Struct(target.fields);
  const batches = table.batches.map((b) => {
    const children: Data[] = order.map((idx) => b.data.children[idx]!);
    return new RecordBatch(target, makeData({ type: structType, length: b.numRows, nullCount: 0, children }));
  });
  return new Table(target, batches);
}
