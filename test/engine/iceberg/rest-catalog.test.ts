// The REST catalog client against a real server: Apache Iceberg's REST fixture (Java, from Maven
// Central) on loopback. Tables are created through REST, appended to and overwritten through
// cassberg's commit path (the server writes every metadata file), concurrent writers lose
// nothing, a repeated commit is a no-op, commit outcomes map onto cassberg's errors, auth headers
// are sent, and PyIceberg's RestCatalog reads identical rows through the same server.

import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { CassbergError, CommitConflictError, CommitStateUnknownError } from '../../../engine/errors.ts';
import { RestCatalog, type RestCatalogOptions } from '../../../engine/iceberg/catalog/rest.ts';
import type { TableIdentifier } from '../../../engine/iceberg/catalog/sql.ts';
import { createTable, loadTable, type TableContext } from '../../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../../engine/iceberg/io.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { commitSchema, commitSnapshot, findCommit } from '../../../engine/iceberg/snapshot-producer.ts';
import { evolveSchema, schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import type { DataFile } from '../../../engine/iceberg/spec/manifest.ts';
import type { Schema } from '../../../engine/iceberg/spec/schema.ts';
import { ancestors, currentSchema } from '../../../engine/iceberg/spec/table-metadata.ts';
import { freePort, startRestCatalog, startRestProxy, type ProxiedRequest, type RestCatalogServer } from '../../harness/rest-catalog.ts';
import { ALL_TYPES_COLUMNS, ALL_TYPES_OPTIONS, allTypesRow, arrowTable, expectedRows, type Row } from './fixtures.ts';
import { pyicebergAvailable, runPython, VENV_PYTHON } from './pyiceberg-runner.ts';

const io = new LocalFileIO();
const simpleSchema = schemaFromCassandraTable([{ name: 'id', cqlType: 'int', kind: 'partition_key' }, { name: 'v', cqlType: 'text', kind: 'regular' }]);
const isCommit = (r: ProxiedRequest): boolean => r.method === 'POST' && /\/namespaces\/[^/]+\/tables\/[^/?]+$/.test(r.path);

const READ_REST = `
from pyiceberg.catalog.rest import RestCatalog
table = RestCatalog(INPUT['catalog'], uri=INPUT['uri']).load_table(INPUT['table'])
rows = table.scan().to_arrow().to_pylist()
rows.sort(key=lambda r: r['id'])
OUTPUT = {'rows': rows, 'snapshots': len(table.metadata.snapshots), 'uuid': str(table.metadata.table_uuid)}
`;

function ctxFor(uri: string, opts: Partial<RestCatalogOptions> = {}): TableContext & { catalog: RestCatalog } {
  return { catalog: new RestCatalog('cassberg', { uri, ...opts }), io };
}

async function writeFiles(ctx: TableContext, id: TableIdentifier, rows: Row[], tag: string): Promise<{ dataFiles: DataFile[]; schema: Schema }> {
  const { metadata } = await loadTable(ctx, id);
  const schema = currentSchema(metadata);
  const writer = new DataFileWriter({ io, schema, spec: metadata.partitionSpecs[0]!, dataLocation: `${metadata.location}/data`, fileName: (i) => `${tag}-${i}.parquet` });
  await writer.write(arrowTable(schema, rows));
  return { dataFiles: await writer.close(), schema };
}

function metadataFiles(location: string, suffix: string): string[] {
  const dir = fileURLToPath(`${location}/metadata`);
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(suffix)).sort() : [];
}

