import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { decide } from '../../../connectors/controller/decide.ts';
import { SqliteControllerStore } from '../../../connectors/controller/sqlite-store.ts';
import { CONNECTORS } from '../../../connectors/registry.ts';

const dir = mkdtempSync(join(tmpdir(), 'cassberg-controller-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let tick = 0;
const clock = () => new Date(Date.UTC(2026, 10, 23, 12, 0, tick++));
const KV_RULES = { rules: [{ cluster: 'prod', keyspace: 'kv', connector: 'key-value', canaryPercent: 100 }] };
const RAW_RULES = { default: { connector: 'raw' }, rules: [] };

test('writes are versions with author, time and comment; history is newest first', async () => {
  const store = SqliteControllerStore.open(join(dir, 'a', 'catalog.db'), { now: clock });
  try {
    assert.equal(await store.current(), undefined);
    const v1 = await store.write(KV_RULES, { author: 'alice', comment: 'kv for prod' });
    const v2 = await store.write(RAW_RULES, { author: ' bob ' });
    assert.deepEqual([v1.version, v2.version], [1, 2]);
    assert.equal((await store.current())?.version, 2);
    assert.deepEqual((await store.current())?.document.default, { connector: 'raw', mode: 'primary', fallback: true });
    const history = await store.history();
    assert.deepEqual(history.map((v) => [v.version, v.author, v.comment, v.createdAt]), [
      [2, 'bob', null, v2.createdAt],
      [1, 'alice', 'kv for prod', v1.createdAt],
    ]);
    assert.ok(v1.createdAt < v2.createdAt);
    assert.deepEqual((await store.get(1))?.document.rules[0]?.connector, 'key-value');
    assert.deepEqual((await store.history(1)).map((v) => v.version), [2]);
  } finally {
    await store.close();
  }
  const rows = new Database(join(dir, 'a', 'catalog.db'), { readonly: true });
  try {
    const columns = (rows.prepare('PRAGMA table_info(cassberg_controller_rules)').all() as Array<{ name: string }>).map((c) => c.name);
    assert.deepEqual(columns, ['version', 'document', 'author', 'created_at', 'comment', 'rollback_of']);
    const stored = rows.prepare('SELECT document FROM cassberg_controller_rules WHERE version = 1').get() as { document: string };
    assert.equal(JSON.parse(stored.document).rules[0].connector, 'key-value');
  } finally {
    rows.close();
  }
});

test('an invalid document or a missing author is rejected and nothing is stored', async () => {
  const store = SqliteControllerStore.open(join(dir, 'b.db'));
  try {
    await store.write(KV_RULES, { author: 'alice' });
    await assert.rejects(store.write({ rules: [{ cluster: 'x', connector: 'raw' }, { table: 'y', connector: 'casspactor' }] }, { author: 'alice' }),
      { name: 'InvalidConfigError', message: /rules\[1\]\.connector: unknown connector "casspactor"/ });
    await assert.rejects(store.write(RAW_RULES, { author: '  ' }), { name: 'InvalidConfigError', message: /author: every change needs an author/ });
    assert.deepEqual((await store.history()).map((v) => v.version), [1]);
  } finally {
    await store.close();
  }
});

test('rollback writes a new version equal to the old one', async () => {
  const store = SqliteControllerStore.open(join(dir, 'c.db'));
  try {
    const v1 = await store.write(KV_RULES, { author: 'alice' });
    await store.write(RAW_RULES, { author: 'bob' });
    const v3 = await store.rollback(1, { author: 'carol' });
    assert.deepEqual([v3.version, v3.rollbackOf, v3.comment, v3.author], [3, 1, 'rollback to version 1', 'carol']);
    assert.deepEqual((await store.current())?.document, v1.document);
    assert.deepEqual((await store.history()).map((v) => [v.version, v.rollbackOf]), [[3, 1], [2, null], [1, null]]);
    await assert.rejects(store.rollback(9, { author: 'carol' }), { name: 'InvalidConfigError', message: 'controller rollback: version: version 9 does not exist (latest is 3)' });
    await assert.rejects(store.rollback(0, { author: 'carol' }), { name: 'InvalidConfigError', message: /version: 0 is not a version number/ });
  } finally {
    await store.close();
  }
});

test('a rollback is validated against the registry of today', async () => {
  const path = join(dir, 'd.db');
  const writer = SqliteControllerStore.open(path);
  await writer.write(KV_RULES, { author: 'alice' });
  await writer.write(RAW_RULES, { author: 'bob' });
  await writer.close();
  const withoutKv = SqliteControllerStore.open(path, { registry: CONNECTORS.filter((c) => c.name !== 'key-value') });
  try {
    await assert.rejects(withoutKv.rollback(1, { author: 'carol' }), { name: 'InvalidConfigError', message: /rules\[0\]\.connector: unknown connector "key-value"/ });
    assert.equal((await withoutKv.current())?.version, 2);
  } finally {
    await withoutKv.close();
  }
});

test('decide reads the current rules on every call: a write by another handle applies to the next decision', async () => {
  const path = join(dir, 'e.db');
  const worker = SqliteControllerStore.open(path);
  const cli = SqliteControllerStore.open(path);
  try {
    const job = { cluster: 'prod', keyspace: 'kv', table: 'items' };
    const before = await decide(job, worker);
    assert.deepEqual([before.connector, before.ruleVersion], ['legacy', 0]);
    await cli.write(KV_RULES, { author: 'alice' });
    const after1 = await decide(job, worker);
    assert.deepEqual([after1.connector, after1.ruleVersion, after1.matchedRule?.index], ['key-value', 1, 0]);
    await cli.rollback(1, { author: 'bob' });
    await cli.write(RAW_RULES, { author: 'bob' });
    const after3 = await decide(job, worker);
    assert.deepEqual([after3.connector, after3.ruleVersion, after3.matchedRule], ['raw', 3, null]);
  } finally {
    await worker.close();
    await cli.close();
  }
});

test('versions survive reopening the file', async () => {
  const path = join(dir, 'f.db');
  const first = SqliteControllerStore.open(path);
  await first.write(KV_RULES, { author: 'alice', comment: 'one' });
  await first.close();
  const second = SqliteControllerStore.open(path);
  try {
    const v = await second.current();
    assert.deepEqual([v?.version, v?.author, v?.comment], [1, 'alice', 'one']);
    assert.equal((await second.write(RAW_RULES, { author: 'bob' })).version, 2);
  } finally {
    await second.close();
  }
});
