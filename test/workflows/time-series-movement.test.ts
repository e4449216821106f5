// A TimeSeries movement end to end: a keyspace laid out as Netflix's TimeSeries abstraction (netflix-models.md §2) is
// written into a real Cassandra 5.0 node — daily `data_YYYYMMDD` slice tables, two of them outside the window, events
// of several items, TTL'd items expired at the snapshot, item/event/partition/cell deletes, an overwrite, events on
// both window edges, several flushes, a wide partition copied into `wide_data_20260328_0` with its `wide_row` entry —
// then `nodetool snapshot`ted, uploaded to MinIO as a nodetool-snapshot backup, and moved by DataMovement (started
// from the Temporal CLI with plain JSON) with the time-series connector on the Temporal dev server into an S3
// warehouse. PyIceberg reads the table back; it must equal an oracle built from CQL SELECTs of the slice tables in
// the window (never of wide_data), be partitioned by day(event_time), and hold each file in one day's partition.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import { createSplitPool, type SplitPool } from '../../activities/movement.ts';
import { readPlanHeader } from '../../activities/movement/plan-store.ts';
import { createWarehouseIo, planKeyOf } from '../../activities/movement/warehouse.ts';
import { openControllerStore } from '../../connectors/controller/open-store.ts';
import type { ControllerStore } from '../../connectors/controller/store.ts';
import { formatTokenMap } from '../../engine/backup/tokenmap.ts';
import { createS3Client, S3ObjectStore } from '../../engine/storage/s3.ts';
import type { ObjectStore } from '../../engine/storage/object-store.ts';
import { createWorker, type CassbergWorker } from '../../worker.ts';
import { ensureCassandra, type CassandraNode } from '../harness/cassandra.ts';
import { runPython } from '../harness/pyiceberg.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';
import { movementStack, type MovementStack } from './movement-setup.ts';

const TEMPORAL_CLI = join(homedir(), '.cache/cassberg/bin/temporal');
const TASK_QUEUE = 'time-series-movement';
const KS = `ts_move_${process.pid}`;
const SLICES = ['20260327', '20260328', '20260329', '20260330'];
const IN_WINDOW = ['data_20260328', 'data_20260329'];
const WINDOW = { start: '2026-03-28T06:00:00.000Z', end: '2026-03-29T18:00:00.000Z' };
const HOUR = 3_600_000;
const BUCKET_MS = 6 * HOUR;

let temporal: TemporalServer;
let s3: S3Server;
let cassandra: CassandraNode;
let stack: MovementStack;
let controller: ControllerStore;
let pool: SplitPool;
let worker: CassbergWorker;
let running: Promise<void>;
let connection: Connection;
let client: Client;
let backupUrl: string;
/** The oracle: CQL SELECTs of the window's slice tables right after the snapshot, one canonical tuple per item. */
let oracle: string[];

before(async () => {
  [temporal, s3, cassandra] = await Promise.all([startTemporal(), startS3(), ensureCassandra()]);
  stack = await movementStack({ temporal, s3 }, TASK_QUEUE);
  const tag = await writeKeyspace();
  oracle = await selectOracle();
  backupUrl = await uploadBackup(tag);
  controller = await openControllerStore(join(stack.dir, 'controller.db'));
  pool = createSplitPool(2);
  worker = await createWorker({
    connection: { address: temporal.address }, namespace: temporal.namespace, taskQueue: TASK_QUEUE,
    deps: {
      s3: s3.client, buckets: { backups: stack.backupsBucket },
      movement: {
        backupS3Options: stack.s3Options, warehouse: { url: stack.warehouseUrl, io: createWarehouseIo(stack.warehouseUrl, stack.s3Options) },
        catalog: stack.catalog, controllerStore: controller, pool, maxSplitBytes: 2048,
      },
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
  await stack?.catalog.close();
  await cassandra?.close();
  await Promise.all([temporal?.stop(), s3?.stop()]);
  if (stack) rmSync(stack.dir, { recursive: true, force: true });
});

const sliceStart = (s: string) => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)));
const COLUMNS = 'time_series_id, time_bucket, event_bucket, event_time, event_id, event_item_key, event_item_value';
const key = (tsid: string, ms: number, slice: string, eb: number) => [tsid, Math.floor((ms - sliceStart(slice)) / BUCKET_MS), eb, new Date(ms)];

