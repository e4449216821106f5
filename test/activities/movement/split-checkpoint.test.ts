// The split plan as stored (activities/movement/plan-store.ts) and split checkpoints (activities/movement/checkpoint.ts),
// on a real backup of Cassandra 5.0 SSTables (the deletions_lz4 fixture) on local disk, without Temporal: the
// activities are called directly and runSplit is run twice, the first attempt failing after a checkpointed range.
// test/workflows/orchestration.test.ts covers the same through Temporal (heartbeat details, retries).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { createMovementActivities } from '../../../activities/movement.ts';
import type { MovementActivities, MovementJob, ResolvedBackup } from '../../../activities/contracts.ts';
import { checkpointOfHeartbeat, type SplitCheckpoint } from '../../../activities/movement/checkpoint.ts';
import { planGroupKey, readPlannedSplit } from '../../../activities/movement/plan-store.ts';
import { runSplit, type SplitProgress, type SplitTask } from '../../../activities/movement/split-work.ts';
import { dataFileFromJson, readJson, warehouseLocation } from '../../../activities/movement/warehouse.ts';
import { openControllerStore } from '../../../connectors/controller/open-store.ts';
import type { ControllerStore } from '../../../connectors/controller/store.ts';
import { SqlCatalog, SqliteDriver } from '../../../engine/iceberg/catalog/sql.ts';
import { LocalFileIO, type FileIO } from '../../../engine/iceberg/io.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { fixtureInfo, uploadSnapshotBackup } from '../../fixtures/backups/make.ts';

const TABLE = 'deletions_lz4';
const KEYSPACE = 'cassberg_fixtures';
const referenceTime = new Date(fixtureInfo('oa', TABLE).selectedAtSec * 1000).toISOString();

let dir: string;
let catalog: SqlCatalog;
let controller: ControllerStore;
let warehouseUrl: string;
const reads: string[] = [];
/** The warehouse as the activities see it, logging every object they read. */
const io: FileIO = Object.assign(Object.create(new LocalFileIO()) as FileIO, {
  read(location: string) {
    reads.push(location.slice(warehouseUrl.length + 1));
    return LocalFileIO.prototype.read.call(this, location);
  },
});

/** A one-node backup whose node owns `tokens` evenly spaced tokens. */
async function backupWithTokens(root: string, tokens: number): Promise<string> {
  const step = (2n ** 64n) / BigInt(tokens);
  await uploadSnapshotBackup(new LocalObjectStore(join(dir, 'backups')), {
    root, version: 'oa', table: TABLE, keyspace: KEYSPACE, tag: 'nightly', tableId: '5f3c0b9e2a7d4c1e8b6a9d0e1f2a3b4c',
    node: { name: 'node-a', dc: 'dc1', rack: 'rack1', tokens: Array.from({ length: tokens }, (_, i) => -(2n ** 63n) + step * BigInt(i) + 12_345n) },
    createdAt: new Date(referenceTime),
  });
  return pathToFileURL(join(dir, 'backups', root)).href;
}

function activities(maxSplitBytes: number): MovementActivities {
  return createMovementActivities({ backupS3Options: {}, warehouse: { url: warehouseUrl, io }, catalog, controllerStore: controller, maxSplitBytes });
}

async function prepare(acts: MovementActivities, movementId: string, backupUrl: string, maxSplits: number): Promise<{ job: MovementJob; backup: ResolvedBackup }> {
  const job = await acts.prepareJob({
    source: { backupUrl, cluster: 'prod-1', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: movementId.replace(/-/g, '_') },
    options: { referenceTime, connector: 'raw', maxSplits },
  }, movementId);
  return { job, backup: await acts.resolveBackup(job) };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cassberg-checkpoint-'));
  warehouseUrl = pathToFileURL(join(dir, 'warehouse')).href;
  catalog = new SqlCatalog('checkpoint', new SqliteDriver(join(dir, 'catalog.db')));
  await catalog.initialize();
  controller = await openControllerStore(join(dir, 'controller.db'));
});

