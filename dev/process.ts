// Small helpers for running the local servers (Temporal, MinIO, Cassandra) as child processes: free loopback ports,
// logs in files, and readiness polling that fails early, with the log's tail, when the server dies while we wait.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync, readFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { CassbergError } from '../engine/errors.ts';

/** A port that was free a moment ago on 127.0.0.1 (the OS picks it; another process could still take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** The last `lines` lines of a log file, for error messages. */
export function logTail(file: string, lines = 30): string {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * Spawns `command` with stdout and stderr appended to `logFile`. With `detached`, the child leads its own process group
 * and outlives this process (for `dev up`); otherwise it is killed when this process exits, so a crashed test file
 * leaves no server behind.
 */
export function spawnLogged(command: string, args: string[], logFile: string, opts: { env?: NodeJS.ProcessEnv; cwd?: string; detached?: boolean } = {}): ChildProcess {
  const fd = openSync(logFile, 'a');
  const options: SpawnOptions = { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', fd, fd], detached: opts.detached ?? false };
  const child = spawn(command, args, options);
  closeSync(fd);
  child.on('error', () => {}); // reported by waitUntil through exitCode/signalCode or the failed check
  // Unref'd either way: a server a test forgot to stop must not keep the test process alive.
  child.unref();
  if (!opts.detached) {
    const kill = () => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL');
    process.on('exit', kill);
    child.on('exit', () => process.off('exit', kill));
  }
  return child;
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Polls `ready` every `intervalMs` until it returns true. Throws a PreconditionFailed CassbergError naming `what` on
 * timeout, or as soon as `child` exits, with the tail of `logFile`.
 */
export async function waitUntil(what: string, ready: () => Promise<boolean>, opts: { timeoutMs: number; intervalMs?: number; child?: ChildProcess; pid?: number; logFile?: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  const fail = (why: string): never => {
    const tail = opts.logFile ? `\n--- ${opts.logFile} ---\n${logTail(opts.logFile)}` : '';
    throw new CassbergError('PreconditionFailed', `${what} ${why}${tail}`, { logFile: opts.logFile });
  };
  for (;;) {
    const ok = await ready().catch(() => false);
    // Checked after `ready` too: a server that lost its port to another process must not pass for ready.
    if (opts.child && (opts.child.exitCode !== null || opts.child.signalCode !== null)) fail(`exited (code ${opts.child.exitCode ?? opts.child.signalCode}) before it was ready`);
    if (opts.pid !== undefined && !isAlive(opts.pid)) fail(`(pid ${opts.pid}) exited before it was ready`);
    if (ok) return;
    if (Date.now() > deadline) fail(`not ready after ${Math.round(opts.timeoutMs / 1000)}s`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops a process (group, when `group`) known only by pid: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopPid(pid: number, opts: { group?: boolean; graceMs?: number } = {}): Promise<boolean> {
  const target = opts.group ? -pid : pid;
  const send = (sig: NodeJS.Signals) => {
    try {
      process.kill(target, sig);
    } catch {
      // already gone
    }
  };
  if (!isAlive(pid)) return false;
  send('SIGTERM');
  const deadline = Date.now() + (opts.graceMs ?? 15_000);
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) send('SIGKILL');
  return true;
}

/** An HTTP GET that resolves true on the expected status (used as a readiness check). */
export async function httpOk(url: string, status = 200): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status === status;
}
