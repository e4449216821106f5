// A partitioned table (bucket[4] on the key, day on a timestamp) written through the fan-out
// writer: PyIceberg reads every row, and its own transforms, applied to each file's rows, give
// the partition values our manifests carry. Also checks the rolling writer and the
// one-partition-per-file guard.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CassbergError } from '../../../engine/errors.ts';
import { createTable } from '../../../engine/iceberg/commit.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { PartitionedDataFileWriter } from '../../../engine/iceberg/parquet/partitioned-writer.ts';
import { commitSnapshot } from '../../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import type { DataFile } from '../../../engine/iceberg/spec/manifest.ts';
import { createPartitionSpec } from '../../../engine/iceberg/spec/partition-spec.ts';
import { arrowTable, expectedRows, tempWarehouse, type Row, type Warehouse } from './fixtures.ts';
import { pyicebergAvailable, READ_TABLE, runPython } from './pyiceberg-runner.ts';

const skip = pyicebergAvailable() ? false : 'PyIceberg venv not found';
const schema = schemaFromCassandraTable([
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'ts', cqlType: 'timestamp', kind: 'clustering' },
  { name: 'name', cqlType: 'text', kind: 'regular' },
]);
const spec = createPartitionSpec(schema, [{ column: 'id', transform: 'bucket[4]' }, { column: 'ts', transform: 'day' }]);
const DAY_US = 86_400_000_000n;
const rows: Row[] = Array.from({ length: 40 }, (_, i) => ({ id: (i * 7919) % 101, ts: 1_700_000_000_000_000n + BigInt(i % 3) * DAY_US + BigInt(i), name: i % 5 ? `n${i}` : null }));
const id = { namespace: ['ks'], name: 'parts' };

describe('partitioned table', { skip }, () => {
  let wh: Warehouse;
  let files: DataFile[];
  let location: string;

  before(async () => {
    wh = await tempWarehouse();
    await wh.catalog.createNamespace(['ks']);
    const t = await createTable(wh, id, { tableUuid: '7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b', location: `${wh.url}/ks/parts`, schema, spec });
    location = t.metadata.location;
    const writer = new PartitionedDataFileWriter({ io: wh.io, schema, spec, dataLocation: `${location}/data`, fileName: (i, _path, p) => `p${p}-${i}.parquet` });
    await writer.write(arrowTable(schema, rows.slice(0, 25)));
    await writer.write(arrowTable(schema, rows.slice(25)));
    files = await writer.close();
    await commitSnapshot(wh, id, { operation: 'append', commitId: 'p-1', snapshotId: 31n, dataFiles: files, schemaId: 0 });
  });
  after(async () => { await wh?.cleanup(); });

  it('PyIceberg reads every row back', async () => {
    const out = await runPython<{ rows: unknown[] }>(READ_TABLE, { catalog: 'cassberg', uri: `sqlite:///${wh.dbPath}`, warehouse: wh.url, table: 'ks.parts' });
    const key = (r: unknown): string => JSON.stringify(r);
    assert.deepStrictEqual(out.rows.map(key).sort(), expectedRows(schema, rows).map(key).sort());
  });

  it('partition values match PyIceberg\'s transforms of each file\'s rows', async () => {
    const out = await runPython<Array<{ path: string; partition: Record<string, unknown>; computed: unknown[][]; ids: number[] }>>(`
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.transforms import BucketTransform, DayTransform
from pyiceberg.types import IntegerType, TimestamptzType
cat = SqlCatalog('cassberg', uri=INPUT['uri'], warehouse=INPUT['warehouse'])
t = cat.load_table('ks.parts')
bucket = BucketTransform(4).transform(IntegerType())
day = DayTransform().transform(TimestamptzType())
res = []
for f in t.inspect.files().to_pylist():
    data = pq.read_table(f['file_path'][len('file://'):])
    ids = data.column('id').to_pylist()
    ts = data.column('ts').cast('int64').to_pylist()
    res.append({'path': f['file_path'], 'partition': f['partition'], 'computed': sorted({(bucket(i), day(v)) for i, v in zip(ids, ts)}), 'ids': ids})
OUTPUT = res
`, { uri: `sqlite:///${wh.dbPath}`, warehouse: wh.url });
    assert.equal(out.length, files.length);
    assert.ok(files.length > 4, 'rows fan out to several partitions');
    for (const f of out) {
      assert.equal(f.computed.length, 1, `${f.path} holds one partition`);
      const [bucket, day] = f.computed[0]!;
      assert.deepStrictEqual([f.partition.id_bucket, f.partition.ts_day], [bucket, new Date(Number(day) * 86_400_000).toISOString().slice(0, 10)]);
      const ours = files.find((d) => d.filePath === f.path)!;
      assert.deepStrictEqual(ours.partition, [bucket, day]);
      const lower = Buffer.from(ours.lowerBounds.get(1)!).readInt32LE(0);
      const upper = Buffer.from(ours.upperBounds.get(1)!).readInt32LE(0);
      assert.deepStrictEqual([lower, upper], [Math.min(...f.ids), Math.max(...f.ids)], 'bounds of a sliced run');
    }
  });

  it('rolls to a new file at the target size and refuses rows of several partitions in one file', async () => {
    const writer = new DataFileWriter({ io: wh.io, schema, spec: { specId: 0, fields: [] }, dataLocation: `${location}/roll`, fileName: (i) => `r-${i}.parquet`, targetFileSizeBytes: 1 });
    await writer.write(arrowTable(schema, rows.slice(0, 10)));
    await writer.write(arrowTable(schema, rows.slice(10, 15)));
    const rolled = await writer.close();
    assert.deepStrictEqual(rolled.map((f) => [f.filePath.split('/').pop(), f.recordCount]), [['r-0.parquet', 10], ['r-1.parquet', 5]]);
    const single = new DataFileWriter({ io: wh.io, schema, spec, dataLocation: `${location}/bad`, fileName: (i) => `b-${i}.parquet` });
    await assert.rejects(single.write(arrowTable(schema, rows)), (e: unknown) => e instanceof CassbergError && /rows span several values of partition field id_bucket/.test(e.message));
    await single.write(arrowTable(schema, [rows[0]!]));
    await assert.rejects(single.write(arrowTable(schema, [rows[1]!])), /batch belongs to partition id_bucket=\d\/ts_day=2023-11-\d\d, this writer to id_bucket=/);
    assert.equal((await single.close()).length, 1);
  });
});
