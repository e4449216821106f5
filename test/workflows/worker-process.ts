// A cassberg worker in its own process, for the robustness test and bench/movement.ts: what `tsx worker.ts --config`
// runs (createWorkerFromConfig's dependencies, from the same YAML), except that the split size is taken from
// CASSBERG_MAX_SPLIT_BYTES so a tiny table can still be cut into many splits (and split checkpoints spaced by
// CASSBERG_SPLIT_CHECKPOINT_BYTES). Prints "ready" once it polls.
import { loadConfig } from '../../dev/config.ts';
import { temporalConnectionOptions } from '../../dev/connection.ts';
import { activityDepsFromConfig, createWorker, movementDepsFromConfig } from '../../worker.ts';

const i = process.argv.indexOf('--config');
const config = loadConfig(i >= 0 ? process.argv[i + 1] : undefined);
const movement = await movementDepsFromConfig(config);
const maxSplitBytes = Number(process.env.CASSBERG_MAX_SPLIT_BYTES);
if (maxSplitBytes > 0) movement.maxSplitBytes = maxSplitBytes;
const checkpointBytes = Number(process.env.CASSBERG_SPLIT_CHECKPOINT_BYTES);
if (checkpointBytes > 0) movement.splitCheckpointBytes = checkpointBytes;
const worker = await createWorker({
  connection: temporalConnectionOptions(config),
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  deps: { ...activityDepsFromConfig(config), movement },
});
console.log(`ready ${process.pid}`);
try {
  await worker.run();
} finally {
  await movement.pool?.close();
  await movement.catalog.close();
}
