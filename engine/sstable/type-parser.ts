// AbstractType names as the Statistics.db serialization header writes them (db/marshal/TypeParser.java and each
// type's toString): `org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.Int32Type)`,
// `UserType(ks,6164647265737373,7374726565:UTF8Type)`, `VectorType(FloatType , 3)`, `FrozenType(ListType(...))`,
// `DynamicCompositeType(b=>BytesType,s=>UTF8Type)`. Only a column's top-level type can be multi-cell; every nested
// type is frozen whatever its string says (trap 14).

import { UnsupportedFormatError } from '../errors.ts';

export const MARSHAL_PACKAGE = 'org.apache.cassandra.db.marshal.';

export interface CassandraType {
  /** Short class name: 'Int32Type', 'ListType', 'UserType' … ('FrozenType' is folded away). */
  readonly name: string;
  readonly params: readonly CassandraType[];
  /** Non-frozen collection or UDT at the top level of a column: a complex column with cell paths. */
  readonly multiCell: boolean;
  /** Bytes of a value when fixed (AbstractType.valueLengthIfFixed), else -1 (uvint length prefix on disk). */
  readonly fixedLength: number;
  /** UserType: keyspace, type name and field names (hex-decoded). */
  readonly keyspace?: string;
  readonly typeName?: string;
  readonly fieldNames?: readonly string[];
  /** VectorType dimension. */
  readonly dimension?: number;
  /** DynamicCompositeType aliases (one char each) in the order given. */
  readonly aliases?: readonly string[];
  /** The string as read (without normalisation), for messages and header comparison. */
  readonly text: string;
}

const FIXED_LENGTHS: Record<string, number> = {
  BooleanType: 1, Int32Type: 4, FloatType: 4, LongType: 8, DoubleType: 8, TimestampType: 8, DateType: 8,
  UUIDType: 16, TimeUUIDType: 16, LexicalUUIDType: 16, EmptyType: 0,
};

/** Simple (non-parameterised) types this reader knows how to decode. */
export const SIMPLE_TYPES = new Set([
  'AsciiType', 'UTF8Type', 'Int32Type', 'LongType', 'ShortType', 'ByteType', 'IntegerType', 'DecimalType', 'FloatType',
  'DoubleType', 'BooleanType', 'BytesType', 'UUIDType', 'TimeUUIDType', 'LexicalUUIDType', 'TimestampType', 'DateType',
  'SimpleDateType', 'TimeType', 'DurationType', 'InetAddressType', 'CounterColumnType', 'EmptyType',
]);

