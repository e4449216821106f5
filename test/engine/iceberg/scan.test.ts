// Reading snapshots back (scan.ts), and shadow validation over two real Iceberg tables: the C = M check
// reads each table only through the scan, as the validate activity does.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTable, loadTable, type TableContext } from '../../../engine/iceberg/commit.ts';
import type { TableIdentifier } from '../../../engine/iceberg/catalog/sql.ts';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { scanBatches, planFiles } from '../../../engine/iceberg/scan.ts';
import { commitSnapshot } from '../../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable, type CassandraColumn } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { compareTables } from '../../../engine/validation/compare.ts';
import { validateSnapshots } from '../../../engine/validation/iceberg-snapshots.ts';
import { arrowTable, tempWarehouse, type Row, type Warehouse } from './fixtures.ts';

const COLUMNS: CassandraColumn[] = [
  { name: 'id', cqlType: 'int', kind: 'partition_key' },
  { name: 'ck', cqlType: 'text', kind: 'clustering' },
  { name: 'v', cqlType: 'bigint', kind: 'regular' },
  { name: 'tags', cqlType: 'list<text>', kind: 'regular' },
];
const schema = schemaFromCassandraTable(COLUMNS);
const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ id: i % 50, ck: `c${i}`, v: BigInt(i * 7), tags: i % 3 ? [`t${i}`] : null }));

async function writeSnapshot(ctx: TableContext, id: TableIdentifier, rows: Row[], tag: string, operation: 'append' | 'overwrite', snapshotId: bigint): Promise<void> {
  const { metadata } = await loadTable(ctx, id);
  const writer = new DataFileWriter({ io: ctx.io, schema, spec: metadata.partitionSpecs[0]!, dataLocation: `${metadata.location}/data`, fileName: (i) => `${tag}-${i}.parquet` });
  for (let i = 0; i < rows.length; i += 400) await writer.write(arrowTable(schema, rows.slice(i, i + 400)));
  await commitSnapshot(ctx, id, { operation, commitId: tag, snapshotId, dataFiles: await writer.close(), schemaId: 0 });
}

describe('scan and validate Iceberg snapshots', () => {
  let wh: Warehouse;
  const c: TableIdentifier = { namespace: ['ks'], name: 'legacy_out' };
  const m: TableIdentifier = { namespace: ['ks'], name: 'new_out' };
  const source = (id: TableIdentifier, snapshotId?: bigint) => ({
    name: id.name,
    batches: () => (async function* () { yield* scanBatches(wh, (await loadTable(wh, id)).metadata, snapshotId); })(),
  });

  before(async () => {
    wh = await tempWarehouse();
    await wh.catalog.createNamespace(['ks']);
    for (const [id, uuid] of [[c, '11111111-1111-4111-8111-111111111111'], [m, '22222222-2222-4222-8222-222222222222']] as const) {
      await createTable(wh, id, { tableUuid: uuid, location: `${wh.url}/ks/${id.name}`, schema });
    }
  });
  after(async () => wh.cleanup());

  it('scans exactly the live rows of a snapshot, older snapshots included', async () => {
    await writeSnapshot(wh, c, rowsOf(1000), 'c1', 'append', 1n);
    await writeSnapshot(wh, c, rowsOf(1200), 'c2', 'overwrite', 2n);
    const md = (await loadTable(wh, c)).metadata;
    let rows = 0;
    for await (const b of scanBatches(wh, md)) rows += b.numRows;
    assert.equal(rows, 1200);
    let old = 0;
    for await (const b of scanBatches(wh, md, 1n)) old += b.numRows;
    assert.equal(old, 1000);
    assert.equal((await planFiles(wh, md)).length, 1);
    await assert.rejects(async () => { for await (const _ of scanBatches(wh, md, 99n)); }, /snapshot 99 not found/);
  });

  it('C = M holds for equal tables and finds an injected difference', async () => {
    const rows = rowsOf(1200);
    await writeSnapshot(wh, m, [...rows].reverse(), 'm1', 'append', 3n);
    const same = await compareTables(source(c), source(m), { primaryKey: ['id', 'ck'] });
    assert.deepEqual([same.rowsA, same.rowsB, same.onlyInA, same.onlyInB], [1200, 1200, 0, 0]);
    const changed = rows.map((r, i) => (i === 17 ? { ...r, v: 1n } : r)).filter((_, i) => i !== 5);
    await writeSnapshot(wh, m, changed, 'm2', 'overwrite', 4n);
    const diff = await compareTables(source(c), source(m), { primaryKey: ['id', 'ck'] });
    assert.equal(diff.onlyInA, 2);
    assert.equal(diff.onlyInB, 1);
    assert.deepEqual(diff.columnMismatches, { v: 1 });
    const old = await compareTables(source(c), source(m, 3n), { primaryKey: ['id', 'ck'] });
    assert.equal(old.onlyInA + old.onlyInB, 0);
  });

  it('validateSnapshots takes the key from identifier fields and stores its report beside table B', async () => {
    const report = await validateSnapshots(wh, { id: c }, { id: m, snapshotId: '3' }, { reportName: 'mv-1' });
    assert.deepEqual(report.primaryKey, ['id', 'ck']);
    assert.equal(report.snapshotB, '3');
    assert.equal(report.onlyInA + report.onlyInB, 0);
    const stored = JSON.parse(new TextDecoder().decode(await wh.io.read(report.reportLocation)));
    assert.equal(stored.similarityPercent, 100);
    assert.match(report.reportLocation, /ks\/new_out\/validation\/mv-1\.json$/);
    const other: TableIdentifier = { namespace: ['ks'], name: 'other' };
    await createTable(wh, other, { tableUuid: '33333333-3333-4333-8333-333333333333', location: `${wh.url}/ks/other`, schema: schemaFromCassandraTable(COLUMNS.slice(0, 3)) });
    await assert.rejects(validateSnapshots(wh, { id: c }, { id: other }, { reportName: 'x' }), /different schemas/);
  });
});
