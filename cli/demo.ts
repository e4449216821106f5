// `cassberg demo`: from a fresh clone to a real movement in one command. Bootstraps the tools, starts the local
// stack (`dev up`), uploads a sample backup made of real Cassandra 5.0 SSTables (test/fixtures) to the S3 server in
// the nodetool-snapshot layout, runs a DataMovement through Temporal, and prints the decision, the splits, the rows,
// the snapshot and a few rows read back from the Iceberg table.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { MovementOutcome } from '../activities/contracts.ts';
import { CassbergError } from '../engine/errors.ts';
import { loadTable } from '../engine/iceberg/commit.ts';
import { scanBatches } from '../engine/iceberg/scan.ts';
import { createS3Client, S3ObjectStore } from '../engine/storage/s3.ts';
import { loadConfig, REPO_ROOT, type CassbergConfig } from '../dev/config.ts';
import { stackUp, uiUrl } from '../dev/stack.ts';
import { fixtureInfo, uploadSnapshotBackup } from '../test/fixtures/backups/make.ts';
import { movementDepsFromConfig } from '../worker.ts';
import { connectTarget, type ConfigSource } from './target.ts';

/** The sample: a table with statics, collections and every kind of deletion, written and flushed by Cassandra 5.0. */
const SAMPLE = { version: 'oa', keyspace: 'cassberg_fixtures', table: 'deletions_lz4', tableId: '5f3c0b9e2a7d4c1e8b6a9d0e1f2a3b4c' };

export function registerDemoCommand(program: Command, configFile: ConfigSource): void {
  program
    .command('demo')
    .description('bootstrap the tools, start the local stack, and move a sample Cassandra backup into Iceberg')
    .action(async () => {
      console.log('# bootstrap (tools cached outside the clone)');
      const boot = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'bootstrap.sh')], { stdio: 'inherit' });
      if (boot.status !== 0) throw new CassbergError('PreconditionFailed', `scripts/bootstrap.sh failed (exit ${boot.status ?? boot.signal})`);
      const config = loadConfig(configFile());
      console.log('# dev up');
      await stackUp(config, (line) => console.log(line));
      const backupUrl = await uploadSample(config);
      console.log(`# sample backup of ${SAMPLE.keyspace}.${SAMPLE.table} (real Cassandra 5.0 SSTables) at ${backupUrl}`);
      const outcome = await runMovement(config, backupUrl);
      await printRows(config, outcome);
    });
}

async function uploadSample(config: CassbergConfig): Promise<string> {
  const { endpoint, region, credentials } = config.s3;
  const store = new S3ObjectStore(createS3Client({ endpoint, region, credentials }), config.s3.buckets.backups);
  const info = fixtureInfo(SAMPLE.version, SAMPLE.table);
  await uploadSnapshotBackup(store, {
    root: 'demo-cluster',
    version: SAMPLE.version,
    table: SAMPLE.table,
    keyspace: SAMPLE.keyspace,
    tag: 'demo',
    tableId: SAMPLE.tableId,
    node: { name: 'node-1', dc: 'dc1', rack: 'rack1', tokens: [-4_611_686_018_427_387_904n, 0n, 4_611_686_018_427_387_904n] },
    createdAt: new Date(info.selectedAtSec * 1000),
  });
  return `s3://${config.s3.buckets.backups}/demo-cluster`;
}

async function runMovement(config: CassbergConfig, backupUrl: string): Promise<MovementOutcome> {
  const target = await connectTarget(config);
  try {
    const workflowId = `demo-move-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    const info = fixtureInfo(SAMPLE.version, SAMPLE.table);
    console.log(`# DataMovement ${workflowId}`);
    const ui = uiUrl(config);
    if (ui) console.log(`  ${ui}/namespaces/${config.temporal.namespace}/workflows/${workflowId}`);
    const outcome = (await target.client.workflow.execute('DataMovement', {
      taskQueue: target.taskQueue,
      workflowId,
      workflowExecutionTimeout: '10 minutes',
      args: [{
        source: { backupUrl, cluster: 'demo-cluster', keyspace: SAMPLE.keyspace, table: SAMPLE.table },
        destination: { namespace: 'demo', table: SAMPLE.table },
        // The rows Cassandra returned were read at this instant; TTLs are judged at the same time.
        options: { referenceTime: new Date(info.selectedAtSec * 1000).toISOString(), maxSplits: 4, connector: 'raw' },
      }],
    })) as MovementOutcome;
    console.log(`decision:  ${outcome.decision.connector} (${outcome.decision.mode}, rules v${outcome.decision.ruleVersion}): ${outcome.decision.reason}`);
    console.log(`connector: ${outcome.connector}${outcome.fallbackTaken ? ` (fallback: ${outcome.fallbackReason})` : ''}`);
    console.log(`backup:    ${outcome.backup.backupId}, reference time ${outcome.backup.referenceTime}`);
    console.log(`splits:    ${outcome.splits}`);
    console.log(`rows:      ${outcome.rows} in ${outcome.files} files (Cassandra's SELECT returned ${info.rows})`);
    console.log(`snapshot:  ${outcome.snapshotId}`);
    return outcome;
  } finally {
    await target.close();
  }
}

async function printRows(config: CassbergConfig, outcome: MovementOutcome): Promise<void> {
  const deps = await movementDepsFromConfig(config);
  try {
    const ctx = { catalog: deps.catalog, io: deps.warehouse.io };
    const { metadata } = await loadTable(ctx, { namespace: ['demo'], name: SAMPLE.table });
    console.log(`\n# a few rows of demo.${SAMPLE.table} (${metadata.location}), read back from Iceberg`);
    let shown = 0;
    for await (const batch of scanBatches(ctx, metadata, outcome.snapshotId)) {
      for (const row of batch.toArray()) {
        if (shown++ >= 5) break;
        console.log(`  ${JSON.stringify(row.toJSON(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`);
      }
      if (shown >= 5) break;
    }
    const ui = uiUrl(config);
    if (ui) console.log(`\nTemporal UI: ${ui}/namespaces/${config.temporal.namespace}/workflows\nStop the stack with: npx cassberg dev down`);
  } finally {
    await deps.pool?.close();
    await (deps.controllerStore as { close?: () => Promise<void> }).close?.();
    await deps.catalog.close();
  }
}
