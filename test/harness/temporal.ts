// A real Temporal server for tests: the CLI dev server on free loopback ports, in memory, with cassberg's search
// attributes registered. Start it in `before` and call stop() in `after`; if the test process dies the server is
// killed with it.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopChild } from '../../dev/process.ts';
import { spawnTemporalDevServer, waitForTemporal } from '../../dev/temporal.ts';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes.ts';

export interface TemporalServer {
  address: string;
  namespace: string;
  /** Set when started with { ui: true }. */
  uiPort?: number;
  /** The server's log (JSON lines, warnings and errors). */
  logFile: string;
  stop(): Promise<void>;
}

export interface StartTemporalOptions {
  namespace?: string;
  /** Start the Web UI too (on a free port). */
  ui?: boolean;
  /** Persist to this SQLite file instead of memory. */
  dbFile?: string;
}

export async function startTemporal(opts: StartTemporalOptions = {}): Promise<TemporalServer> {
  const dir = await mkdtemp(join(tmpdir(), 'cassberg-temporal-'));
  const port = await freePort();
  const uiPort = opts.ui ? await freePort() : undefined;
  const namespace = opts.namespace ?? 'default';
  const logFile = join(dir, 'temporal.log');
  const searchAttributes = Object.fromEntries(SEARCH_ATTRIBUTE_NAMES.map((name) => [name, 'Keyword']));
  const child = spawnTemporalDevServer({ port, namespace, uiPort, dbFile: opts.dbFile, searchAttributes, logFile });
  const address = `127.0.0.1:${port}`;
  try {
    await waitForTemporal(address, namespace, { child, logFile });
  } catch (err) {
    await stopChild(child, 1000);
    throw err;
  }
  let stopped = false;
  return {
    address,
    namespace,
    uiPort,
    logFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild(child, 10_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
