// `cassberg controller get|set|history|rollback|decide|connectors`: the Connector Controller's routing rules, kept
// as versions in the catalog database: `--db` (a SQLite path or a postgres:// URL), else the Iceberg catalog of the
// stack config (temporal-dev.yml, --config or $CASSBERG_CONFIG), else .cassberg/catalog.db when there is no config.
// Errors are thrown to the program (InvalidConfigError names the field). Also runnable on its own:
// `node --import tsx cli/controller.ts controller …`.

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import YAML from 'yaml';
import { DEFAULT_CONFIG_FILE, loadConfig } from '../dev/config.ts';
import { CassbergError, InvalidConfigError } from '../engine/errors.ts';
import { CONNECTORS } from '../connectors/registry.ts';
import { decide } from '../connectors/controller/decide.ts';
import { DEFAULT_CONTROLLER_DB, openControllerStore } from '../connectors/controller/open-store.ts';
import { emptyRulesDocument } from '../connectors/controller/rules.ts';
import type { ControllerStore, RuleVersion } from '../connectors/controller/store.ts';
import { parseTableModel } from '../connectors/controller/table-model.ts';

/** The --config option of the root command, read when the action runs. */
export type ConfigSource = () => string | undefined;

/** The catalog database of the stack config; .cassberg/catalog.db when no config file is given or present. */
export function controllerDbFromConfig(configFile: ConfigSource = () => undefined): string {
  const file = configFile() ?? process.env.CASSBERG_CONFIG;
  if (file === undefined && !existsSync(DEFAULT_CONFIG_FILE)) return DEFAULT_CONTROLLER_DB;
  const { catalog } = loadConfig(file).iceberg;
  return 'sqlite' in catalog ? catalog.sqlite : catalog.postgres;
}

