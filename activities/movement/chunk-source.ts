// The Key-Value connector's chunk table (connectors/key-value/chunks.ts), read from the same backup as the main table.
// Chunk partitions are keyed by (id, key, version), so they spread over the whole ring and a split cannot read "its"
// token range of them. Instead, for the chunk sets of one batch of items, the source computes each set's partition
// key and Murmur3 token, finds the replicas the plan chose for that token (the main table's consistency level), asks
// the partition index of each of their chunk SSTables for the Data.db bytes of exactly those partitions, and merges
// what it finds with engine/compaction: chunk overwrites, TTLs and deletes reconcile as Cassandra's reads would.
import type { RecordBatch } from 'apache-arrow';
import { chunkTableName, type ChunkRef, type ChunkSource } from '../../connectors/key-value/chunks.ts';
import type { ClusterBackup } from '../../engine/backup/model.ts';
import { planInput } from '../../engine/backup/planning.ts';
import type { ReplicaChoice } from '../../engine/backup/replicas.ts';
import { selectAll } from '../../engine/compaction/select.ts';
import { createSSTableSources, SSTableSource } from '../../engine/compaction/sstable-source.ts';
import { SOURCE_END, type UnfilteredSource } from '../../engine/compaction/row-buffer.ts';
import { createTableLayout, type ColumnSpec, type TableLayout } from '../../engine/compaction/table-layout.ts';
import { BackupIncompleteError } from '../../engine/errors.ts';
import { toCompositeKey } from '../../engine/partitioner/composite-key.ts';
import { murmur3Token } from '../../engine/partitioner/murmur3.ts';
import { findDataRanges, type DataRange, type PartitionIndex } from '../../engine/sstable/index/partition-index.ts';
import { openSSTable, type SSTable } from '../../engine/sstable/sstable-reader.ts';
import type { ObjectStore } from '../../engine/storage/object-store.ts';
import { openIndexOf } from './index-seek.ts';
import type { KeyValueSettings } from '../../connectors/key-value.ts';
import type { KeyValueMovement } from '../contracts.ts';
import type { MovementPlan } from './source.ts';

/** The plan's `chunkTable` section: where the chunk table's SSTables are and which replicas serve which tokens. */
export interface ChunkTablePlan {
  keyspace: string;
  table: string;
  tableId: string;
  /** Columns in `SELECT *` order with header AbstractTypes (as MovementPlan.columns). */
  columns: ColumnSpec[];
  /** The nodes read for some range, each with its chunk-table Data.db keys. */
  nodes: Array<{ name: string; dataKeys: string[] }>;
  /** The ring's ranges in token order: end token (inclusive, decimal) and the indexes in `nodes` read for it.
   *  Range 0 wraps: it also holds the tokens after the last end. */
  ranges: Array<{ end: string; nodes: number[] }>;
}

/**
 * The chunk table's section of the plan, with the main table's replica choice; undefined when the backup has no
 * SSTables of `table`. `columnsOf` reads the column specs from one SSTable header and the table's schema.
 */
export async function planChunkTable(cluster: ClusterBackup, choices: readonly ReplicaChoice[], keyspace: string, table: string,
                                     columnsOf: (dataKey: string, table: string) => Promise<ColumnSpec[]>): Promise<ChunkTablePlan | undefined> {
  const tableId = cluster.nodeBackups.flatMap((nb) => nb.tables).find((t) => t.keyspace === keyspace && t.table === table)?.tableId;
  const inputs = planInput(cluster, { keyspace, table, ...(tableId ? { tableId } : {}) });
  const firstKey = inputs.flatMap((i) => i.sstables)[0]?.dataKey;
  if (!firstKey) return undefined;
  const byNode = new Map(inputs.map((i) => [i.node, i.sstables.map((s) => s.dataKey)]));
  const names = [...new Set(choices.flatMap((c) => c.chosen.map((n) => n.name)))];
  return {
    keyspace, table, tableId: tableId ?? '', columns: await columnsOf(firstKey, table),
    nodes: names.map((name) => ({ name, dataKeys: byNode.get(name) ?? [] })),
    ranges: choices.map((c) => ({ end: String(c.range.endInclusive), nodes: c.chosen.map((n) => names.indexOf(n.name)) })),
  };
}

/** A source that fails when first asked: the backup has no chunk table, and a chunked item needs one. */
export function missingChunkTable(backupId: string, keyspace: string, table: string): ChunkSource {
  return async function* missing(refs: readonly ChunkRef[]): AsyncGenerator<RecordBatch> {
    throw new BackupIncompleteError(`key-value: item id=${JSON.stringify(refs[0]?.id)} is chunked, but backup ${backupId} has no SSTables of the chunk table ${keyspace}.${table}`,
      [], { keyspace, table });
  };
}

/** One chunk SSTable, opened on first use, with its partition index (null: none, scan it whole). */
interface OpenedChunkSSTable { sstable: SSTable; index: PartitionIndex<bigint> | null }

/** Several Data.db ranges of one SSTable, in file order, as one source: one scanner at a time, not one per set. */
class RangesSource implements UnfilteredSource {
  private current: SSTableSource;
  private at = 0;

  constructor(private readonly sstable: SSTable, private readonly layout: TableLayout, private readonly ranges: readonly DataRange[]) {
    this.current = this.open(0);
  }

