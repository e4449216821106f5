// `cassberg dev up|down|status`: the local stack (Temporal dev server with UI, MinIO, a worker) from temporal-dev.yml.
import type { Command } from 'commander';
import { loadConfig } from '../dev/config.ts';
import { stackDown, stackStatus, stackUp, uiUrl } from '../dev/stack.ts';
import type { ConfigSource } from './target.ts';

export function registerDevCommands(program: Command, configFile: ConfigSource): void {
  const dev = program.command('dev').description('run the local stack: Temporal dev server + UI, MinIO, a cassberg worker');

  dev
    .command('up')
    .description('start what is not running yet (detached; pid files and logs in the state dir)')
    .action(async () => {
      const config = loadConfig(configFile());
      await stackUp(config, (line) => console.log(line));
      const ui = uiUrl(config);
      if (ui) console.log(`Temporal UI: ${ui}/namespaces/${config.temporal.namespace}/workflows`);
    });

  dev
    .command('down')
    .description('stop the processes `dev up` started (data stays)')
    .action(async () => {
      await stackDown(loadConfig(configFile()), (line) => console.log(line));
    });

  dev
    .command('status')
    .description('what runs where: pids, addresses, the UI URL')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const config = loadConfig(configFile());
      const services = stackStatus(config);
      if (opts.json) {
        console.log(JSON.stringify({ config: config.file, uiUrl: uiUrl(config), services }, null, 2));
        return;
      }
      for (const s of services) {
        const state = !s.managed ? 'external' : s.running ? `running (pid ${s.pid})` : 'stopped';
        console.log(`${s.name.padEnd(9)} ${state.padEnd(22)} ${s.where}`);
      }
      const ui = uiUrl(config);
      if (ui) console.log(`Temporal UI: ${ui}`);
      console.log(`state and logs: ${config.worker.stateDir}`);
    });
}
