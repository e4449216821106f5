// Input sizes for planning: per node, the SSTables of one table with their sizes (from manifests or the listing), and
// a first estimate of bytes per token range that spreads each node's bytes over the ranges it replicates in
// proportion to their width. Planning then replaces it with sizes read from the SSTables' partition indexes
// (activities/movement/range-sizing.ts), cutting pieces the index shows too large, and keeps it only when an index
// is missing or unreadable (the plan's `sizing` says which).

import type { ClusterBackup, SSTableBackup } from './model.ts';
import type { ReplicaChoice } from './replicas.ts';
import { rangeWidth } from './ring.ts';

export interface SSTableInput {
  prefix: string;
  dataKey: string;
  dataSizeInBytes: number;
  totalSizeInBytes: number;
}

export interface NodeInput {
  node: string;
  dc?: string;
  sstables: SSTableInput[];
  dataSizeInBytes: number;
  totalSizeInBytes: number;
}

export interface TableSelector {
  keyspace: string;
  table: string;
  tableId?: string;
}

function sizeOf(c: { expectedSizeInBytes?: number; storedSizeInBytes?: number }): number {
  return c.expectedSizeInBytes ?? c.storedSizeInBytes ?? 0;
}

function toInput(s: SSTableBackup): SSTableInput | undefined {
  const data = s.components.find((c) => c.name === 'Data.db');
  if (!data) return undefined;
  return { prefix: s.prefix, dataKey: data.key, dataSizeInBytes: sizeOf(data), totalSizeInBytes: s.components.reduce((a, c) => a + sizeOf(c), 0) };
}

/** Per node backup: the table's SSTables and sizes. Nodes without the table have an empty list. */
export function planInput(backup: ClusterBackup, table: TableSelector): NodeInput[] {
  return backup.nodeBackups.map((nb) => {
    const sstables: SSTableInput[] = [];
    for (const t of nb.tables) {
      if (t.keyspace !== table.keyspace || t.table !== table.table) continue;
      if (table.tableId !== undefined && t.tableId !== table.tableId) continue;
      for (const s of t.sstables) {
        const input = toInput(s);
        if (input) sstables.push(input);
      }
    }
    const out: NodeInput = {
      node: nb.node.name,
      sstables,
      dataSizeInBytes: sstables.reduce((a, s) => a + s.dataSizeInBytes, 0),
      totalSizeInBytes: sstables.reduce((a, s) => a + s.totalSizeInBytes, 0),
    };
    if (nb.node.dc !== undefined) out.dc = nb.node.dc;
    return out;
  });
}

export interface RangeEstimate {
  choice: ReplicaChoice;
  /** Estimated Data.db bytes to read for this range, summed over the chosen replicas. */
  dataSizeInBytes: number;
}

/**
 * Spreads each node's Data.db bytes over the ranges it replicates (all of them, chosen or not, since its SSTables hold
 * all of them), in proportion to range width, and sums the shares of the chosen replicas per range.
 */
export function estimateRangeBytes(inputs: NodeInput[], choices: ReplicaChoice[]): RangeEstimate[] {
  const replicatedWidth = new Map<string, bigint>();
  for (const c of choices) {
    for (const r of c.replicas) replicatedWidth.set(r.name, (replicatedWidth.get(r.name) ?? 0n) + rangeWidth(c.range));
  }
  const bytes = new Map(inputs.map((i) => [i.node, i.dataSizeInBytes]));
  return choices.map((choice) => {
    let total = 0;
    for (const r of choice.chosen) {
      const width = replicatedWidth.get(r.name) ?? 0n;
      if (width === 0n) continue;
      // width ratio with 1e-9 resolution; sizes stay far below 2^53
      const share = Number((rangeWidth(choice.range) * 1_000_000_000n) / width) / 1e9;
      total += (bytes.get(r.name) ?? 0) * share;
    }
    return { choice, dataSizeInBytes: Math.round(total) };
  });
}
