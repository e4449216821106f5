// The key-value connector through a full DataMovement: a real Cassandra 5.0 node holds two Netflix-KV shaped tables
// (ASC and DESC keys) and their `_chunks` tables, written over three flushes with inline, chunked (cassberg-v1
// value_metadata, chunk rows incl. orphans of other versions), metadata-expired and TTL-expired items, overwrites
// and every kind of delete, in the main and the chunk table. A nodetool snapshot is uploaded to MinIO, moved on the
// Temporal dev server by a worker with a thread pool, read back with PyIceberg, and compared with an oracle built
// only from CQL SELECTs of the source tables (chunk values assembled from the chunk rows CQL returns).
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import type { DataMovementInput, KeyValueMovement, MovementOutcome } from '../../activities/contracts.ts';
import { createSplitPool, type SplitPool } from '../../activities/movement.ts';
import { toMovementJob } from '../../activities/movement-input.ts';
import { createChunkSource } from '../../activities/movement/chunk-source.ts';
import { planSourceSplits, resolveSource } from '../../activities/movement/source.ts';
import { openStore } from '../../engine/storage/url.ts';
import { encodeValueMetadata } from '../../connectors/key-value.ts';
import { crc32 } from '../../connectors/key-value/value-metadata.ts';
import { openControllerStore } from '../../connectors/controller/open-store.ts';
import type { ControllerStore } from '../../connectors/controller/store.ts';
import { formatTokenMap } from '../../engine/backup/tokenmap.ts';
import { SqlCatalog, SqliteDriver } from '../../engine/iceberg/catalog/sql.ts';
import { loadTable } from '../../engine/iceberg/commit.ts';
import { LocalFileIO } from '../../engine/iceberg/io.ts';
import type { ObjectStore } from '../../engine/storage/object-store.ts';
import { createS3Client, S3ObjectStore } from '../../engine/storage/s3.ts';
import { createWorker, type CassbergWorker } from '../../worker.ts';
import { ensureCassandra, type CassandraNode } from '../harness/cassandra.ts';
import { runPython } from '../harness/pyiceberg.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';

const KS = `kv_move_${process.pid}`;
const TASK_QUEUE = 'kv-movement-test';
const T0 = 1_700_000_000_000_000; // µs: explicit write timestamps keep the data and the oracle deterministic

let cassandra: CassandraNode;
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

/** A small deterministic generator (LCG), so every run writes the same bytes. */
function generator(seed: number) {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
  return { int: (n: number) => next() % n, bytes: (n: number) => Buffer.from(Array.from({ length: n }, () => next() & 0xff)) };
}

// --- writing the KV tables -------------------------------------------------------------------------------------

interface Writer { table: string; ts: number; exec(cql: string, params: unknown[]): Promise<void> }

function writer(table: string): Writer {
  return { table, ts: T0, exec: async (cql, params) => { await cassandra.execute(cql, params); } };
}

const tick = (w: Writer) => (w.ts += 1000);

async function put(w: Writer, id: string, key: Buffer, value: Buffer | null, meta: Buffer | null, opts: { ts?: number; ttl?: number } = {}): Promise<void> {
  const using = `USING TIMESTAMP ${opts.ts ?? tick(w)}${opts.ttl ? ` AND TTL ${opts.ttl}` : ''}`;
  await w.exec(`INSERT INTO ${KS}.${w.table} (id, key, value, value_metadata) VALUES (?, ?, ?, ?) ${using}`, [id, key, value, meta]);
}

async function putChunk(w: Writer, id: string, key: Buffer, version: Buffer, no: number, bytes: Buffer, ts = tick(w)): Promise<void> {
  await w.exec(`INSERT INTO ${KS}.${w.table}_chunks (id, key, version, chunk_no, chunk_value) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ${ts}`, [id, key, version, no, bytes]);
}

/** A chunked item: its chunk rows (version `version`, `size`-byte chunks), then the main row naming them. */
async function putChunked(w: Writer, id: string, key: Buffer, value: Buffer, version: Buffer, size: number): Promise<void> {
  const count = Math.ceil(value.length / size);
  for (let c = 0; c < count; c++) await putChunk(w, id, key, version, c, value.subarray(c * size, (c + 1) * size));
  await put(w, id, key, null, Buffer.from(encodeValueMetadata({ chunks: count, length: value.length, version, crc32: crc32(value) })));
}

