// One real Cassandra 5.0 node per test run and configuration, started only by suites that ask for it.
//
// node --test runs each file in its own process, so the node outlives the file that started it: its directory
// (pid, ports in node.env, data) lives in $CASSBERG_TEST_RUN_DIR, which scripts/test.sh creates and, through a trap,
// stops and removes at the end. A test file run on its own (no run dir) gets a private node, killed when the file's
// process exits. Call close() in `after`: it ends the driver's connections, and leaves the node to later files.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import cassandra from 'cassandra-driver';
import { REPO_ROOT } from '../../dev/config.ts';
import { freePort, isAlive, waitUntil } from '../../dev/process.ts';

const run = promisify(execFile);
export const CASSANDRA_SCRIPT = join(REPO_ROOT, 'scripts', 'cassandra', 'cassandra.sh');

export interface CassandraOptions {
  /** big (Data.db + Index.db) or bti (Partitions.db + Rows.db). Default big. */
  sstableFormat?: 'big' | 'bti';
  /** NONE writes 5.0 formats (oa, da); CASSANDRA_4 writes 4.x-readable nb files. Default NONE. */
  storageCompatibilityMode?: 'NONE' | 'CASSANDRA_4';
}

export interface CassandraNode {
  host: string;
  cqlPort: number;
  jmxPort: number;
  /** The node's data_file_directories entry: <dataDir>/<keyspace>/<table>-<id>/. */
  dataDir: string;
  nodeDir: string;
  runDir: string;
  pid: number;
  sstableFormat: 'big' | 'bti';
  storageCompatibilityMode: 'NONE' | 'CASSANDRA_4';
  client: cassandra.Client;
  execute(cql: string, params?: unknown[]): Promise<cassandra.types.ResultSet>;
  /** nodetool against this node; resolves to its stdout, rejects with its stderr. */
  nodetool(...args: string[]): Promise<string>;
  /** The live table's directory, <dataDir>/<keyspace>/<table>-<id>/ (a dropped table's old directory may remain). */
  tableDir(keyspace: string, table: string): Promise<string>;
  /** Flushes memtables to SSTables: the whole node, a keyspace, or some of its tables. */
  flush(keyspace?: string, ...tables: string[]): Promise<void>;
  /** sstabledump (SSTableExport) on a *-Data.db path; resolves to its stdout (JSON unless -d/-e is given). */
  sstabledump(...args: string[]): Promise<string>;
  /** Closes the driver connections; the node keeps running for later test files. */
  close(): Promise<void>;
}

let privateRunDir: string | undefined;

/** The run-scoped directory shared by test files: $CASSBERG_TEST_RUN_DIR, or one private to this process. */
export function cassandraRunDir(): string {
  const shared = process.env.CASSBERG_TEST_RUN_DIR;
  if (shared) {
    mkdirSync(shared, { recursive: true });
    return shared;
  }
  if (!privateRunDir) {
    const dir = mkdtempSync(join(tmpdir(), 'cassberg-cassandra-'));
    privateRunDir = dir;
    // No run dir means no trap in a parent: this process stops its own nodes (synchronously, on exit).
    process.on('exit', () => {
      spawnSync('bash', ['-c', `for n in "${dir}"/cassandra-*/; do [ -f "$n/cassandra.pid" ] && kill -9 "$(cat "$n/cassandra.pid")" 2>/dev/null; done; true`]);
      rmSync(dir, { recursive: true, force: true });
    });
  }
  return privateRunDir;
}

function readNodeEnv(nodeDir: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(nodeDir, 'node.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!;
  }
  return env;
}

