// Builds real-looking backups in both layouts from the real Cassandra SSTables of /work/shared/corpus, through any
// ObjectStore (MinIO in the S3 tests, a temp dir otherwise). Write order follows the tools: data first, marker last.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NodeTopology } from '../../../engine/backup/model.ts';
import { formatTokenMap } from '../../../engine/backup/tokenmap.ts';
import type { ObjectStore } from '../../../engine/storage/object-store.ts';

export const CORPUS = '/work/shared/corpus/cassandra-legacy-sstables';

export interface FixtureTable {
  keyspace: string;
  /** `<table>-<32 hex id>` */
  dirName: string;
  /** Directory of real SSTable files to copy. */
  sourceDir: string;
}

export const TABLES: FixtureTable[] = [
  { keyspace: 'shop', dirName: 'users-6f0c1b2a000011ef8000000000000001', sourceDir: join(CORPUS, 'nb/legacy_tables/legacy_nb_simple') },
  { keyspace: 'shop', dirName: 'orders-6f0c1b2a000011ef8000000000000002', sourceDir: join(CORPUS, 'oa/legacy_tables/legacy_oa_clust') },
];

/** Three nodes, one token each, one DC, three racks. */
export const NODES: NodeTopology[] = [
  { name: 'node-1', dc: 'dc1', rack: 'r1', tokens: [-6148914691236517206n] },
  { name: 'node-2', dc: 'dc1', rack: 'r2', tokens: [-2n] },
  { name: 'node-3', dc: 'dc1', rack: 'r3', tokens: [6148914691236517202n] },
];

function sourceFiles(dir: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir)
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));
}

const enc = new TextEncoder();

function schemaCql(t: FixtureTable): string {
  const table = t.dirName.replace(/-[0-9a-f]{32}$/, '');
  const h = t.dirName.slice(-32);
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return `CREATE TABLE IF NOT EXISTS ${t.keyspace}.${table} (k text PRIMARY KEY, v text) WITH ID = ${id};\n`;
}

export interface SnapshotOptions {
  tag: string;
  nodes?: NodeTopology[];
  tables?: FixtureTable[];
  /** Nodes whose upload stops before the marker (half-written backup). */
  unfinished?: string[];
  /** Nodes not uploaded at all. */
  absent?: string[];
  createdAt?: Date;
  /**
   * Two data_file_directories synced as `<node>/data1/...` and `<node>/data2/...`: table i's sstables go to
   * data<i+1>, every manifest.json and schema.cql to data1 (Cassandra writes them into one of the dirs).
   */
  splitDataDirs?: boolean;
  /** Pre-4.1 manifest.json: `{"files": [...]}` only, no created_at. */
  legacyManifest?: boolean;
  /** Cassandra's internal snapshots (repair) say `"ephemeral": true`. */
  ephemeral?: boolean;
}

/** `nodetool snapshot` per node, synced to `<root>/<dc>/<node>/...`, then the tokenmap.json marker. */
export async function buildSnapshotBackup(store: ObjectStore, root: string, o: SnapshotOptions): Promise<void> {
  const nodes = o.nodes ?? NODES;
  for (const node of nodes) {
    if (o.absent?.includes(node.name)) continue;
    const base = [root, node.dc!, node.name].filter(Boolean).join('/');
    for (const [i, t] of (o.tables ?? TABLES).entries()) {
      const tableDir = (dataDir: string) => `${base}${dataDir}/${t.keyspace}/${t.dirName}/snapshots/${o.tag}`;
      const dir = tableDir(o.splitDataDirs ? '/data1' : '');
      const files = sourceFiles(t.sourceDir);
      for (const f of files) await store.put(`${tableDir(o.splitDataDirs ? `/data${i + 1}` : '')}/${f.name}`, f.bytes);
      const dataFiles = files.filter((f) => f.name.endsWith('-Data.db')).map((f) => f.name);
      const manifest = o.legacyManifest
        ? { files: dataFiles }
        : { files: dataFiles, created_at: (o.createdAt ?? new Date()).toISOString(), expires_at: null, ephemeral: o.ephemeral ?? false };
      await store.put(`${dir}/manifest.json`, enc.encode(JSON.stringify(manifest, null, 2)));
      await store.put(`${dir}/schema.cql`, enc.encode(schemaCql(t)));
    }
    if (o.unfinished?.includes(node.name)) continue;
    await store.put(`${base}/snapshots/${o.tag}/tokenmap.json`, enc.encode(formatTokenMap(nodes)));
  }
}

export interface MedusaOptions {
  name: string;
  differential?: boolean;
  nodes?: NodeTopology[];
  tables?: FixtureTable[];
  unfinished?: string[];
  absent?: string[];
}

/** Medusa's write order per node: schema, tokenmap, server version, marker, data, manifest last. */
export async function buildMedusaBackup(store: ObjectStore, root: string, o: MedusaOptions): Promise<void> {
  const nodes = o.nodes ?? NODES;
  for (const node of nodes) {
    if (o.absent?.includes(node.name)) continue;
    const nodeBase = [root, node.name].filter(Boolean).join('/');
    const meta = `${nodeBase}/${o.name}/meta`;
    // Medusa's schema.cql is the node's DESCRIBE SCHEMA: keyspaces first, then their tables
    const keyspaces = [...new Set((o.tables ?? TABLES).map((t) => t.keyspace))].map((k) => `CREATE KEYSPACE ${k} WITH replication = {'class': 'org.apache.cassandra.locator.NetworkTopologyStrategy', 'dc1': '3'}  AND durable_writes = true;\n`);
    await store.put(`${meta}/schema.cql`, enc.encode([...keyspaces, ...(o.tables ?? TABLES).map(schemaCql)].join('\n')));
    await store.put(`${meta}/tokenmap.json`, enc.encode(formatTokenMap(nodes)));
    await store.put(`${meta}/server_version.json`, enc.encode('{"server_type": "cassandra", "release_version": "5.0.2"}'));
    if (o.differential) await store.put(`${meta}/differential`, enc.encode('differential'));
    const dataBase = o.differential ? `${nodeBase}/data` : `${nodeBase}/${o.name}/data`;
    const sections = [];
    for (const t of o.tables ?? TABLES) {
      const objects = [];
      for (const f of sourceFiles(t.sourceDir)) {
        const key = `${dataBase}/${t.keyspace}/${t.dirName}/${f.name}`;
        await store.put(key, f.bytes);
        objects.push({ path: key, MD5: createHash('md5').update(f.bytes).digest('hex'), size: f.bytes.length });
      }
      sections.push({ keyspace: t.keyspace, columnfamily: t.dirName, objects });
    }
    if (o.unfinished?.includes(node.name)) continue;
    await store.put(`${meta}/manifest.json`, enc.encode(JSON.stringify(sections)));
  }
}
