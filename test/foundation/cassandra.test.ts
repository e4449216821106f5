// The Cassandra harness: a real 5.0 node answers CQL through cassandra-driver, `nodetool flush` writes SSTables that
// sstabledump reads back, a second test process reuses the running node, and the SSTable format is selectable.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../dev/config.ts';
import { ensureCassandra, type CassandraNode } from '../harness/cassandra.ts';

const run = promisify(execFile);
let node: CassandraNode;
before(async () => {
  node = await ensureCassandra();
});
after(() => node?.close());

async function sstableFiles(n: CassandraNode, ks: string, table: string): Promise<string[]> {
  const dir = await n.tableDir(ks, table);
  return (await readdir(dir)).filter((f) => f.endsWith('.db')).map((f) => join(dir, f));
}

test('CQL through cassandra-driver, then nodetool flush and sstabledump', async () => {
  const version = await node.execute('SELECT release_version FROM system.local');
  assert.match(version.first().get('release_version'), /^5\.0\.\d+$/);
  await node.execute(`CREATE KEYSPACE IF NOT EXISTS foundation WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await node.execute('DROP TABLE IF EXISTS foundation.kv');
  await node.execute('CREATE TABLE foundation.kv (k int PRIMARY KEY, v text)');
  await node.execute('INSERT INTO foundation.kv (k, v) VALUES (?, ?)', [1, 'one']);
  assert.equal((await node.execute('SELECT v FROM foundation.kv WHERE k = ?', [1])).first().get('v'), 'one');

  await node.flush('foundation', 'kv');
  const files = await sstableFiles(node, 'foundation', 'kv');
  const data = files.find((f) => f.endsWith('-Data.db'));
  assert.ok(data, `no Data.db among ${files.join(', ')}`);
  assert.match(data, /\/oa-\d+-big-Data\.db$/, 'storage_compatibility_mode NONE and big format write oa-*-big files');
  assert.ok(files.some((f) => f.endsWith('-Index.db')));
  const dump = JSON.parse(await node.sstabledump(data)) as { partition: { key: string[] }; rows: { cells: { name: string; value: string }[] }[] }[];
  assert.deepEqual(dump.map((p) => [p.partition.key, p.rows[0]!.cells.map((c) => [c.name, c.value])]), [[['1'], [['v', 'one']]]]);
  assert.match(await node.nodetool('status'), /^UN\s+127\.0\.0\.1/m);
});

test('materialized views and user-defined functions are off, as cassberg does not move them', async () => {
  await node.execute(`CREATE KEYSPACE IF NOT EXISTS foundation WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await node.execute('CREATE TABLE IF NOT EXISTS foundation.base (k int PRIMARY KEY, v int)');
  await assert.rejects(
    node.execute('CREATE MATERIALIZED VIEW foundation.by_v AS SELECT * FROM foundation.base WHERE v IS NOT NULL AND k IS NOT NULL PRIMARY KEY (v, k)'),
    /Materialized views are disabled/,
  );
  await assert.rejects(
    node.execute(`CREATE FUNCTION foundation.twice (x int) RETURNS NULL ON NULL INPUT RETURNS int LANGUAGE java AS 'return x * 2;'`),
    /User-defined functions are disabled/,
  );
});

test('another test process reuses the running node', async () => {
  const script = `import { ensureCassandra } from './test/harness/cassandra.ts';
const n = await ensureCassandra(); console.log(JSON.stringify({ pid: n.pid, cqlPort: n.cqlPort })); await n.close();`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, CASSBERG_TEST_RUN_DIR: node.runDir },
    timeout: 60_000,
  });
  assert.deepEqual(JSON.parse(stdout), { pid: node.pid, cqlPort: node.cqlPort });
});

test('the bti format with storage_compatibility_mode NONE writes da-*-bti files', async () => {
  const bti = await ensureCassandra({ sstableFormat: 'bti' });
  try {
    assert.notEqual(bti.pid, node.pid);
    await bti.execute(`CREATE KEYSPACE IF NOT EXISTS foundation WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await bti.execute('DROP TABLE IF EXISTS foundation.bti_kv');
    await bti.execute('CREATE TABLE foundation.bti_kv (k int PRIMARY KEY, v text)');
    await bti.execute('INSERT INTO foundation.bti_kv (k, v) VALUES (?, ?)', [2, 'two']);
    await bti.flush('foundation', 'bti_kv');
    const files = (await sstableFiles(bti, 'foundation', 'bti_kv')).map((f) => f.replace(/.*\//, ''));
    assert.ok(files.includes('da-1-bti-Partitions.db') && files.includes('da-1-bti-Rows.db'), files.join(', '));
  } finally {
    await bti.close();
  }
});
