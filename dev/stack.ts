// The local stack behind `cassberg dev up|down|status`: the Temporal dev server, MinIO and a cassberg worker as
// detached processes, each with a pid file and a log in the config's state dir. Only what the config marks with a
// `dev:` block is started; the worker always is. SQLite file and MinIO data dir persist across down/up.

import { Connection } from '@temporalio/client';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { CassbergError } from '../engine/errors.ts';
import { portOf, REPO_ROOT, type CassbergConfig } from './config.ts';
import { ensureBuckets, spawnMinio, waitForMinio } from './minio.ts';
import { isAlive, portInUse, spawnLogged, stopPid, waitUntil } from './process.ts';
import { spawnTemporalDevServer, waitForTemporal } from './temporal.ts';

export type ServiceName = 'temporal' | 'minio' | 'worker';
/** Started in this order, stopped in the reverse one (the worker first, so it does not log lost connections). */
export const SERVICES: ServiceName[] = ['temporal', 'minio', 'worker'];

export interface ServiceStatus {
  name: ServiceName;
  managed: boolean;
  pid?: number;
  running: boolean;
  where: string;
  logFile: string;
}

const pidFile = (config: CassbergConfig, name: ServiceName) => join(config.worker.stateDir, `${name}.pid`);
const logFile = (config: CassbergConfig, name: ServiceName) => join(config.worker.stateDir, `${name}.log`);

function readPid(config: CassbergConfig, name: ServiceName): number | undefined {
  const file = pidFile(config, name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isManaged(config: CassbergConfig, name: ServiceName): boolean {
  return name === 'worker' || (name === 'temporal' ? Boolean(config.temporal.dev) : Boolean(config.s3.dev));
}

function whereOf(config: CassbergConfig, name: ServiceName): string {
  if (name === 'temporal') {
    const ui = config.temporal.dev ? `, UI http://127.0.0.1:${config.temporal.dev.uiPort}` : '';
    return `${config.temporal.address} namespace ${config.temporal.namespace}${ui}`;
  }
  if (name === 'minio') return `${config.s3.endpoint ?? 'AWS S3'} buckets ${config.s3.buckets.backups}, ${config.s3.buckets.warehouse}`;
  return `task queue ${config.temporal.taskQueue}`;
}

export function stackStatus(config: CassbergConfig): ServiceStatus[] {
  return SERVICES.map((name) => {
    const pid = readPid(config, name);
    return { name, managed: isManaged(config, name), pid, running: pid !== undefined && isAlive(pid), where: whereOf(config, name), logFile: logFile(config, name) };
  });
}

export function uiUrl(config: CassbergConfig): string | undefined {
  return config.temporal.dev ? `http://127.0.0.1:${config.temporal.dev.uiPort}` : undefined;
}

/** A worker counts as up once Temporal lists it among the task queue's pollers (its identity starts with its pid). */
async function workerPolling(config: CassbergConfig, pid: number): Promise<boolean> {
  const connection = await Connection.connect({ address: config.temporal.address, connectTimeout: 1000 });
  try {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.temporal.taskQueue },
      taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
    });
    return (res.pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`));
  } finally {
    await connection.close();
  }
}

function portsOf(config: CassbergConfig, name: ServiceName): number[] {
  if (name === 'temporal') return [portOf(config.temporal.address), config.temporal.dev!.uiPort];
  if (name === 'minio') return [portOf(config.s3.endpoint ?? ''), config.s3.dev!.consolePort];
  return [];
}

/** A port taken by another process would make a readiness check talk to that process instead of ours. */
async function checkPortsFree(config: CassbergConfig, name: ServiceName): Promise<void> {
  for (const port of portsOf(config, name)) {
    if (await portInUse(port)) {
      throw new CassbergError('PreconditionFailed', `${name}: port ${port} on 127.0.0.1 is already in use (another ${name}, or a stack started with a different state dir?); change it in ${config.file}`, { port });
    }
  }
}

async function startService(config: CassbergConfig, name: ServiceName): Promise<number> {
  const log = logFile(config, name);
  await checkPortsFree(config, name);
  if (name === 'temporal') {
    const dev = config.temporal.dev!;
    mkdirSync(dirname(dev.dbFile), { recursive: true });
    const child = spawnTemporalDevServer({ port: portOf(config.temporal.address), namespace: config.temporal.namespace, uiPort: dev.uiPort, dbFile: dev.dbFile, searchAttributes: config.temporal.searchAttributes, logFile: log, detached: true });
    writeFileSync(pidFile(config, name), `${child.pid}\n`);
    await waitForTemporal(config.temporal.address, config.temporal.namespace, { pid: child.pid!, logFile: log });
    return child.pid!;
  }
  if (name === 'minio') {
    const dev = config.s3.dev!;
    const endpoint = config.s3.endpoint;
    const credentials = config.s3.credentials;
    if (!endpoint || !credentials) throw new CassbergError('PreconditionFailed', `${config.file}: s3.dev needs s3.endpoint and s3.credentials`, { file: config.file });
    mkdirSync(dev.dataDir, { recursive: true });
    const child = spawnMinio({ dataDir: dev.dataDir, port: portOf(endpoint), consolePort: dev.consolePort, ...credentials, logFile: log, detached: true });
    writeFileSync(pidFile(config, name), `${child.pid}\n`);
    await waitForMinio(endpoint, { pid: child.pid!, logFile: log });
    const client = new S3Client({ endpoint, region: config.s3.region ?? 'us-east-1', forcePathStyle: true, credentials });
    try {
      await ensureBuckets(client, [config.s3.buckets.backups, config.s3.buckets.warehouse]);
    } finally {
      client.destroy();
    }
    return child.pid!;
  }
  const child = spawnLogged(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'worker.ts'), '--config', config.file], log, { cwd: REPO_ROOT, detached: true });
  writeFileSync(pidFile(config, name), `${child.pid}\n`);
  await waitUntil(`cassberg worker (pid ${child.pid})`, () => workerPolling(config, child.pid!), { timeoutMs: 90_000, intervalMs: 500, pid: child.pid!, logFile: log });
  return child.pid!;
}

/** Starts what is not running yet; `report` gets one line per service. A failed start stops what this call started. */
export async function stackUp(config: CassbergConfig, report: (line: string) => void): Promise<void> {
  mkdirSync(config.worker.stateDir, { recursive: true });
  const started: ServiceName[] = [];
  try {
    for (const s of stackStatus(config)) {
      if (!s.managed) {
        report(`${s.name}: not managed here (no dev: block in ${config.file}), using ${s.where}`);
        continue;
      }
      if (s.running) {
        report(`${s.name}: already running, pid ${s.pid}, ${s.where}`);
        continue;
      }
      const t0 = Date.now();
      started.push(s.name);
      const pid = await startService(config, s.name);
      report(`${s.name}: started pid ${pid} in ${((Date.now() - t0) / 1000).toFixed(1)}s, ${s.where} (log ${s.logFile})`);
    }
  } catch (err) {
    for (const name of started.reverse()) await stopService(config, name);
    throw err;
  }
}

async function stopService(config: CassbergConfig, name: ServiceName): Promise<boolean> {
  const pid = readPid(config, name);
  const stopped = pid !== undefined && (await stopPid(pid, { group: true }));
  rmSync(pidFile(config, name), { force: true });
  return stopped;
}

export async function stackDown(config: CassbergConfig, report: (line: string) => void): Promise<void> {
  for (const name of [...SERVICES].reverse()) {
    report(`${name}: ${(await stopService(config, name)) ? 'stopped' : 'was not running'}`);
  }
}