async function insertItem(table: string, k: unknown[], eventId: string, item: string, value: string, opts: { meta?: Buffer; ttl?: number } = {}): Promise<void> {
  const using = opts.ttl ? ` USING TTL ${opts.ttl}` : '';
  if (opts.meta) {
    await cassandra.execute(`INSERT INTO ${KS}.${table} (${COLUMNS}, value_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)${using}`, [...k, eventId, item, Buffer.from(value), opts.meta]);
  } else {
    await cassandra.execute(`INSERT INTO ${KS}.${table} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)${using}`, [...k, eventId, item, Buffer.from(value)]);
  }
}

/** Events with 1–3 items each; item k1 carries value_metadata. Returns nothing: the oracle reads Cassandra. */
async function writeEvents(slice: string): Promise<void> {
  const table = `data_${slice}`;
  for (const [t, tsid] of ['dev-a', 'dev-b', 'dev-c'].entries()) {
    for (let e = 0; e < 6; e++) {
      const ms = sliceStart(slice) + e * 4 * HOUR + t * 7 * 60_000 + e * 1234;
      for (let k = 0; k <= (e + t) % 3; k++) {
        await insertItem(table, key(tsid, ms, slice, e % 2), `${tsid}-${e}`, `k${k}`, `${slice}/${tsid}/${e}/${k}`, k === 1 ? { meta: Buffer.from([0x01, e]) } : {});
      }
    }
  }
}

