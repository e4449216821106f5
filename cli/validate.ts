// `cassberg validate <tableA> <tableB>`: C = M between two Iceberg tables (or snapshots) of the configured catalog,
// exact and in bounded memory; prints the summary and stores the JSON report beside table B.
import type { Command } from 'commander';
import { createWarehouseIo } from '../activities/movement/warehouse.ts';
import { InvalidConfigError } from '../engine/errors.ts';
import { PostgresDriver } from '../engine/iceberg/catalog/postgres-driver.ts';
import { SqlCatalog, SqliteDriver, type TableIdentifier } from '../engine/iceberg/catalog/sql.ts';
import { validateSnapshots } from '../engine/validation/iceberg-snapshots.ts';
import { loadConfig } from '../dev/config.ts';
import type { ConfigSource } from './target.ts';

export function registerValidateCommand(program: Command, configFile: ConfigSource): void {
  program
    .command('validate <tableA> <tableB>')
    .description('compare two Iceberg tables row by row (namespace.table[@snapshotId]); exit 1 when they differ')
    .option('--samples <n>', 'sample rows per direction in the report', '10')
    .option('--report-name <name>', 'report file name (beside table B, under validation/)', `cli-${Date.now()}`)
    .option('--json', 'print the whole report as JSON')
    .action(async (a: string, b: string, opts: { samples: string; reportName: string; json?: boolean }) => {
      const config = loadConfig(configFile());
      const c = config.iceberg.catalog;
      const catalog = new SqlCatalog(c.name, 'sqlite' in c ? new SqliteDriver(c.sqlite) : new PostgresDriver({ connectionString: c.postgres }));
      await catalog.initialize();
      try {
        const { endpoint, region, credentials } = config.s3;
        const io = createWarehouseIo(config.iceberg.warehouse, { ...(endpoint ? { endpoint, forcePathStyle: true } : {}), region, credentials });
        const report = await validateSnapshots({ catalog, io }, parseRef(a, 'tableA'), parseRef(b, 'tableB'), {
          reportName: opts.reportName,
          sampleLimit: Number(opts.samples),
        });
        if (opts.json) console.log(JSON.stringify(report, null, 2));
        else {
          console.log(`${report.tableA} vs ${report.tableB} (key ${report.primaryKey.join(', ')})`);
          console.log(`rows:       ${report.rowsA} vs ${report.rowsB}`);
          console.log(`only in A:  ${report.onlyInA}\nonly in B:  ${report.onlyInB}\nsimilarity: ${report.similarityPercent}%`);
          for (const [column, n] of Object.entries(report.columnMismatches)) console.log(`  column ${column}: ${n} differing rows`);
          console.log(`report:     ${report.reportLocation}`);
        }
        if (report.onlyInA + report.onlyInB > 0) process.exitCode = 1;
      } finally {
        await catalog.close();
      }
    });
}

function parseRef(text: string, field: string): { id: TableIdentifier; snapshotId?: string } {
  const m = /^([A-Za-z0-9_.]+)\.([A-Za-z0-9_]+)(?:@(-?\d+))?$/.exec(text);
  if (!m) throw new InvalidConfigError(`${field}: expected namespace.table or namespace.table@snapshotId, got "${text}"`, { field });
  return { id: { namespace: m[1]!.split('.'), name: m[2]! }, ...(m[3] ? { snapshotId: m[3] } : {}) };
}
