// Shared by the schedule and robustness suites and bench/movement.ts: a temp cassberg config (temporal-dev.yml's
// shape) pointing at a harness Temporal and MinIO, worker processes started from it, and reading a moved table back.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { stringify } from 'yaml';
import { createWarehouseIo } from '../../activities/movement/warehouse.ts';
import { REPO_ROOT } from '../../dev/config.ts';
import { SqlCatalog, SqliteDriver } from '../../engine/iceberg/catalog/sql.ts';
import { loadTable, type TableContext } from '../../engine/iceberg/commit.ts';
import { scanBatches } from '../../engine/iceberg/scan.ts';
import type { Snapshot } from '../../engine/iceberg/spec/table-metadata.ts';
import { createS3Client, S3ObjectStore } from '../../engine/storage/s3.ts';
import { expectedRows, fixtureInfo, uploadSnapshotBackup } from '../fixtures/backups/make.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';

export const KEYSPACE = 'cassberg_fixtures';
export const TABLE = 'deletions_lz4';
const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface Servers {
  temporal: { address: string; namespace: string };
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string; newBucket(prefix?: string): Promise<string> };
}

export interface MovementStack {
  dir: string;
  configFile: string;
  taskQueue: string;
  backupsBucket: string;
  warehouseUrl: string;
  s3Options: { endpoint: string; region: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  catalog: SqlCatalog;
  ctx: TableContext;
}

/** Two buckets, a config file in a temp dir, and a reader's catalog on the same SQLite file the workers use. */
export async function movementStack(servers: Servers, taskQueue: string): Promise<MovementStack> {
  const [backupsBucket, warehouseBucket] = [await servers.s3.newBucket('backups'), await servers.s3.newBucket('warehouse')];
  const dir = mkdtempSync(join(tmpdir(), 'cassberg-mvstack-'));
  const credentials = { accessKeyId: servers.s3.accessKeyId, secretAccessKey: servers.s3.secretAccessKey };
  const warehouseUrl = `s3://${warehouseBucket}/warehouse`;
  const config = {
    temporal: { address: servers.temporal.address, namespace: servers.temporal.namespace, taskQueue },
    s3: { endpoint: servers.s3.endpoint, region: servers.s3.region, credentials, buckets: { backups: backupsBucket, warehouse: warehouseBucket } },
    iceberg: { warehouse: warehouseUrl, catalog: { name: 'cassberg', sqlite: join(dir, 'catalog.db') } },
    worker: { stateDir: join(dir, 'state') },
  };
  const configFile = join(dir, 'cassberg.yml');
  writeFileSync(configFile, stringify(config));
  const s3Options = { endpoint: servers.s3.endpoint, region: servers.s3.region, forcePathStyle: true as const, credentials };
  const catalog = new SqlCatalog('cassberg', new SqliteDriver(join(dir, 'catalog.db')));
  await catalog.initialize();
  return { dir, configFile, taskQueue, backupsBucket, warehouseUrl, s3Options, catalog, ctx: { catalog, io: createWarehouseIo(warehouseUrl, s3Options) } };
}

/** Uploads the deletions_lz4 fixture as a one-node snapshot backup whose node owns `tokens` evenly spaced tokens. */
export async function uploadFixtureBackup(stack: MovementStack, root: string, tokens: number): Promise<{ backupUrl: string; referenceTime: string }> {
  const info = fixtureInfo('oa', TABLE);
  const referenceTime = new Date(info.selectedAtSec * 1000).toISOString();
  const step = (2n ** 64n) / BigInt(tokens);
  const ring = Array.from({ length: tokens }, (_, i) => -(2n ** 63n) + step * BigInt(i) + 12_345n);
  await uploadSnapshotBackup(new S3ObjectStore(createS3Client(stack.s3Options), stack.backupsBucket), {
    root, version: 'oa', table: TABLE, keyspace: KEYSPACE, tag: 'nightly', tableId: '5f3c0b9e2a7d4c1e8b6a9d0e1f2a3b4c',
    node: { name: 'node-a', dc: 'dc1', rack: 'rack1', tokens: ring }, createdAt: new Date(referenceTime),
  });
  return { backupUrl: `s3://${stack.backupsBucket}/${root}`, referenceTime };
}

export interface WorkerProcess { child: ChildProcess; pid: number; exited: Promise<number | null>; output(): string }

/** `node --import tsx test/workflows/worker-process.ts --config <file>`; resolves once the worker polls. */
export async function startWorkerProcess(configFile: string, maxSplitBytes?: number, checkpointBytes?: number): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT, '--config', configFile], {
    cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, ...(maxSplitBytes ? { CASSBERG_MAX_SPLIT_BYTES: String(maxSplitBytes) } : {}),
      ...(checkpointBytes ? { CASSBERG_SPLIT_CHECKPOINT_BYTES: String(checkpointBytes) } : {}),
    },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = () => { if (/^ready \d+/m.test(out)) { child.stdout!.off('data', onData); resolve(); } };
    child.stdout!.on('data', onData);
    void exited.then((code) => reject(new Error(`worker process exited (${code}) before it was ready:\n${out}`)));
  });
  return { child, pid: child.pid!, exited, output: () => out };
}

export async function stopWorkerProcess(w: WorkerProcess | undefined): Promise<void> {
  if (!w || w.child.exitCode !== null || w.child.signalCode !== null) return;
  w.child.kill('SIGTERM');
  const timer = setTimeout(() => w.child.kill('SIGKILL'), 15_000);
  await w.exited;
  clearTimeout(timer);
}

/** JSON with sorted object keys and bigints as numbers: one comparable string per row (as in movement.test.ts). */
function canonical(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return canonical((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

export const rowsOf = (rows: unknown[]) => rows.map((r) => JSON.stringify(canonical(r))).sort();
export const expectedFixtureRows = () => rowsOf(expectedRows('oa', TABLE));

export async function readTable(stack: MovementStack, table: string): Promise<{ rows: string[]; snapshots: Snapshot[] }> {
  const { metadata } = await loadTable(stack.ctx, { namespace: ['analytics'], name: table });
  const rows: unknown[] = [];
  for await (const b of scanBatches(stack.ctx, metadata)) rows.push(...b.toArray().map((r) => r.toJSON()));
  return { rows: rowsOf(rows), snapshots: metadata.snapshots };
}

/** A Temporal dev server, MinIO, the movement stack, one worker process and a client: the setup of the suites that
 *  drive movements through worker processes. close() stops all of it. */
export interface ProcessStack {
  temporal: TemporalServer;
  s3: S3Server;
  stack: MovementStack;
  worker: WorkerProcess;
  client: Client;
  close(): Promise<void>;
}

export async function startProcessStack(taskQueue: string, opts: { ui?: boolean; maxSplitBytes?: number; checkpointBytes?: number } = {}): Promise<ProcessStack> {
  const [temporal, s3] = await Promise.all([startTemporal({ ui: opts.ui ?? false }), startS3()]);
  const stack = await movementStack({ temporal, s3 }, taskQueue);
  const worker = await startWorkerProcess(stack.configFile, opts.maxSplitBytes, opts.checkpointBytes);
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: temporal.namespace });
  return {
    temporal, s3, stack, worker, client,
    async close() {
      await stopWorkerProcess(worker);
      await connection.close();
      await stack.catalog.close();
      await Promise.all([temporal.stop(), s3.stop()]);
      rmSync(stack.dir, { recursive: true, force: true });
    },
  };
}