async function withStore<T>(db: string, fn: (store: ControllerStore) => Promise<T>): Promise<T> {
  const store = await openControllerStore(db);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Reads a YAML or JSON file (by extension; YAML also reads JSON). */
async function readDocument(file: string): Promise<unknown> {
  const text = await readFile(file, 'utf8').catch((err: Error) => {
    throw new InvalidConfigError(`cannot read ${file}: ${err.message}`, { field: 'file', file });
  });
  try {
    return file.endsWith('.json') ? JSON.parse(text) : YAML.parse(text);
  } catch (err) {
    throw new InvalidConfigError(`${file}: not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { field: 'file', file });
  }
}

function parsePositive(text: string, field: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidConfigError(`controller: ${field}: "${text}" is not a positive integer`, { field });
  }
  return n;
}

const parseVersion = (text: string): number => parsePositive(text, 'version');

function header(v: RuleVersion): string {
  const rollback = v.rollbackOf === null ? '' : ` (rollback to version ${v.rollbackOf})`;
  return `# version ${v.version} by ${v.author} at ${v.createdAt}${rollback}${v.comment ? `: ${v.comment}` : ''}`;
}

function printVersion(v: RuleVersion | undefined, json: boolean): void {
  if (json) {
    console.log(JSON.stringify(v ?? { version: 0, document: emptyRulesDocument() }, null, 2));
  } else if (!v) {
    console.log('# version 0: no rules written yet, every table goes to the default connector');
    process.stdout.write(YAML.stringify(emptyRulesDocument()));
  } else {
    console.log(header(v));
    process.stdout.write(YAML.stringify(v.document));
  }
}

function printHistory(versions: RuleVersion[], json: boolean): void {
  if (json) {
    console.log(JSON.stringify(versions.map(({ document, ...meta }) => ({ ...meta, rules: document.rules.length })), null, 2));
    return;
  }
  if (versions.length === 0) console.log('no rules written yet');
  for (const v of versions) {
    const note = [v.rollbackOf === null ? '' : `rollback to ${v.rollbackOf}`, v.comment ?? ''].filter(Boolean).join(': ');
    console.log(`${v.version}\t${v.createdAt}\t${v.author}\t${v.document.rules.length} rules\t${note}`);
  }
}

export function registerControllerCommands(program: Command, configFile?: ConfigSource): void {
  const controller = program.command('controller').description('Connector Controller: which connector moves which tables (versioned rules)');
  const dbOption = (c: Command): Command =>
    c.option('--db <path>', `rules database, a SQLite file or a postgres:// URL (default: the stack config's catalog, else ${DEFAULT_CONTROLLER_DB})`);
  const withRules = <T>(opts: { db?: string }, fn: (store: ControllerStore) => Promise<T>): Promise<T> =>
    withStore(opts.db ?? controllerDbFromConfig(configFile), fn);

  dbOption(controller.command('get'))
    .description('print the current rules (YAML, or JSON with --json)')
    .option('--json', 'print JSON with the version metadata')
    .option('--at <version>', 'print an older version')
    .action(async (opts) =>
      withRules(opts, async (store) => {
        const v = opts.at === undefined ? await store.current() : await store.get(parseVersion(opts.at));
        if (opts.at !== undefined && !v) throw new InvalidConfigError(`controller get: version: version ${opts.at} does not exist`, { field: 'version' });
        printVersion(v, Boolean(opts.json));
      }));

  dbOption(controller.command('set <file>'))
    .description('validate a rules file (YAML or JSON) and store it as the next version')
    .requiredOption('--author <name>', 'who makes the change')
    .option('--comment <text>', 'why')
    .action(async (file: string, opts) => {
      const document = await readDocument(file);
      await withRules(opts, async (store) => {
        const v = await store.write(document, { author: opts.author, comment: opts.comment });
        console.log(`controller rules version ${v.version} written by ${v.author} (${v.document.rules.length} rules)`);
      });
    });

  dbOption(controller.command('history'))
    .description('list rule versions, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many versions', '50')
    .action(async (opts) => withRules(opts, async (store) => printHistory(await store.history(parsePositive(opts.limit, 'limit')), Boolean(opts.json))));

  dbOption(controller.command('rollback <version>'))
    .description('write a new version equal to an older one')
    .requiredOption('--author <name>', 'who makes the change')
    .option('--comment <text>', 'why (default: "rollback to version N")')
    .action(async (version: string, opts) =>
      withRules(opts, async (store) => {
        const v = await store.rollback(parseVersion(version), { author: opts.author, comment: opts.comment });
        console.log(`controller rules version ${v.version} written by ${v.author}: equal to version ${v.rollbackOf}`);
      }));

  dbOption(controller.command('decide <cluster> <keyspace> <table>'))
    .description('show which connector the current rules pick for a table')
    .option('--model <file>', 'the table model (JSON/YAML: { keyspace, table, columns: [{ name, type, kind }] })')
    .option('--connector <name>', 'a connector the job asks for')
    .option('--mode <mode>', 'a mode the job asks for: primary or shadow')
    .option('--json', 'print JSON')
    .action(async (cluster: string, keyspace: string, table: string, opts) => {
      if (opts.mode !== undefined && opts.mode !== 'primary' && opts.mode !== 'shadow') {
        throw new InvalidConfigError(`controller decide: mode: must be primary or shadow, not "${opts.mode}"`, { field: 'mode' });
      }
      const model = opts.model === undefined ? undefined : parseTableModel(await readDocument(opts.model), opts.model);
      const hints = { ...(opts.connector ? { connector: opts.connector as string } : {}), ...(opts.mode ? { mode: opts.mode as 'primary' | 'shadow' } : {}) };
      const d = await withRules(opts, (store) => decide({ cluster, keyspace, table, model, hints }, store));
      if (opts.json) console.log(JSON.stringify(d, null, 2));
      else console.log(`${d.connector} (${d.mode}, fallback ${d.fallback.enabled ? d.fallback.connector : 'off'}, rules v${d.ruleVersion}): ${d.reason}`);
    });

  controller
    .command('connectors')
    .description('list the registered connectors and the tables they accept')
    .action(() => {
      for (const c of CONNECTORS) console.log(`${c.name}${c.legacy ? ' (legacy)' : ''}\t${c.description}\n\taccepts: ${c.model.summary}`);
    });
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('cassberg').exitOverride().option('--config <file>', 'stack config (default: $CASSBERG_CONFIG, else temporal-dev.yml)');
  registerControllerCommands(program, () => program.opts<{ config?: string }>().config);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('commander.')) {
      process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
      return;
    }
    process.stderr.write(`${err instanceof CassbergError ? err.message : (err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv);
