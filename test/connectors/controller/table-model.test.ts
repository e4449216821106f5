import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ANY_TABLE, KEY_VALUE_TABLE, TIME_SERIES_TABLE, cqlTypeName, parseTableModel } from '../../../connectors/controller/table-model.ts';
import { KV_TABLE, KV_TABLE_DESC_MARSHAL, PLAIN_TABLE, TS_TABLE, withColumns } from './fixtures/tables.ts';

test('cqlTypeName reads CQL names and serialization-header AbstractTypes alike', () => {
  assert.equal(cqlTypeName('varchar'), 'text');
  assert.equal(cqlTypeName('BLOB'), 'blob');
  assert.equal(cqlTypeName('org.apache.cassandra.db.marshal.UTF8Type'), 'text');
  assert.equal(cqlTypeName('ReversedType(TimestampType)'), 'timestamp');
  assert.equal(cqlTypeName('org.apache.cassandra.db.marshal.ReversedType(org.apache.cassandra.db.marshal.LongType)'), 'bigint');
  assert.equal(cqlTypeName('TimeUUIDType'), 'timeuuid');
  assert.equal(cqlTypeName('map<text, int>'), 'map');
  assert.equal(cqlTypeName('MapType(UTF8Type,Int32Type)'), 'map');
});

test('key-value accepts the KV layout in CQL and in AbstractType form, ASC or DESC', () => {
  assert.deepEqual(KEY_VALUE_TABLE.check(KV_TABLE), { ok: true });
  assert.deepEqual(KEY_VALUE_TABLE.check(KV_TABLE_DESC_MARSHAL), { ok: true });
});

test('key-value rejects other layouts with the reason', () => {
  const noMetadata = withColumns(KV_TABLE, (c) => c.splice(3, 1));
  assert.deepEqual(KEY_VALUE_TABLE.check(noMetadata), { ok: false, reason: 'missing column value_metadata' });
  const textKey = withColumns(KV_TABLE, (c) => { c[1]!.type = 'text'; });
  assert.deepEqual(KEY_VALUE_TABLE.check(textKey), { ok: false, reason: 'column key is text, expected blob' });
  const extra = withColumns(KV_TABLE, (c) => c.push({ name: 'owner', type: 'text', kind: 'regular' }));
  assert.deepEqual(KEY_VALUE_TABLE.check(extra), { ok: false, reason: 'column owner is not part of the model' });
  const compositeKey = withColumns(KV_TABLE, (c) => c.splice(1, 0, { name: 'shard', type: 'int', kind: 'partition_key' }));
  assert.deepEqual(KEY_VALUE_TABLE.check(compositeKey), { ok: false, reason: 'partition key is (id, shard), expected (id)' });
  const withStatic = withColumns(KV_TABLE, (c) => c.splice(2, 0, { name: 's', type: 'blob', kind: 'static' }));
  assert.deepEqual(KEY_VALUE_TABLE.check(withStatic), { ok: false, reason: 'static column s is not part of the model' });
  assert.equal(KEY_VALUE_TABLE.check(TS_TABLE).ok, false);
  assert.deepEqual(KEY_VALUE_TABLE.check(PLAIN_TABLE), { ok: false, reason: 'partition key is (customer), expected (id)' });
});

test('time-series accepts the slice-table layout, value_metadata optional', () => {
  assert.deepEqual(TIME_SERIES_TABLE.check(TS_TABLE), { ok: true });
  assert.deepEqual(TIME_SERIES_TABLE.check(withColumns(TS_TABLE, (c) => c.pop())), { ok: true });
});

test('time-series rejects a wrong clustering order, a missing value or a wrong bucket type', () => {
  const swapped = withColumns(TS_TABLE, (c) => { [c[3], c[4]] = [c[4]!, c[3]!]; });
  assert.deepEqual(TIME_SERIES_TABLE.check(swapped), {
    ok: false,
    reason: 'clustering key is (event_id, event_time, event_item_key), expected (event_time, event_id, event_item_key)',
  });
  assert.deepEqual(TIME_SERIES_TABLE.check(withColumns(TS_TABLE, (c) => c.splice(6, 1))), { ok: false, reason: 'missing column event_item_value' });
  assert.deepEqual(TIME_SERIES_TABLE.check(withColumns(TS_TABLE, (c) => { c[1]!.type = 'text'; })),
    { ok: false, reason: 'column time_bucket is text, expected int or bigint or smallint or tinyint' });
  assert.equal(TIME_SERIES_TABLE.check(KV_TABLE).ok, false);
});

test('any accepts every table with a partition key and nothing else', () => {
  for (const t of [KV_TABLE, TS_TABLE, PLAIN_TABLE]) assert.deepEqual(ANY_TABLE.check(t), { ok: true });
  assert.deepEqual(ANY_TABLE.check({ keyspace: 'k', table: 't', columns: [] }), { ok: false, reason: 'the table has no partition key column' });
});

test('parseTableModel validates a model from JSON and names the field', () => {
  assert.deepEqual(parseTableModel(JSON.parse(JSON.stringify(KV_TABLE))), KV_TABLE);
  assert.throws(() => parseTableModel({ keyspace: 'k', table: 't', columns: [{ name: 'id', type: 'text', kind: 'primary' }] }, 'm.json'),
    { name: 'InvalidConfigError', message: /^m\.json: columns\[0\]\.kind: Invalid option/ });
});
