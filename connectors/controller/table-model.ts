// The table model the Connector Controller routes on, and the data-model predicates the connectors declare.
// A table model is the CQL schema of one table as a list of columns in schema order (partition key, clustering,
// static, regular). Column types may be written as CQL (`blob`, `text`, `timestamp`) or as the AbstractType names of
// an SSTable serialization header (`BytesType`, `org.apache.cassandra.db.marshal.UTF8Type`,
// `ReversedType(TimestampType)`); both normalise to the CQL name.
//
// Models (netflix-models.md §1.3 and §2.3):
// * any         — a table with a partition key: what the raw and legacy connectors move.
// * key-value   — PRIMARY KEY (id text, key blob) with regular columns value blob and value_metadata blob.
// * time-series — PRIMARY KEY ((time_series_id, time_bucket, event_bucket), event_time, event_id, event_item_key)
//                 with event_item_value blob and an optional value_metadata blob.
// A predicate returns a reason when it rejects, so the Decider can say why it routed elsewhere.

import { z } from 'zod';
import { InvalidConfigError } from '../../engine/errors.ts';

export type ColumnKind = 'partition_key' | 'clustering' | 'static' | 'regular';

export interface TableModelColumn {
  name: string;
  /** CQL type (`blob`) or AbstractType (`BytesType`, `ReversedType(LongType)`). */
  type: string;
  kind: ColumnKind;
}

export interface TableModel {
  keyspace: string;
  table: string;
  columns: readonly TableModelColumn[];
}

const tableModelShape = z.strictObject({
  keyspace: z.string().min(1),
  table: z.string().min(1),
  columns: z.array(z.strictObject({
    name: z.string().min(1),
    type: z.string().min(1),
    kind: z.enum(['partition_key', 'clustering', 'static', 'regular']),
  })),
});

/** Validates a table model read from JSON/YAML; errors name the field (`columns[2].kind`). */
export function parseTableModel(input: unknown, source = 'table model'): TableModel {
  const parsed = tableModelShape.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(model)';
  throw new InvalidConfigError(`${source}: ${field}: ${issue.message}`, { field });
}

export type ModelCheck = { ok: true } | { ok: false; reason: string };

export interface DataModel {
  name: 'any' | 'key-value' | 'time-series';
  /** One line for `controller get` and the registry listing. */
  summary: string;
  check(table: TableModel): ModelCheck;
}

const ABSTRACT_TO_CQL: Record<string, string> = {
  AsciiType: 'ascii', UTF8Type: 'text', BytesType: 'blob', BooleanType: 'boolean', ByteType: 'tinyint',
  ShortType: 'smallint', Int32Type: 'int', LongType: 'bigint', IntegerType: 'varint', DecimalType: 'decimal',
  FloatType: 'float', DoubleType: 'double', TimestampType: 'timestamp', DateType: 'timestamp', SimpleDateType: 'date',
  TimeType: 'time', UUIDType: 'uuid', TimeUUIDType: 'timeuuid', InetAddressType: 'inet', CounterColumnType: 'counter',
  DurationType: 'duration', ListType: 'list', SetType: 'set', MapType: 'map', FrozenType: 'frozen', TupleType: 'tuple',
  UserType: 'udt', VectorType: 'vector',
};

const MARSHAL_PREFIX = 'org.apache.cassandra.db.marshal.';

/** The CQL name of a column type (`varchar` → `text`); collections and UDTs keep their outer name (`map`, `frozen`). */
export function cqlTypeName(type: string): string {
  let t = type.trim();
  if (t.startsWith(MARSHAL_PREFIX)) t = t.slice(MARSHAL_PREFIX.length);
  const reversed = /^ReversedType\((.*)\)$/.exec(t);
  if (reversed) return cqlTypeName(reversed[1]!);
  const outer = /^([A-Za-z0-9_.]+)/.exec(t)?.[1] ?? t;
  const bare = outer.startsWith(MARSHAL_PREFIX) ? outer.slice(MARSHAL_PREFIX.length) : outer;
  if (bare in ABSTRACT_TO_CQL) return ABSTRACT_TO_CQL[bare]!;
  const lower = bare.toLowerCase();
  return lower === 'varchar' ? 'text' : lower;
}

