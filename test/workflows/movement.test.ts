// DataMovement end to end on a real Temporal dev server and a real MinIO: a one-node nodetool-snapshot backup made
// of real Cassandra 5.0 SSTables (test/fixtures/sstables/oa/deletions_lz4: statics, collections, row, range, cell
// and partition deletions) is moved into Iceberg by worker.ts's worker, and read back with engine/iceberg/scan.ts
// against what Cassandra's own SELECT returned (select.json). Covers the raw connector over several splits in the
// thread pool, the injected-failure fallback to legacy, shadow validation, and a start from the Temporal CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import { createMovementActivities, createSplitPool, type SplitPool } from '../../activities/movement.ts';
import { openControllerStore } from '../../connectors/controller/open-store.ts';
import type { ControllerStore } from '../../connectors/controller/store.ts';
import { SqlCatalog, SqliteDriver } from '../../engine/iceberg/catalog/sql.ts';
import { loadTable, type TableContext } from '../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import { planFiles, scanBatches, snapshotOf } from '../../engine/iceberg/scan.ts';
import { createS3Client, S3ObjectStore } from '../../engine/storage/s3.ts';
import { createWorker, type CassbergWorker } from '../../worker.ts';
import { serveDashboard } from '../../dashboard/server.ts';
import { registry } from '../../observability/metrics.ts';
import { launchChromium } from '../harness/chromium.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';
import { expectedRows, fixtureInfo, uploadSnapshotBackup } from '../fixtures/backups/make.ts';

const TABLE = 'deletions_lz4';
const KEYSPACE = 'cassberg_fixtures';
const TASK_QUEUE = 'movement-test';
const TEMPORAL_CLI = join(homedir(), '.cache/cassberg/bin/temporal');
const info = fixtureInfo('oa', TABLE);
const referenceTime = new Date(info.selectedAtSec * 1000).toISOString();

let temporal: TemporalServer;
let s3: S3Server;
let dir: string;
let catalog: SqlCatalog;
let controller: ControllerStore;
let pool: SplitPool;
let worker: CassbergWorker;
let running: Promise<void>;
let client: Client;
let connection: Connection;
let backupUrl: string;
const io = new LocalFileIO();

before(async () => {
  [temporal, s3] = await Promise.all([startTemporal(), startS3()]);
  const bucket = await s3.newBucket('movement');
  // three tokens on one node: three ring ranges, so the raw connector runs several splits
  await uploadSnapshotBackup(new S3ObjectStore(createS3Client(s3Options()), bucket), {
    root: 'prod-1', version: 'oa', table: TABLE, keyspace: KEYSPACE, tag: 'nightly', tableId: '5f3c0b9e2a7d4c1e8b6a9d0e1f2a3b4c',
    node: { name: 'node-a', dc: 'dc1', rack: 'rack1', tokens: [-6_000_000_000_000_000_000n, -100n, 4_000_000_000_000_000_000n] },
    createdAt: new Date(referenceTime),
  });
  backupUrl = `s3://${bucket}/prod-1`;
  dir = mkdtempSync(join(tmpdir(), 'cassberg-movement-'));
  catalog = new SqlCatalog('movement', new SqliteDriver(join(dir, 'catalog.db')));
  await catalog.initialize();
  controller = await openControllerStore(join(dir, 'controller.db'));
  pool = createSplitPool(2);
  worker = await createWorker({
    connection: { address: temporal.address }, namespace: temporal.namespace, taskQueue: TASK_QUEUE,
    deps: {
      s3: new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3Options().credentials }),
      buckets: { backups: bucket },
      movement: { backupS3Options: s3Options(), warehouse: { url: pathToFileURL(join(dir, 'warehouse')).href, io }, catalog, controllerStore: controller, pool, maxSplitBytes: 1024 },
    },
  });
  running = worker.run();
  connection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection, namespace: temporal.namespace });
});

