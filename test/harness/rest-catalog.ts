// A throwaway Iceberg REST catalog for tests: Apache Iceberg's REST fixture
// (org.apache.iceberg.rest.RESTCatalogServer, jars from Maven Central via
// scripts/rest-catalog/install.sh) on a free port, with a JdbcCatalog on a SQLite file and a
// file:// warehouse in a temp directory. Plus an intercepting HTTP proxy to put in front of it,
// which records requests and can inject status codes, delays and lost responses.

import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, openSync, closeSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const INSTALL = fileURLToPath(new URL('../../scripts/rest-catalog/install.sh', import.meta.url));
const MAIN_CLASS = 'org.apache.iceberg.rest.RESTCatalogServer';

export interface RestCatalogServer {
  uri: string;
  port: number;
  /** file:// URL of the warehouse (the fixture's CATALOG_WAREHOUSE). */
  warehouse: string;
  dir: string;
  /** The server's log so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The directory holding the fixture's jars; installs them (idempotent) or fails naming what is missing. */
export function restCatalogLib(): string {
  try {
    return execFileSync('bash', [INSTALL], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 }).trim().split('\n').pop()!;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`rest catalog: scripts/rest-catalog/install.sh failed (needs java 17 and mvn with access to Maven Central): ${e.stderr || e.message}`);
  }
}

async function waitReady(uri: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`rest catalog: server exited with ${child.exitCode}: ${log().slice(-3000)}`);
    try {
      const res = await fetch(`${uri}/v1/config`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`rest catalog: not ready after ${timeoutMs} ms: ${log().slice(-3000)}`);
}

/** Starts the fixture; it binds the port on all interfaces (Jetty's `new Server(port)`), tests use 127.0.0.1. */
export async function startRestCatalog(opts: { catalogName?: string; timeoutMs?: number } = {}): Promise<RestCatalogServer> {
  const lib = restCatalogLib();
  const dir = mkdtempSync(join(tmpdir(), 'cassberg-rest-'));
  const port = await freePort();
  const warehouse = pathToFileURL(join(dir, 'wh')).href;
  const logPath = join(dir, 'server.log');
  const fd = openSync(logPath, 'a');
  // Only our CATALOG_* settings reach the server: inherited ones would change its configuration.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CATALOG_')));
  const child = spawn('java', ['-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', `${lib}/*`, MAIN_CLASS], {
    env: {
      ...env, CATALOG_REST_PORT: String(port), CATALOG_URI: `jdbc:sqlite:file:${join(dir, 'catalog.db')}`,
      CATALOG_WAREHOUSE: warehouse, CATALOG_CATALOG_NAME: opts.catalogName ?? 'cassberg',
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const log = (): string => { try { return readFileSync(logPath, 'utf8'); } catch { return ''; } };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const uri = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(uri, child, log, opts.timeoutMs ?? 90_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { uri, port, warehouse, dir, log, stop };
}

export interface ProxiedRequest { method: string; path: string; headers: IncomingHttpHeaders; body: string }

/**
 * What the proxy does with a request: forward it (optionally rewriting the path), answer it
 * itself, forward it and then answer with another status (the response is "lost"), or forward
 * it after a delay.
 */
export type ProxyAction =
  | { kind: 'forward'; path?: string; delayMs?: number }
  | { kind: 'respond'; status: number; body?: string; delayMs?: number }
  | { kind: 'forward-then-respond'; status: number; body?: string };

export interface RestProxy { uri: string; requests: ProxiedRequest[]; close(): Promise<void> }

/** An HTTP proxy on 127.0.0.1 in front of `target`; `intercept` decides per request (default: forward). */
export async function startRestProxy(target: string, intercept: (req: ProxiedRequest) => ProxyAction | Promise<ProxyAction> = () => ({ kind: 'forward' })): Promise<RestProxy> {
  const requests: ProxiedRequest[] = [];
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ProxiedRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(r);
      void handle(r).then(({ status, headers, body }) => { res.writeHead(status, headers); res.end(body); }, (err: Error) => { res.writeHead(599); res.end(err.message); });
    });
  });
  const sleep = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));
  const forward = async (r: ProxiedRequest, path = r.path): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (typeof v === 'string' && !['host', 'content-length', 'connection'].includes(k)) headers[k] = v;
    const res = await fetch(`${target}${path}`, { method: r.method, headers, body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body });
    return { status: res.status, headers: { 'content-type': res.headers.get('content-type') ?? 'application/json' }, body: await res.text() };
  };
  const handle = async (r: ProxiedRequest): Promise<{ status: number; headers: Record<string, string>; body: string }> => {
    const action = await intercept(r);
    if (action.kind === 'respond') {
      await sleep(action.delayMs);
      return { status: action.status, headers: { 'content-type': 'application/json' }, body: action.body ?? '' };
    }
    if (action.kind === 'forward-then-respond') {
      await forward(r);
      return { status: action.status, headers: { 'content-type': 'application/json' }, body: action.body ?? '' };
    }
    await sleep(action.delayMs);
    return forward(r, action.path);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    uri: `http://127.0.0.1:${port}`, requests,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