const PARAMETERISED = new Set([
  'ListType', 'SetType', 'MapType', 'TupleType', 'UserType', 'VectorType', 'CompositeType', 'DynamicCompositeType',
  'ReversedType', 'FrozenType', 'PartitionerDefinedOrder',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function fromHex(hex: string, text: string): string {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new UnsupportedFormatError(`bad hex name '${hex}' in type ${text}`, { type: text });
  const out = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  try { return utf8.decode(out); } catch { throw new UnsupportedFormatError(`hex name '${hex}' is not UTF-8 in type ${text}`, { type: text }); }
}

interface RawType { name: string; args: RawArg[]; text: string }
type RawArg = { key?: string; value: RawType };

/** Tokenising parser over the type string: name [ '(' arg (',' arg)* ')' ]; arg = [key ('=>' | ':')] type. */
function parseRaw(text: string): RawType {
  let pos = 0;
  const bad = (what: string): never => { throw new UnsupportedFormatError(`cannot parse type '${text}': ${what} at ${pos}`, { type: text }); };
  const skipSpaces = () => { while (text[pos] === ' ') pos++; };
  const word = (): string => {
    skipSpaces();
    const start = pos;
    while (pos < text.length && /[A-Za-z0-9_.$\-+]/.test(text[pos]!)) pos++;
    if (pos === start) bad('name expected');
    return text.slice(start, pos);
  };
  const type = (depth: number): RawType => {
    if (depth > 64) bad('nesting too deep');
    const start = pos;
    const name = word();
    const args: RawArg[] = [];
    skipSpaces();
    if (text[pos] === '(') {
      pos++;
      skipSpaces();
      while (text[pos] !== ')') {
        args.push(arg(depth + 1));
        skipSpaces();
        if (text[pos] === ',') pos++;
        else if (text[pos] !== ')') bad("',' or ')' expected");
      }
      pos++;
    }
    return { name, args, text: text.slice(start, pos).trim() };
  };
  const arg = (depth: number): RawArg => {
    skipSpaces();
    const save = pos;
    const first = word();
    skipSpaces();
    if (text.startsWith('=>', pos)) { pos += 2; return { key: first, value: type(depth) }; }
    if (text[pos] === ':') { pos++; return { key: first, value: type(depth) }; }
    pos = save;
    return { value: type(depth) };
  };
  const result = type(0);
  skipSpaces();
  if (pos !== text.length) bad('trailing characters');
  return result;
}

function shortName(name: string): string {
  return name.startsWith(MARSHAL_PACKAGE) ? name.slice(MARSHAL_PACKAGE.length) : name;
}

function build(raw: RawType, topLevel: boolean, frozen: boolean): CassandraType {
  const name = shortName(raw.name);
  const args = raw.args;
  const sub = (i: number) => build(args[i]!.value, false, true);
  const text = raw.text;
  if (name === 'FrozenType') {
    if (args.length !== 1) throw new UnsupportedFormatError(`FrozenType takes one parameter: ${text}`, { type: text });
    return build(args[0]!.value, topLevel, true);
  }
  if (!SIMPLE_TYPES.has(name) && !PARAMETERISED.has(name)) {
    if (name.includes('.')) return { name: 'CustomType', params: [], multiCell: false, fixedLength: -1, typeName: raw.name, text };
    throw new UnsupportedFormatError(`unknown Cassandra type ${raw.name} in '${text}'`, { type: text });
  }
  if (SIMPLE_TYPES.has(name)) {
    if (args.length > 0) throw new UnsupportedFormatError(`${name} takes no parameters: ${text}`, { type: text });
    return { name, params: [], multiCell: false, fixedLength: FIXED_LENGTHS[name] ?? -1, text };
  }
  const expect = (n: number) => {
    if (args.length !== n) throw new UnsupportedFormatError(`${name} takes ${n} parameter(s), got ${args.length}: ${text}`, { type: text });
  };
  switch (name) {
    case 'ListType': case 'SetType':
      expect(1);
      return { name, params: [sub(0)], multiCell: topLevel && !frozen, fixedLength: -1, text };
    case 'MapType':
      expect(2);
      return { name, params: [sub(0), sub(1)], multiCell: topLevel && !frozen, fixedLength: -1, text };
    case 'ReversedType': {
      expect(1);
      const inner = build(args[0]!.value, topLevel, frozen);
      return { name, params: [inner], multiCell: false, fixedLength: inner.fixedLength, text };
    }
    case 'TupleType': case 'CompositeType': case 'PartitionerDefinedOrder':
      return { name, params: args.map((_, i) => sub(i)), multiCell: false, fixedLength: -1, text };
    case 'DynamicCompositeType':
      return {
        name, params: args.map((_, i) => sub(i)), multiCell: false, fixedLength: -1, text,
        aliases: args.map((a) => a.key ?? ''),
      };
    case 'UserType': {
      if (args.length < 2) throw new UnsupportedFormatError(`UserType needs keyspace and name: ${text}`, { type: text });
      const fields = args.slice(2);
      return {
        name, multiCell: topLevel && !frozen, fixedLength: -1, text,
        keyspace: args[0]!.value.name, typeName: fromHex(args[1]!.value.name, text),
        fieldNames: fields.map((f) => fromHex(f.key ?? '', text)),
        params: fields.map((f) => build(f.value, false, true)),
      };
    }
    case 'VectorType': {
      expect(2);
      const element = sub(0);
      const dimension = Number(args[1]!.value.name);
      if (!Number.isInteger(dimension) || dimension <= 0) throw new UnsupportedFormatError(`bad vector dimension in ${text}`, { type: text });
      return {
        name, params: [element], multiCell: false, text, dimension,
        fixedLength: element.fixedLength >= 0 ? element.fixedLength * dimension : -1,
      };
    }
  }
  throw new UnsupportedFormatError(`unsupported Cassandra type ${name}`, { type: text });
}

const cache = new Map<string, CassandraType>();

/** Parses a column's AbstractType string; `topLevel` false for types nested in keys/clustering. */
export function parseCassandraType(text: string, topLevel = true): CassandraType {
  const key = `${topLevel ? 1 : 0}${text}`;
  let type = cache.get(key);
  if (type === undefined) {
    type = build(parseRaw(text.trim()), topLevel, false);
    if (cache.size < 10000) cache.set(key, type);
  }
  return type;
}

/** The type without ReversedType wrappers (value bytes are identical). */
export function unreversed(type: CassandraType): CassandraType {
  return type.name === 'ReversedType' ? unreversed(type.params[0]!) : type;
}

/** Short printable form without the package prefix, e.g. `ListType(Int32Type)`. */
export function typeToString(type: CassandraType): string {
  return type.text.split(MARSHAL_PACKAGE).join('');
}
