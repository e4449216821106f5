// Iceberg write throughput: Arrow → Parquet → committed snapshot, for a generated table of a few
// hundred MB of Arrow data (long, int, double, timestamptz, string with nulls, boolean, date).
// Runs cassberg's writer against the SQLite catalog and against the REST catalog (Apache Iceberg's
// REST fixture), and, in the same run, PyIceberg's own `table.append(pyarrow_table)` of the same
// data (handed over as an Arrow IPC file; only the append is timed). Writes bench/results/iceberg.md.
//
//   npm run bench -- iceberg            (bench/index.ts dispatches to run())
//   node --import tsx bench/iceberg.ts  (alone; CASSBERG_BENCH_ICEBERG_ROWS=… to change the size)

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeData, RecordBatch, Struct, Table, tableToIPC, type Data } from 'apache-arrow';
import type { Catalog } from '../engine/iceberg/catalog/catalog.ts';
import { RestCatalog } from '../engine/iceberg/catalog/rest.ts';
import { SqlCatalog, SqliteDriver } from '../engine/iceberg/catalog/sql.ts';
import { createTable, deriveSnapshotId } from '../engine/iceberg/commit.ts';
import { LocalFileIO } from '../engine/iceberg/io.ts';
import { toArrowSchema } from '../engine/iceberg/parquet/arrow-schema.ts';
import { DataFileWriter } from '../engine/iceberg/parquet/data-file-writer.ts';
import { commitSnapshot } from '../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../engine/iceberg/spec/cql-mapping.ts';
import { currentSchema } from '../engine/iceberg/spec/table-metadata.ts';
import type { Schema } from '../engine/iceberg/spec/schema.ts';
import { startRestCatalog } from '../test/harness/rest-catalog.ts';

const ROWS = Number(process.env.CASSBERG_BENCH_ICEBERG_ROWS ?? 5_000_000);
const CHUNK_ROWS = 1 << 20;
const PYTHON = process.env.CASSBERG_PYICEBERG_PYTHON ?? join(homedir(), '.cache/cassberg/venv/bin/python');
const RESULTS = fileURLToPath(new URL('./results/iceberg.md', import.meta.url));

const COLUMNS = [
  { name: 'id', cqlType: 'bigint', kind: 'partition_key' as const },
  { name: 'bucket', cqlType: 'int', kind: 'regular' as const },
  { name: 'amount', cqlType: 'double', kind: 'regular' as const },
  { name: 'ts', cqlType: 'timestamp', kind: 'regular' as const },
  { name: 'name', cqlType: 'text', kind: 'regular' as const },
  { name: 'flag', cqlType: 'boolean', kind: 'regular' as const },
  { name: 'day', cqlType: 'date', kind: 'regular' as const },
];

interface Result { writer: string; catalog: string; seconds: number; files: number; parquetBytes: number; commitSeconds?: number; note?: string }

/** One chunk of generated rows (seeded; every 10th name is null). */
function generateChunk(schema: Schema, start: number, n: number): RecordBatch {
  const arrow = toArrowSchema(schema);
  let seed = (start * 2654435761) >>> 0;
  const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const ids = new BigInt64Array(n), buckets = new Int32Array(n), amounts = new Float64Array(n), ts = new BigInt64Array(n), days = new Int32Array(n);
  const flags = new Uint8Array(Math.ceil(n / 8)), nameValid = new Uint8Array(Math.ceil(n / 8)).fill(0xff);
  const offsets = new Int32Array(n + 1);
  const text = new Uint8Array(n * 28);
  let pos = 0, nulls = 0;
  for (let i = 0; i < n; i++) {
    const row = start + i;
    ids[i] = BigInt(row);
    buckets[i] = row % 1024;
    amounts[i] = rand() * 1e6;
    ts[i] = 1_700_000_000_000_000n + BigInt(Math.floor(rand() * 3e13));
    days[i] = 19_000 + (row % 3650);
    if (rand() < 0.5) flags[i >> 3]! |= 1 << (i & 7);
    if (row % 10 === 9) { nameValid[i >> 3]! &= ~(1 << (i & 7)); nulls++; } else {
      const s = `customer-${row.toString(36)}-${Math.floor(rand() * 1e9).toString(16)}`;
      pos += text.subarray(pos).length >= s.length ? new TextEncoder().encodeInto(s, text.subarray(pos)).written : 0;
    }
    offsets[i + 1] = pos;
  }
  const types = arrow.fields.map((f) => f.type);
  const children: Data[] = [
    makeData({ type: types[0], length: n, data: ids }), makeData({ type: types[1], length: n, data: buckets }),
    makeData({ type: types[2], length: n, data: amounts }), makeData({ type: types[3], length: n, data: ts }),
    makeData({ type: types[4], length: n, nullCount: nulls, nullBitmap: nameValid, valueOffsets: offsets, data: text.subarray(0, pos) }),
    makeData({ type: types[5], length: n, data: flags }), makeData({ type: types[6], length: n, data: days }),
  ] as Data[];
  return new RecordBatch(arrow, makeData({ type: new Struct(arrow.fields), length: n, nullCount: 0, children }));
}

