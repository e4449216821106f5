// One oracle round per table shape against a real Cassandra node: create the table in `truth` and in the replica
// keyspaces r1 r2 r3, play the seeded workloads of many seeds (each on its own partitions; every mutation to truth
// and to a subset of replicas, a node-wide flush between phases), then merge the replicas' SSTables with selectAll
// and compare, row by row and in token order, with `SELECT JSON * FROM truth.<table>`.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordBatch } from 'apache-arrow';
import type { UnfilteredSource } from '../../../../engine/compaction/row-buffer.ts';
import { selectAll } from '../../../../engine/compaction/select.ts';
import { createTableLayout } from '../../../../engine/compaction/table-layout.ts';
import type { TableLayout } from '../../../../engine/compaction/table-layout.ts';
import type { PartitionerName } from '../../../../engine/compaction/token.ts';
import { batchesToJson } from '../../../../engine/compaction/select-json.ts';
import { Clock, REPLICAS, createRng } from './workload.ts';
import type { Mutation, Shape } from './workload.ts';

/** What the oracle needs from the Cassandra test harness. */
export interface OracleNode {
  /** Runs CQL; for SELECT JSON the rows' `[json]` texts. */
  query(cql: string): Promise<string[]>;
  /** Flushes every memtable of the node to SSTables. */
  flush(): Promise<void>;
  /** The node's data directory (<dataDir>/<keyspace>/<table>-<id>/). */
  dataDir: string;
}

/** Opens the merge sources for the SSTables in the given table directories, with the table's layout. */
export type OpenSources = (tableDirs: string[], layout: TableLayout) => Promise<{ sources: UnfilteredSource[]; partitioner: PartitionerName }>;

export interface OracleResult {
  expected: Record<string, unknown>[];
  actual: Record<string, unknown>[];
  /** writetime() of the shape's `writetime` columns per row, from truth and from the merge. */
  expectedWritetimes: unknown[][];
  actualWritetimes: unknown[][];
  sstables: number;
  mutations: number;
}

export const KEYSPACES = ['truth', ...REPLICAS];

export async function createKeyspaces(node: OracleNode): Promise<void> {
  for (const ks of KEYSPACES) {
    await node.query(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
  }
}

async function tableDir(dataDir: string, ks: string, table: string): Promise<string> {
  const entries = await readdir(join(dataDir, ks));
  const dir = entries.find((e) => e.startsWith(`${table}-`));
  if (!dir) throw new Error(`no directory for ${ks}.${table} under ${dataDir}`);
  return join(dataDir, ks, dir);
}

export interface PlannedShape {
  shape: Shape;
  table: string;
  /** Per seed: its mutations, in order. */
  workloads: Mutation[][];
}

/** Creates the shape's table in every keyspace and draws each seed's mutations. */
export async function planShape(node: OracleNode, shape: Shape, seeds: readonly number[], mutationsPerSeed: number): Promise<PlannedShape> {
  const table = `t_${shape.name}`;
  for (const ks of KEYSPACES) {
    const sub = (s: string) => s.replaceAll('{ks}', ks).replaceAll('{t}', table);
    for (const t of shape.types) await node.query(sub(t));
    await node.query(`DROP TABLE IF EXISTS ${ks}.${table}`);
    await node.query(sub(shape.table));
  }
  const workloads = seeds.map((seed) => {
    const rng = createRng(seed * 7919 + shape.name.length);
    const clock = new Clock(rng);
    return Array.from({ length: mutationsPerSeed }, () => shape.generate(rng, clock, seed));
  });
  return { shape, table, workloads };
}

/** Plays phase `phase` of `phases` of every seed's workload (the caller flushes after each phase). */
export async function playPhase(node: OracleNode, planned: PlannedShape, phase: number, phases: number): Promise<void> {
  for (const mutations of planned.workloads) {
    const per = Math.ceil(mutations.length / phases);
    for (const m of mutations.slice(phase * per, (phase + 1) * per)) {
      for (const ks of ['truth', ...m.replicas]) await node.query(m.cql.replaceAll('{ks}', ks).replaceAll('{t}', planned.table));
    }
  }
}

/** Merges the replicas' SSTables of the shape's table at nowSec and reads the truth table. */
export async function compareShape(node: OracleNode, planned: PlannedShape, openSources: OpenSources, nowSec: number): Promise<OracleResult> {
  const { shape, table } = planned;
  const expected = (await node.query(`SELECT JSON * FROM truth.${table}`)).map((j) => JSON.parse(j) as Record<string, unknown>);
  const layout = createTableLayout(shape.columns.map((c) => ({ ...c, type: c.type.replaceAll('{ks}', 'r1') })));
  const dirs = await Promise.all(REPLICAS.map((ks) => tableDir(node.dataDir, ks, table)));
  const { sources, partitioner } = await openSources(dirs, layout);
  const wt = shape.writetime ?? [];
  const batches: RecordBatch[] = [];
  for await (const b of selectAll(sources, layout, { nowSec, partitioner, maxBatchBytes: 1 << 16, writetime: wt })) batches.push(b);
  const expectedWritetimes = wt.length === 0 ? [] : (await node.query(`SELECT JSON ${wt.map((c, i) => `writetime(${c}) AS w${i}`).join(', ')} FROM truth.${table}`))
    .map((j) => { const o = JSON.parse(j) as Record<string, unknown>; return wt.map((_, i) => o[`w${i}`] ?? null); });
  const actualWritetimes = wt.length === 0 ? [] : batches.flatMap((b) => Array.from({ length: b.numRows }, (_, r) => wt.map((c) => {
    const v = b.getChild(`writetime(${c})`)!.get(r) as bigint | null;
    return v === null ? null : Number(v);
  })));
  return {
    expected, actual: batchesToJson(batches, layout), expectedWritetimes, actualWritetimes,
    sstables: sources.length, mutations: planned.workloads.flat().length,
  };
}
