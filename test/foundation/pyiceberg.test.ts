// The bootstrap's PyIceberg venv works: a table created through SqlCatalog on a SQLite file is read back, and the
// harness carries JSON in and out (large integers as exact strings) and reports Python errors with the traceback.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runPython } from '../harness/pyiceberg.ts';

const dirs: string[] = [];
after(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('PyIceberg creates a table in a SQL catalog on SQLite and reads it back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cassberg-pyiceberg-'));
  dirs.push(dir);
  const out = await runPython<{ rows: unknown[]; snapshotId: string | number; format: number }>(`
import pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
cat = SqlCatalog('t', uri='sqlite:///' + INPUT['dir'] + '/catalog.db', warehouse='file://' + INPUT['dir'] + '/warehouse')
cat.create_namespace('ks')
data = pa.table({'k': pa.array(INPUT['keys'], pa.int64()), 'v': pa.array(INPUT['values'], pa.string())})
table = cat.create_table('ks.t', schema=data.schema)
table.append(data)
again = SqlCatalog('t', uri='sqlite:///' + INPUT['dir'] + '/catalog.db').load_table('ks.t')
print('noise on stdout does not reach OUTPUT')
OUTPUT = {'rows': sorted(again.scan().to_arrow().to_pylist(), key=lambda r: r['k']),
          'snapshotId': again.current_snapshot().snapshot_id, 'format': again.metadata.format_version}`,
    { dir, keys: [2, 1], values: ['two', 'one'] });
  assert.deepEqual(out.rows, [{ k: 1, v: 'one' }, { k: 2, v: 'two' }]);
  assert.equal(out.format, 2);
  assert.match(String(out.snapshotId), /^\d+$/);
});

test('integers beyond 2^53 come back as exact decimal strings', async () => {
  const out = await runPython<{ big: string; small: number }>(`OUTPUT = {'big': 2**63 - 1, 'small': INPUT}`, 42);
  assert.deepEqual(out, { big: '9223372036854775807', small: 42 });
});

test('a Python error rejects with the traceback', async () => {
  await assert.rejects(runPython(`raise ValueError('no such table: ks.missing')`), /python exited with code 1: .*ValueError: no such table: ks\.missing/s);
});