function arrowBytes(table: Table): number {
  return table.data.reduce((sum, d) => sum + d.byteLength, 0);
}

async function writeWithCassberg(catalog: Catalog, name: string, location: string, schema: Schema, chunks: Table[]): Promise<Result> {
  const io = new LocalFileIO();
  const id = { namespace: ['bench'], name };
  const t = await createTable({ catalog, io }, id, { tableUuid: '00000000-0000-4000-8000-0000000000be', location, schema });
  const tableSchema = currentSchema(t.metadata);
  const t0 = performance.now();
  const writer = new DataFileWriter({ io, schema: tableSchema, spec: t.metadata.partitionSpecs[0]!, dataLocation: `${t.metadata.location}/data`, fileName: (i) => `bench-${i}.parquet` });
  for (const chunk of chunks) await writer.write(chunk);
  const dataFiles = await writer.close();
  const t1 = performance.now();
  await commitSnapshot({ catalog, io }, id, { operation: 'append', commitId: 'bench-1', snapshotId: deriveSnapshotId(name), dataFiles, schemaId: tableSchema.schemaId });
  const t2 = performance.now();
  return { writer: 'cassberg', catalog: '', seconds: (t2 - t0) / 1000, commitSeconds: (t2 - t1) / 1000, files: dataFiles.length, parquetBytes: dataFiles.reduce((s, f) => s + f.fileSizeInBytes, 0) };
}

const PY_APPEND = `
import json, sys, time, pyarrow as pa
from pyiceberg.catalog.sql import SqlCatalog
a = json.loads(sys.argv[1])
table = SqlCatalog('bench', uri=a['uri'], warehouse=a['warehouse']).load_table(a['table'])
with pa.memory_map(a['ipc']) as src:
    data = pa.ipc.open_file(src).read_all()
t0 = time.perf_counter()
table.append(data)
seconds = time.perf_counter() - t0
summary = table.current_snapshot().summary
print(json.dumps({'seconds': seconds, 'files': int(summary['added-data-files']), 'bytes': int(summary['added-files-size']), 'rows': int(summary['added-records'])}))
`;

function runProcess(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`${cmd} exited ${code}: ${err.slice(-2000)}`))));
  });
}

async function writeWithPyIceberg(catalog: SqlCatalog, dbPath: string, warehouse: string, schema: Schema, chunks: Table[], dir: string): Promise<Result> {
  const io = new LocalFileIO();
  const ipc = join(dir, 'bench.arrow');
  writeFileSync(ipc, tableToIPC(new Table(chunks.flatMap((c) => c.batches)), 'file'));
  await createTable({ catalog, io }, { namespace: ['bench'], name: 'pyiceberg' }, { tableUuid: '00000000-0000-4000-8000-0000000000bf', location: `${warehouse}/bench/pyiceberg`, schema });
  const out = JSON.parse(await runProcess(PYTHON, ['-c', PY_APPEND, JSON.stringify({ uri: `sqlite:///${dbPath}`, warehouse, table: 'bench.pyiceberg', ipc })])) as { seconds: number; files: number; bytes: number; rows: number };
  if (out.rows !== ROWS) throw new Error(`pyiceberg appended ${out.rows} rows, expected ${ROWS}`);
  return { writer: 'PyIceberg', catalog: 'SQLite (SqlCatalog)', seconds: out.seconds, files: out.files, parquetBytes: out.bytes };
}

