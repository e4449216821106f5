// `cassberg dashboard`: the migration dashboard on loopback, from Temporal visibility and the Controller rules.
import type { Command } from 'commander';
import { decide } from '../connectors/controller/decide.ts';
import { openControllerStore } from '../connectors/controller/open-store.ts';
import { loadConfig } from '../dev/config.ts';
import { serveDashboard } from '../dashboard/server.ts';
import { connectTarget, type ConfigSource } from './target.ts';

export function registerDashboardCommand(program: Command, configFile: ConfigSource): void {
  program
    .command('dashboard')
    .description('serve the migration dashboard (movements, connectors, fallbacks, discrepancies)')
    .option('--port <port>', 'port to listen on', '8090')
    .option('--host <host>', 'address to bind; keep it on loopback unless a proxy guards it', '127.0.0.1')
    .option('--db <location>', 'Controller rules database (default: the catalog in the config)')
    .action(async (opts: { port: string; host: string; db?: string }) => {
      const config = loadConfig(configFile());
      const target = await connectTarget(config);
      const catalog = config.iceberg.catalog;
      const store = await openControllerStore(opts.db ?? ('sqlite' in catalog ? catalog.sqlite : catalog.postgres));
      const server = await serveDashboard(
        {
          client: target.client,
          namespace: target.namespace,
          temporalUi: target.uiUrl ?? '',
          targets: async (seen) =>
            Promise.all(
              seen.map(async ({ cluster, table }) => {
                const [keyspace, name] = table.split('.');
                return { table, connector: (await decide({ cluster, keyspace: keyspace ?? '', table: name ?? '' }, store)).connector };
              }),
            ),
        },
        Number(opts.port),
        opts.host,
      );
      const { port } = server.address() as { port: number };
      console.log(`cassberg dashboard on http://${opts.host}:${port}/ (Ctrl-C to stop)`);
      const stop = () => server.close(() => void Promise.all([target.close(), store.close?.()]).then(() => process.exit(0)));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
