// One writer process for the cross-process commit test: opens its own SQLite connection, writes
// one data file of two rows and appends it. argv: dbPath, writer index. Prints the attempt count.

import { SqlCatalog, SqliteDriver } from '../../../../engine/iceberg/catalog/sql.ts';
import { loadTable } from '../../../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../../../engine/iceberg/io.ts';
import { DataFileWriter } from '../../../../engine/iceberg/parquet/data-file-writer.ts';
import { commitSnapshot } from '../../../../engine/iceberg/snapshot-producer.ts';
import { currentSchema } from '../../../../engine/iceberg/spec/table-metadata.ts';
import { arrowTable } from '../fixtures.ts';

const [dbPath, indexText] = process.argv.slice(2);
const w = Number(indexText);
const ctx = { catalog: new SqlCatalog('cassberg', new SqliteDriver(dbPath!)), io: new LocalFileIO() };
const id = { namespace: ['ks'], name: 'procs' };
const { metadata } = await loadTable(ctx, id);
const schema = currentSchema(metadata);
const writer = new DataFileWriter({ io: ctx.io, schema, spec: metadata.partitionSpecs[0]!, dataLocation: `${metadata.location}/data`, fileName: (i) => `proc${w}-${i}.parquet` });
await writer.write(arrowTable(schema, [{ id: w * 2, v: `p${w}` }, { id: w * 2 + 1, v: `p${w}` }]));
const res = await commitSnapshot(ctx, id, { operation: 'append', commitId: `proc-${w}`, snapshotId: BigInt(700 + w), dataFiles: await writer.close(), schemaId: schema.schemaId }, { minWaitMs: 5, maxWaitMs: 200, maxAttempts: 40 });
await ctx.catalog.close();
process.stdout.write(JSON.stringify({ committed: res.committed, attempts: res.attempts }));
