// The worker's activities, built once from their dependencies (samples-typescript
// activities-dependency-injection): worker.ts creates the S3 client and the rest, then passes them here.
// Each group of activities lives in its own module with its own create*Activities factory.
import { createPingActivities, type PingDeps } from './ping.ts';

export type ActivityDeps = PingDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
  };
}

export type CassbergActivities = ReturnType<typeof createActivities>;