/** Writes the keyspace, flushing between phases; snapshots it and returns the tag. */
async function writeKeyspace(): Promise<string> {
  await cassandra.execute(`CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  const sliceSchema = `(time_series_id text, time_bucket int, event_bucket int, event_time timestamp, event_id text, event_item_key text,
    event_item_value blob, value_metadata blob, PRIMARY KEY ((time_series_id, time_bucket, event_bucket), event_time, event_id, event_item_key))
    WITH CLUSTERING ORDER BY (event_time DESC, event_id ASC, event_item_key ASC)`;
  for (const s of SLICES) await cassandra.execute(`CREATE TABLE ${KS}.data_${s} ${sliceSchema}`);
  await cassandra.execute(`CREATE TABLE ${KS}.wide_data_20260328_0 ${sliceSchema}`);
  await cassandra.execute(`CREATE TABLE ${KS}.wide_row (slice_table text, time_series_id text, time_bucket int, event_bucket int, status text,
    split_table text, target_event_buckets int, start_event_bucket int, PRIMARY KEY ((slice_table), time_series_id, time_bucket, event_bucket))`);

  // phase 1: every slice's events, the window's edges, a wide partition (dev-a, bucket 2, event bucket 1) of 20260328
  for (const s of SLICES) await writeEvents(s);
  const d28 = sliceStart('20260328'), d29 = sliceStart('20260329');
  for (const [slice, ms] of [['20260328', d28 + 6 * HOUR - 1], ['20260328', d28 + 6 * HOUR], ['20260329', d29 + 18 * HOUR - 1], ['20260329', d29 + 18 * HOUR]] as const) {
    for (const item of ['x', 'y']) await insertItem(`data_${slice}`, key('dev-edge', ms, slice, 0), `edge-${ms}`, item, `edge/${ms}/${item}`);
  }
  for (let i = 0; i < 12; i++) {
    for (let k = 0; k < 3; k++) await insertItem('data_20260328', key('dev-a', d28 + 12.5 * HOUR + i * 60_000, '20260328', 1), `wide-${i}`, `k${k}`, `wide/${i}/${k}`);
  }
  await cassandra.flush(KS);

  // phase 2: deletes and an overwrite, in newer SSTables than the data they shadow
  const at = (slice: string, tsid: string, t: number, e: number) => key(tsid, sliceStart(slice) + e * 4 * HOUR + t * 7 * 60_000 + e * 1234, slice, e % 2);
  const where = 'time_series_id = ? AND time_bucket = ? AND event_bucket = ? AND event_time = ?';
  await cassandra.execute(`DELETE FROM ${KS}.data_20260328 WHERE ${where} AND event_id = ? AND event_item_key = ?`, [...at('20260328', 'dev-b', 1, 4), 'dev-b-4', 'k1']);
  await cassandra.execute(`DELETE FROM ${KS}.data_20260328 WHERE ${where} AND event_id = ?`, [...at('20260328', 'dev-c', 2, 3), 'dev-c-3']);
  const [tsid, tb, eb] = at('20260329', 'dev-b', 1, 4);
  await cassandra.execute(`DELETE FROM ${KS}.data_20260329 WHERE time_series_id = ? AND time_bucket = ? AND event_bucket = ?`, [tsid, tb, eb]);
  await cassandra.execute(`DELETE value_metadata FROM ${KS}.data_20260329 WHERE ${where} AND event_id = ? AND event_item_key = ?`, [...at('20260329', 'dev-a', 0, 1), 'dev-a-1', 'k1']);
  await cassandra.execute(`UPDATE ${KS}.data_20260328 SET event_item_value = ? WHERE ${where} AND event_id = ? AND event_item_key = ?`, [Buffer.from('overwritten'), ...at('20260328', 'dev-a', 0, 4), 'dev-a-4', 'k0']);
  await cassandra.flush(KS);

  // phase 3: TTL'd items (1 s: expired by the snapshot; 10 days: alive), a whole event that expires, the split copy
  for (const slice of ['20260328', '20260329']) {
    await insertItem(`data_${slice}`, at(slice, 'dev-b', 1, 1), 'dev-b-1', 'ttl-short', 'gone', { ttl: 1 });
    await insertItem(`data_${slice}`, at(slice, 'dev-c', 2, 2), 'dev-c-2', 'ttl-long', 'kept', { ttl: 864_000 });
    for (const item of ['a', 'b']) await insertItem(`data_${slice}`, key('dev-ttl', sliceStart(slice) + 10 * HOUR, slice, 0), 'ttl-event', item, 'gone', { ttl: 1 });
  }
  const wide = await cassandra.client.execute(`SELECT ${COLUMNS}, value_metadata FROM ${KS}.data_20260328 WHERE time_series_id = ? AND time_bucket = ? AND event_bucket = ?`,
    ['dev-a', 2, 1], { prepare: true, fetchSize: 10_000 });
  assert.ok(wide.rows.length > 30, 'the wide partition holds the wide-* events and dev-a-3');
  for (const [i, r] of wide.rows.entries()) {
    await cassandra.execute(`INSERT INTO ${KS}.wide_data_20260328_0 (${COLUMNS}, value_metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.get('time_series_id'), 2, 32 + (i % 2), r.get('event_time'), r.get('event_id'), r.get('event_item_key'), r.get('event_item_value'), r.get('value_metadata')]);
  }
  await cassandra.execute(`INSERT INTO ${KS}.wide_row (slice_table, time_series_id, time_bucket, event_bucket, status, split_table, target_event_buckets, start_event_bucket)
    VALUES ('data_20260328', 'dev-a', 2, 1, 'COMPLETED', 'wide_data_20260328_0', 2, 32)`);
  await cassandra.flush(KS);
  // one more write left in the memtable: nodetool snapshot flushes it
  await insertItem('data_20260329', key('dev-late', d29 + 9 * HOUR, '20260329', 0), 'late-0', 'k0', 'late');
  await new Promise((r) => setTimeout(r, 2500)); // the 1 s TTLs run out before the snapshot's reference time
  const tag = `ts-${process.pid}`;
  await cassandra.nodetool('snapshot', '-t', tag, KS);
  return tag;
}

