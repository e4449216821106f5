// `cassberg schedule create|list|pause|unpause|trigger|delete` over Temporal Schedules. A scheduled
// movement starts the same DataMovement workflow with the same JSON input as `temporal schedule create`.
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { parseMovementInput } from '../activities/movement-input.ts';

export interface TemporalTarget {
  client: Client;
  taskQueue: string;
  close(): Promise<void>;
}

const OVERLAP: Record<string, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  'buffer-all': ScheduleOverlapPolicy.BUFFER_ALL,
  'cancel-other': ScheduleOverlapPolicy.CANCEL_OTHER,
  'terminate-other': ScheduleOverlapPolicy.TERMINATE_OTHER,
  'allow-all': ScheduleOverlapPolicy.ALLOW_ALL,
};

export function registerScheduleCommands(program: Command, connect: () => Promise<TemporalTarget>): void {
  const schedule = program.command('schedule').description('schedule data movements with Temporal Schedules');

  schedule
    .command('create <scheduleId>')
    .description('create a schedule that starts a DataMovement')
    .requiredOption('--input <file>', 'DataMovement input as a JSON file')
    .option('--cron <expr...>', 'cron expression(s), e.g. "0 3 * * *"')
    .option('--every <interval>', 'an interval such as 1h or 1d')
    .option('--overlap <policy>', `what to do when the previous run still runs: ${Object.keys(OVERLAP).join(', ')}`, 'skip')
    .option('--catchup-window <duration>', 'how late a missed run may still start', '1h')
    .option('--paused', 'create the schedule paused')
    .action(async (scheduleId: string, opts) => {
      if (!opts.cron && !opts.every) throw new Error('schedule create: give --cron or --every');
      const overlap = OVERLAP[opts.overlap];
      if (overlap === undefined) throw new Error(`schedule create: --overlap must be one of ${Object.keys(OVERLAP).join(', ')}, not ${opts.overlap}`);
      const input = parseMovementInput(JSON.parse(await readFile(opts.input, 'utf8')));
      await withTarget(connect, async ({ client, taskQueue }) => {
        await client.schedule.create({
          scheduleId,
          spec: { cronExpressions: opts.cron, intervals: opts.every ? [{ every: opts.every }] : undefined },
          action: { type: 'startWorkflow', workflowType: 'DataMovement', args: [input], taskQueue, workflowId: `${scheduleId}-movement` },
          policies: { overlap, catchupWindow: opts.catchupWindow },
          state: { paused: Boolean(opts.paused), note: 'created by cassberg' },
        });
        console.log(`schedule ${scheduleId} created (${opts.cron ? `cron ${opts.cron.join(', ')}` : `every ${opts.every}`}, overlap ${opts.overlap})`);
      });
    });

  schedule
    .command('list')
    .option('--json', 'print JSON')
    .action(async (opts) =>
      withTarget(connect, async ({ client }) => {
        const rows = [];
        for await (const s of client.schedule.list()) {
          rows.push({ scheduleId: s.scheduleId, paused: s.state.paused, workflowType: s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined, next: s.info.nextActionTimes[0]?.toISOString(), recent: s.info.recentActions.at(-1)?.takenAt.toISOString() });
        }
        if (opts.json) console.log(JSON.stringify(rows, null, 2));
        else for (const r of rows) console.log(`${r.scheduleId}\t${r.paused ? 'paused' : 'active'}\tnext ${r.next ?? '-'}\tlast ${r.recent ?? '-'}`);
      }),
    );

  for (const [name, description] of [
    ['pause', 'pause a schedule'],
    ['unpause', 'resume a paused schedule'],
    ['trigger', 'start one movement now'],
    ['delete', 'delete a schedule (running movements continue)'],
  ] as const) {
    schedule
      .command(`${name} <scheduleId>`)
      .description(description)
      .action(async (scheduleId: string) =>
        withTarget(connect, async ({ client }) => {
          const handle = client.schedule.getHandle(scheduleId);
          if (name === 'pause') await handle.pause('paused by cassberg');
          else if (name === 'unpause') await handle.unpause('resumed by cassberg');
          else if (name === 'trigger') await handle.trigger();
          else await handle.delete();
          console.log(`schedule ${scheduleId}: ${name} done`);
        }),
      );
  }
}

async function withTarget(connect: () => Promise<TemporalTarget>, fn: (t: TemporalTarget) => Promise<void>): Promise<void> {
  const target = await connect();
  try {
    await fn(target);
  } finally {
    await target.close();
  }
}
