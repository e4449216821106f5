import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decide } from '../../../connectors/controller/decide.ts';
import { openControllerStore } from '../../../connectors/controller/open-store.ts';
import { PostgresControllerStore, toPostgresPlaceholders } from '../../../connectors/controller/postgres-store.ts';
import { startPostgres, type PostgresServer } from '../../harness/postgres.ts';

let server: PostgresServer | undefined;
before(async () => { server = await startPostgres(); });
after(() => server?.stop());
// The suite runs against a real server or fails: a missing PostgreSQL is an install problem, not a reason to skip.
function pg(): PostgresServer {
  if (!server) throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not installed: run scripts/bootstrap.sh');
  return server;
}

test('placeholders are numbered for pg', () => {
  assert.equal(toPostgresPlaceholders('SELECT ? , CAST(? AS INTEGER)'), 'SELECT $1 , CAST($2 AS INTEGER)');
});

test('PostgreSQL store: versions, history, rollback, invalid documents rejected', async () => {
  const store = await openControllerStore(pg().url);
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

test('PostgreSQL store: concurrent writers get distinct consecutive versions', async () => {
  const a = await openControllerStore(pg().url);
  const b = await openControllerStore(pg().url);
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
