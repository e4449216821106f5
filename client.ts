// cassberg's command line (`npx cassberg …`). Each command group lives in its own module under cli/ and is
// registered here; workflow commands share one lazily made Temporal connection from the config.
import { Command } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CassbergError } from './engine/errors.ts';
import { registerBackupsCommands } from './cli/backups.ts';
import { registerControllerCommands } from './cli/controller.ts';
import { registerDashboardCommand } from './cli/dashboard.ts';
import { registerDemoCommand } from './cli/demo.ts';
import { registerDevCommands } from './cli/dev.ts';
import { registerMoveCommands } from './cli/move.ts';
import { registerPingCommand } from './cli/ping.ts';
import { registerScheduleCommands } from './cli/schedule.ts';
import { registerSstableCommands } from './cli/sstable.ts';
import { registerValidateCommand } from './cli/validate.ts';
import { targetFrom } from './cli/target.ts';

export function createProgram(): Command {
  const program = new Command('cassberg')
    .description('Move Apache Cassandra data from SSTable backups in S3 into Apache Iceberg tables, orchestrated by Temporal')
    .option('--config <file>', 'stack config (default: $CASSBERG_CONFIG, else temporal-dev.yml in the repository)')
    .showHelpAfterError();
  const configFile = () => program.opts<{ config?: string }>().config;
  const connect = targetFrom(configFile);
  registerDemoCommand(program, configFile);
  registerDevCommands(program, configFile);
  registerPingCommand(program, connect);
  registerMoveCommands(program, connect);
  registerScheduleCommands(program, connect);
  registerControllerCommands(program, configFile);
  registerDashboardCommand(program, configFile);
  registerValidateCommand(program, configFile);
  registerBackupsCommands(program);
  registerSstableCommands(program);
  return program;
}

/** Runs the CLI; cassberg's own errors print as one line, anything else with its stack. */
export async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    // A command may report a result as an exit status (validate: the tables differ) without throwing.
    return Number(process.exitCode ?? 0);
  } catch (err) {
    if (err instanceof CassbergError) console.error(`cassberg: ${err.message}`);
    else console.error(err);
    return 1;
  }
}

// Run when started as a program (directly, or through bin/cassberg.mjs, npx's symlink included), not when a test imports it.
const entry = process.argv[1] ? realpathSync(process.argv[1]) : '';
if ([fileURLToPath(import.meta.url), fileURLToPath(new URL('./bin/cassberg.mjs', import.meta.url))].includes(entry)) {
  process.exitCode = await main(process.argv);
}