  get row() { return this.current.row; }
  get partitionKey() { return this.current.partitionKey; }
  get token() { return this.current.token; }
  get partitionMarkedForDeleteAt() { return this.current.partitionMarkedForDeleteAt; }
  get partitionLocalDeletionTime() { return this.current.partitionLocalDeletionTime; }

  next(): number | Promise<number> {
    const ev = this.current.next();
    if (typeof ev === 'number') return ev === SOURCE_END ? this.nextRange() : ev;
    return ev.then((e) => (e === SOURCE_END ? this.nextRange() : e));
  }

  skipPartition(): void { this.current.skipPartition(); }

  private nextRange(): number | Promise<number> {
    if (++this.at >= this.ranges.length) return SOURCE_END;
    this.current = this.open(this.at);
    return this.next();
  }

  private open(i: number): SSTableSource {
    // chunk partitions are small: a small first window (the scanner grows it for larger rows)
    const r = this.ranges[i]!;
    return new SSTableSource(this.sstable, this.layout, { start: r.start, end: r.end, windowBytes: 64 << 10 });
  }
}

const utf8 = new TextEncoder();

/** The ring range holding `token`: the first range whose end is ≥ token, else range 0 (it wraps). */
function rangeOf(ends: readonly bigint[], token: bigint): number {
  let lo = 0, hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid]! < token) lo = mid + 1;
    else hi = mid;
  }
  return lo === ends.length ? 0 : lo;
}

/** Data.db ranges of the partitions with these tokens (sorted, distinct), merged where they touch. */
async function rangesOfTokens(t: OpenedChunkSSTable, tokens: readonly bigint[]): Promise<DataRange[] | undefined> {
  if (!t.index) return undefined;
  const out: DataRange[] = [];
  for (const token of tokens) {
    for (const r of await findDataRanges(t.index, { startExclusive: token - 1n, endInclusive: token }, t.sstable.data.uncompressedLength)) {
      const last = out[out.length - 1];
      if (last && last.end >= r.start) last.end = Math.max(last.end, r.end);
      else out.push({ start: r.start, end: r.end });
    }
  }
  return out;
}

/** What the seeks saved: uncompressed Data.db bytes of the partitions asked for vs of the SSTables they were asked of. */
export interface ChunkSeekStats { requests: number; bytesSought: number; bytesOfSSTables: number }

/**
 * A ChunkSource over the chunk table of `plan`: per request, only the partitions of the requested sets are read, on
 * the replicas chosen for their tokens, and merged at `nowSec` (the movement's reference time).
 */
export function createChunkSource(store: ObjectStore, plan: ChunkTablePlan, nowSec: number,
                                  stats: ChunkSeekStats = { requests: 0, bytesSought: 0, bytesOfSSTables: 0 }): ChunkSource {
  const layout = createTableLayout(plan.columns);
  const ends = plan.ranges.map((r) => BigInt(r.end));
  const opened = new Map<string, Promise<OpenedChunkSSTable>>();
  const open = (key: string) => {
    let p = opened.get(key);
    if (!p) {
      p = openSSTable(store, key).then(async (sstable) => ({ sstable, index: await openIndexOf(store, key, sstable) }));
      opened.set(key, p);
    }
    return p;
  };
  return async function* chunks(refs: readonly ChunkRef[]): AsyncGenerator<RecordBatch> {
    // tokens per node read, each sorted and distinct
    const tokensByNode = plan.nodes.map(() => new Set<bigint>());
    for (const ref of refs) {
      const token = murmur3Token(toCompositeKey([utf8.encode(ref.id), ref.key, ref.version]));
      for (const n of plan.ranges[rangeOf(ends, token)]!.nodes) tokensByNode[n]!.add(token);
    }
    const sources: UnfilteredSource[] = [];
    stats.requests++;
    for (const [n, set] of tokensByNode.entries()) {
      if (set.size === 0) continue;
      const tokens = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const key of plan.nodes[n]!.dataKeys) {
        const t = await open(key);
        const ranges = await rangesOfTokens(t, tokens);
        const length = t.sstable.data.uncompressedLength;
        stats.bytesOfSSTables += length;
        stats.bytesSought += ranges ? ranges.reduce((n, r) => n + r.end - r.start, 0) : length;
        if (ranges === undefined) sources.push(...createSSTableSources([t.sstable], layout).sources);
        else if (ranges.length > 0) sources.push(new RangesSource(t.sstable, layout, ranges));
      }
    }
    if (sources.length === 0) return;
    yield* selectAll(sources, layout, { nowSec, partitioner: 'Murmur3Partitioner' });
  };
}

/** The key-value connector's settings for a split: the job's layout and decoder, and the plan's chunk table. */
export function keyValueSettings(movement: KeyValueMovement | undefined, plan: Pick<MovementPlan, 'backupId' | 'keyspace' | 'table' | 'chunkTable'>,
                                 store: ObjectStore, nowSec: number): KeyValueSettings {
  const chunks = plan.chunkTable
    ? createChunkSource(store, plan.chunkTable, nowSec)
    : missingChunkTable(plan.backupId, plan.keyspace, chunkTableName(plan.table, movement?.chunkTableSuffix));
  return { ...(movement?.layout ? { layout: movement.layout } : {}), ...(movement?.valueMetadata ? { valueMetadata: movement.valueMetadata } : {}), chunks };
}
