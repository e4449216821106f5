// Keyspace replication from the schema a backup captured: the `CREATE KEYSPACE … WITH replication = {…}` statements
// of a `DESCRIBE SCHEMA` text (Medusa's meta/schema.cql, the snapshot layout's node-level schema.cql). Planning needs
// them to know which nodes hold each token range. A backup without them gets an explicit assumption, never a silent one.

import { InvalidConfigError } from '../errors.ts';
import type { SchemaText } from './as-of.ts';
import { parseReplication, type ReplicationStrategy } from './replicas.ts';

export interface KeyspaceReplication {
  strategy: ReplicationStrategy;
  /** Where it came from: the schema file, or the assumption made without one. */
  source: string;
}

/** The assumption for a backup whose schema has no CREATE KEYSPACE for the keyspace: each range on its primary owner. */
export const ASSUMED_REPLICATION: ReplicationStrategy = { class: 'SimpleStrategy', replicationFactor: 1 };

/** Keyspace name as Cassandra stores it: unquoted names fold to lower case, "Quoted" ones keep theirs. */
function identifier(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

/** `{'class': 'NetworkTopologyStrategy', 'dc1': '3'}` → its entries; values may be quoted or bare. */
function parseMapLiteral(text: string, file: string, keyspace: string): Record<string, string> {
  const out: Record<string, string> = {};
  const token = /\s*('(?:[^']|'')*'|[A-Za-z0-9_.\-]+)\s*/y;
  const read = (at: number): [string, number] => {
    token.lastIndex = at;
    const m = token.exec(text);
    if (!m) throw new InvalidConfigError(`${file}: CREATE KEYSPACE ${keyspace}: cannot read the replication map ${text}`, { file, keyspace });
    const v = m[1]!;
    return [v.startsWith("'") ? v.slice(1, -1).replace(/''/g, "'") : v, token.lastIndex];
  };
  let at = 1; // after '{'
  while (!/^\s*}/.test(text.slice(at))) {
    const [key, afterKey] = read(at);
    if (text[afterKey] !== ':') throw new InvalidConfigError(`${file}: CREATE KEYSPACE ${keyspace}: expected ':' after '${key}' in ${text}`, { file, keyspace });
    const [value, afterValue] = read(afterKey + 1);
    out[key] = value;
    at = text[afterValue] === ',' ? afterValue + 1 : afterValue;
    if (at >= text.length) throw new InvalidConfigError(`${file}: CREATE KEYSPACE ${keyspace}: unterminated replication map`, { file, keyspace });
  }
  return out;
}

const CREATE_KEYSPACE = /CREATE\s+KEYSPACE\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z0-9_]+)\s+WITH\s+replication\s*=\s*(\{[^}]*\})/gi;

/** Every keyspace's replication in a schema text; a statement that does not parse is an error naming `file`. */
export function parseKeyspaceReplication(text: string, file: string): Map<string, ReplicationStrategy> {
  const out = new Map<string, ReplicationStrategy>();
  for (const m of text.matchAll(CREATE_KEYSPACE)) out.set(identifier(m[1]!), strategyOf(m[2]!, file, identifier(m[1]!)));
  return out;
}

function strategyOf(mapText: string, file: string, keyspace: string): ReplicationStrategy {
  try {
    return parseReplication(parseMapLiteral(mapText, file, keyspace));
  } catch (err) {
    if (err instanceof InvalidConfigError && err.message.startsWith(file)) throw err;
    throw new InvalidConfigError(`${file}: CREATE KEYSPACE ${keyspace}: ${(err as Error).message}`, { file, keyspace });
  }
}

/**
 * The keyspace's replication from the first schema text that defines it, or the stated assumption. Only that
 * keyspace's statement is parsed: system keyspaces (LocalStrategy, EverywhereStrategy) may sit in the same file.
 */
export function replicationOf(schemas: readonly SchemaText[], keyspace: string): KeyspaceReplication {
  for (const s of schemas) {
    for (const m of s.text.matchAll(CREATE_KEYSPACE)) {
      if (identifier(m[1]!) === keyspace) return { strategy: strategyOf(m[2]!, s.key, keyspace), source: s.key };
    }
  }
  return {
    strategy: ASSUMED_REPLICATION,
    source: `assumed SimpleStrategy RF 1: the backup's schema has no CREATE KEYSPACE ${keyspace} (upload DESCRIBE SCHEMA as schema.cql beside tokenmap.json)`,
  };
}