const ACCEPT: ModelCheck = { ok: true };
const reject = (reason: string): ModelCheck => ({ ok: false, reason });

function columnsOf(table: TableModel, kind: ColumnKind): TableModelColumn[] {
  return table.columns.filter((c) => c.kind === kind);
}

/** Names and, when `types` is given, CQL types of `actual` must equal `expected` in order. */
function checkKey(what: string, actual: TableModelColumn[], expected: readonly string[], types: Record<string, readonly string[]>): ModelCheck {
  const names = actual.map((c) => c.name);
  if (names.join(',') !== expected.join(',')) {
    return reject(`${what} is (${names.join(', ') || 'none'}), expected (${expected.join(', ')})`);
  }
  return checkTypes(actual, types);
}

function checkTypes(columns: readonly TableModelColumn[], types: Record<string, readonly string[]>): ModelCheck {
  for (const column of columns) {
    const allowed = types[column.name];
    const actual = cqlTypeName(column.type);
    if (allowed && !allowed.includes(actual)) {
      return reject(`column ${column.name} is ${actual}, expected ${allowed.join(' or ')}`);
    }
  }
  return ACCEPT;
}

/** Regular columns must be exactly `required` plus any of `optional`; no static columns. */
function checkValues(table: TableModel, required: readonly string[], optional: readonly string[], types: Record<string, readonly string[]>): ModelCheck {
  const statics = columnsOf(table, 'static');
  if (statics.length > 0) return reject(`static column ${statics[0]!.name} is not part of the model`);
  const regular = columnsOf(table, 'regular');
  const names = new Set(regular.map((c) => c.name));
  const missing = required.filter((n) => !names.has(n));
  if (missing.length > 0) return reject(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const extra = regular.filter((c) => !required.includes(c.name) && !optional.includes(c.name));
  if (extra.length > 0) return reject(`column ${extra[0]!.name} is not part of the model`);
  return checkTypes(regular, types);
}

function all(...checks: Array<() => ModelCheck>): ModelCheck {
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return ACCEPT;
}

export const ANY_TABLE: DataModel = {
  name: 'any',
  summary: 'any table with a partition key',
  check: (table) => (columnsOf(table, 'partition_key').length > 0 ? ACCEPT : reject('the table has no partition key column')),
};

const TEXT = ['text', 'ascii'] as const;
const BLOB = ['blob'] as const;
const INTEGER = ['int', 'bigint', 'smallint', 'tinyint'] as const;

const KV_TYPES: Record<string, readonly string[]> = { id: TEXT, key: BLOB, value: BLOB, value_metadata: BLOB };

export const KEY_VALUE_TABLE: DataModel = {
  name: 'key-value',
  summary: 'PRIMARY KEY (id text, key blob), value blob, value_metadata blob',
  check: (table) =>
    all(
      () => checkKey('partition key', columnsOf(table, 'partition_key'), ['id'], KV_TYPES),
      () => checkKey('clustering key', columnsOf(table, 'clustering'), ['key'], KV_TYPES),
      () => checkValues(table, ['value', 'value_metadata'], [], KV_TYPES),
    ),
};

const TS_TYPES: Record<string, readonly string[]> = {
  time_series_id: [...TEXT, 'blob'],
  time_bucket: INTEGER,
  event_bucket: INTEGER,
  event_time: ['timestamp', 'bigint'],
  event_id: [...TEXT, 'uuid', 'timeuuid'],
  event_item_key: [...TEXT, 'blob'],
  event_item_value: BLOB,
  value_metadata: BLOB,
};

export const TIME_SERIES_TABLE: DataModel = {
  name: 'time-series',
  summary: 'PRIMARY KEY ((time_series_id, time_bucket, event_bucket), event_time, event_id, event_item_key), event_item_value blob',
  check: (table) =>
    all(
      () => checkKey('partition key', columnsOf(table, 'partition_key'), ['time_series_id', 'time_bucket', 'event_bucket'], TS_TYPES),
      () => checkKey('clustering key', columnsOf(table, 'clustering'), ['event_time', 'event_id', 'event_item_key'], TS_TYPES),
      () => checkValues(table, ['event_item_value'], ['value_metadata'], TS_TYPES),
    ),
};