const key = (...b: number[]) => Buffer.from(b);
const ver = (s: string) => Buffer.from(s);

/** Three flushes of one KV table and its chunk table: every case the connector must get right. */
async function writeKeyValueTable(table: string, order: 'ASC' | 'DESC', seed: number): Promise<void> {
  await cassandra.execute(`CREATE TABLE ${KS}.${table} (id text, key blob, value blob, value_metadata blob, PRIMARY KEY (id, key)) WITH CLUSTERING ORDER BY (key ${order})`);
  await cassandra.execute(`CREATE TABLE ${KS}.${table}_chunks (id text, key blob, version blob, chunk_no int, chunk_value blob, PRIMARY KEY ((id, key, version), chunk_no))`);
  const g = generator(seed);
  const w = writer(table);
  const flush = () => cassandra.flush(KS, table, `${table}_chunks`);
  // flush 1: 40 items over 8 records; every 5th chunked (with an orphan staged set), every 7th flagged expired
  for (let i = 0; i < 40; i++) {
    const id = `rec-${i % 8}`, k = key(i * 5);
    if (i % 7 === 3) await put(w, id, k, g.bytes(20), Buffer.from(encodeValueMetadata({ expired: true })));
    else if (i % 5 === 2) {
      await putChunk(w, id, k, ver(`staged-${i}`), 0, g.bytes(50)); // staged, never committed
      await putChunked(w, id, k, g.bytes(300 + g.int(2500)), ver(`v1-${i}`), 512);
    } else if (i % 5 === 4) await put(w, id, k, g.bytes(g.int(60)), Buffer.from(encodeValueMetadata({})));
    else await put(w, id, k, g.bytes(1 + g.int(80)), null);
  }
  // an item whose chunk 1 is garbage until flush 2 overwrites it
  const fixed = g.bytes(1500);
  await putChunk(w, 'rec-1', key(0xee), ver('fix'), 0, fixed.subarray(0, 600));
  await putChunk(w, 'rec-1', key(0xee), ver('fix'), 1, g.bytes(600));
  await putChunk(w, 'rec-1', key(0xee), ver('fix'), 2, fixed.subarray(1200));
  await put(w, 'rec-1', key(0xee), null, Buffer.from(encodeValueMetadata({ chunks: 3, length: 1500, version: ver('fix'), crc32: crc32(fixed) })));
  // items whose TTL ends long before the snapshot
  for (let i = 0; i < 4; i++) await put(w, `rec-${i}`, key(0xf0, i), g.bytes(10), null, { ttl: 1 });
  await flush();

  // flush 2: overwrites, a new chunk version, plain ↔ chunked, row, range and partition deletes, a losing old write
  await put(w, 'rec-0', key(0), g.bytes(33), null); // overwrite (i = 0)
  await put(w, 'rec-6', key(70), g.bytes(5), null, { ts: T0 - 1 }); // older than the item's write (i = 14): loses
  await putChunked(w, 'rec-2', key(10), g.bytes(2100), ver('v2-2'), 700); // i = 2 rewritten under a new version
  await putChunked(w, 'rec-4', key(20), g.bytes(900), ver('v2-4'), 256); // i = 4: plain → chunked
  await put(w, 'rec-7', key(35), g.bytes(44), null); // i = 7: chunked → plain, its chunks become orphans
  await putChunk(w, 'rec-1', key(0xee), ver('fix'), 1, fixed.subarray(600, 1200)); // the garbage chunk overwritten
  await putChunk(w, 'rec-1', key(0xee), ver('fix'), 0, g.bytes(600), T0 - 5); // an older chunk write loses
  await w.exec(`UPDATE ${KS}.${table} USING TIMESTAMP ${tick(w)} SET value_metadata = ? WHERE id = ? AND key = ?`,
    [Buffer.from(encodeValueMetadata({ expired: true })), 'rec-1', key(1 * 5)]); // an item delete: flagged expired
  await w.exec(`DELETE FROM ${KS}.${table} USING TIMESTAMP ${tick(w)} WHERE id = ? AND key = ?`, ['rec-0', key(40)]); // row delete (i = 8)
  await w.exec(`DELETE FROM ${KS}.${table} USING TIMESTAMP ${tick(w)} WHERE id = ? AND key >= ? AND key < ?`, ['rec-3', key(100), key(200)]); // range
  await w.exec(`DELETE FROM ${KS}.${table} USING TIMESTAMP ${tick(w)} WHERE id = ?`, ['rec-5']); // record delete
  // the chunk set of i = 12 (rec-4, key 60) deleted as a partition, rewritten in flush 3
  await w.exec(`DELETE FROM ${KS}.${table}_chunks USING TIMESTAMP ${tick(w)} WHERE id = ? AND key = ? AND version = ?`, ['rec-4', key(60), ver('v1-12')]);
  await flush();

  // flush 3: the deleted chunk set is written again (newer than its delete); rec-5 gets items after its record delete
  const rows = await cassandra.client.execute(`SELECT chunk_no, chunk_value FROM ${KS}.${table}_chunks WHERE id = ? AND key = ? AND version = ?`,
    ['rec-4', key(60), ver('v1-12')], { prepare: true });
  assert.equal(rows.rowLength, 0, 'the chunk partition delete hides the set');
  await putChunked(w, 'rec-4', key(60), g.bytes(1000), ver('v1-12'), 100);
  await put(w, 'rec-5', key(1), g.bytes(12), null);
  await putChunked(w, 'rec-5', key(2), g.bytes(5000), ver('v3-5'), 1024);
  await put(w, 'rec-9', key(7), Buffer.alloc(0), null); // an empty value
  await flush();
}

