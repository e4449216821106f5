// The Temporal connection every workflow command uses, made from the config only when a command needs it, so
// `cassberg --help` and offline commands never dial Temporal.
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type CassbergConfig } from '../dev/config.ts';
import { temporalConnectionOptions } from '../dev/connection.ts';
import { uiUrl } from '../dev/stack.ts';
import type { TemporalTarget } from './schedule.ts';

export interface CassbergTarget extends TemporalTarget {
  config: CassbergConfig;
  namespace: string;
  uiUrl?: string;
}

export async function connectTarget(config: CassbergConfig): Promise<CassbergTarget> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return {
    config,
    client: new Client({ connection, namespace: config.temporal.namespace }),
    taskQueue: config.temporal.taskQueue,
    namespace: config.temporal.namespace,
    uiUrl: uiUrl(config),
    close: () => connection.close(),
  };
}

/** The --config option of the root command, read when the action runs. */
export type ConfigSource = () => string | undefined;

export function targetFrom(configFile: ConfigSource): () => Promise<CassbergTarget> {
  return () => connectTarget(loadConfig(configFile()));
}
