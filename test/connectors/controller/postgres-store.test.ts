import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decide } from '../../../connectors/controller/decide.ts';
import { openControllerStore } from '../../../connectors/controller/open-store.ts';
import { PostgresControllerStore, toPostgresPlaceholders } from '../../../connectors/controller/postgres-store.ts';
import { startPostgres } from './fixtures/postgres.ts';
import type { TestPostgres } from './fixtures/postgres.ts';

let server: TestPostgres | undefined;
before(() => { server = startPostgres(); });
after(() => server?.stop());
const skip = () => (server ? false : 'PostgreSQL server binaries (initdb, pg_ctl) not installed');

test('placeholders are numbered for pg', () => {
  assert.equal(toPostgresPlaceholders('SELECT ? , CAST(? AS INTEGER)'), 'SELECT $1 , CAST($2 AS INTEGER)');
});

test('PostgreSQL store: versions, history, rollback, invalid documents rejected', { skip: skip() }, async () => {
  const store = await openControllerStore(server!.url);
  assert.ok(store instanceof PostgresControllerStore);
  try {
    assert.equal(await store.current(), undefined);
    await store.write({ rules: [{ cluster: 'prod', connector: 'key-value' }] }, { author: 'alice', comment: 'kv' });
    await store.write({ default: { connector: 'raw' } }, { author: 'bob' });
    await assert.rejects(store.write({ rules: [{ cluster: 'prod', connector: 'kv' }] }, { author: 'bob' }), { name: 'InvalidConfigError', message: /rules\[0\]\.connector/ });
    const v3 = await store.rollback(1, { author: 'carol' });
    assert.deepEqual([v3.version, v3.rollbackOf], [3, 1]);
    const history = await store.history();
    assert.deepEqual(history.map((v) => [v.version, v.author, v.comment, v.rollbackOf]), [
      [3, 'carol', 'rollback to version 1', 1],
      [2, 'bob', null, null],
      [1, 'alice', 'kv', null],
    ]);
    assert.deepEqual(history[0]!.document, history[2]!.document);
    const d = await decide({ cluster: 'prod', keyspace: 'a', table: 'b' }, store);
    assert.deepEqual([d.connector, d.ruleVersion], ['key-value', 3]);
  } finally {
    await store.close();
  }
});

test('PostgreSQL store: concurrent writers get distinct consecutive versions', { skip: skip() }, async () => {
  const a = await openControllerStore(server!.url);
  const b = await openControllerStore(server!.url);
  try {
    const start = (await a.current())?.version ?? 0;
    const writes = Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).write({ rules: [{ table: `t${i}`, connector: 'raw' }] }, { author: `w${i}` }));
    const versions = (await Promise.all(writes)).map((v) => v.version).sort((x, y) => x - y);
    assert.deepEqual(versions, Array.from({ length: 10 }, (_, i) => start + i + 1));
  } finally {
    await a.close();
    await b.close();
  }
});
