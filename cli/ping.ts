// `cassberg ping`: runs the Ping workflow on the configured Temporal and task queue and prints what the worker saw.
import type { Command } from 'commander';
import type { PingResult } from '../workflows/ping.ts';
import type { CassbergTarget } from './target.ts';

export function registerPingCommand(program: Command, connect: () => Promise<CassbergTarget>): void {
  program
    .command('ping')
    .description('run the Ping workflow: proves client → Temporal → worker → S3 works')
    .option('--message <text>', 'echoed back by the workflow', 'ping')
    .option('--timeout <seconds>', 'give up after this long (no worker polling?)', '30')
    .action(async (opts: { message: string; timeout: string }) => {
      const target = await connect();
      try {
        const workflowId = `ping-${Date.now()}`;
        const result = (await target.client.workflow.execute('Ping', {
          taskQueue: target.taskQueue,
          workflowId,
          args: [{ message: opts.message }],
          workflowExecutionTimeout: `${Number(opts.timeout)}s`,
        })) as PingResult;
        console.log(`${result.message} from worker ${result.stack.pid}@${result.stack.host} on task queue ${result.taskQueue}`);
        for (const b of result.stack.buckets) console.log(`  ${b.role} bucket ${b.bucket}: ${b.status}`);
        if (target.uiUrl) console.log(`  ${target.uiUrl}/namespaces/${target.namespace}/workflows/${workflowId}`);
      } finally {
        await target.close();
      }
    });
}
