// CQL type names ↔ AbstractType strings (cql3/CQL3Type.java, cql3/CQL3Type.Raw): `frozen<map<text, int>>` →
// `FrozenType(MapType(UTF8Type,Int32Type))`, UDT names → `UserType(ks,hexname,hexfield:type,…)`, and back for
// display. Used to check a schema.cql against the serialization header and to name header types in CQL terms.

import { InvalidConfigError } from '../errors.ts';
import type { UserTypeSchema } from './schema.ts';
import type { CassandraType } from './type-parser.ts';

export const CQL_TO_MARSHAL: Record<string, string> = {
  ascii: 'AsciiType', text: 'UTF8Type', varchar: 'UTF8Type', int: 'Int32Type', bigint: 'LongType', smallint: 'ShortType',
  tinyint: 'ByteType', varint: 'IntegerType', decimal: 'DecimalType', float: 'FloatType', double: 'DoubleType',
  boolean: 'BooleanType', blob: 'BytesType', uuid: 'UUIDType', timeuuid: 'TimeUUIDType', timestamp: 'TimestampType',
  date: 'SimpleDateType', time: 'TimeType', duration: 'DurationType', inet: 'InetAddressType', counter: 'CounterColumnType',
};

const MARSHAL_TO_CQL: Record<string, string> = Object.fromEntries(
  Object.entries(CQL_TO_MARSHAL).filter(([k]) => k !== 'varchar').map(([k, v]) => [v, k]),
);

function hex(s: string): string { return Buffer.from(s, 'utf8').toString('hex'); }

/** Splits `a, b<c, d>, e` at top-level commas. */
function splitArgs(s: string): string[] {
  const out: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '<') depth++;
    else if (s[i] === '>') depth--;
    else if (s[i] === ',' && depth === 0) { out.push(s.slice(start, i).trim()); start = i + 1; }
  }
  out.push(s.slice(start).trim());
  return out.filter((x) => x.length > 0);
}

/**
 * AbstractType string of a CQL type. `frozen` marks that the value is inside a frozen/nested context
 * (children of collections, tuples and UDTs are printed without FrozenType, as Cassandra does).
 */
export function cqlToAbstractType(cql: string, types: readonly UserTypeSchema[], keyspace?: string, nested = false): string {
  const text = cql.trim();
  const lt = text.indexOf('<');
  const base = (lt < 0 ? text : text.slice(0, lt)).trim();
  const lower = base.toLowerCase();
  const args = lt < 0 ? [] : splitArgs(text.slice(lt + 1, text.lastIndexOf('>')));
  const sub = (a: string) => cqlToAbstractType(a, types, keyspace, true);
  if (lt < 0 && CQL_TO_MARSHAL[lower]) return CQL_TO_MARSHAL[lower]!;
  if (text.startsWith("'")) return text.slice(1, -1);
  switch (lower) {
    case 'frozen': {
      const inner = cqlToAbstractType(args[0] ?? '', types, keyspace, true);
      return nested || inner.startsWith('TupleType') ? inner : `FrozenType(${inner})`;
    }
    case 'list': return `ListType(${sub(args[0] ?? '')})`;
    case 'set': return `SetType(${sub(args[0] ?? '')})`;
    case 'map': return `MapType(${sub(args[0] ?? '')},${sub(args[1] ?? '')})`;
    case 'tuple': return `TupleType(${args.map(sub).join(',')})`;
    case 'vector': return `VectorType(${sub(args[0] ?? '')} , ${args[1]})`;
  }
  const dot = base.lastIndexOf('.');
  const udtName = (dot >= 0 ? base.slice(dot + 1) : base).replace(/^"|"$/g, '');
  const udtKeyspace = dot >= 0 ? base.slice(0, dot) : keyspace;
  const udt = types.find((t) => t.name === udtName && (!udtKeyspace || !t.keyspace || t.keyspace === udtKeyspace))
    ?? types.find((t) => t.name === udtName.toLowerCase());
  if (!udt) throw new InvalidConfigError(`unknown CQL type '${cql}'`, { type: cql });
  const fields = udt.fields.map((f) => `${hex(f.name)}:${cqlToAbstractType(f.cqlType, types, udt.keyspace ?? keyspace, true)}`);
  return `UserType(${udt.keyspace ?? keyspace ?? 'ks'},${hex(udt.name)}${fields.length ? ',' : ''}${fields.join(',')})`;
}

/** CQL spelling of a parsed header type (`frozen<list<int>>`, `'org.Custom'` for unknown classes). */
export function toCqlType(type: CassandraType, nested = false): string {
  const p = type.params;
  const frozen = (s: string) => (nested || type.multiCell ? s : `frozen<${s}>`);
  switch (type.name) {
    case 'ReversedType': return toCqlType(p[0]!, nested);
    case 'ListType': return frozen(`list<${toCqlType(p[0]!, true)}>`);
    case 'SetType': return frozen(`set<${toCqlType(p[0]!, true)}>`);
    case 'MapType': return frozen(`map<${toCqlType(p[0]!, true)}, ${toCqlType(p[1]!, true)}>`);
    case 'TupleType': return `frozen<tuple<${p.map((t) => toCqlType(t, true)).join(', ')}>>`;
    case 'UserType': return frozen(type.typeName!);
    case 'VectorType': return `vector<${toCqlType(p[0]!, true)}, ${type.dimension}>`;
    case 'EmptyType': return "'org.apache.cassandra.db.marshal.EmptyType'";
  }
  return MARSHAL_TO_CQL[type.name] ?? `'${type.typeName ?? type.text}'`;
}
