// Every workflow the cassberg worker registers: worker.ts bundles this file (workflowsPath), so a workflow not
// exported here does not exist for Temporal.
export { Ping } from './ping.ts';
export { DataMovement } from './data-movement.ts';
export { MoveData, MoveDataBatch } from './move-data.ts';
