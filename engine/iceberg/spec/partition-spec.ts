// Partition specs and transforms (spec "Partitioning", "Partition Transforms").

import { CassbergError } from '../../errors.ts';
import { decimalToBytes, uuidToBytes, type IcebergValue } from './conversions.ts';
import { murmur3x86_32 } from './murmur3.ts';
import type { Schema } from './schema.ts';
import { primitiveFieldType } from './schema.ts';
import type { PrimitiveType } from './types.ts';

export type Transform =
  | { kind: 'identity' } | { kind: 'void' } | { kind: 'year' } | { kind: 'month' } | { kind: 'day' } | { kind: 'hour' }
  | { kind: 'bucket'; numBuckets: number } | { kind: 'truncate'; width: number };

export interface PartitionField { sourceId: number; fieldId: number; name: string; transform: Transform }
export interface PartitionSpec { specId: number; fields: PartitionField[] }

/** `last-partition-id` of an unpartitioned table; the first partition field gets 1000. */
export const UNPARTITIONED_LAST_PARTITION_ID = 999;
export const UNPARTITIONED_SPEC: PartitionSpec = { specId: 0, fields: [] };

export function transformToString(t: Transform): string {
  if (t.kind === 'bucket') return `bucket[${t.numBuckets}]`;
  if (t.kind === 'truncate') return `truncate[${t.width}]`;
  return t.kind;
}

export function parseTransform(text: string): Transform {
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(text);
  if (m) return m[1] === 'bucket' ? { kind: 'bucket', numBuckets: Number(m[2]) } : { kind: 'truncate', width: Number(m[2]) };
  if (['identity', 'void', 'year', 'month', 'day', 'hour'].includes(text)) return { kind: text } as Transform;
  throw new CassbergError('DataInvalid', `iceberg: unknown transform "${text}"`);
}

/** The type a transform produces from its source type. */
export function transformResultType(t: Transform, source: PrimitiveType): PrimitiveType {
  switch (t.kind) {
    case 'identity': case 'truncate': case 'void': return source;
    case 'bucket': case 'year': case 'month': case 'hour': return { kind: 'int' };
    case 'day': return { kind: 'date' };
  }
}

/** The partition record type: one optional field per partition field, in spec order. */
export function partitionType(spec: PartitionSpec, schema: Schema): Array<{ field: PartitionField; type: PrimitiveType }> {
  return spec.fields.map((field) => ({ field, type: transformResultType(field.transform, primitiveFieldType(schema, field.sourceId)) }));
}

/** Builds a spec from (column name, transform) pairs; field ids start after `lastPartitionId`. */
export function createPartitionSpec(schema: Schema, fields: Array<{ column: string; transform: string; name?: string }>, specId = 0, lastPartitionId = UNPARTITIONED_LAST_PARTITION_ID): PartitionSpec {
  return {
    specId,
    fields: fields.map((f, i) => {
      const source = schema.fields.find((x) => x.name === f.column);
      if (!source) throw new CassbergError('DataInvalid', `iceberg: partition source column "${f.column}" not in schema`);
      const transform = parseTransform(f.transform);
      primitiveFieldType(schema, source.id);
      const suffix = transform.kind === 'identity' ? '' : `_${transform.kind}`;
      return { sourceId: source.id, fieldId: lastPartitionId + 1 + i, name: f.name ?? `${f.column}${suffix}`, transform };
    }),
  };
}

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function daysOf(source: PrimitiveType, value: IcebergValue): number {
  return source.kind === 'date' ? (value as number) : Number(floorDiv(BigInt(value as bigint), MICROS_PER_DAY));
}

/** Applies a transform to one non-null source value; null stays null. */
export function applyTransform(t: Transform, source: PrimitiveType, value: IcebergValue | null): IcebergValue | null {
  if (value === null || t.kind === 'void') return null;
  switch (t.kind) {
    case 'identity': return value;
    case 'bucket': return (murmur3x86_32(bucketBytes(source, value)) & 0x7fffffff) % t.numBuckets;
    case 'truncate': return truncateValue(source, value, t.width);
    case 'day': return daysOf(source, value);
    case 'hour': return Number(floorDiv(BigInt(value as bigint), MICROS_PER_HOUR));
    case 'month': case 'year': {
      const d = new Date(daysOf(source, value) * 86_400_000);
      const years = d.getUTCFullYear() - 1970;
      return t.kind === 'year' ? years : years * 12 + d.getUTCMonth();
    }
  }
}

/** Hash input per Appendix B: ints, dates, longs, times and timestamps as 8-byte little-endian longs. */
function bucketBytes(source: PrimitiveType, value: IcebergValue): Uint8Array {
  switch (source.kind) {
    case 'int': case 'date': case 'long': case 'time': case 'timestamp': case 'timestamptz': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, BigInt(value as number | bigint), true);
      return out;
    }
    case 'string': return new TextEncoder().encode(value as string);
    case 'uuid': return typeof value === 'string' ? uuidToBytes(value) : (value as Uint8Array);
    case 'decimal': return decimalToBytes(value as bigint);
    case 'binary': case 'fixed': return value as Uint8Array;
    default: throw new CassbergError('DataInvalid', `iceberg: bucket transform does not apply to ${source.kind}`);
  }
}

function truncateValue(source: PrimitiveType, value: IcebergValue, width: number): IcebergValue {
  switch (source.kind) {
    case 'int': { const v = value as number; return v - (((v % width) + width) % width); }
    case 'long': case 'decimal': {
      const v = BigInt(value as bigint); const w = BigInt(width);
      return v - (((v % w) + w) % w);
    }
    case 'string': return Array.from(value as string).slice(0, width).join('');
    case 'binary': return (value as Uint8Array).subarray(0, width);
    default: throw new CassbergError('DataInvalid', `iceberg: truncate transform does not apply to ${source.kind}`);
  }
}

/** Hive-style path segment for a partition tuple, e.g. `id_bucket=3/day=2026-11-23`. */
export function partitionPath(spec: PartitionSpec, values: ReadonlyArray<IcebergValue | null>): string {
  return spec.fields.map((f, i) => `${encodeURIComponent(f.name)}=${encodeURIComponent(humanValue(f.transform, values[i] ?? null))}`).join('/');
}

function humanValue(t: Transform, v: IcebergValue | null): string {
  if (v === null) return 'null';
  if (t.kind === 'day' && typeof v === 'number') return new Date(v * 86_400_000).toISOString().slice(0, 10);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64url');
  return String(v);
}