after(async () => {
  await controller?.close();
  await catalog?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a 1,200-split plan is a header plus groups of 500: a split reads the header and its own group only', async () => {
  const acts = activities(1);
  const { job, backup } = await prepare(acts, 'mv-plan', await backupWithTokens('wide', 40), 1200);
  const plan = await acts.planSplits(job, backup);
  assert.equal(plan.splitCount, 1200);
  assert.equal(plan.planKey, '_cassberg/plans/mv-plan/default.json');
  const header = await readJson<Record<string, unknown>>(io, warehouseLocation(warehouseUrl, plan.planKey));
  assert.equal(header.splits, undefined, 'the header carries no splits');
  assert.deepEqual([header.splitCount, header.groupSize], [1200, 500]);
  for (const g of [0, 1, 2]) assert.equal((await readJson<unknown[]>(io, warehouseLocation(warehouseUrl, planGroupKey(plan.planKey, g)))).length, g < 2 ? 500 : 200);

  reads.length = 0;
  const result = await acts.compactSplit({ job, connector: 'raw', planKey: plan.planKey, index: 700, stagingPrefix: 'staging/mv-plan/raw' });
  assert.equal(result.index, 700);
  assert.deepEqual(reads, ['_cassberg/plans/mv-plan/default.json', '_cassberg/plans/mv-plan/default/splits-1.json']);
  const { split } = await readPlannedSplit(io, warehouseUrl, plan.planKey, 1199);
  assert.equal(split.index, 1199);
  await assert.rejects(readPlannedSplit(io, warehouseUrl, plan.planKey, 1200), { name: 'InvalidConfigError', message: /has no split 1200 \(it has 1200\)/ });
});

test('a split that fails after a checkpointed range resumes there: same files, each once, earlier ranges not merged again', async () => {
  const acts = activities(1024);
  const { job, backup } = await prepare(acts, 'mv-resume', await backupWithTokens('eight', 8), 1);
  const plan = await acts.planSplits(job, backup);
  const { header: { splitCount: _n, groupSize: _g, ...header }, split } = await readPlannedSplit(io, warehouseUrl, plan.planKey, 0);
  assert.equal(split.ranges.length, 8, 'one split over the eight ring ranges');
  const task = (name: string): SplitTask => ({
    s3: {}, warehouseUrl, plan: header, split, connector: 'raw', writetime: false, checkpointBytes: 1,
    dataLocation: warehouseLocation(warehouseUrl, `analytics/${name}/data`), resultLocation: warehouseLocation(warehouseUrl, `staging/${name}/split-0.json`),
  });
  const filesOf = async (name: string) => (await readJson<Record<string, unknown>[]>(io, warehouseLocation(warehouseUrl, `staging/${name}/split-0.json`))).map(dataFileFromJson);

  const whole = await runSplit(task('whole'), () => {});
  assert.equal(whole.resumedFromRange, 0);
  assert.equal(whole.rows, 34);

  // attempt 1 fails after range 4 (0-based); its last progress carries the checkpoint after five ranges
  let last: SplitProgress | undefined;
  await assert.rejects(runSplit({ ...task('retried'), failAfterRange: 4 }, (p) => (last = p)), { name: 'InjectedSplitFailure' });
  const checkpoint: SplitCheckpoint | undefined = checkpointOfHeartbeat(JSON.parse(JSON.stringify(last)));
  assert.ok(checkpoint, 'the heartbeat details carry a checkpoint reference');
  assert.equal(checkpoint.rangesDone, 5);
  assert.match(checkpoint.location, /staging\/retried\/split-0\.checkpoint-5\.json$/);

  // attempt 2: no merged batch of ranges 0-4 (progress inside range i reports rangesDone = i)
  const seen: number[] = [];
  const resumed = await runSplit({ ...task('retried'), resume: checkpoint }, (p) => seen.push(p.rangesDone));
  assert.equal(resumed.resumedFromRange, 5);
  assert.ok(seen.length > 0 && Math.min(...seen) >= 5, `progress of the resumed attempt: ${seen.join(',')}`);
  assert.equal(resumed.rows, whole.rows);
  assert.equal(resumed.files, whole.files);
  const names = (files: { filePath: string }[]) => files.map((f) => f.filePath.split('/').at(-1));
  const [wholeFiles, resumedFiles] = [await filesOf('whole'), await filesOf('retried')];
  assert.deepEqual(names(resumedFiles), names(wholeFiles), 'the same file names, each listed once');
  assert.equal(new Set(names(resumedFiles)).size, resumedFiles.length);
  assert.deepEqual(resumedFiles.map((f) => f.recordCount), wholeFiles.map((f) => f.recordCount));
  // the kept files are the ones attempt 1 closed at its checkpoint, not rewritten
  const kept = (await readJson<{ files: { filePath: string }[] }>(io, checkpoint.location)).files;
  assert.deepEqual(names(kept), names(resumedFiles).slice(0, checkpoint.files));

  // an unreadable checkpoint means starting over, which is still correct
  const restarted = await runSplit({ ...task('restarted'), resume: { ...checkpoint, files: checkpoint.files + 1 } }, () => {});
  assert.equal(restarted.resumedFromRange, 0);
  assert.equal(restarted.rows, 34);
});