/** CQL SELECTs of the slice tables in the window (not wide_data): items whose event_time is in [start, end). */
async function selectOracle(): Promise<string[]> {
  const [start, end] = [Date.parse(WINDOW.start), Date.parse(WINDOW.end)];
  const hex = (b: Buffer | null) => (b === null ? null : b.toString('hex'));
  const out: string[] = [];
  for (const table of IN_WINDOW) {
    const rs = await cassandra.client.execute(`SELECT ${COLUMNS}, value_metadata, writetime(event_item_value) AS wv, writetime(value_metadata) AS wm FROM ${KS}.${table}`,
      [], { fetchSize: 100_000 });
    for (const r of rs.rows) {
      const ms = (r.get('event_time') as Date).getTime();
      if (ms < start || ms >= end) continue;
      const times = [r.get('wv'), r.get('wm')].filter((v) => v !== null).map((v) => BigInt(String(v)));
      const writeTime = times.length ? String(times.reduce((a, b) => (a > b ? a : b))) : null;
      out.push(JSON.stringify([r.get('time_series_id'), String(BigInt(ms) * 1000n), r.get('event_id'), r.get('event_item_key'), hex(r.get('event_item_value')),
        hex(r.get('value_metadata')), writeTime, table, r.get('time_bucket'), r.get('event_bucket')]));
    }
  }
  return out.sort();
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

/** The keyspace's data dir synced to `<root>/<dc>/<node>/<ks>/` (live SSTables too), plus the tokenmap.json marker. */
async function uploadBackup(tag: string): Promise<string> {
  const local = (await cassandra.execute('SELECT tokens, data_center, rack FROM system.local')).first();
  const node = { name: 'node-a', dc: String(local.get('data_center')), rack: String(local.get('rack')), tokens: [...(local.get('tokens') as string[])].map(BigInt) };
  const store: ObjectStore = new S3ObjectStore(createS3Client(stack.s3Options), stack.backupsBucket);
  const root = 'ts-cluster';
  const ksDir = join(cassandra.dataDir, KS);
  for (const f of walk(ksDir)) await store.put(`${root}/${node.dc}/${node.name}/${KS}/${relative(ksDir, f)}`, readFileSync(f));
  await store.put(`${root}/${node.dc}/${node.name}/snapshots/${tag}/tokenmap.json`, new TextEncoder().encode(formatTokenMap([node])));
  return `s3://${stack.backupsBucket}/${root}`;
}

/** The table through PyIceberg: canonical rows, the partition spec, and per data file its partition and its rows' days. */
async function readWithPyIceberg(table: string) {
  return runPython<{ rows: unknown[][]; spec: Array<[number, string, string]>; files: Array<{ path: string; partition: string; days: string[] }> }>(`
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog
cat = SqlCatalog('cassberg', uri=INPUT['uri'], warehouse=INPUT['warehouse'], **INPUT['props'])
t = cat.load_table(INPUT['table'])
epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
us = lambda d: None if d is None else str((d - epoch) // datetime.timedelta(microseconds=1))
hx = lambda b: None if b is None else bytes(b).hex()
rows = [[r['time_series_id'], us(r['event_time']), r['event_id'], r['event_item_key'], hx(r['event_item_value']), hx(r['value_metadata']),
         us(r['write_time']), r['slice_table'], r['time_bucket'], r['event_bucket']] for r in t.scan().to_arrow().to_pylist()]
def day(v):
    return (datetime.date(1970, 1, 1) + datetime.timedelta(days=v)).isoformat() if isinstance(v, int) else str(v)
files = []
for task in t.scan().plan_files():
    f = task.file
    times = pq.read_table(t.io.new_input(f.file_path).open(), columns=['event_time']).column('event_time').to_pylist()
    files.append({'path': f.file_path, 'partition': day(f.partition[0]), 'days': sorted({d.date().isoformat() for d in times})})
OUTPUT = {'rows': rows, 'spec': [[f.source_id, str(f.transform), f.name] for f in t.spec().fields], 'files': files}
`, {
    uri: `sqlite:///${join(stack.dir, 'catalog.db')}`, warehouse: stack.warehouseUrl, table: `analytics.${table}`,
    props: { 's3.endpoint': s3.endpoint, 's3.access-key-id': s3.accessKeyId, 's3.secret-access-key': s3.secretAccessKey, 's3.region': s3.region, 's3.force-virtual-addressing': 'false' },
  });
}

test('the oracle covers what the fixture is about', () => {
  const rows = oracle.map((r) => JSON.parse(r) as unknown[]);
  const ids = new Set(rows.map((r) => `${r[0]}/${r[2]}`));
  assert.ok(rows.length > 80, `${rows.length} items in the window`);
  assert.ok(ids.has('dev-edge/edge-' + String(Date.parse(WINDOW.start))) && !ids.has('dev-edge/edge-' + String(Date.parse(WINDOW.start) - 1)), 'start edge');
  assert.ok(ids.has('dev-edge/edge-' + String(Date.parse(WINDOW.end) - 1)) && !ids.has('dev-edge/edge-' + String(Date.parse(WINDOW.end))), 'end edge');
  assert.ok(!rows.some((r) => r[3] === 'ttl-short' || r[2] === 'ttl-event'), 'items with a 1 s TTL are expired');
  assert.equal(rows.filter((r) => r[3] === 'ttl-long').length, 2);
  const itemsOf = (slice: string, eventId: string) => rows.filter((r) => r[7] === `data_${slice}` && r[2] === eventId).map((r) => r[3]);
  assert.deepEqual(itemsOf('20260328', 'dev-c-3'), [], 'the deleted event is gone');
  assert.deepEqual(itemsOf('20260328', 'dev-b-4').sort(), ['k0', 'k2'], 'the deleted item is gone, its siblings stay');
  assert.deepEqual(itemsOf('20260329', 'dev-b-4'), [], 'the deleted partition is gone');
  assert.deepEqual(itemsOf('20260329', 'dev-c-3'), ['k0', 'k1', 'k2']);
  assert.ok(rows.some((r) => r[2] === 'dev-a-1' && r[3] === 'k1' && r[5] === null), 'a deleted value_metadata cell');
  assert.ok(rows.some((r) => r[4] === Buffer.from('overwritten').toString('hex')));
  assert.ok(rows.some((r) => r[0] === 'dev-late'));
  assert.equal(rows.filter((r) => String(r[2]).startsWith('wide-')).length, 36);
});

test('a TimeSeries DataMovement from plain JSON moves exactly the window’s items, partitioned by day(event_time)', async () => {
  const input: DataMovementInput = {
    source: { backupUrl, cluster: 'ts-cluster', keyspace: KS, table: 'data' },
    destination: { namespace: 'analytics', table: 'playback_events' },
    options: { connector: 'time-series', timeSeries: { start: WINDOW.start, end: WINDOW.end, sliceSeconds: 86_400 }, maxSplits: 8, maxConcurrency: 2 },
  };
  const { stdout } = await promisify(execFile)(TEMPORAL_CLI, [
    'workflow', 'start', '--type', 'DataMovement', '--task-queue', TASK_QUEUE, '--workflow-id', 'mv-ts',
    '--input', JSON.stringify(input), '--address', temporal.address, '--namespace', temporal.namespace,
  ]);
  assert.match(stdout, /mv-ts/);
  const outcome = await client.workflow.getHandle('mv-ts').result() as MovementOutcome;
  assert.equal(outcome.connector, 'time-series');
  assert.equal(outcome.fallbackTaken, false);
  assert.equal(outcome.rows, oracle.length);

  // the plan read the two slice tables of the window, never wide_data_* or the slices outside it
  const header = await readPlanHeader(stack.ctx.io, stack.warehouseUrl, planKeyOf('mv-ts', 'time-series'));
  assert.deepEqual(header.tables?.map((t) => t.table), IN_WINDOW);
  assert.deepEqual(header.timeWindow, { startMs: Date.parse(WINDOW.start), endMs: Date.parse(WINDOW.end) });
  assert.ok(outcome.splits >= 2 && outcome.splits === header.splitCount);

  const read = await readWithPyIceberg('playback_events');
  assert.deepEqual(read.rows.map((r) => JSON.stringify(r)).sort(), oracle);
  assert.deepEqual(read.spec, [[2, 'day', 'event_time_day']]);
  assert.deepEqual([...new Set(read.files.map((f) => f.partition))].sort(), ['2026-03-28', '2026-03-29']);
  for (const f of read.files) {
    assert.deepEqual(f.days, [f.partition], `${f.path} holds only its partition's day`);
    assert.match(f.path, new RegExp(`/event_time_day=${f.partition}/split-\\d+-\\d+\\.parquet$`));
  }
});

test('options.timeSeries is validated where the input enters', async () => {
  const bad = (options: Record<string, unknown>) => client.workflow.execute('DataMovement', {
    taskQueue: TASK_QUEUE, workflowId: `mv-ts-bad-${Object.keys(options).join('-')}`,
    args: [{ source: { backupUrl, cluster: 'ts-cluster', keyspace: KS, table: 'data' }, destination: { namespace: 'analytics', table: 'bad' }, options }],
  });
  const messages = (err: unknown): string => (err instanceof Error ? `${err.message} / ${messages((err as { cause?: unknown }).cause)}` : '');
  await assert.rejects(bad({ timeSeries: { start: WINDOW.end, end: WINDOW.start } }), (err) => /options\.timeSeries\.end: end must be after start/.test(messages(err)));
  await assert.rejects(bad({ connector: 'raw', timeSeries: WINDOW }), (err) => /options\.connector: options\.timeSeries moves a slice-table family/.test(messages(err)));
});
