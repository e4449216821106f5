// Commits against the SQLite catalog, checked by PyIceberg: overwrite replaces rows, a repeated
// commit id is a no-op, a mismatching batch commits nothing, 10 concurrent writers lose nothing,
// lost races clean up while unknown outcomes keep files, and schema evolution keeps field ids.

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Table } from 'apache-arrow';
import { CassbergError, CommitConflictError, CommitStateUnknownError } from '../../../engine/errors.ts';
import { SqlCatalog, SqliteDriver, type TableIdentifier } from '../../../engine/iceberg/catalog/sql.ts';
import { createTable, deriveSnapshotId, deriveUuid, loadTable, type TableContext } from '../../../engine/iceberg/commit.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { commitSchema, commitSnapshot, COMMIT_ID_PROPERTY, lineageSummary } from '../../../engine/iceberg/snapshot-producer.ts';
import { evolveSchema, schemaFromCassandraTable, type CassandraColumn } from '../../../engine/iceberg/spec/cql-mapping.ts';
import type { Schema } from '../../../engine/iceberg/spec/schema.ts';
import { arrowTable, expectedRows, tempWarehouse, type Row, type Warehouse } from './fixtures.ts';
import { pyicebergAvailable, READ_TABLE, runPython } from './pyiceberg-runner.ts';

const skip = pyicebergAvailable() ? false : 'PyIceberg venv not found';
const COLUMNS: CassandraColumn[] = [
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'name', cqlType: 'text', kind: 'regular' },
  { name: 'ts', cqlType: 'timestamp', kind: 'regular' },
  { name: 'amount', cqlType: 'decimal', kind: 'regular' },
];
const schema = schemaFromCassandraTable(COLUMNS, { decimal: { precision: 20, scale: 2 } });
const id: TableIdentifier = { namespace: ['ks'], name: 'events' };
const row = (i: number, tag: string): Row => ({ id: i, name: `${tag}-${i}`, ts: 1_700_000_000_000_000n + BigInt(i), amount: BigInt(i) * 101n });

interface PyOut {
  rows: Array<Record<string, unknown>>;
  entries: Array<{ status: number; snapshot_id: string; sequence_number: number; file_path: string; record_count: number }>;
  snapshots: Array<{ snapshot_id: string; operation: string; summary: Record<string, string> }>;
}

async function writeFiles(ctx: TableContext, s: Schema, rows: Row[], tag: string, table: Table = arrowTable(s, rows)): Promise<import('../../../engine/iceberg/spec/manifest.ts').DataFile[]> {
  const { metadata } = await loadTable(ctx, id);
  const writer = new DataFileWriter({ io: ctx.io, schema: s, spec: metadata.partitionSpecs[0]!, dataLocation: `${metadata.location}/data`, fileName: (i) => `${tag}-${i}.parquet` });
  await writer.write(table);
  return writer.close();
}