function runningPid(nodeDir: string): number | undefined {
  const file = join(nodeDir, 'cassandra.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return isAlive(pid) ? pid : undefined;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** A cross-process lock (mkdir is atomic); a lock left by a dead process is taken over. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${dir}.lock`;
  await waitUntil(`lock ${lock}`, async () => {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return true;
    } catch {
      const owner = Number(readFileSync(join(lock, 'pid'), 'utf8') || 0);
      if (owner && !isAlive(owner)) rmSync(lock, { recursive: true, force: true });
      return false;
    }
  }, { timeoutMs: 600_000, intervalMs: 500 });
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function startNode(nodeDir: string, opts: Required<CassandraOptions>): Promise<void> {
  const env = {
    ...process.env,
    CASSANDRA_CQL_PORT: String(await freePort()),
    CASSANDRA_STORAGE_PORT: String(await freePort()),
    CASSANDRA_JMX_PORT: String(await freePort()),
    CASSANDRA_HEAP: process.env.CASSBERG_CASSANDRA_HEAP ?? '768M',
    CASSANDRA_SSTABLE_FORMAT: opts.sstableFormat,
    CASSANDRA_STORAGE_COMPATIBILITY_MODE: opts.storageCompatibilityMode,
  };
  rmSync(nodeDir, { recursive: true, force: true });
  await run('bash', [CASSANDRA_SCRIPT, 'start', nodeDir], { env });
  const pid = runningPid(nodeDir);
  const cqlPort = Number(readNodeEnv(nodeDir).CQL_PORT);
  // The native transport opens last in startup, so an open CQL port means the node is serving.
  await waitUntil(`Cassandra in ${nodeDir}`, () => portOpen(cqlPort), { timeoutMs: 240_000, intervalMs: 500, pid, logFile: join(nodeDir, 'logs', 'system.log') });
}

const nodes = new Map<string, Promise<CassandraNode>>();

/** The run's node for these options, started (and waited for) only if no earlier test file started it. */
export function ensureCassandra(options: CassandraOptions = {}): Promise<CassandraNode> {
  const opts = { sstableFormat: options.sstableFormat ?? 'big', storageCompatibilityMode: options.storageCompatibilityMode ?? 'NONE' } as const;
  const key = `cassandra-${opts.sstableFormat}-${opts.storageCompatibilityMode}`;
  let node = nodes.get(key);
  if (!node) {
    node = openNode(join(cassandraRunDir(), key), opts);
    nodes.set(key, node);
    node.catch(() => nodes.delete(key));
  }
  return node;
}

async function openNode(nodeDir: string, opts: Required<CassandraOptions>): Promise<CassandraNode> {
  await withLock(nodeDir, async () => {
    if (runningPid(nodeDir) === undefined) await startNode(nodeDir, opts);
  });
  const env = readNodeEnv(nodeDir);
  const cqlPort = Number(env.CQL_PORT);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'],
    localDataCenter: 'datacenter1', // SimpleSnitch's only data center
    protocolOptions: { port: cqlPort },
  });
  await client.connect();
  const nodetool = async (...args: string[]) => (await run('bash', [CASSANDRA_SCRIPT, 'nodetool', nodeDir, ...args], { maxBuffer: 64 << 20 })).stdout;
  return {
    host: '127.0.0.1',
    cqlPort,
    jmxPort: Number(env.JMX_PORT),
    dataDir: join(nodeDir, 'data'),
    nodeDir,
    runDir: join(nodeDir, '..'),
    pid: runningPid(nodeDir)!,
    sstableFormat: opts.sstableFormat,
    storageCompatibilityMode: opts.storageCompatibilityMode,
    client,
    execute: (cql, params) => client.execute(cql, params as unknown[] | undefined, { prepare: Boolean(params?.length) }),
    nodetool,
    async tableDir(keyspace, table) {
      const rs = await client.execute('SELECT id FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], { prepare: true });
      const id = rs.first()?.get('id');
      if (!id) throw new Error(`no table ${keyspace}.${table} on the node in ${nodeDir}`);
      return join(nodeDir, 'data', keyspace, `${table}-${String(id).replaceAll('-', '')}`);
    },
    async flush(keyspace, ...tables) {
      await nodetool('flush', ...(keyspace ? [keyspace, ...tables] : []));
    },
    sstabledump: async (...args) => (await run('bash', [CASSANDRA_SCRIPT, 'sstabledump', ...args], { maxBuffer: 256 << 20 })).stdout,
    close: () => client.shutdown(),
  };
}
