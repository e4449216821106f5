// Iceberg v2 types (spec "Schemas and Data Types"). Nested types carry the field ids of their
// children; ids are unique within a table and never reused.

import { CassbergError } from '../../errors.ts';

export type PrimitiveTypeName =
  | 'boolean' | 'int' | 'long' | 'float' | 'double' | 'date' | 'time' | 'timestamp' | 'timestamptz'
  | 'string' | 'uuid' | 'binary';

export type PrimitiveType =
  | { kind: PrimitiveTypeName }
  | { kind: 'decimal'; precision: number; scale: number }
  | { kind: 'fixed'; length: number };

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
}

export interface StructType { kind: 'struct'; fields: NestedField[] }
export interface ListType { kind: 'list'; elementId: number; elementRequired: boolean; element: IcebergType }
export interface MapType {
  kind: 'map'; keyId: number; key: IcebergType; valueId: number; valueRequired: boolean; value: IcebergType;
}

export type IcebergType = PrimitiveType | StructType | ListType | MapType;

export const MAX_DECIMAL_PRECISION = 38;

export function primitive(kind: PrimitiveTypeName): PrimitiveType {
  return { kind };
}

export function decimalType(precision: number, scale: number): PrimitiveType {
  if (!(precision >= 1 && precision <= MAX_DECIMAL_PRECISION) || scale < 0 || scale > precision) {
    throw new CassbergError('DataInvalid', `iceberg: invalid decimal(${precision}, ${scale})`);
  }
  return { kind: 'decimal', precision, scale };
}

export function isPrimitive(t: IcebergType): t is PrimitiveType {
  return t.kind !== 'struct' && t.kind !== 'list' && t.kind !== 'map';
}

/** The spec's string form of a primitive type: `decimal(38, 0)`, `fixed[16]`, `long`. */
export function primitiveToString(t: PrimitiveType): string {
  if (t.kind === 'decimal') return `decimal(${t.precision}, ${t.scale})`;
  if (t.kind === 'fixed') return `fixed[${t.length}]`;
  return t.kind;
}

const PRIMITIVE_NAMES: ReadonlySet<string> = new Set([
  'boolean', 'int', 'long', 'float', 'double', 'date', 'time', 'timestamp', 'timestamptz', 'string', 'uuid', 'binary',
]);

export function parsePrimitive(text: string): PrimitiveType {
  const s = text.trim();
  if (PRIMITIVE_NAMES.has(s)) return { kind: s as PrimitiveTypeName };
  const dec = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(s);
  if (dec) return decimalType(Number(dec[1]), Number(dec[2]));
  const fixed = /^fixed\[\s*(\d+)\s*\]$/.exec(s);
  if (fixed) return { kind: 'fixed', length: Number(fixed[1]) };
  throw new CassbergError('DataInvalid', `iceberg: unknown primitive type "${text}"`);
}

/** Structural equality of two types, field ids included. */
export function typesEqual(a: IcebergType, b: IcebergType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Visits every nested field id (struct fields, list elements, map keys and values) under `t`. */
export function forEachNestedId(t: IcebergType, visit: (id: number) => void): void {
  if (t.kind === 'struct') {
    for (const f of t.fields) {
      visit(f.id);
      forEachNestedId(f.type, visit);
    }
  } else if (t.kind === 'list') {
    visit(t.elementId);
    forEachNestedId(t.element, visit);
  } else if (t.kind === 'map') {
    visit(t.keyId);
    forEachNestedId(t.key, visit);
    visit(t.valueId);
    forEachNestedId(t.value, visit);
  }
}

/** Allowed type promotions in v2 (spec "Schema Evolution"). */
export function canPromote(from: PrimitiveType, to: PrimitiveType): boolean {
  if (from.kind === to.kind) {
    if (from.kind === 'decimal' && to.kind === 'decimal') return from.scale === to.scale && to.precision >= from.precision;
    if (from.kind === 'fixed' && to.kind === 'fixed') return from.length === to.length;
    return true;
  }
  return (from.kind === 'int' && to.kind === 'long') || (from.kind === 'float' && to.kind === 'double');
}
