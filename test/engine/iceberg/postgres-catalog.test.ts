// The SQL catalog on a real PostgreSQL server (test/harness/postgres.ts): same statements as on
// SQLite, concurrent writers through separate pools, and PyIceberg's SqlCatalog reading the table
// through psycopg2.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PostgresDriver } from '../../../engine/iceberg/catalog/postgres-driver.ts';
import { SqlCatalog } from '../../../engine/iceberg/catalog/sql.ts';
import { createTable, loadTable } from '../../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../../engine/iceberg/io.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { commitSnapshot } from '../../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { postgresAvailable, startPostgres, type PostgresServer } from '../../harness/postgres.ts';
import { arrowTable, expectedRows } from './fixtures.ts';
import { pyicebergAvailable, READ_TABLE, runPython } from './pyiceberg-runner.ts';

const skip = !postgresAvailable() ? 'PostgreSQL server binaries not installed' : !pyicebergAvailable() ? 'PyIceberg venv not found' : false;
const schema = schemaFromCassandraTable([{ name: 'id', cqlType: 'int', kind: 'partition_key' }, { name: 'v', cqlType: 'text', kind: 'regular' }]);
const id = { namespace: ['ks'], name: 'pg_t' };

describe('SQL catalog on PostgreSQL', { skip }, () => {
  let server: PostgresServer;
  let dir: string;
  let catalog: SqlCatalog;
  const io = new LocalFileIO();
  const catalogFor = (): SqlCatalog => new SqlCatalog('cassberg', new PostgresDriver({ host: server.host, port: server.port, user: server.user, database: server.database }));

  before(async () => {
    server = await startPostgres();
    dir = mkdtempSync(join(tmpdir(), 'cassberg-pgwh-'));
    catalog = catalogFor();
    await catalog.initialize();
    await catalog.createNamespace(['ks']);
  });
  after(async () => {
    await catalog?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates, rejects a duplicate create, and commits concurrent appends without losing any', async () => {
    const t = await createTable({ catalog, io }, id, { tableUuid: '3c2b1a09-8f7e-4d6c-9b5a-493827160504', location: `${pathToFileURL(dir).href}/ks/pg_t`, schema });
    await assert.rejects(createTable({ catalog, io }, id, { tableUuid: '3c2b1a09-8f7e-4d6c-9b5a-493827160505', location: `${pathToFileURL(dir).href}/ks/pg_t2`, schema }), /already exists/);
    const WRITERS = 10;
    const writers = Array.from({ length: WRITERS }, (_, w) => ({ catalog: catalogFor(), io, w }));
    const results = await Promise.all(writers.map(async (ctx) => {
      const writer = new DataFileWriter({ io, schema, spec: t.metadata.partitionSpecs[0]!, dataLocation: `${t.metadata.location}/data`, fileName: (i) => `w${ctx.w}-${i}.parquet` });
      await writer.write(arrowTable(schema, [{ id: ctx.w, v: `w${ctx.w}` }]));
      return commitSnapshot(ctx, id, { operation: 'append', commitId: `pg-${ctx.w}`, snapshotId: BigInt(500 + ctx.w), dataFiles: await writer.close(), schemaId: 0 }, { minWaitMs: 1, maxWaitMs: 20, maxAttempts: 60 });
    }));
    for (const ctx of writers) await ctx.catalog.close();
    assert.ok(results.every((r) => r.committed));
    assert.equal((await loadTable({ catalog, io }, id)).metadata.lastSequenceNumber, WRITERS);
    const out = await runPython<{ rows: unknown[] }>(READ_TABLE, { catalog: 'cassberg', uri: `postgresql+psycopg2://postgres@127.0.0.1:${server.port}/cassberg`, warehouse: pathToFileURL(dir).href, table: 'ks.pg_t', sortBy: 'id' });
    assert.deepStrictEqual(out.rows, expectedRows(schema, Array.from({ length: WRITERS }, (_, i) => i).map((i) => ({ id: i, v: `w${i}` }))));
  });

  it('swaps the metadata pointer only from the expected location', async () => {
    const current = (await catalog.metadataLocation(id))!;
    assert.equal(await catalog.swapMetadataLocation(id, 'file:///not/current.metadata.json', 'file:///x.metadata.json'), false);
    assert.equal(await catalog.metadataLocation(id), current);
  });
});
