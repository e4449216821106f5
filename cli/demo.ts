// `cassberg demo`: from a fresh clone to a running stack in one command: the tools bootstrap, `dev up`, then a Ping
// through the whole path, ending with where the Temporal UI is.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import { CassbergError } from '../engine/errors.ts';
import { loadConfig, REPO_ROOT } from '../dev/config.ts';
import { stackUp, uiUrl } from '../dev/stack.ts';
import { connectTarget, type ConfigSource } from './target.ts';
import type { PingResult } from '../workflows/ping.ts';

export function registerDemoCommand(program: Command, configFile: ConfigSource): void {
  program
    .command('demo')
    .description('bootstrap the tools, start the local stack and run a Ping workflow through it')
    .action(async () => {
      console.log('# bootstrap (tools cached outside the clone)');
      const boot = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'bootstrap.sh')], { stdio: 'inherit' });
      if (boot.status !== 0) throw new CassbergError('PreconditionFailed', `scripts/bootstrap.sh failed (exit ${boot.status ?? boot.signal})`);
      const config = loadConfig(configFile());
      console.log('# dev up');
      await stackUp(config, (line) => console.log(line));
      console.log('# ping');
      const target = await connectTarget(config);
      try {
        const workflowId = `demo-ping-${Date.now()}`;
        const result = (await target.client.workflow.execute('Ping', { taskQueue: target.taskQueue, workflowId, args: [{ message: 'hello from cassberg demo' }], workflowExecutionTimeout: '60s' })) as PingResult;
        console.log(`${result.message}: worker ${result.stack.pid}@${result.stack.host}; buckets ${result.stack.buckets.map((b) => `${b.bucket} ${b.status}`).join(', ')}`);
      } finally {
        await target.close();
      }
      const ui = uiUrl(config);
      if (ui) console.log(`\nTemporal UI: ${ui}/namespaces/${config.temporal.namespace}/workflows\nStop the stack with: npx cassberg dev down`);
    });
}
