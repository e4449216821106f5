// `cassberg validate` through the real CLI process, on two Iceberg tables in a SQLite catalog.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { SqlCatalog, SqliteDriver, type TableIdentifier } from '../../engine/iceberg/catalog/sql.ts';
import { createTable } from '../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import { DataFileWriter } from '../../engine/iceberg/parquet/data-file-writer.ts';
import { commitSnapshot } from '../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../../engine/iceberg/spec/cql-mapping.ts';
import { arrowTable } from '../engine/iceberg/fixtures.ts';

const run = promisify(execFile);
const CLIENT = new URL('../../client.ts', import.meta.url).pathname;
const schema = schemaFromCassandraTable([
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'v', cqlType: 'text', kind: 'regular' },
]);
let dir: string;
let config: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cassberg-validate-'));
  const warehouse = pathToFileURL(join(dir, 'wh')).href;
  const dbPath = join(dir, 'catalog.db');
  const catalog = new SqlCatalog('cassberg', new SqliteDriver(dbPath));
  await catalog.initialize();
  await catalog.createNamespace(['a']);
  const io = new LocalFileIO();
  const write = async (name: string, rows: Array<{ id: number; v: string }>, uuid: string) => {
    const id: TableIdentifier = { namespace: ['a'], name };
    const t = await createTable({ catalog, io }, id, { tableUuid: uuid, location: `${warehouse}/a/${name}`, schema });
    const w = new DataFileWriter({ io, schema, spec: t.metadata.partitionSpecs[0]!, dataLocation: `${t.metadata.location}/data`, fileName: (i) => `f-${i}.parquet` });
    await w.write(arrowTable(schema, rows));
    await commitSnapshot({ catalog, io }, id, { operation: 'append', commitId: name, snapshotId: 900n, dataFiles: await w.close(), schemaId: 0 });
  };
  const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, v: `v${i}` }));
  await write('legacy', rows, '7d1c0a3b-1f2e-4d5c-8b6a-000000000001');
  await write('same', [...rows].reverse(), '7d1c0a3b-1f2e-4d5c-8b6a-000000000002');
  await write('changed', rows.map((r) => (r.id === 7 ? { ...r, v: 'other' } : r)), '7d1c0a3b-1f2e-4d5c-8b6a-000000000003');
  await catalog.close();
  config = join(dir, 'cassberg.yml');
  writeFileSync(config, [
    'temporal: { address: "127.0.0.1:7233", namespace: default, taskQueue: cassberg }',
    's3: { region: us-east-1, buckets: { backups: backups, warehouse: warehouse } }',
    `iceberg: { warehouse: "${warehouse}", catalog: { name: cassberg, sqlite: "${dbPath}" } }`,
  ].join('\n'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const cassberg = (...args: string[]) => run(process.execPath, ['--import', 'tsx', CLIENT, '--config', config, ...args]);

test('equal tables: 100% and exit 0', async () => {
  const { stdout } = await cassberg('validate', 'a.legacy', 'a.same', '--report-name', 'same');
  assert.match(stdout, /only in A:\s+0\nonly in B:\s+0\nsimilarity: 100%/);
  assert.match(stdout, /report:\s+file:.*\/a\/same\/validation\/same\.json/);
});

test('a changed row: exit 1, the column named, JSON report', async () => {
  await assert.rejects(cassberg('validate', 'a.legacy', 'a.changed@900', '--json'), (err: { code: number; stdout: string }) => {
    const report = JSON.parse(err.stdout) as { onlyInA: number; onlyInB: number; columnMismatches: Record<string, number> };
    assert.equal(err.code, 1);
    assert.deepEqual([report.onlyInA, report.onlyInB, report.columnMismatches], [1, 1, { v: 1 }]);
    return true;
  });
});

test('a malformed table reference names the field', async () => {
  await assert.rejects(cassberg('validate', 'legacy', 'a.same'), (err: { stderr: string }) => /tableA: expected namespace\.table/.test(err.stderr));
});
