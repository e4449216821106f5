// "As of T": the newest acceptable (by default: complete) cluster backup that finished at or before T, with what the
// rest of the pipeline needs from it: topology (tokens, DC, rack per node), tables with their ids, the schema text
// (parsed elsewhere, by engine/sstable/schema.ts) and the TTL reference time (the earliest node snapshot time).

import { BackupIncompleteError } from '../errors.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { readText } from '../storage/object-store.ts';
import { checkClusterBackup, type CheckOptions, type ClusterVerdict } from './completeness.ts';
import type { ClusterBackup, NodeTopology } from './model.ts';

export interface TableRef {
  keyspace: string;
  table: string;
  tableId?: string;
  isSystem: boolean;
  /** Names of the nodes whose backup holds this table folder. */
  nodes: string[];
}

export interface BackupChoice {
  backup: ClusterBackup;
  verdict: ClusterVerdict;
  finishedAt: Date;
  topology: NodeTopology[];
  tables: TableRef[];
  /** Reference "now" for TTL expiry: the earliest snapshot instant of any node backup. */
  ttlReferenceTime: Date;
  /** Newer backups that were passed over, with why. */
  skipped: { name: string; reason: string }[];
  warnings: string[];
}

export interface AsOfOptions extends CheckOptions {
  /** Whether a checked backup may be used; default: its verdict is complete. */
  accept?: (verdict: ClusterVerdict, backup: ClusterBackup) => boolean;
}

export function tablesOf(backup: ClusterBackup, warnings: string[] = []): TableRef[] {
  const byName = new Map<string, TableRef>();
  for (const nb of backup.nodeBackups) {
    for (const t of nb.tables) {
      const name = `${t.keyspace}.${t.table}`;
      const ref = byName.get(name);
      if (!ref) {
        const r: TableRef = { keyspace: t.keyspace, table: t.table, isSystem: t.isSystem, nodes: [nb.node.name] };
        if (t.tableId) r.tableId = t.tableId;
        byName.set(name, r);
      } else {
        if (ref.tableId !== t.tableId) warnings.push(`${name}: table id ${t.tableId} on ${nb.node.name} differs from ${ref.tableId} on ${ref.nodes[0]}`);
        if (!ref.nodes.includes(nb.node.name)) ref.nodes.push(nb.node.name);
      }
    }
  }
  return [...byName.values()].sort((a, b) => (`${a.keyspace}.${a.table}` < `${b.keyspace}.${b.table}` ? -1 : 1));
}

export async function chooseBackupAsOf(store: ObjectStore, backups: ClusterBackup[], asOf: Date, options: AsOfOptions = {}): Promise<BackupChoice> {
  const accept = options.accept ?? ((v: ClusterVerdict) => v.status === 'complete');
  const skipped: { name: string; reason: string }[] = [];
  const candidates = backups
    .filter((b) => {
      if (!b.finished) skipped.push({ name: b.name, reason: 'not finished on every node' });
      else if (b.finished.at > asOf) skipped.push({ name: b.name, reason: `finished ${b.finished.at.toISOString()}, after ${asOf.toISOString()}` });
      else return true;
      return false;
    })
    .sort((a, b) => b.finished!.at.getTime() - a.finished!.at.getTime());
  for (const backup of candidates) {
    const verdict = await checkClusterBackup(store, backup, options);
    if (!accept(verdict, backup)) {
      skipped.push({ name: backup.name, reason: `${verdict.status}: ${verdict.reasons.join('; ')}` });
      continue;
    }
    const warnings: string[] = [];
    const snapshotTimes = backup.nodeBackups.map((n) => n.snapshotAt?.at ?? n.started?.at).filter((d): d is Date => d !== undefined);
    return {
      backup,
      verdict,
      finishedAt: backup.finished!.at,
      topology: backup.expectedNodes,
      tables: tablesOf(backup, warnings),
      ttlReferenceTime: new Date(Math.min(...snapshotTimes.map((d) => d.getTime()), backup.finished!.at.getTime())),
      skipped,
      warnings,
    };
  }
  throw new BackupIncompleteError(
    `no usable backup finished at or before ${asOf.toISOString()}`,
    skipped.map((s) => `${s.name}: ${s.reason}`),
    { asOf: asOf.toISOString() },
  );
}

export type SchemaText =
  | { kind: 'table-cql'; keyspace: string; table: string; tableId?: string; key: string; text: string }
  | { kind: 'cluster-cql'; node: string; key: string; text: string };

/**
 * The schema text of a backup: per-table schema.cql files (snapshot layout; one per table, from the first node that
 * has it) or the cluster schema.cql of the first node (Medusa). Differing texts between nodes become warnings.
 */
export async function loadSchema(store: ObjectStore, backup: ClusterBackup, warnings: string[] = []): Promise<SchemaText[]> {
  const out: SchemaText[] = [];
  if (backup.layout === 'nodetool-snapshot') {
    const seen = new Map<string, string>();
    for (const nb of backup.nodeBackups) {
      for (const t of nb.tables) {
        if (!t.schemaKey) continue;
        const name = `${t.keyspace}.${t.dirName}`;
        const text = await readText(store, t.schemaKey);
        const first = seen.get(name);
        if (first !== undefined) {
          if (first !== text) warnings.push(`${name}: schema.cql on ${nb.node.name} differs from the first node's`);
          continue;
        }
        seen.set(name, text);
        const s: SchemaText = { kind: 'table-cql', keyspace: t.keyspace, table: t.table, key: t.schemaKey, text };
        if (t.tableId) s.tableId = t.tableId;
        out.push(s);
      }
    }
    // the node-level DESCRIBE SCHEMA output, after the per-table files (which keep table ids and dropped columns)
    await pushClusterSchema(store, backup, out, warnings);
    return out;
  }
  await pushClusterSchema(store, backup, out, warnings);
  return out;
}

/** The first node's cluster schema.cql; another node's differing text is a warning. */
async function pushClusterSchema(store: ObjectStore, backup: ClusterBackup, out: SchemaText[], warnings: string[]): Promise<void> {
  let first: { node: string; text: string } | undefined;
  for (const nb of backup.nodeBackups) {
    if (!nb.schemaKey) continue;
    const text = await readText(store, nb.schemaKey);
    if (!first) {
      first = { node: nb.node.name, text };
      out.push({ kind: 'cluster-cql', node: nb.node.name, key: nb.schemaKey, text });
    } else if (first.text !== text) warnings.push(`schema.cql on ${nb.node.name} differs from ${first.node}'s`);
  }
}