// --- the oracle: CQL reads only ------------------------------------------------------------------------------

interface ExpectedItem { key: string; value: string | null; value_metadata: string | null; write_time: number | null }

const hex = (b: Buffer | null | undefined) => (b == null ? null : b.toString('hex'));

/** The cassberg-v1 fields the oracle needs, read with Buffer methods (connectors/README.md's layout). */
function metaOf(b: Buffer | null): { expired: boolean; chunks?: { count: number; length: number; version: string } } {
  if (!b || b.length === 0) return { expired: false };
  assert.equal(b[0], 0xc1);
  const flags = b[1]!;
  if (!(flags & 2)) return { expired: (flags & 1) !== 0 };
  const versionLength = b.readUInt16BE(15);
  return { expired: (flags & 1) !== 0, chunks: { count: b.readUInt32BE(3), length: Number(b.readBigUInt64BE(7)), version: b.subarray(17, 17 + versionLength).toString('hex') } };
}

async function selectAll(cql: string): Promise<import('cassandra-driver').types.Row[]> {
  const out: import('cassandra-driver').types.Row[] = [];
  await new Promise<void>((resolve, reject) => {
    cassandra.client.eachRow(cql, [], { autoPage: true, fetchSize: 500 }, (_n, row) => out.push(row), (err) => (err ? reject(err) : resolve()));
  });
  return out;
}

/** id → live items in the order CQL returns them (the table's clustering order). */
async function oracle(table: string): Promise<Map<string, ExpectedItem[]>> {
  const chunks = new Map<string, Map<number, Buffer>>();
  for (const r of await selectAll(`SELECT id, key, version, chunk_no, chunk_value FROM ${KS}.${table}_chunks`)) {
    const set = `${r.get('id')}/${hex(r.get('key'))}/${hex(r.get('version'))}`;
    if (!chunks.has(set)) chunks.set(set, new Map());
    chunks.get(set)!.set(r.get('chunk_no') as number, r.get('chunk_value') as Buffer);
  }
  const out = new Map<string, ExpectedItem[]>();
  for (const r of await selectAll(`SELECT id, key, value, value_metadata, writetime(value) AS wv, writetime(value_metadata) AS wm FROM ${KS}.${table}`)) {
    const meta = metaOf(r.get('value_metadata') as Buffer | null);
    if (meta.expired) continue;
    let value = hex(r.get('value') as Buffer | null);
    if (meta.chunks) {
      const set = chunks.get(`${r.get('id')}/${hex(r.get('key'))}/${meta.chunks.version}`)!;
      value = Buffer.concat(Array.from({ length: meta.chunks.count }, (_, c) => set.get(c)!)).toString('hex');
      assert.equal(value.length / 2, meta.chunks.length);
    }
    const times = [r.get('wv'), r.get('wm')].filter((t) => t != null).map((t) => Number(String(t)));
    const id = r.get('id') as string;
    if (!out.has(id)) out.set(id, []);
    out.get(id)!.push({ key: hex(r.get('key'))!, value, value_metadata: hex(r.get('value_metadata') as Buffer | null), write_time: times.length ? Math.max(...times) : null });
  }
  return out;
}

