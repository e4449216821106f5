// The cassberg worker: builds the activities' dependencies once (S3 client, buckets), connects to Temporal and
// polls the configured task queue. `tsx worker.ts [--config file]` runs it in the foreground; `cassberg dev up`
// starts it in the background; tests call createWorker() against their own servers.
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { S3Client } from '@aws-sdk/client-s3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createActivities, type ActivityDeps } from './activities/index.ts';
import { createSplitPool, type MovementDeps } from './activities/movement.ts';
import { createWarehouseIo } from './activities/movement/warehouse.ts';
import { openControllerStore } from './connectors/controller/open-store.ts';
import { PostgresDriver } from './engine/iceberg/catalog/postgres-driver.ts';
import { SqlCatalog, SqliteDriver } from './engine/iceberg/catalog/sql.ts';
import { loadConfig, type CassbergConfig } from './dev/config.ts';
import { temporalConnectionOptions, type TemporalConnectionOptions } from './dev/connection.ts';
import { CassbergError } from './engine/errors.ts';
import { createS3Client } from './engine/storage/s3.ts';
import { serveMetrics } from './observability/metrics.ts';

export const WORKFLOWS_PATH = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

export interface CassbergWorkerOptions {
  connection: TemporalConnectionOptions;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Bounds workflow-isolate memory (sdk-typescript#2227); the default suits a laptop. */
  maxCachedWorkflows?: number;
}

export interface CassbergWorker {
  worker: Worker;
  /** Runs until shutdown() (or SIGINT/SIGTERM), then closes the connection. */
  run(): Promise<void>;
  shutdown(): void;
}

export async function createWorker(opts: CassbergWorkerOptions): Promise<CassbergWorker> {
  const connection = await NativeConnection.connect(opts.connection);
  try {
    const worker = await Worker.create({
      connection,
      namespace: opts.namespace,
      taskQueue: opts.taskQueue,
      workflowsPath: WORKFLOWS_PATH,
      activities: createActivities(opts.deps),
      maxCachedWorkflows: opts.maxCachedWorkflows ?? 200,
    });
    return {
      worker,
      async run() {
        try {
          await worker.run();
        } finally {
          await connection.close();
        }
      },
      shutdown: () => worker.shutdown(),
    };
  } catch (err) {
    await connection.close();
    throw err;
  }
}

export function s3ClientFromConfig(config: CassbergConfig): S3Client {
  return createS3Client({ endpoint: config.s3.endpoint, region: config.s3.region, credentials: config.s3.credentials });
}

export function activityDepsFromConfig(config: CassbergConfig): ActivityDeps {
  return { s3: s3ClientFromConfig(config), buckets: { ...config.s3.buckets } };
}

/** The movement activities' dependencies: backup S3 options, warehouse IO, the SQL catalog (also the rule store), a thread pool. */
export async function movementDepsFromConfig(config: CassbergConfig): Promise<MovementDeps> {
  const { endpoint, region, credentials } = config.s3;
  const backupS3Options = { ...(endpoint ? { endpoint, forcePathStyle: true } : {}), ...(region ? { region } : {}), ...(credentials ? { credentials } : {}) };
  const c = config.iceberg.catalog;
  if ('sqlite' in c) mkdirSync(dirname(c.sqlite), { recursive: true });
  const catalog = new SqlCatalog(c.name, 'sqlite' in c ? new SqliteDriver(c.sqlite) : new PostgresDriver({ connectionString: c.postgres }));
  await catalog.initialize();
  const url = config.iceberg.warehouse;
  return {
    backupS3Options, warehouse: { url, io: createWarehouseIo(url, backupS3Options) }, catalog,
    controllerStore: await openControllerStore('sqlite' in c ? c.sqlite : c.postgres),
    ...(process.env.CASSBERG_ALERT_WEBHOOK ? { alertWebhookUrl: process.env.CASSBERG_ALERT_WEBHOOK } : {}),
    pool: createSplitPool(),
  };
}

export async function createWorkerFromConfig(config: CassbergConfig): Promise<CassbergWorker> {
  return createWorker({
    connection: temporalConnectionOptions(config),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    deps: { ...activityDepsFromConfig(config), movement: await movementDepsFromConfig(config) },
  });
}

/**
 * One /metrics for the whole worker: cassberg's registry, then the Temporal SDK runtime's own Prometheus
 * exporter (bound on the next port, loopback) appended. Must run before any Temporal connection exists.
 */
export async function serveWorkerMetrics(port: number): Promise<void> {
  const sdkAddress = `127.0.0.1:${port + 1}`;
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress: sdkAddress } } } });
  const server = await serveMetrics(port, '127.0.0.1', async () => {
    const res = await fetch(`http://${sdkAddress}/metrics`).catch(() => undefined);
    return res?.ok ? await res.text() : '';
  });
  server.unref();
  console.log(`cassberg worker: metrics on http://127.0.0.1:${port}/metrics`);
}

function configArg(argv: string[]): string | undefined {
  const i = argv.indexOf('--config');
  return i >= 0 ? argv[i + 1] : undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const config = loadConfig(configArg(process.argv));
    if (config.worker.metricsPort) await serveWorkerMetrics(config.worker.metricsPort);
    const worker = await createWorkerFromConfig(config);
    console.log(`cassberg worker: task queue ${config.temporal.taskQueue} on ${config.temporal.address} (namespace ${config.temporal.namespace})`);
    await worker.run();
  } catch (err) {
    console.error(err instanceof CassbergError ? `cassberg worker: ${err.message}` : err);
    process.exitCode = 1;
  }
}
