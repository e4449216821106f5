// An Iceberg table whose warehouse is in S3 (real MinIO): cassberg writes data files, manifests and metadata
// through ObjectStoreFileIO over engine/storage, and PyIceberg reads the table back from S3 through SqlCatalog.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { SqlCatalog, SqliteDriver, type TableIdentifier } from '../../../engine/iceberg/catalog/sql.ts';
import { createTable, loadTable } from '../../../engine/iceberg/commit.ts';
import { ObjectStoreFileIO } from '../../../engine/iceberg/io.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { scanBatches } from '../../../engine/iceberg/scan.ts';
import { commitSnapshot } from '../../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { S3ObjectStore } from '../../../engine/storage/s3.ts';
import { startS3, type S3Server } from '../../harness/s3.ts';
import { arrowTable, expectedRows } from './fixtures.ts';
import { pyicebergAvailable, runPython } from './pyiceberg-runner.ts';

pyicebergAvailable();
const schema = schemaFromCassandraTable([
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'v', cqlType: 'text', kind: 'regular' },
]);
const id: TableIdentifier = { namespace: ['ks'], name: 's3_t' };
let s3: S3Server;
let dir: string;
before(async () => { s3 = await startS3(); dir = mkdtempSync(join(tmpdir(), 'cassberg-s3wh-')); });
after(async () => { await s3?.stop(); rmSync(dir, { recursive: true, force: true }); });

it('writes a table to an S3 warehouse that PyIceberg reads back from S3', async () => {
  const bucket = await s3.newBucket('warehouse');
  const warehouse = `s3://${bucket}/wh`;
  const io = new ObjectStoreFileIO(new S3ObjectStore(s3.client, bucket), warehouse, 'wh');
  const dbPath = join(dir, 'catalog.db');
  const catalog = new SqlCatalog('cassberg', new SqliteDriver(dbPath));
  await catalog.initialize();
  await catalog.createNamespace(['ks']);
  try {
    const ctx = { catalog, io };
    const t = await createTable(ctx, id, { tableUuid: '5e1f0b3a-9c2d-4e8f-8a7b-6c5d4e3f2a10', location: `${warehouse}/ks/s3_t`, schema });
    const rows = Array.from({ length: 100 }, (_, i) => ({ id: i, v: `row-${i}` }));
    const writer = new DataFileWriter({ io, schema, spec: t.metadata.partitionSpecs[0]!, dataLocation: `${t.metadata.location}/data`, fileName: (i) => `s3-${i}.parquet` });
    await writer.write(arrowTable(schema, rows));
    await commitSnapshot(ctx, id, { operation: 'append', commitId: 's3-1', snapshotId: 701n, dataFiles: await writer.close(), schemaId: 0 });
    let scanned = 0;
    for await (const b of scanBatches(ctx, (await loadTable(ctx, id)).metadata)) scanned += b.numRows;
    assert.equal(scanned, 100);
    const out = await runPython<{ rows: unknown[] }>(
      `
from pyiceberg.catalog.sql import SqlCatalog
cat = SqlCatalog(INPUT['catalog'], uri=INPUT['uri'], warehouse=INPUT['warehouse'], **INPUT['props'])
OUTPUT = {'rows': cat.load_table(INPUT['table']).scan().to_arrow().sort_by('id').to_pylist()}
`,
      {
        catalog: 'cassberg', uri: `sqlite:///${dbPath}`, warehouse, table: 'ks.s3_t',
        props: { 's3.endpoint': s3.endpoint, 's3.access-key-id': s3.accessKeyId, 's3.secret-access-key': s3.secretAccessKey, 's3.region': s3.region, 's3.force-virtual-addressing': 'false' },
      },
    );
    assert.deepStrictEqual(out.rows, expectedRows(schema, rows));
  } finally {
    await catalog.close();
  }
});
