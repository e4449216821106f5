// `cassberg move` starts a DataMovement and follows it with a progress line until it ends;
// `cassberg status <id>` shows one movement: status, phase, progress, result or failure.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { parseMovementInput } from '../activities/movement-input.ts';
import type { DataMovementInput, MovementOutcome } from '../activities/contracts.ts';
import type { DataMovementProgress } from '../workflows/data-movement.ts';
import type { MoveDataProgress } from '../workflows/move-data.ts';
import type { TemporalTarget } from './schedule.ts';

export function registerMoveCommands(program: Command, connect: () => Promise<TemporalTarget & { uiUrl?: string; namespace?: string }>): void {
  program
    .command('move')
    .description('start a DataMovement and follow its progress')
    .option('--input <file>', 'DataMovement input as a JSON file (or give the flags below)')
    .option('--backup <url>', 'backup store, s3://bucket/prefix or file:///path')
    .option('--cluster <name>', 'source cluster name')
    .option('--table <keyspace.table>', 'source table')
    .option('--to <namespace.table>', 'destination Iceberg table')
    .option('--as-of <iso>', 'newest complete backup at or before this instant')
    .option('--connector <name>', 'ask for a connector (the Controller validates it)')
    .option('--mode <mode>', 'primary or shadow')
    .option('--id <workflowId>', 'workflow id (default: move-<keyspace>-<table>-<time>)')
    .option('--no-wait', 'start and return the id')
    .action(async (opts) => {
      const input = parseMovementInput(opts.input ? JSON.parse(await readFile(opts.input, 'utf8')) : inputFromFlags(opts));
      const target = await connect();
      try {
        const workflowId = opts.id ?? `move-${input.source.keyspace}-${input.source.table}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        const handle = await target.client.workflow.start('DataMovement', { taskQueue: target.taskQueue, workflowId, args: [input] });
        console.log(`started DataMovement ${workflowId}`);
        if (target.uiUrl) console.log(`  ${target.uiUrl}/namespaces/${target.namespace ?? 'default'}/workflows/${workflowId}`);
        if (!opts.wait) return;
        const outcome = await follow(target.client, workflowId, handle.result() as Promise<MovementOutcome>);
        printOutcome(outcome);
      } finally {
        await target.close();
      }
    });

  program
    .command('status <workflowId>')
    .description('show one movement')
    .option('--json', 'print JSON')
    .action(async (workflowId: string, opts) => {
      const target = await connect();
      try {
        const handle = target.client.workflow.getHandle(workflowId);
        const description = await handle.describe();
        const status = description.status.name;
        const info: Record<string, unknown> = { workflowId, status, startTime: description.startTime, closeTime: description.closeTime, memo: description.memo };
        if (status === 'RUNNING') info.progress = await handle.query<DataMovementProgress>('progress');
        if (status === 'COMPLETED') info.result = await handle.result();
        if (status === 'FAILED') info.failure = await handle.result().catch((err: Error) => failureMessage(err));
        if (opts.json) console.log(JSON.stringify(info, null, 2));
        else for (const [k, v] of Object.entries(info)) if (v !== undefined) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      } finally {
        await target.close();
      }
    });
}

function inputFromFlags(opts: Record<string, string | undefined>): DataMovementInput {
  const [keyspace, table] = (opts.table ?? '').split('.');
  const [namespace, destTable] = (opts.to ?? '').split('.');
  const options: NonNullable<DataMovementInput['options']> = {};
  if (opts.connector) options.connector = opts.connector;
  if (opts.mode) options.mode = opts.mode as 'primary' | 'shadow';
  return {
    source: { backupUrl: opts.backup ?? '', cluster: opts.cluster ?? '', keyspace: keyspace ?? '', table: table ?? '' },
    ...(opts.asOf ? { asOf: opts.asOf } : {}),
    destination: { namespace: namespace ?? '', table: destTable ?? '' },
    options,
  };
}

/** Polls the movement and its MoveData child, printing one progress line, until the result arrives. */
async function follow(client: Client, workflowId: string, result: Promise<MovementOutcome>): Promise<MovementOutcome> {
  let done = false;
  const settled = result.finally(() => (done = true));
  const tty = process.stdout.isTTY;
  while (!done) {
    await Promise.race([settled.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    if (done) break;
    const line = await progressLine(client, workflowId).catch(() => undefined);
    if (line) process.stdout.write(tty ? `\r${line.padEnd(78)}` : `${line}\n`);
  }
  if (tty) process.stdout.write('\n');
  try {
    return await settled;
  } catch (err) {
    throw new Error(`movement ${workflowId} failed: ${failureMessage(err as Error)}`);
  }
}

async function progressLine(client: Client, workflowId: string): Promise<string> {
  const top = await client.workflow.getHandle(workflowId).query<DataMovementProgress>('progress');
  const child = top.children.at(-1);
  if (!child || top.phase !== 'moving') return `${top.phase} ${top.connector ?? ''}`;
  const p = await client.workflow.getHandle(child).query<MoveDataProgress>('progress');
  const width = 30;
  const filled = p.splitCount ? Math.round((p.splitsDone / p.splitCount) * width) : 0;
  return `${top.connector} ${p.phase} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.splitsDone}/${p.splitCount} splits, ${p.rows} rows`;
}

function printOutcome(o: MovementOutcome): void {
  console.log(`connector: ${o.connector}${o.fallbackTaken ? ` (fallback from ${o.decision.connector}: ${o.fallbackReason})` : ''}`);
  console.log(`decision:  ${o.decision.connector} (${o.decision.mode}) — ${o.decision.reason}`);
  console.log(`backup:    ${o.backup.backupId} (finished ${o.backup.finishedAt}, reference time ${o.backup.referenceTime})`);
  console.log(`splits:    ${o.splits}`);
  console.log(`rows:      ${o.rows} in ${o.files} files`);
  console.log(`snapshot:  ${o.snapshotId}`);
  if (o.validation) console.log(`shadow:    ${o.validation.similarityPercent}% similar (${o.validation.onlyInA} only in legacy, ${o.validation.onlyInB} only in new), report ${o.validation.reportKey}`);
}

function failureMessage(err: Error): string {
  let cur: Error | undefined = err instanceof WorkflowFailedError ? (err.cause as Error) : err;
  const parts: string[] = [];
  while (cur) {
    parts.push(cur.message);
    cur = cur.cause as Error | undefined;
  }
  return parts.join(' ← ');
}
