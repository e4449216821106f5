// The worker's activities, built once from their dependencies (samples-typescript
// activities-dependency-injection): worker.ts creates the S3 client and the rest, then passes them here.
// Each group of activities lives in its own module with its own create*Activities factory.
import { createPingActivities, type PingDeps } from './ping.ts';
import { createMovementActivities, type MovementDeps } from './movement.ts';

/** `movement` is optional so a worker without a warehouse and catalog still serves Ping. */
export type ActivityDeps = PingDeps & { movement?: MovementDeps };

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPingActivities(deps),
    ...(deps.movement ? createMovementActivities(deps.movement) : {}),
  };
}

export type CassbergActivities = ReturnType<typeof createActivities>;
