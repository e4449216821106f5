// How cassberg runs the Temporal CLI dev server (the full server on SQLite, with the Web UI) for `cassberg dev up` and
// test/harness/temporal.ts: one place for its flags, and a readiness check that goes through the SDK.

import { Connection } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CassbergError } from '../engine/errors.ts';
import { spawnLogged, waitUntil } from './process.ts';
import { tools } from './tools.ts';

export interface TemporalDevServerOptions {
  port: number;
  namespace: string;
  /** Omitted: --headless (no UI). */
  uiPort?: number;
  /** Omitted: in memory, gone when the server stops. */
  dbFile?: string;
  searchAttributes: Record<string, string>;
  logFile: string;
  detached?: boolean;
}

export function requireTemporal(): string {
  if (!existsSync(tools.temporal)) {
    throw new CassbergError('PreconditionFailed', `the Temporal CLI is not installed at ${tools.temporal}: run scripts/bootstrap.sh`, { path: tools.temporal });
  }
  return tools.temporal;
}

export function temporalDevServerArgs(o: TemporalDevServerOptions): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--log-level', 'warn', '--log-format', 'json'];
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  if (o.uiPort === undefined) args.push('--headless');
  else args.push('--ui-ip', '127.0.0.1', '--ui-port', String(o.uiPort));
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  for (const [name, type] of Object.entries(o.searchAttributes)) args.push('--search-attribute', `${name}=${type}`);
  // The values the SDK's own ephemeral server uses: no version-check call home, updates enabled.
  for (const kv of ['frontend.enableServerVersionCheck=false', 'frontend.enableUpdateWorkflowExecution=true', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true']) {
    args.push('--dynamic-config-value', kv);
  }
  return args;
}

export function spawnTemporalDevServer(o: TemporalDevServerOptions): ChildProcess {
  return spawnLogged(requireTemporal(), temporalDevServerArgs(o), o.logFile, { detached: o.detached });
}

/** True once the frontend answers and the namespace exists (it is created shortly after the port opens). */
export async function temporalReady(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}

export function waitForTemporal(address: string, namespace: string, opts: { child?: ChildProcess; pid?: number; logFile: string; timeoutMs?: number }): Promise<void> {
  return waitUntil(`Temporal dev server at ${address}`, () => temporalReady(address, namespace), { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 300, ...opts });
}