// --- PyIceberg reads of the output ---------------------------------------------------------------------------

const READ = `
import datetime
from pyiceberg.table import StaticTable
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
def norm(v):
    if isinstance(v, (bytes, bytearray)): return bytes(v).hex()
    if isinstance(v, datetime.datetime): return (v - EPOCH) // datetime.timedelta(microseconds=1)
    if isinstance(v, dict): return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list): return [norm(x) for x in v]
    return v
t = StaticTable.from_metadata(INPUT['metadataLocation'])
OUTPUT = {'schema': [[f.name, str(f.field_type)] for f in t.schema().fields], 'rows': [norm(r) for r in t.scan().to_arrow().to_pylist()]}
`;

async function readWithPyIceberg(table: string): Promise<{ schema: string[][]; rows: Array<Record<string, unknown>> }> {
  const { metadataLocation } = await loadTable({ catalog, io }, { namespace: ['analytics'], name: table });
  return runPython(READ, { metadataLocation: metadataLocation.replace(/^file:\/\//, '') });
}

const sortRows = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();

// --- the stack -------------------------------------------------------------------------------------------------

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.isFile() ? [join(d, e.name)] : []));
}

/** `aws s3 sync` of the keyspace's data dir (live SSTables too, which discovery ignores) plus tokenmap.json. */
async function uploadSnapshot(store: ObjectStore, root: string, tag: string): Promise<void> {
  const local = (await cassandra.execute('SELECT tokens, data_center, rack FROM system.local')).first();
  const node = { name: 'node-a', dc: String(local.get('data_center')), rack: String(local.get('rack')), tokens: [...(local.get('tokens') as string[])].map(BigInt) };
  const base = join(cassandra.dataDir, KS);
  for (const f of walk(base)) await store.put(`${root}/${node.dc}/${node.name}/${KS}/${relative(base, f)}`, readFileSync(f));
  await store.put(`${root}/${node.dc}/${node.name}/snapshots/${tag}/tokenmap.json`, new TextEncoder().encode(formatTokenMap([node])));
}

function s3Options() {
  return { endpoint: s3.endpoint, region: s3.region, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } };
}

