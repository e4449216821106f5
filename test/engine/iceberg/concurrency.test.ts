// Ten writer processes append to one table through one SQLite catalog file at once: every commit
// lands exactly once (compare-and-swap + retry across processes), PyIceberg reads all 20 rows.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { createTable, loadTable } from '../../../engine/iceberg/commit.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { expectedRows, tempWarehouse, type Warehouse } from './fixtures.ts';
import { pyicebergAvailable, READ_TABLE, runPython } from './pyiceberg-runner.ts';

const run = promisify(execFile);
const WORKER = fileURLToPath(new URL('./workers/append-worker.ts', import.meta.url));
const WRITERS = 10;
const schema = schemaFromCassandraTable([{ name: 'id', cqlType: 'int', kind: 'partition_key' }, { name: 'v', cqlType: 'text', kind: 'regular' }]);

describe('concurrent writer processes on SQLite', { skip: pyicebergAvailable() ? false : 'PyIceberg venv not found' }, () => {
  let wh: Warehouse;
  before(async () => {
    wh = await tempWarehouse();
    await wh.catalog.createNamespace(['ks']);
    await createTable(wh, { namespace: ['ks'], name: 'procs' }, { tableUuid: '2d4f6a8c-0e1f-4a3b-8c5d-7e9f0a1b2c3d', location: `${wh.url}/ks/procs`, schema });
  });
  after(async () => { await wh?.cleanup(); });

  it(`${WRITERS} processes commit without losing a snapshot`, async () => {
    const outs = await Promise.all(Array.from({ length: WRITERS }, (_, w) =>
      run(process.execPath, ['--import', 'tsx', WORKER, wh.dbPath, String(w)], { timeout: 120_000 })));
    const results = outs.map((o) => JSON.parse(o.stdout) as { committed: boolean; attempts: number });
    assert.ok(results.every((r) => r.committed));
    const md = (await loadTable(wh, { namespace: ['ks'], name: 'procs' })).metadata;
    assert.equal(md.snapshots.length, WRITERS);
    assert.equal(md.lastSequenceNumber, WRITERS);
    assert.equal(md.metadataLog.length, WRITERS, 'one metadata version per commit');
    const out = await runPython<{ rows: unknown[] }>(READ_TABLE, { catalog: 'cassberg', uri: `sqlite:///${wh.dbPath}`, warehouse: wh.url, table: 'ks.procs', sortBy: 'id' });
    assert.deepStrictEqual(out.rows, expectedRows(schema, Array.from({ length: WRITERS * 2 }, (_, i) => ({ id: i, v: `p${i >> 1}` }))));
  });
});
