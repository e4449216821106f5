// Turns our Arrow output back into the value shapes `SELECT JSON` gives, so rows can be compared with Cassandra.

import type { RecordBatch } from 'apache-arrow';
import { asJsonKey, dateString, timeString, timestampString, uuidString } from '../../../../engine/compaction/cql-json.ts';
import type { TableLayout } from '../../../../engine/compaction/table-layout.ts';
import type { MarshalType } from '../../../../engine/compaction/value-comparator.ts';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function base(t: MarshalType): MarshalType {
  return t.name === 'ReversedType' || t.name === 'FrozenType' ? base(t.params[0]!) : t;
}

/** One Arrow value of CQL type `type` as Cassandra's JSON renders it. */
export function toJsonValue(type: MarshalType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  const t = base(type);
  switch (t.name) {
    case 'LongType': case 'CounterColumnType': return Number(v as bigint);
    case 'TimestampType': case 'DateType': return timestampString(Number(v));
    case 'SimpleDateType': return dateString(Number(v) / 86400000 + 2 ** 31);
    case 'TimeType': return timeString(BigInt(v as bigint));
    case 'UUIDType': case 'TimeUUIDType': return uuidString(v as Uint8Array, 0);
    case 'BytesType': { let s = '0x'; for (const b of v as Uint8Array) s += HEX[b]; return s; }
    case 'IntegerType': case 'DecimalType': return Number(v as string);
    case 'ListType': case 'SetType': case 'VectorType':
      return [...(v as Iterable<unknown>)].map((e) => toJsonValue(t.params[0]!, e));
    case 'MapType': {
      const out: Record<string, unknown> = {};
      for (const [k, e] of v as Iterable<[unknown, unknown]>) {
        const key = toJsonValue(t.params[0]!, k);
        out[typeof key === 'string' ? key : JSON.parse(asJsonKey(JSON.stringify(key))) as string] = toJsonValue(t.params[1]!, e);
      }
      return out;
    }
    case 'TupleType': {
      const row = v as Record<string, unknown>;
      return t.params.map((p, i) => toJsonValue(p, row[`f${i}`]));
    }
    case 'UserType': {
      const row = v as Record<string, unknown>;
      return Object.fromEntries(t.params.slice(2).map((p) => [p.fieldName!, toJsonValue(p, row[p.fieldName!])]));
    }
    default: return v;
  }
}

/** Every row of the batches as a plain object keyed by column name, values shaped like Cassandra's JSON. */
export function batchesToJson(batches: readonly RecordBatch[], layout: TableLayout): Record<string, unknown>[] {
  const rows: Record<string, unknown>[] = [];
  for (const batch of batches) {
    for (let r = 0; r < batch.numRows; r++) {
      const row: Record<string, unknown> = {};
      for (const c of layout.columns) {
        const child = batch.getChild(c.name);
        row[c.name] = child ? toJsonValue(c.type, child.get(r)) : undefined;
      }
      rows.push(row);
    }
  }
  return rows;
}