before(async () => {
  [cassandra, temporal, s3] = await Promise.all([ensureCassandra(), startTemporal(), startS3()]);
  await cassandra.execute(`CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  await writeKeyValueTable('items', 'ASC', 1);
  await writeKeyValueTable('items_desc', 'DESC', 2);
  // a KV table without a chunk table, one chunked item in it
  await cassandra.execute(`CREATE TABLE ${KS}.solo (id text, key blob, value blob, value_metadata blob, PRIMARY KEY (id, key))`);
  await put(writer('solo'), 'a', key(1), Buffer.from('x'), null);
  await put(writer('solo'), 'a', key(2), null, Buffer.from(encodeValueMetadata({ chunks: 1, length: 3, version: ver('v') })));
  await cassandra.flush(KS);
  // the TTL items are gone for Cassandra before the snapshot is taken, so the snapshot time judges them expired too
  for (let i = 0; i < 100; i++) {
    const left = await cassandra.client.execute(`SELECT key FROM ${KS}.items WHERE id = 'rec-0' AND key = 0xf000`);
    if (left.rowLength === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const tag = `kv-${process.pid}`;
  await cassandra.nodetool('snapshot', '-t', tag, KS);
  const bucket = await s3.newBucket('kv-movement');
  await uploadSnapshot(new S3ObjectStore(createS3Client(s3Options()), bucket), 'kv-cluster', tag);
  backupUrl = `s3://${bucket}/kv-cluster`;

  dir = mkdtempSync(join(tmpdir(), 'cassberg-kv-movement-'));
  catalog = new SqlCatalog('kv', new SqliteDriver(join(dir, 'catalog.db')));
  await catalog.initialize();
  controller = await openControllerStore(join(dir, 'controller.db'));
  pool = createSplitPool(2);
  worker = await createWorker({
    connection: { address: temporal.address }, namespace: temporal.namespace, taskQueue: TASK_QUEUE,
    deps: {
      s3: new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: s3Options().credentials }),
      buckets: { backups: bucket },
      movement: { backupS3Options: s3Options(), warehouse: { url: pathToFileURL(join(dir, 'warehouse')).href, io }, catalog, controllerStore: controller, pool, maxSplitBytes: 512 },
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
  await cassandra?.execute(`DROP KEYSPACE IF EXISTS ${KS}`).catch(() => undefined);
  await cassandra?.close();
  await Promise.all([temporal?.stop(), s3?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function move(workflowId: string, table: string, dest: string, keyValue?: KeyValueMovement): Promise<MovementOutcome> {
  const input: DataMovementInput = {
    source: { backupUrl, cluster: 'kv-cluster', keyspace: KS, table },
    destination: { namespace: 'analytics', table: dest },
    options: { connector: 'key-value', maxSplits: 4, maxConcurrency: 2, ...(keyValue ? { keyValue } : {}) },
  };
  return client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId, args: [input] }) as Promise<MovementOutcome>;
}

for (const [table, seedName] of [['items', 'ASC'], ['items_desc', 'DESC']] as const) {
  test(`key-value, item layout, ${seedName} keys: one row per live item, chunks assembled, equal to the CQL oracle`, async () => {
    const expected = await oracle(table);
    const want = [...expected].flatMap(([id, items]) => items.map((i) => ({ id, ...i })));
    assert.ok(want.length > 25, `${want.length} live items`);
    assert.ok(want.some((r) => (r.value?.length ?? 0) > 8000), 'some assembled value of several chunks');
    const outcome = await move(`kv-item-${table}`, table, `${table}_item`);
    assert.deepEqual([outcome.connector, outcome.fallbackTaken, outcome.rows], ['key-value', false, want.length]);
    assert.ok(outcome.splits > 1, `${outcome.splits} splits`);
    const out = await readWithPyIceberg(`${table}_item`);
    assert.deepEqual(out.schema, [['id', 'string'], ['key', 'binary'], ['value', 'binary'], ['value_metadata', 'binary'], ['write_time', 'timestamptz']]);
    assert.deepEqual(sortRows(out.rows), sortRows(want));
  });
}

test('the chunk source seeks only the asked sets in the real chunk SSTables, and merges them as Cassandra reads them', async () => {
  const job = toMovementJob({
    source: { backupUrl, cluster: 'kv-cluster', keyspace: KS, table: 'items' }, destination: { namespace: 'analytics', table: 'unused' },
    options: { connector: 'key-value' },
  }, 'kv-direct');
  const plan = await planSourceSplits(job, await resolveSource(job, s3Options()), 'key-value', s3Options(), { maxSplits: 4, maxSplitBytes: 512 });
  const chunks = plan.chunkTable!;
  assert.deepEqual([chunks.table, chunks.columns.map((c) => `${c.name}:${c.kind}`)],
    ['items_chunks', ['id:partition_key', 'key:partition_key', 'version:partition_key', 'chunk_no:clustering', 'chunk_value:regular']]);
  assert.ok(chunks.nodes[0]!.dataKeys.length >= 2, 'chunk rows over several SSTables');
  const stats = { requests: 0, bytesSought: 0, bytesOfSSTables: 0 };
  const source = createChunkSource(openStore(backupUrl, s3Options()).store, chunks, Math.floor(Date.parse(plan.referenceTime) / 1000), stats);
  // rec-1/0xee 'fix': chunk 1 overwritten in flush 2, an older write of chunk 0 losing; rec-4/60 'v1-12': deleted, rewritten
  const sets = [['rec-1', key(0xee), ver('fix')], ['rec-4', key(60), ver('v1-12')]] as const;
  const got: string[] = [];
  for await (const b of source(sets.map(([id, k, v]) => ({ id, key: k, version: v, chunkCount: 1, totalLength: 0, crc32: -1 })))) {
    for (const r of b.toArray()) got.push(`${r.id}/${hex(Buffer.from(r.key))}/${Buffer.from(r.version).toString()}/${r.chunk_no}/${hex(Buffer.from(r.chunk_value))}`);
  }
  const want: string[] = [];
  for (const [id, k, v] of sets) {
    const rows = await cassandra.client.execute(`SELECT chunk_no, chunk_value FROM ${KS}.items_chunks WHERE id = ? AND key = ? AND version = ?`, [id, k, v], { prepare: true });
    for (const r of rows.rows) want.push(`${id}/${hex(k)}/${v.toString()}/${r.get('chunk_no')}/${hex(r.get('chunk_value'))}`);
  }
  assert.equal(want.length, 3 + 10);
  assert.deepEqual(got.sort(), want.sort());
  assert.equal(stats.requests, 1);
  assert.ok(stats.bytesSought > 0 && stats.bytesSought * 4 < stats.bytesOfSSTables, `read ${stats.bytesSought} of ${stats.bytesOfSSTables} Data.db bytes`);
});

for (const [table, order] of [['items_desc', 'DESC'], ['items', 'ASC']] as const) {
  test(`key-value, record layout, ${order} keys: one row per id, its items in clustering order, equal to the CQL oracle`, async () => {
    const expected = await oracle(table);
    const want = [...expected].map(([id, items]) => ({ id, items }));
    const outcome = await move(`kv-record-${table}`, table, `${table}_record`, { layout: 'record', valueMetadata: 'cassberg-v1' });
    assert.deepEqual([outcome.connector, outcome.fallbackTaken, outcome.rows], ['key-value', false, want.length]);
    const out = await readWithPyIceberg(`${table}_record`);
    assert.deepEqual(out.schema.map(([name]) => name), ['id', 'items']);
    // items compared in order: a record keeps the clustering order
    assert.deepEqual(sortRows(out.rows), sortRows(want));
    for (const r of out.rows) {
      const keys = (r.items as ExpectedItem[]).map((i) => i.key);
      const sorted = [...keys].sort();
      assert.deepEqual(keys, order === 'DESC' ? sorted.reverse() : sorted, `record ${String(r.id)} in ${order} key order`);
    }
  });
}

test('a chunked item without a chunk table fails the split once (non-retryable), and the movement falls back', async () => {
  const outcome = await move('kv-solo', 'solo', 'solo_item');
  assert.equal(outcome.fallbackTaken, true);
  assert.match(outcome.fallbackReason ?? '', /is chunked, but backup kv-\d+ has no SSTables of the chunk table kv_move_\d+\.solo_chunks/);
  // the split batch's history (workflows/move-data.ts names it after the plan's split count): no split was retried
  const { splitCount } = JSON.parse(readFileSync(join(dir, 'warehouse/_cassberg/plans/kv-solo/key-value.json'), 'utf8')) as { splitCount: number };
  const history = await client.workflow.getHandle(`kv-solo/move-key-value/splits-0-${splitCount - 1}`).fetchHistory();
  const attempts = history.events!.filter((e) => e.activityTaskStartedEventAttributes).map((e) => e.activityTaskStartedEventAttributes!.attempt);
  assert.ok(attempts.length >= 1 && attempts.length <= splitCount);
  assert.ok(attempts.every((a) => a === 1), `split attempts ${JSON.stringify(attempts)}`);
});

test('options.keyValue is validated: an unknown decoder names its field', async () => {
  const { parseMovementInput } = await import('../../activities/movement-input.ts');
  assert.throws(() => parseMovementInput({
    source: { backupUrl, cluster: 'c', keyspace: KS, table: 'items' }, destination: { namespace: 'a', table: 'b' },
    options: { keyValue: { valueMetadata: 'protobuf' } },
  }), /options\.keyValue\.valueMetadata: a registered decoder \(cassberg-v1, json\)/);
  assert.throws(() => parseMovementInput({
    source: { backupUrl, cluster: 'c', keyspace: KS, table: 'items' }, destination: { namespace: 'a', table: 'b' },
    options: { keyValue: { layout: 'rows' } },
  }), /options\.keyValue\.layout/);
});