describe('REST catalog (Apache Iceberg REST fixture)', () => {
  let server: RestCatalogServer;
  before(async () => {
    if (!pyicebergAvailable()) throw new Error(`PyIceberg venv missing at ${VENV_PYTHON}: run scripts/bootstrap.sh`);
    server = await startRestCatalog();
  });
  after(async () => { await server?.stop(); });

  it('manages namespaces: idempotent create, exists, load, list (nested too)', async () => {
    const { catalog } = ctxFor(server.uri);
    await catalog.createNamespace(['ns_a'], { owner: 'cassberg' });
    await catalog.createNamespace(['ns_a'], { owner: 'cassberg' });
    await catalog.createNamespace(['ns_a', 'inner']);
    assert.equal(await catalog.namespaceExists(['ns_a']), true);
    assert.equal(await catalog.namespaceExists(['ns_missing']), false);
    assert.equal((await catalog.loadNamespace(['ns_a'])).owner, 'cassberg');
    assert.ok((await catalog.listNamespaces()).some((n) => n.join('.') === 'ns_a'));
    assert.deepStrictEqual(await catalog.listNamespaces(['ns_a']), [['ns_a', 'inner']]);
    await assert.rejects(catalog.loadNamespace(['ns_missing']), (e: CassbergError) => e.kind === 'PreconditionFailed' && /404/.test(e.message));
  });

  it('creates a table, appends and overwrites; the server writes every metadata file and PyIceberg reads the rows', async () => {
    const ctx = ctxFor(server.uri);
    const id = { namespace: ['ks'], name: 'all_types' };
    const schema = schemaFromCassandraTable(ALL_TYPES_COLUMNS, ALL_TYPES_OPTIONS);
    await ctx.catalog.createNamespace(['ks']);
    const created = await createTable(ctx, id, { tableUuid: '5f0c6b3e-1d2a-4c1b-9a57-0f3e2b1c4d5e', location: `${server.warehouse}/ks/all_types`, schema });
    assert.notEqual(created.metadata.tableUuid, '5f0c6b3e-1d2a-4c1b-9a57-0f3e2b1c4d5e', 'the server assigns the table UUID');
    assert.deepStrictEqual(currentSchema(created.metadata).fields.map((f) => f.name), schema.fields.map((f) => f.name));
    assert.equal(created.metadata.properties['write.parquet.compression-codec'], 'zstd');
    await assert.rejects(createTable(ctx, id, { tableUuid: '5f0c6b3e-1d2a-4c1b-9a57-0f3e2b1c4d5f', location: `${server.warehouse}/ks/x`, schema }), /already exists/);
    assert.deepStrictEqual(await ctx.catalog.listTables(['ks']), ['all_types']);

    const rows = Array.from({ length: 9 }, (_, i) => allTypesRow(i));
    const a = await writeFiles(ctx, id, rows.slice(0, 4), 'a');
    await commitSnapshot(ctx, id, { operation: 'append', commitId: 'rest-a', snapshotId: 101n, dataFiles: a.dataFiles, schemaId: a.schema.schemaId });
    const b = await writeFiles(ctx, id, rows.slice(4, 6), 'b');
    const appended = await commitSnapshot(ctx, id, { operation: 'append', commitId: 'rest-b', snapshotId: 102n, dataFiles: b.dataFiles, schemaId: b.schema.schemaId });
    assert.equal(appended.table.metadata.snapshots.length, 2);
    let out = await runPython<{ rows: unknown[]; snapshots: number }>(READ_REST, { catalog: 'cassberg', uri: server.uri, table: 'ks.all_types' });
    assert.deepStrictEqual(out.rows, expectedRows(a.schema, rows.slice(0, 6)));

    const c = await writeFiles(ctx, id, rows.slice(6), 'c');
    const res = await commitSnapshot(ctx, id, { operation: 'overwrite', commitId: 'rest-c', snapshotId: 103n, dataFiles: c.dataFiles, schemaId: c.schema.schemaId });
    const md = res.table.metadata;
    assert.deepStrictEqual(ancestors(md).map((s) => s.snapshotId), [103n, 102n, 101n]);
    assert.equal(md.lastSequenceNumber, 3);
    assert.equal(md.snapshots.at(-1)!.summary['deleted-records'], '6');
    out = await runPython<{ rows: unknown[]; snapshots: number }>(READ_REST, { catalog: 'cassberg', uri: server.uri, table: 'ks.all_types' });
    assert.deepStrictEqual(out.rows, expectedRows(c.schema, rows.slice(6)));
    assert.equal(out.snapshots, 3);

    // Every metadata file is the server's: the current one plus its metadata log, nothing else.
    const logged = [...md.metadataLog.map((e) => e.metadataFile), res.table.metadataLocation].map((l) => l.split('/').pop()!).sort();
    assert.deepStrictEqual(metadataFiles(md.location, '.metadata.json'), logged);
    assert.equal(logged.length, 4, 'create + three commits');
  });

  it('a repeated commit is a no-op, also after a lost response (unknown outcome keeps the files)', async () => {
    let loseNextCommit = false;
    const proxy = await startRestProxy(server.uri, (r) => {
      if (isCommit(r) && loseNextCommit) { loseNextCommit = false; return { kind: 'forward-then-respond', status: 504, body: 'gateway timeout' }; }
      return { kind: 'forward' };
    });
    try {
      const ctx = ctxFor(proxy.uri);
      const id = { namespace: ['ks'], name: 'idem' };
      await ctx.catalog.createNamespace(['ks']);
      await createTable(ctx, id, { tableUuid: '00000000-0000-4000-8000-000000000001', location: `${server.warehouse}/ks/idem`, schema: simpleSchema });
      const first = await writeFiles(ctx, id, [{ id: 1, v: 'one' }], 'i1');
      const write = { operation: 'append' as const, commitId: 'idem-1', snapshotId: 201n, dataFiles: first.dataFiles, schemaId: 0 };
      assert.equal((await commitSnapshot(ctx, id, write)).committed, true);
      const again = await commitSnapshot(ctx, id, write);
      assert.deepStrictEqual([again.committed, again.attempts], [false, 0]);

      const second = await writeFiles(ctx, id, [{ id: 2, v: 'two' }], 'i2');
      const write2 = { ...write, commitId: 'idem-2', snapshotId: 202n, dataFiles: second.dataFiles };
      loseNextCommit = true;
      await assert.rejects(commitSnapshot(ctx, id, write2), CommitStateUnknownError);
      const md = (await loadTable(ctx, id)).metadata;
      assert.ok(findCommit(md, 'idem-2'), 'the commit landed although the client saw 504');
      for (const f of second.dataFiles) assert.ok(await io.exists(f.filePath), 'data files are kept after an unknown outcome');
      assert.ok(metadataFiles(md.location, '.avro').includes('idem-2-m0.avro'), 'the manifest is kept after an unknown outcome');
      const retried = await commitSnapshot(ctx, id, write2);
      assert.equal(retried.committed, false, 'the retried activity finds its commit id');
      assert.equal(retried.table.metadata.snapshots.length, 2);
      const out = await runPython<{ rows: unknown[] }>(READ_REST, { catalog: 'cassberg', uri: server.uri, table: 'ks.idem' });
      assert.deepStrictEqual(out.rows, expectedRows(simpleSchema, [{ id: 1, v: 'one' }, { id: 2, v: 'two' }]));
    } finally {
      await proxy.close();
    }
  });

  it('evolves the schema through add-schema + set-current-schema; a repeat is a no-op', async () => {
    const ctx = ctxFor(server.uri);
    const id = { namespace: ['ks'], name: 'evolve' };
    await ctx.catalog.createNamespace(['ks']);
    const t = await createTable(ctx, id, { tableUuid: '00000000-0000-4000-8000-000000000004', location: `${server.warehouse}/ks/evolve`, schema: simpleSchema });
    const v0 = await writeFiles(ctx, id, [{ id: 1, v: 'before' }], 'e0');
    await commitSnapshot(ctx, id, { operation: 'append', commitId: 'ev-0', snapshotId: 401n, dataFiles: v0.dataFiles, schemaId: 0 });
    const v1 = evolveSchema(currentSchema(t.metadata), t.metadata.lastColumnId, [
      { name: 'id', cqlType: 'int', kind: 'partition_key' }, { name: 'v', cqlType: 'text', kind: 'regular' }, { name: 'tags', cqlType: 'set<text>', kind: 'regular' }]);
    const res = await commitSchema(ctx, id, { ...v1, baseSchemaId: 0 }, 'schema-1');
    assert.equal(res.committed, true);
    assert.deepStrictEqual(currentSchema(res.table.metadata).fields.map((f) => [f.name, f.id]), [['id', 1], ['v', 2], ['tags', 3]]);
    assert.equal(res.table.metadata.lastColumnId, 4, 'the list element id counts too');
    assert.equal((await commitSchema(ctx, id, { ...v1, baseSchemaId: 0 }, 'schema-1')).committed, false);
    const r2 = { id: 2, v: 'after', tags: ['a', 'b'] };
    const v1Files = await writeFiles(ctx, id, [r2], 'e1');
    await commitSnapshot(ctx, id, { operation: 'append', commitId: 'ev-1', snapshotId: 402n, dataFiles: v1Files.dataFiles, schemaId: v1.schema.schemaId });
    const out = await runPython<{ rows: unknown[] }>(READ_REST, { catalog: 'cassberg', uri: server.uri, table: 'ks.evolve' });
    assert.deepStrictEqual(out.rows, expectedRows(v1.schema, [{ id: 1, v: 'before', tags: null }, r2]));
  });

  it('concurrent writers from one table state: one wins each round, the rest retry, nothing is lost', async () => {
    const WRITERS = 6;
    // Hold the first commit of every writer until all have built theirs from the same base.
    const held: Array<() => void> = [];
    const proxy = await startRestProxy(server.uri, async (r) => {
      if (isCommit(r) && held.length < WRITERS) await new Promise<void>((resolve) => { held.push(resolve); if (held.length === WRITERS) held.forEach((f) => f()); });
      return { kind: 'forward' };
    });
    try {
      const setup = ctxFor(proxy.uri);
      const id = { namespace: ['ks'], name: 'race' };
      await setup.catalog.createNamespace(['ks']);
      await createTable(setup, id, { tableUuid: '00000000-0000-4000-8000-000000000002', location: `${server.warehouse}/ks/race`, schema: simpleSchema });
      const files = await Promise.all(Array.from({ length: WRITERS }, (_, w) => writeFiles(setup, id, [{ id: w, v: `w${w}` }], `w${w}`)));
      const results = await Promise.all(files.map((f, w) => commitSnapshot(ctxFor(proxy.uri), id,
        { operation: 'append', commitId: `race-${w}`, snapshotId: BigInt(300 + w), dataFiles: f.dataFiles, schemaId: 0 }, { minWaitMs: 5, maxWaitMs: 50 })));
      assert.ok(results.every((r) => r.committed));
      assert.equal(results.filter((r) => r.attempts === 1).length, 1, 'exactly one writer wins the first round');
      assert.ok(proxy.requests.filter(isCommit).length > WRITERS, 'losers retried');
      const md = (await loadTable(setup, id)).metadata;
      assert.equal(ancestors(md).length, WRITERS);
      assert.equal(md.lastSequenceNumber, WRITERS);
      for (let w = 0; w < WRITERS; w++) assert.ok(findCommit(md, `race-${w}`));
      assert.equal(metadataFiles(md.location, '.avro').filter((f) => f.startsWith('snap-')).length, WRITERS, 'losing attempts deleted their manifest lists');
      const out = await runPython<{ rows: unknown[] }>(READ_REST, { catalog: 'cassberg', uri: server.uri, table: 'ks.race' });
      assert.deepStrictEqual(out.rows, expectedRows(simpleSchema, Array.from({ length: WRITERS }, (_, w) => ({ id: w, v: `w${w}` }))));
    } finally {
      await proxy.close();
    }
  });

  it('maps commit outcomes: 409 → CommitConflictError, 5xx and timeouts → CommitStateUnknownError, refused → retryable', async () => {
    let mode: 'forward' | '500' | 'slow' = 'forward';
    const proxy = await startRestProxy(server.uri, (r) => {
      if (!isCommit(r) || mode === 'forward') return { kind: 'forward' };
      return mode === '500' ? { kind: 'respond', status: 500, body: '{"error":{"message":"boom","type":"RuntimeException","code":500}}' } : { kind: 'forward', delayMs: 1500 };
    });
    try {
      const ctx = ctxFor(proxy.uri);
      const impatient = new RestCatalog('impatient', { uri: proxy.uri, timeoutMs: 800 });
      const id = { namespace: ['ks'], name: 'outcomes' };
      await ctx.catalog.createNamespace(['ks']);
      const t = await createTable(ctx, id, { tableUuid: '00000000-0000-4000-8000-000000000003', location: `${server.warehouse}/ks/outcomes`, schema: simpleSchema });
      const stale = { updates: [{ action: 'set-properties' as const, updates: { k: 'v' } }], requirements: [{ type: 'assert-table-uuid' as const, uuid: '00000000-0000-4000-8000-0000000000ff' }] };
      const conflict = await ctx.catalog.commitTable(id, stale).then(() => null, (e: unknown) => e);
      assert.ok(conflict instanceof CommitConflictError && conflict.retryable, String(conflict));
      const ok = { updates: stale.updates, requirements: [{ type: 'assert-table-uuid' as const, uuid: t.metadata.tableUuid }] };
      mode = '500';
      await assert.rejects(ctx.catalog.commitTable(id, ok), (e: Error) => e instanceof CommitStateUnknownError && /HTTP 500 RuntimeException: boom/.test(e.message));
      await impatient.initialize();
      mode = 'slow';
      await assert.rejects(impatient.commitTable(id, ok), (e: Error) => e instanceof CommitStateUnknownError && /timeout/.test(e.message));
      mode = 'forward';
      assert.equal((await ctx.catalog.commitTable(id, ok)).metadata.properties.k, 'v');
      const nowhere = new RestCatalog('nowhere', { uri: `http://127.0.0.1:${await freePort()}` });
      await assert.rejects(nowhere.namespaceExists(['ks']), (e: CassbergError) => e.retryable && /GET \/v1\/config failed/.test(e.message));
      const gone = await startRestProxy(server.uri);
      const closed = new RestCatalog('closed', { uri: gone.uri });
      await closed.initialize();
      await gone.close();
      await assert.rejects(closed.commitTable(id, ok), (e: CassbergError) => !(e instanceof CommitStateUnknownError) && e.retryable && /connection refused/.test(e.message));
      await assert.rejects(ctx.catalog.commitTable({ namespace: ['ks'], name: 'nope' }, ok), (e: CassbergError) => e.kind === 'PreconditionFailed' && /404/.test(e.message));
    } finally {
      await proxy.close();
    }
  });

  it('sends a bearer token, or exchanges client credentials for one (refreshing after a 401)', async () => {
    let reject401 = false;
    const proxy = await startRestProxy(server.uri, (r) => {
      if (reject401 && r.path.includes('/namespaces')) { reject401 = false; return { kind: 'respond', status: 401, body: '{"error":{"message":"expired","type":"NotAuthorizedException","code":401}}' }; }
      return { kind: 'forward' };
    });
    try {
      await new RestCatalog('t', { uri: proxy.uri, token: 'static-t0ken' }).namespaceExists(['ks']);
      assert.ok(proxy.requests.length >= 2 && proxy.requests.every((r) => r.headers.authorization === 'Bearer static-t0ken'));
      proxy.requests.length = 0;
      const oauth = new RestCatalog('o', { uri: proxy.uri, credential: { clientId: 'cassberg', clientSecret: 's3cret' } });
      await oauth.namespaceExists(['ks']);
      reject401 = true;
      assert.equal(await oauth.namespaceExists(['ks']), true);
      const tokenRequests = proxy.requests.filter((r) => r.path === '/v1/oauth/tokens');
      assert.equal(tokenRequests.length, 2, 'one token, then a fresh one after the 401');
      const form = new URLSearchParams(tokenRequests[0]!.body);
      assert.deepStrictEqual([form.get('grant_type'), form.get('client_id'), form.get('client_secret'), form.get('scope')], ['client_credentials', 'cassberg', 's3cret', 'catalog']);
      const others = proxy.requests.filter((r) => r.path !== '/v1/oauth/tokens');
      assert.ok(others.every((r) => /^Bearer \S+$/.test(String(r.headers.authorization))), 'every catalog request carries the token');
    } finally {
      await proxy.close();
    }
  });

  it('uses the prefix the server returns in /v1/config overrides', async () => {
    const proxy = await startRestProxy(server.uri, (r) => {
      if (r.path.startsWith('/v1/config')) return { kind: 'respond', status: 200, body: '{"defaults":{},"overrides":{"prefix":"wh1"}}' };
      if (!r.path.startsWith('/v1/wh1/')) return { kind: 'respond', status: 404, body: '{"error":{"message":"no prefix","type":"NotFound","code":404}}' };
      return { kind: 'forward', path: r.path.replace('/v1/wh1/', '/v1/') };
    });
    try {
      const catalog = new RestCatalog('p', { uri: proxy.uri, warehouse: 'wh1' });
      assert.equal((await catalog.properties).prefix, 'wh1');
      assert.equal(proxy.requests[0]!.path, '/v1/config?warehouse=wh1');
      await catalog.createNamespace(['pfx']);
      assert.deepStrictEqual(await catalog.listTables(['pfx']), []);
      assert.ok(proxy.requests.slice(1).every((r) => r.path.startsWith('/v1/wh1/namespaces')));
    } finally {
      await proxy.close();
    }
  });
});