after(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  await pool?.close();
  await controller?.close();
  await catalog?.close();
  await Promise.all([temporal?.stop(), s3?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function s3Options() {
  return { endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } };
}

function input(destinationTable: string, options: DataMovementInput['options']): DataMovementInput {
  return {
    source: { backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: destinationTable },
    options: { referenceTime, maxSplits: 4, maxConcurrency: 2, ...options },
  };
}

/** JSON with sorted object keys, Arrow vectors/rows as arrays/objects, bigints as numbers: one comparable string per row. */
function canonical(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return canonical((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}

const rowsOf = (rows: unknown[]) => rows.map((r) => JSON.stringify(canonical(r))).sort();

async function readTable(table: string, snapshotId?: string): Promise<string[]> {
  const ctx: TableContext = { catalog, io };
  const { metadata } = await loadTable(ctx, { namespace: ['analytics'], name: table });
  const rows: unknown[] = [];
  for await (const b of scanBatches(ctx, metadata, snapshotId)) rows.push(...b.toArray().map((r) => r.toJSON()));
  return rowsOf(rows);
}

const expected = rowsOf(expectedRows('oa', TABLE));

test('the fixture is what Cassandra returned: 34 rows after every kind of deletion', () => {
  assert.equal(expected.length, info.rows);
  assert.equal(expected.length, 34);
});

test('raw connector: several splits in the thread pool, one snapshot equal to Cassandra’s SELECT, with lineage', async () => {
  const outcome = await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-raw', args: [input('events_raw', { connector: 'raw' })] }) as MovementOutcome;
  assert.equal(outcome.connector, 'raw');
  assert.equal(outcome.fallbackTaken, false);
  // three ring ranges cut into 1 KiB pieces (maxSplitBytes), then packed into at most maxSplits = 4 splits
  assert.equal(outcome.splits, 4);
  assert.equal(outcome.rows, 34);
  assert.ok(outcome.cost.bytesRead > 0 && outcome.cost.bytesWritten > 0 && outcome.cost.intermediateBytes === 0);
  // each split seeks its token ranges through the partition index, so some of Data.db is never read
  const scraped = await registry.metrics();
  assert.match(scraped, /^cassberg_bytes_skipped_total [1-9]\d*$/m);
  // S3 requests are counted by operation (the pool threads' through their split results)
  assert.match(scraped, /^cassberg_storage_requests_total\{store="s3",operation="GetObjectCommand",outcome="ok"\} [1-9]\d*$/m);
  assert.deepEqual(await readTable('events_raw', outcome.snapshotId), expected);
  const { metadata } = await loadTable({ catalog, io }, { namespace: ['analytics'], name: 'events_raw' });
  const summary = snapshotOf(metadata, outcome.snapshotId)!.summary;
  assert.equal(summary['cassberg.backup-id'], 'nightly');
  assert.equal(summary['cassberg.connector'], 'raw');
  assert.equal(summary['cassberg.source-table'], TABLE);
  assert.equal(summary['cassberg.reference-time'], referenceTime);
  assert.ok(existsSync(join(dir, 'warehouse/_cassberg/plans/mv-raw/raw.json')), 'the full plan is in the warehouse');
  const files = (await planFiles({ catalog, io }, metadata, outcome.snapshotId)).map((f) => f.filePath.slice(metadata.location.length)).sort();
  assert.ok(files.length > 1 && files.every((f) => /^\/data\/mv-raw\/raw\/split-[0-3]-0\.parquet$/.test(f)), `deterministic data file names: ${files.join(", ")}`);
});

test('an injected raw failure falls back to legacy, which writes a staging table and the same rows', async () => {
  const outcome = await client.workflow.execute('DataMovement', {
    taskQueue: TASK_QUEUE, workflowId: 'mv-fallback', args: [input('events_fallback', { connector: 'raw', injectFailure: 'raw' })],
  }) as MovementOutcome;
  assert.equal(outcome.fallbackTaken, true);
  assert.equal(outcome.connector, 'legacy');
  assert.match(outcome.fallbackReason ?? '', /InjectedFailure/);
  assert.ok(outcome.cost.intermediateBytes > 0, 'legacy pays for its staging table');
  assert.deepEqual(await readTable('events_fallback', outcome.snapshotId), expected);
  assert.deepEqual(await readTable('events_fallback__legacy_staging'), expected);
});

test('shadow mode: legacy is the table, raw goes beside it, and the validation finds no difference', async () => {
  const outcome = await client.workflow.execute('DataMovement', {
    taskQueue: TASK_QUEUE, workflowId: 'mv-shadow', args: [input('events_shadow', { connector: 'raw', mode: 'shadow' })],
  }) as MovementOutcome;
  assert.equal(outcome.connector, 'legacy');
  const v = outcome.validation!;
  assert.deepEqual([v.rowsA, v.rowsB, v.onlyInA, v.onlyInB, v.similarityPercent], [34, 34, 0, 0, 100]);
  assert.ok(existsSync(fileURLToPath(v.reportKey)), `report at ${v.reportKey}`);
  assert.deepEqual(await readTable('events_shadow__shadow_raw'), expected);
  assert.deepEqual(await readTable('events_shadow'), expected);
});

test('a DataMovement started with the Temporal CLI runs with the same plain-JSON input', async () => {
  const json = JSON.stringify(input('events_cli', { connector: 'raw' }));
  const { stdout } = await promisify(execFile)(TEMPORAL_CLI, [
    'workflow', 'start', '--type', 'DataMovement', '--task-queue', TASK_QUEUE, '--workflow-id', 'mv-cli',
    '--input', json, '--address', temporal.address, '--namespace', temporal.namespace,
  ]);
  assert.match(stdout, /mv-cli/);
  const outcome = await client.workflow.getHandle('mv-cli').result() as MovementOutcome;
  assert.equal(outcome.connector, 'raw');
  assert.deepEqual(await readTable('events_cli', outcome.snapshotId), expected);
});

test('a repeated commit is a no-op, and legacy refuses a partition above its memory limit', async () => {
  const deps = { backupS3Options: s3Options(), warehouse: { url: pathToFileURL(join(dir, 'warehouse')).href, io }, catalog, controllerStore: controller };
  const acts = createMovementActivities(deps);
  const job = await acts.prepareJob(input('events_raw', { connector: 'raw' }), 'mv-raw');
  const backup = await acts.resolveBackup(job);
  const again = await acts.commitMovement({ job, connector: 'raw', backup, splitCount: 4, stagingPrefix: 'staging/mv-raw/raw', commitId: 'mv-raw', destination: job.destination });
  assert.equal(again.alreadyCommitted, true);
  assert.equal(again.rows, 34);
  const small = createMovementActivities({ ...deps, legacyMaxPartitionBytes: 200 });
  await assert.rejects(small.legacyMove({ job, backup, commitId: 'mv-too-large', destination: { namespace: 'analytics', table: 'too_large' } }),
    (err: Error) => err.name === 'PartitionTooLargeError' && /more than 200 bytes/.test(err.message));
  await assert.rejects(acts.decide({ ...job, options: { ...job.options, connector: 'no-such' } }), { name: 'InvalidConfigError', message: /unknown connector "no-such"/ });
});

// More of Cassandra's shapes, each moved in shadow mode (legacy and raw side by side) and both checked against
// Cassandra's SELECT: merges across SSTables, TTL expiry at the reference time, static-only partitions,
// frozen and non-frozen collections, the BTI format (da), and a column only the schema declares (empty_values: `bo`
// is in no SSTable header, yet SELECT * shows it as null, so the moved table has it, null in every row).
for (const [version, table] of [['oa', 'two_sstables_zstd'], ['da', 'two_sstables_zstd'], ['oa', 'ttl_snappy'], ['oa', 'statics_lz4'], ['oa', 'collections_snappy'], ['da', 'collections_snappy'],
  ['oa', 'composite_key_reversed_zstd'], ['oa', 'empty_values_deflate']] as const) {
  // select.json prints timestamps and blobs as CQL text: for those tables legacy and raw are checked against each other and the row count
  const againstSelect = table !== 'composite_key_reversed_zstd' && table !== 'empty_values_deflate';
  test(`shadow move of ${version}/${table}: ${againstSelect ? 'both sides equal Cassandra’s SELECT' : 'legacy and raw agree row for row'}`, async () => {
    const fixture = fixtureInfo(version, table);
    const root = `more-${version}-${table}`;
    const bucket = backupUrl.slice('s3://'.length).split('/')[0]!;
    await uploadSnapshotBackup(new S3ObjectStore(createS3Client(s3Options()), bucket), {
      root, version, table, keyspace: KEYSPACE, tag: 'nightly', tableId: '00000000000000000000000000000001',
      node: { name: 'node-a', dc: 'dc1', rack: 'rack1', tokens: [-100n, 3_000_000_000_000_000_000n] }, createdAt: new Date(fixture.selectedAtSec * 1000),
    });
    const dest = `${version}_${table}`;
    const outcome = await client.workflow.execute('DataMovement', {
      taskQueue: TASK_QUEUE, workflowId: `mv-${dest}`,
      args: [{
        source: { backupUrl: `s3://${bucket}/${root}`, cluster: root, keyspace: KEYSPACE, table }, destination: { namespace: 'analytics', table: dest },
        options: { connector: 'raw', mode: 'shadow', referenceTime: new Date(fixture.selectedAtSec * 1000).toISOString(), maxSplits: 2 },
      } satisfies DataMovementInput],
    }) as MovementOutcome;
    const want = rowsOf(expectedRows(version, table));
    assert.equal(want.length, fixture.rows);
    assert.deepEqual([outcome.validation!.onlyInA, outcome.validation!.onlyInB, outcome.rows], [0, 0, fixture.rows]);
    if (table === 'empty_values_deflate') {
      for (const t of [dest, `${dest}__shadow_raw`]) {
        const rows = (await readTable(t)).map((r) => JSON.parse(r) as Record<string, unknown>);
        assert.deepEqual(rows.map((r) => r['pk']).sort(), expectedRows(version, table).map((r) => r['pk']).sort(), t);
        assert.ok(rows.every((r) => 'bo' in r && r['bo'] === null), `${t}: bo is a null column`);
      }
    }
    if (!againstSelect) return;
    assert.deepEqual(await readTable(dest), want);
    assert.deepEqual(await readTable(`${dest}__shadow_raw`), want);
  });
}

// The Decider reads the Controller's current rules for every job: a rule routes the table to raw, and after a rule
// change (a new version in the store, no restart) the next job of the same table goes to legacy.
test('the decider routes by the Controller rules and the next job sees a rule change', async () => {
  const rule = (connector: string) => ({ rules: [{ description: 'the fixture table', cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE, connector }] });
  const v1 = await controller.write(rule('raw'), { author: 'movement-test', comment: 'move the fixture with raw' });
  const first = await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-rule-1', args: [input('events_rule_1', {})] }) as MovementOutcome;
  assert.deepEqual([first.decision.connector, first.decision.ruleVersion, first.connector], ['raw', v1.version, 'raw']);
  const v2 = await controller.write(rule('legacy'), { author: 'movement-test', comment: 'back to legacy' });
  const second = await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: 'mv-rule-2', args: [input('events_rule_2', {})] }) as MovementOutcome;
  assert.deepEqual([second.decision.connector, second.decision.ruleVersion, second.connector], ['legacy', v2.version, 'legacy']);
  assert.deepEqual(await readTable('events_rule_1', first.snapshotId), expected);
  assert.deepEqual(await readTable('events_rule_2', second.snapshotId), expected);
});

// The migration dashboard over this file's movements, in a real headless Chromium: its numbers must be the ones
// Temporal's visibility reports for the same runs (counted here through the client, not hard-coded).
test('the dashboard shows these movements, their fallbacks and connectors in Chromium', async () => {
  const count = async (query: string) => (await client.workflow.count(`WorkflowType = 'DataMovement' AND ${query}`)).count;
  // visibility is eventually consistent: wait until every movement of this file is listed as closed
  for (let i = 0; i < 100 && (await count("ExecutionStatus = 'Running'")) > 0; i++) await new Promise((r) => setTimeout(r, 200));
  const total = (await client.workflow.count("WorkflowType = 'DataMovement'")).count;
  const fallbacks = await count("CassbergOutcome = 'fallback'");
  const rawRuns = await count("CassbergConnector = 'raw'");
  assert.ok(total >= 10 && fallbacks >= 1 && rawRuns >= 2, `visibility: ${total} movements, ${fallbacks} fallbacks, ${rawRuns} raw`);
  const server = await serveDashboard({ client, namespace: temporal.namespace, temporalUi: 'http://127.0.0.1:8233' }, 0);
  const browser = await launchChromium();
  try {
    const { port } = server.address() as { port: number };
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(`http://127.0.0.1:${port}/`);
    const card = async (name: string) => Number(await page.textContent(`[data-testid=card-${name}] b`));
    assert.equal(await card('movements'), total);
    assert.equal(await card('fallbacks'), fallbacks);
    assert.equal(Number(await page.textContent('[data-connector=raw] td:nth-child(2)')), rawRuns);
    assert.match((await page.textContent('#movements')) ?? '', /mv-fallback/);
    assert.equal(await page.getAttribute('a[href*="mv-raw"]', 'href')?.then((h) => h?.startsWith('http://127.0.0.1:8233/namespaces/')), true);
    const shot = join(dir, 'dashboard.png');
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(existsSync(shot));
    const json = (await (await fetch(`http://127.0.0.1:${port}/api/summary`)).json()) as { movements: unknown[] };
    assert.equal(json.movements.length, total);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
});
