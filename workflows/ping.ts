// Ping: the smallest end-to-end check of a running stack. The client starts it, a worker runs it, and its one
// activity reports which worker it ran on and whether that worker reaches the configured S3 buckets.
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { PingActivities, StackReport } from '../activities/ping.ts';
import { metadataActivity } from './activity-options.ts';

export interface PingInput {
  message: string;
}

export interface PingResult {
  message: string;
  workflowId: string;
  taskQueue: string;
  stack: StackReport;
}

const { describeStack } = proxyActivities<PingActivities>({ ...metadataActivity, startToCloseTimeout: '30 seconds' });

export async function Ping(input: PingInput): Promise<PingResult> {
  const info = workflowInfo();
  return { message: input.message, workflowId: info.workflowId, taskQueue: info.taskQueue, stack: await describeStack() };
}
