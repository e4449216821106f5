// An Iceberg schema: a struct of fields with ids, plus the identifier (primary key) field ids.

import { CassbergError } from '../../errors.ts';
import { forEachNestedId, isPrimitive, type IcebergType, type NestedField, type PrimitiveType } from './types.ts';

export interface Schema {
  schemaId: number;
  fields: NestedField[];
  identifierFieldIds: number[];
}

/** Highest field id used anywhere in the schema (0 for an empty schema). */
export function highestFieldId(schema: Schema): number {
  let max = 0;
  forEachNestedId({ kind: 'struct', fields: schema.fields }, (id) => { if (id > max) max = id; });
  return max;
}

/** Every field by id, nested ones included; list elements and map keys/values appear as synthetic fields. */
export function indexById(schema: Schema): Map<number, NestedField> {
  const out = new Map<number, NestedField>();
  const walk = (t: IcebergType): void => {
    if (t.kind === 'struct') {
      for (const f of t.fields) { out.set(f.id, f); walk(f.type); }
    } else if (t.kind === 'list') {
      out.set(t.elementId, { id: t.elementId, name: 'element', required: t.elementRequired, type: t.element });
      walk(t.element);
    } else if (t.kind === 'map') {
      out.set(t.keyId, { id: t.keyId, name: 'key', required: true, type: t.key });
      out.set(t.valueId, { id: t.valueId, name: 'value', required: t.valueRequired, type: t.value });
      walk(t.key);
      walk(t.value);
    }
  };
  walk({ kind: 'struct', fields: schema.fields });
  return out;
}

export function findField(schema: Schema, name: string): NestedField | undefined {
  return schema.fields.find((f) => f.name === name);
}

/** Primitive type of a top-level field, or an error naming the id. */
export function primitiveFieldType(schema: Schema, fieldId: number): PrimitiveType {
  const field = indexById(schema).get(fieldId);
  if (!field) throw new CassbergError('DataInvalid', `iceberg: field id ${fieldId} not in schema ${schema.schemaId}`);
  if (!isPrimitive(field.type)) throw new CassbergError('DataInvalid', `iceberg: field ${field.name} (id ${fieldId}) is not primitive`);
  return field.type;
}

/**
 * Checks what Java and PyIceberg check on load: unique ids, and identifier fields that are
 * required primitives, not float/double, and not nested in a list or map.
 */
export function checkSchema(schema: Schema): void {
  const seen = new Set<number>();
  forEachNestedId({ kind: 'struct', fields: schema.fields }, (id) => {
    if (seen.has(id)) throw new CassbergError('DataInvalid', `iceberg: duplicate field id ${id} in schema ${schema.schemaId}`);
    seen.add(id);
  });
  const names = new Set<string>();
  for (const f of schema.fields) {
    if (names.has(f.name)) throw new CassbergError('DataInvalid', `iceberg: duplicate column name "${f.name}"`);
    names.add(f.name);
  }
  for (const id of schema.identifierFieldIds) {
    const f = schema.fields.find((x) => x.id === id);
    if (!f) throw new CassbergError('DataInvalid', `iceberg: identifier field id ${id} is not a top-level field`);
    if (!f.required || !isPrimitive(f.type) || f.type.kind === 'float' || f.type.kind === 'double') {
      throw new CassbergError('DataInvalid', `iceberg: identifier field ${f.name} (id ${id}) must be a required non-float primitive`);
    }
  }
}