describe('commits', { skip }, () => {
  let wh: Warehouse;
  const read = (inspect = true): Promise<PyOut> =>
    runPython<PyOut>(READ_TABLE, { catalog: 'cassberg', uri: `sqlite:///${wh.dbPath}`, warehouse: wh.url, table: 'ks.events', inspect, sortBy: 'id' });

  beforeEach(async () => {
    wh = await tempWarehouse();
    await wh.catalog.createNamespace(['ks']);
    await createTable(wh, id, { tableUuid: '0b9e0a4c-8d1f-4f6e-9a3b-2c5d7e8f9a01', location: `${wh.url}/ks/events`, schema });
  });
  afterEach(async () => { await wh.cleanup(); });

  it('overwrite replaces every row and marks the old files DELETED', async () => {
    const first = [1, 2, 3].map((i) => row(i, 'old'));
    const second = [7, 8].map((i) => row(i, 'new'));
    await commitSnapshot(wh, id, { operation: 'append', commitId: 'c-1', snapshotId: 11n, dataFiles: await writeFiles(wh, schema, first, 'a'), schemaId: 0 });
    await commitSnapshot(wh, id, { operation: 'overwrite', commitId: 'c-2', snapshotId: 22n, dataFiles: await writeFiles(wh, schema, second, 'b'), schemaId: 0, summaryProperties: lineageSummary({ backupId: 'b-42', sourceKeyspace: 'ks', asOf: '2026-11-23T00:00:00Z' }) });
    const out = await read();
    assert.deepStrictEqual(out.rows, expectedRows(schema, second));
    assert.deepStrictEqual(out.snapshots.map((s) => [s.snapshot_id, s.operation]), [['11', 'append'], ['22', 'overwrite']]);
    const summary = out.snapshots[1]!.summary;
    assert.equal(summary['deleted-records'], '3');
    assert.equal(summary['total-records'], '2');
    assert.equal(summary['cassberg.backup-id'], 'b-42');
    assert.equal(summary['cassberg.source-keyspace'], 'ks');
    assert.equal(summary['cassberg.as-of'], '2026-11-23T00:00:00Z');
    assert.equal(summary[COMMIT_ID_PROPERTY], 'c-2');
    const byStatus = out.entries.map((e) => [e.status, e.snapshot_id, e.sequence_number, e.record_count]).sort();
    assert.deepStrictEqual(byStatus, [[1, '22', 2, 2], [2, '22', 1, 3]]);
    const third = [9].map((i) => row(i, 'more'));
    await commitSnapshot(wh, id, { operation: 'append', commitId: 'c-3', snapshotId: 33n, dataFiles: await writeFiles(wh, schema, third, 'c'), schemaId: 0 });
    const after = await read();
    assert.deepStrictEqual(after.rows, expectedRows(schema, [...second, ...third]));
    assert.deepStrictEqual(after.entries.map((e) => [e.status, e.snapshot_id, e.sequence_number]).sort(), [[1, '22', 2], [1, '33', 3]], 'the manifest of DELETED entries is not carried on');
  });

  it('a repeated create fails as "already exists" and leaves the existing table readable', async () => {
    const before = await wh.catalog.metadataLocation(id);
    await assert.rejects(createTable(wh, id, { tableUuid: '0b9e0a4c-8d1f-4f6e-9a3b-2c5d7e8f9a01', location: `${wh.url}/ks/events`, schema }), /already exists/);
    assert.equal(await wh.catalog.metadataLocation(id), before);
    assert.equal((await loadTable(wh, id)).metadata.tableUuid, '0b9e0a4c-8d1f-4f6e-9a3b-2c5d7e8f9a01');
    assert.equal(deriveSnapshotId('activity-1'), deriveSnapshotId('activity-1'));
    assert.ok(deriveSnapshotId('activity-2') > 0n && deriveSnapshotId('activity-2') < 2n ** 63n);
    assert.match(deriveUuid('x'), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a repeated commit with the same commit id is a no-op', async () => {
    const files = await writeFiles(wh, schema, [row(1, 'x')], 'a');
    const w = { operation: 'append' as const, commitId: 'same', snapshotId: 5n, dataFiles: files, schemaId: 0 };
    assert.equal((await commitSnapshot(wh, id, w)).committed, true);
    const again = await commitSnapshot(wh, id, { ...w, snapshotId: 6n });
    assert.equal(again.committed, false);
    const out = await read(false);
    assert.equal(out.rows.length, 1);
    assert.equal((await loadTable(wh, id)).metadata.snapshots.length, 1);
  });

  it('a batch whose schema does not match fails clearly and commits nothing', async () => {
    const before = await wh.catalog.metadataLocation(id);
    const wrong = arrowTable(schemaFromCassandraTable([{ name: 'id', cqlType: 'bigint', kind: 'partition_key' }, { name: 'name', cqlType: 'text', kind: 'regular' }]), [{ id: 1n, name: 'a' }]);
    await assert.rejects(writeFiles(wh, schema, [], 'bad', wrong), (err: unknown) => {
      assert.ok(err instanceof CassbergError && err.kind === 'DataInvalid');
      assert.match(err.message, /id: expected Int32, got Int64/);
      assert.match(err.message, /ts: missing from batch/);
      return true;
    });
    assert.equal(await wh.catalog.metadataLocation(id), before);
    assert.deepStrictEqual(readdirSync(fileURLToPath(`${wh.url}/ks/events`)), ['metadata']);
  });

  it('10 concurrent writers on separate connections lose nothing', async () => {
    const writers = Array.from({ length: 10 }, (_, w) => ({ catalog: new SqlCatalog('cassberg', new SqliteDriver(wh.dbPath)), io: wh.io, w }));
    const batches = await Promise.all(writers.map(async (ctx) => writeFiles(ctx, schema, [row(ctx.w * 10, 'w'), row(ctx.w * 10 + 1, 'w')], `w${ctx.w}`)));
    const results = await Promise.all(writers.map((ctx) =>
      commitSnapshot(ctx, id, { operation: 'append', commitId: `w-${ctx.w}`, snapshotId: BigInt(1000 + ctx.w), dataFiles: batches[ctx.w]!, schemaId: 0 }, { minWaitMs: 1, maxWaitMs: 20, maxAttempts: 30 })));
    for (const ctx of writers) await ctx.catalog.close();
    assert.ok(results.every((r) => r.committed));
    assert.ok(results.some((r) => r.attempts > 1), 'writers raced');
    const md = (await loadTable(wh, id)).metadata;
    assert.deepStrictEqual(md.snapshots.map((s) => s.sequenceNumber).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const out = await read(false);
    assert.equal(out.rows.length, 20);
    assert.equal(md.snapshots.find((s) => s.snapshotId === md.currentSnapshotId)!.summary['total-records'], '20');
  });

  it('a lost race deletes its own files; an unknown outcome keeps everything', async () => {
    class Losing extends SqlCatalog { override async swapMetadataLocation(): Promise<boolean> { return false; } }
    class Unknown extends SqlCatalog { override async swapMetadataLocation(): Promise<boolean> { throw new Error('connection reset'); } }
    const metadataDir = fileURLToPath(`${wh.url}/ks/events/metadata`);
    const before = readdirSync(metadataDir);
    const losing = { catalog: new Losing('cassberg', new SqliteDriver(wh.dbPath)), io: wh.io };
    const files = await writeFiles(losing, schema, [row(1, 'l')], 'lost');
    await assert.rejects(commitSnapshot(losing, id, { operation: 'append', commitId: 'lost', snapshotId: 9n, dataFiles: files, schemaId: 0, deleteDataFilesOnFailure: true }, { maxAttempts: 2, minWaitMs: 1 }), CommitConflictError);
    assert.deepStrictEqual(readdirSync(metadataDir), before);
    assert.equal(await wh.io.exists(files[0]!.filePath), false);
    const unknown = { catalog: new Unknown('cassberg', new SqliteDriver(wh.dbPath)), io: wh.io };
    const kept = await writeFiles(unknown, schema, [row(2, 'u')], 'unknown');
    await assert.rejects(commitSnapshot(unknown, id, { operation: 'append', commitId: 'unknown', snapshotId: 10n, dataFiles: kept, schemaId: 0, deleteDataFilesOnFailure: true }), CommitStateUnknownError);
    assert.equal(await wh.io.exists(kept[0]!.filePath), true);
    assert.equal(readdirSync(metadataDir).length, before.length + 3, 'manifest, manifest list and metadata file kept');
    await losing.catalog.close();
    await unknown.catalog.close();
  });

  it('schema evolution adds and drops columns without reusing field ids', async () => {
    await commitSnapshot(wh, id, { operation: 'append', commitId: 'e-1', snapshotId: 1n, dataFiles: await writeFiles(wh, schema, [row(1, 'v0')], 'v0'), schemaId: 0 });
    const dropped = COLUMNS.filter((c) => c.name !== 'amount').concat([{ name: 'tags', cqlType: 'set<text>', kind: 'regular' }]);
    const v1 = evolveSchema(schema, (await loadTable(wh, id)).metadata.lastColumnId, dropped);
    assert.deepStrictEqual(v1.schema.fields.map((f) => [f.name, f.id]), [['id', 1], ['name', 2], ['ts', 3], ['tags', 5]]);
    await commitSchema(wh, id, { ...v1, baseSchemaId: 0 }, 'schema-1');
    assert.equal((await commitSchema(wh, id, { ...v1, baseSchemaId: 0 }, 'schema-1')).committed, false, 'the same schema again is a no-op');
    const readded = evolveSchema(v1.schema, (await loadTable(wh, id)).metadata.lastColumnId, [...dropped, { name: 'amount', cqlType: 'decimal', kind: 'regular' }], { decimal: { precision: 20, scale: 2 } });
    assert.equal(readded.schema.fields.find((f) => f.name === 'amount')!.id, 7, 'a re-added column gets a fresh id');
    const r2 = { id: 2, name: 'v1-2', ts: 1n, tags: ['a', 'b'] };
    await commitSnapshot(wh, id, { operation: 'append', commitId: 'e-2', snapshotId: 2n, dataFiles: await writeFiles(wh, v1.schema, [r2], 'v1'), schemaId: v1.schema.schemaId });
    const out = await read(false);
    assert.deepStrictEqual(out.rows, expectedRows(v1.schema, [{ ...row(1, 'v0'), tags: null }, r2]));
    await assert.rejects(commitSnapshot(wh, id, { operation: 'append', commitId: 'stale', snapshotId: 3n, dataFiles: await writeFiles(wh, schema, [row(3, 'old')], 'stale'), schemaId: 0 }), /assert-current-schema-id/);
  });
});
