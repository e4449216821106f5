// Prometheus metrics of a worker: one registry, named after what operators ask ("how many movements fell
// back?", "how many bytes did the index let us skip?"). Served by `serveMetrics` on loopback by default.
import { createServer, type Server } from 'node:http';
import { isMainThread } from 'node:worker_threads';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'cassberg_process_' });

export const metrics = {
  movements: new Counter({ name: 'cassberg_movements_total', help: 'Finished data movements', labelNames: ['connector', 'outcome'], registers: [registry] }),
  fallbacks: new Counter({ name: 'cassberg_fallbacks_total', help: 'Movements that fell back to another connector', labelNames: ['from', 'to'], registers: [registry] }),
  discrepancies: new Counter({ name: 'cassberg_discrepancy_rows_total', help: 'Rows that differ between legacy and new output in shadow runs', labelNames: ['connector'], registers: [registry] }),
  rowsRead: new Counter({ name: 'cassberg_rows_read_total', help: 'Rows produced by the merge', labelNames: ['connector'], registers: [registry] }),
  rowsWritten: new Counter({ name: 'cassberg_rows_written_total', help: 'Rows written to Iceberg data files', labelNames: ['connector'], registers: [registry] }),
  bytesRead: new Counter({ name: 'cassberg_bytes_read_total', help: 'Bytes read from backup storage', labelNames: ['store'], registers: [registry] }),
  bytesWritten: new Counter({ name: 'cassberg_bytes_written_total', help: 'Bytes written to the warehouse', labelNames: ['store'], registers: [registry] }),
  bytesSkipped: new Counter({ name: 'cassberg_bytes_skipped_total', help: 'Data.db bytes not read thanks to the partition index', registers: [registry] }),
  decodeErrors: new Counter({ name: 'cassberg_decode_errors_total', help: 'Corrupt or unsupported SSTable input', labelNames: ['kind'], registers: [registry] }),
  storageRequests: new Counter({ name: 'cassberg_storage_requests_total', help: 'Object store requests', labelNames: ['store', 'operation', 'outcome'], registers: [registry] }),
  storageLatency: new Histogram({
    name: 'cassberg_storage_request_seconds',
    help: 'Object store request latency',
    labelNames: ['store', 'operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  splitDuration: new Histogram({
    name: 'cassberg_split_seconds',
    help: 'Duration of one compaction split',
    labelNames: ['connector'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  }),
};

export interface StorageObservation {
  store: string;
  operation: string;
  outcome: 'ok' | 'error';
  seconds: number;
}

/**
 * Worker threads have a registry of their own that nobody scrapes: there, storage calls are also kept as
 * observations that the thread hands back with its result and the main thread replays (`recordStorage`).
 */
const threadObservations: StorageObservation[] | undefined = isMainThread ? undefined : [];

export function drainStorageObservations(): StorageObservation[] {
  return threadObservations ? threadObservations.splice(0) : [];
}

export function recordStorage(o: StorageObservation): void {
  metrics.storageRequests.inc({ store: o.store, operation: o.operation, outcome: o.outcome });
  metrics.storageLatency.observe({ store: o.store, operation: o.operation }, o.seconds);
}

/** Times one storage call and counts it by outcome: the dependency tracking of the object store. */
export async function trackStorage<T>(store: string, operation: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome: 'ok' | 'error' = 'error';
  try {
    const result = await fn();
    outcome = 'ok';
    return result;
  } finally {
    const o = { store, operation, outcome, seconds: (performance.now() - started) / 1000 };
    recordStorage(o);
    threadObservations?.push(o);
  }
}

/** Serves /metrics: cassberg's registry followed by any extra text (the Temporal SDK runtime's own metrics). */
export function serveMetrics(port: number, host = '127.0.0.1', extra?: () => Promise<string>): Promise<Server> {
  const server = createServer(async (req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n');
      return;
    }
    try {
      const body = (await registry.metrics()) + (extra ? await extra() : '');
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
