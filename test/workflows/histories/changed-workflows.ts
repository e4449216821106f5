// A DataMovement of a different shape than workflows/data-movement.ts (it decides before validating its input), used
// only by replay.test.ts to show that replaying a recorded history against changed workflow code fails.
import { proxyActivities } from '@temporalio/workflow';
import type { DataMovementInput, MovementActivities, MovementJob } from '../../../activities/contracts.ts';

export async function DataMovement(input: DataMovementInput): Promise<string> {
  const acts = proxyActivities<MovementActivities>({ startToCloseTimeout: '1 minute' });
  const decision = await acts.decide(input as MovementJob);
  await acts.prepareJob(input, 'changed');
  return decision.connector;
}
