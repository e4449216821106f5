// Oracle: real Cassandra 5.0. Each table shape exists in `truth` and in replica keyspaces r1 r2 r3; seeded
// workloads (inserts, updates, every kind of delete, TTLs, collection and UDT operations, statics, explicit
// timestamps, counters) send each mutation to truth and to a random non-empty subset of the replicas, flushing
// between phases so every replica holds several SSTables. Merging the SSTables of r1 + r2 + r3 must give exactly
// `SELECT JSON * FROM truth.<table>`, row for row in token order.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { createSSTableSources } from '../../../engine/compaction/sstable-source.ts';
import { openSSTable } from '../../../engine/sstable/sstable-reader.ts';
import type { SSTable } from '../../../engine/sstable/sstable-reader.ts';
import { LocalObjectStore } from '../../../engine/storage/local-fs.ts';
import { ensureCassandra } from '../../harness/cassandra.ts';
import type { CassandraNode } from '../../harness/cassandra.ts';
import { compareShape, createKeyspaces, planShape, playPhase } from './oracle/run.ts';
import type { OpenSources, OracleNode, PlannedShape } from './oracle/run.ts';
import { compositeShape, counterShape, udtShape, wideShape } from './oracle/workload.ts';

const SEEDS_PER_SHAPE = Number(process.env.CASSBERG_ORACLE_SEEDS ?? 6);
/** CASSBERG_ORACLE_FORMAT=bti runs the same workloads on a node writing BTI (da) sstables. */
const FORMAT = process.env.CASSBERG_ORACLE_FORMAT === 'bti' ? 'bti' : 'big';
const MUTATIONS_PER_SEED = 40;
const PHASES = 3;

let cassandra: CassandraNode;
let node: OracleNode;
const planned: PlannedShape[] = [];
let nowSec = 0;

const openSources: OpenSources = async (dirs, layout) => {
  const sstables: SSTable[] = [];
  for (const dir of dirs) {
    const store = new LocalObjectStore(dir);
    for (const f of (await readdir(dir)).filter((n) => n.endsWith('-Data.db')).sort()) sstables.push(await openSSTable(store, f));
  }
  return createSSTableSources(sstables, layout);
};

before(async () => {
  cassandra = await ensureCassandra({ sstableFormat: FORMAT });
  node = {
    query: async (cql) => ((await cassandra.execute(cql)).rows ?? []).map((r) => r['[json]'] as string),
    flush: () => cassandra.flush(),
    dataDir: cassandra.dataDir,
  };
  await createKeyspaces(node);
  const seeds = Array.from({ length: SEEDS_PER_SHAPE }, (_, i) => i + 1);
  for (const shape of [wideShape, compositeShape, udtShape, counterShape()]) {
    planned.push(await planShape(node, shape, seeds, MUTATIONS_PER_SEED));
  }
  for (let phase = 0; phase < PHASES; phase++) {
    for (const p of planned) await playPhase(node, p, phase, PHASES);
    await node.flush();
  }
  // data written with TTL 1 s must be dead on both sides by now, data with TTL 1 day alive
  await new Promise((r) => setTimeout(r, 2100));
  nowSec = Math.floor(Date.now() / 1000);
}, { timeout: 600_000 });

after(async () => { await cassandra?.close(); });

const SHAPES = ['wide', 'composite', 'udt', 'counter'];

for (const [i, name] of SHAPES.entries()) {
  test(`merged replicas equal SELECT * on truth: ${name} table, ${SEEDS_PER_SHAPE} seeds`, async () => {
    const p = planned[i]!;
    const { expected, actual, expectedWritetimes, actualWritetimes, sstables, mutations } = await compareShape(node, p, openSources, nowSec);
    assert.ok(sstables >= 2 * 3, `${sstables} sstables across the replicas`);
    assert.ok(expected.length > 0, 'the workload leaves rows');
    const at = actual.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(expected[k]));
    if (at >= 0 || actual.length !== expected.length) {
      const k = at >= 0 ? at : Math.min(actual.length, expected.length);
      assert.deepEqual(actual[k], expected[k], `${name}: first difference at row ${k} of ${expected.length} (${mutations} mutations)`);
    }
    assert.deepEqual(actual, expected);
    assert.deepEqual(actualWritetimes, expectedWritetimes, 'writetime() of the simple columns');
  });
}
