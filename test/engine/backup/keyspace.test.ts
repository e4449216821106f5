// Keyspace replication read from a backup's DESCRIBE SCHEMA text (engine/backup/keyspace.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SchemaText } from '../../../engine/backup/as-of.ts';
import { parseKeyspaceReplication, replicationOf } from '../../../engine/backup/keyspace.ts';
import { InvalidConfigError } from '../../../engine/errors.ts';

const DESCRIBE = `CREATE KEYSPACE shop WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': '3', 'dc2': '2'}  AND durable_writes = true;

CREATE TABLE shop.users (id uuid PRIMARY KEY, name text) WITH compaction = {'class': 'SizeTieredCompactionStrategy'};

CREATE KEYSPACE IF NOT EXISTS "MixedCase" WITH REPLICATION = { 'class' : 'SimpleStrategy', 'replication_factor' : 2 };
CREATE KEYSPACE system_auth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'} AND durable_writes = true;
`;
const LOCAL = `CREATE KEYSPACE system_schema WITH replication = {'class': 'org.apache.cassandra.locator.LocalStrategy'}  AND durable_writes = true;\n`;

test('CREATE KEYSPACE statements of a DESCRIBE SCHEMA: NTS per DC, SimpleStrategy, quoted names, bare numbers', () => {
  const ks = parseKeyspaceReplication(DESCRIBE, 'prod/dc1/n1/snapshots/t/schema.cql');
  assert.deepEqual(ks.get('shop'), { class: 'NetworkTopologyStrategy', datacenters: { dc1: 3, dc2: 2 } });
  assert.deepEqual(ks.get('MixedCase'), { class: 'SimpleStrategy', replicationFactor: 2 });
  assert.equal(ks.get('mixedcase'), undefined, 'a quoted name keeps its case');
  assert.deepEqual(ks.get('system_auth'), { class: 'SimpleStrategy', replicationFactor: 1 });
});

test('the replication comes from the first schema that defines the keyspace (system keyspaces beside it are not read), or is an assumption that says so', () => {
  const schemas: SchemaText[] = [
    { kind: 'table-cql', keyspace: 'shop', table: 'users', key: 'k/shop/users/schema.cql', text: 'CREATE TABLE IF NOT EXISTS shop.users (id uuid PRIMARY KEY);' },
    { kind: 'cluster-cql', node: 'n1', key: 'k/n1/snapshots/t/schema.cql', text: LOCAL + DESCRIBE },
  ];
  assert.deepEqual(replicationOf(schemas, 'shop'), { strategy: { class: 'NetworkTopologyStrategy', datacenters: { dc1: 3, dc2: 2 } }, source: 'k/n1/snapshots/t/schema.cql' });
  const assumed = replicationOf(schemas.slice(0, 1), 'shop');
  assert.deepEqual(assumed.strategy, { class: 'SimpleStrategy', replicationFactor: 1 });
  assert.match(assumed.source, /^assumed SimpleStrategy RF 1: the backup's schema has no CREATE KEYSPACE shop/);
});

test('a malformed replication map or an unknown strategy is an error naming the file and the keyspace', () => {
  assert.throws(() => parseKeyspaceReplication(`CREATE KEYSPACE a WITH replication = {'class' 'SimpleStrategy'};`, 'x/schema.cql'),
    (err: Error) => err instanceof InvalidConfigError && /^x\/schema.cql: CREATE KEYSPACE a: expected ':' after 'class'/.test(err.message));
  assert.throws(() => parseKeyspaceReplication(`CREATE KEYSPACE b WITH replication = {'class': 'LocalStrategy'};`, 'y/schema.cql'),
    (err: Error) => err instanceof InvalidConfigError && /^y\/schema.cql: CREATE KEYSPACE b: unsupported replication class "LocalStrategy"/.test(err.message));
  assert.throws(() => parseKeyspaceReplication(`CREATE KEYSPACE c WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 'three'};`, 'z/schema.cql'),
    /z\/schema.cql: CREATE KEYSPACE c: bad replication factor "three"/);
});
