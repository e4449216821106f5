// schema.cql parsing (as `nodetool snapshot` writes it) and sstable file names.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseComponentFileName, versionFlags } from '../../../engine/sstable/descriptor.ts';
import { parseSchema } from '../../../engine/sstable/schema.ts';
import { parseToc } from '../../../engine/sstable/toc.ts';
import { UnsupportedFormatError } from '../../../engine/errors.ts';

const SNAPSHOT_SCHEMA = `
-- written by nodetool snapshot
CREATE TYPE IF NOT EXISTS ks.addr (street text, "Zip" int);
CREATE TABLE IF NOT EXISTS ks.events (
    tenant text,
    day date,
    at timeuuid,
    seq int,
    note text static,
    tags set<text>,
    home frozen<addr>,
    dropped_col int,
    PRIMARY KEY ((tenant, day), at, seq)
) WITH ID = 5a1c395e-b41f-11e5-9f22-ba0be0483c18
    AND CLUSTERING ORDER BY (at DESC, seq ASC)
    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy'}
    AND default_time_to_live = 0;
ALTER TABLE ks.events DROP dropped_col USING TIMESTAMP 1700000000000000;
CREATE TABLE ks.legacy (key blob PRIMARY KEY, value blob) WITH COMPACT STORAGE;
`;

test('CREATE TYPE, CREATE TABLE with composite key, order, options and a dropped column', () => {
  const { tables, types } = parseSchema(SNAPSHOT_SCHEMA);
  assert.deepEqual(types, [{ keyspace: 'ks', name: 'addr', fields: [{ name: 'street', cqlType: 'text' }, { name: 'Zip', cqlType: 'int' }] }]);
  const events = tables[0]!;
  assert.equal(events.id, '5a1c395e-b41f-11e5-9f22-ba0be0483c18');
  assert.deepEqual(events.columns.map((c) => `${c.kind}:${c.name}:${c.cqlType}${c.order ? `:${c.order}` : ''}`), [
    'partition_key:tenant:text', 'partition_key:day:date', 'clustering:at:timeuuid:DESC', 'clustering:seq:int:ASC',
    'static:note:text', 'regular:tags:set<text>', 'regular:home:frozen<addr>',
  ]);
  assert.deepEqual(events.dropped, [{ name: 'dropped_col', droppedAtMicros: 1700000000000000, cqlType: 'int' }]);
  assert.equal(events.options['default_time_to_live'], '0');
  assert.equal(tables[1]!.compactStorage, true);
});

test('component file names: sequence and UUID generations, big and bti', () => {
  const a = parseComponentFileName('/data/ks/t-5a1c395eb41f11e59f22ba0be0483c18/nb-3gll_1kke_3qdyo2i4kzfpt3cqcy-big-Data.db');
  assert.equal(a.version, 'nb');
  assert.equal(a.generation, '3gll_1kke_3qdyo2i4kzfpt3cqcy');
  assert.equal(a.flags.hasOriginatingHostId, true);
  const b = parseComponentFileName('da-1-bti-Data.db');
  assert.equal(b.format, 'bti');
  assert.equal(b.flags.hasUIntDeletionTime, true);
  assert.equal(versionFlags('mc', 'big').hasAccurateMinMax, false);
  assert.equal(versionFlags('oa', 'big').hasLegacyMinMax, false);
  assert.throws(() => parseComponentFileName('foo-atable-ka-1-Data.db'), UnsupportedFormatError);
  assert.throws(() => parseComponentFileName('la-1-big-Data.db'), /not readable/);
  assert.deepEqual(parseToc('Data.db\nTOC.txt\n\n'), ['Data.db', 'TOC.txt']);
});

test('CASSANDRA-15035: a frozen UDT written without FrozenType becomes a simple column again', async () => {
  const { parseCassandraType } = await import('../../../engine/sstable/type-parser.ts');
  const { fixFrozenHeaderTypes, createTableModel } = await import('../../../engine/sstable/table-model.ts');
  const column = (name: string, type: string) => {
    const t = parseCassandraType(type);
    return { name, nameBytes: new TextEncoder().encode(name), type: t, isComplex: t.multiCell };
  };
  const header = {
    minTimestampMicros: 0n, minLocalDeletionTimeSec: 0, minTtlSec: 0,
    keyType: parseCassandraType('Int32Type', false), clusteringTypes: [], staticColumns: [],
    regularColumns: [column('b', 'Int32Type'), column('a', 'UserType(ks,61646472,6e756d:Int32Type)')],
  };
  const schema = parseSchema('CREATE TYPE ks.addr (num int); CREATE TABLE ks.t (k int PRIMARY KEY, a frozen<addr>, b int);');
  assert.deepEqual(createTableModel(header, schema).mismatches, ['column a: schema type frozen<addr>, header addr (UserType(ks,61646472,6e756d:Int32Type))']);
  const fixed = fixFrozenHeaderTypes(header, schema);
  assert.deepEqual(fixed.regularColumns.map((c) => `${c.name}:${c.isComplex}`), ['a:false', 'b:false']);
  assert.deepEqual(createTableModel(fixed, schema).mismatches, []);
  assert.equal(fixFrozenHeaderTypes(header, undefined), header);
});