async function machineFacts(): Promise<string[]> {
  const py = await runProcess(PYTHON, ['-c', 'import sys, pyiceberg, pyarrow; print(sys.version.split()[0], pyiceberg.__version__, pyarrow.__version__)']).catch((e: Error) => `unavailable (${e.message.slice(0, 80)})`);
  const [python, pyiceberg, pyarrow] = py.split(' ');
  return [
    `- CPU: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version} (parquet-wasm 0.8.0, apache-arrow 21.2.0); Python ${python}, PyIceberg ${pyiceberg}, pyarrow ${pyarrow}`,
    `- Load average at the end of the run: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (the machine is shared; numbers move with it)`,
    '- Parquet codec ZSTD for both writers; cassberg rolls files at 128 MiB of Arrow data, PyIceberg bins at its default 512 MiB target.',
  ];
}

function table(results: Result[], bytes: number): string {
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  const lines = ['| writer | catalog | rows | Arrow MB | Parquet MB | files | seconds | of which commit | rows/s | Arrow MB/s |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    if (r.note) { lines.push(`| ${r.writer} | ${r.catalog} | not run: ${r.note} | | | | | | | |`); continue; }
    const commit = r.commitSeconds === undefined ? 'n/a' : r.commitSeconds.toFixed(2);
    lines.push(`| ${r.writer} | ${r.catalog} | ${ROWS.toLocaleString('en-US')} | ${mb(bytes)} | ${mb(r.parquetBytes)} | ${r.files} | ${r.seconds.toFixed(2)} | ${commit} | ${Math.round(ROWS / r.seconds).toLocaleString('en-US')} | ${(bytes / 1e6 / r.seconds).toFixed(1)} |`);
  }
  return lines.join('\n');
}

export async function run(): Promise<string> {
  const schema = schemaFromCassandraTable(COLUMNS);
  const chunks: Table[] = [];
  for (let start = 0; start < ROWS; start += CHUNK_ROWS) chunks.push(new Table([generateChunk(schema, start, Math.min(CHUNK_ROWS, ROWS - start))]));
  const bytes = chunks.reduce((s, c) => s + arrowBytes(c), 0);
  const dir = mkdtempSync(join(tmpdir(), 'cassberg-bench-iceberg-'));
  const results: Result[] = [];
  try {
    const dbPath = join(dir, 'catalog.db');
    const warehouse = pathToFileURL(join(dir, 'wh')).href;
    const sql = new SqlCatalog('bench', new SqliteDriver(dbPath));
    await sql.initialize();
    await sql.createNamespace(['bench']);
    results.push({ ...(await writeWithCassberg(sql, 'cassberg_sql', `${warehouse}/bench/cassberg_sql`, schema, chunks)), catalog: 'SQLite (JDBC layout)' });
    results.push(await writeWithRest(schema, chunks));
    results.push(await writeWithPyIceberg(sql, dbPath, warehouse, schema, chunks, dir).catch((e: Error) => ({ writer: 'PyIceberg', catalog: 'SQLite (SqlCatalog)', seconds: 0, files: 0, parquetBytes: 0, note: e.message.slice(0, 200) })));
    await sql.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const md = [
    '# Iceberg write throughput', '',
    `Arrow → Parquet → committed snapshot, one append of ${ROWS.toLocaleString('en-US')} generated rows (${(bytes / 1e6).toFixed(1)} MB of Arrow data:`,
    'long, int, double, timestamptz, string with 10 % nulls, boolean, date). Timed from the Arrow table in memory to the',
    'committed snapshot; for PyIceberg only `table.append(pyarrow_table)` (its input is read from an Arrow IPC file first).', '',
    `Run ${new Date().toISOString()} with \`npm run bench -- iceberg\`.`, '',
    ...(await machineFacts()), '',
    table(results, bytes), '',
  ].join('\n');
  mkdirSync(join(RESULTS, '..'), { recursive: true });
  writeFileSync(RESULTS, md);
  return md;
}

async function writeWithRest(schema: Schema, chunks: Table[]): Promise<Result> {
  const base = { writer: 'cassberg', catalog: 'REST (Iceberg REST fixture 1.10.0)' };
  let server: Awaited<ReturnType<typeof startRestCatalog>> | undefined;
  try {
    server = await startRestCatalog();
    const catalog = new RestCatalog('bench', { uri: server.uri });
    await catalog.createNamespace(['bench']);
    return { ...(await writeWithCassberg(catalog, 'cassberg_rest', `${server.warehouse}/bench/cassberg_rest`, schema, chunks)), ...base };
  } catch (err) {
    return { ...base, seconds: 0, files: 0, parquetBytes: 0, note: (err as Error).message.slice(0, 200) };
  } finally {
    await server?.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.stdout.write(`${await run()}\n`);
}
