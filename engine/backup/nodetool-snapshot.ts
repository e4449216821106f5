// `nodetool snapshot` directories copied to object storage per node (e.g. `aws s3 sync` of the data directory).
// Accepted layout, relative to the backup root:
//
//   <dc>/<node>/<keyspace>/<table>-<id32hex>/snapshots/<tag>/manifest.json      Cassandra's per-table manifest
//   <dc>/<node>/<keyspace>/<table>-<id32hex>/snapshots/<tag>/schema.cql         Cassandra's per-table schema
//   <dc>/<node>/<keyspace>/<table>-<id32hex>/snapshots/<tag>/nb-1-big-*.db ...  SSTable components
//   <dc>/<node>/snapshots/<tag>/schema.cql                                      optional: the whole schema
//   <dc>/<node>/snapshots/<tag>/tokenmap.json                                   node marker, uploaded LAST
//
// The node-level schema.cql is what `cqlsh -e 'DESCRIBE SCHEMA'` prints. Cassandra's per-table schema.cql has no
// CREATE KEYSPACE, so this file is where a movement learns each keyspace's replication (engine/backup/keyspace.ts);
// without it, planning assumes SimpleStrategy with replication factor 1 and says so in the plan.
//
// For example, on each node after `nodetool snapshot -t <tag>`:
//
//   aws s3 sync /var/lib/cassandra/data s3://bucket/<root>/<dc>/<node>/ --exclude '*' --include '*/snapshots/<tag>/*'
//   aws s3 cp tokenmap.json s3://bucket/<root>/<dc>/<node>/snapshots/<tag>/tokenmap.json      (last)
//
// Extra folders between `<node>` and `<keyspace>` are allowed, e.g. `<dc>/<node>/data1/<keyspace>/...` and
// `<dc>/<node>/data2/<keyspace>/...` for a node with several data_file_directories: the parts of one table's
// snapshot are merged (Cassandra writes its manifest.json into one of them and lists every sstable there).
//
// The marker is Medusa's tokenmap format (`{"<node>": {"tokens": [...], "dc": "...", "rack": "..."}}`, node names as
// in the `<node>` path segments); it lists the ring as the node saw it, which gives the expected nodes. Everything
// else under the data directory (live sstables, `backups/`, other tags, `.<index>/` folders) is ignored.

import { CorruptInputError } from '../errors.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { readText } from '../storage/object-store.ts';
import type { Listing } from './listing.ts';
import type { ComponentBackup, NodeBackup, Stamp, TableBackup } from './model.ts';
import { SYSTEM_KEYSPACES } from './model.ts';
import { groupSSTables, parseComponentFileName, parseTableDirName, unsafePathReason, type ComponentFileName } from './sstable-files.ts';
import { parseTokenMap } from './tokenmap.ts';

export const SNAPSHOT_MARKER = 'tokenmap.json';
/** The node-level `DESCRIBE SCHEMA` output beside the marker. */
export const NODE_SCHEMA = 'schema.cql';

/** Tags Cassandra generates by itself; never user backups unless a marker says otherwise. */
const AUTO_TAG = /^(truncated|dropped|pre-scrub|upgrade|pre-upgrade|pre-repair|repair)-\d+/;

interface TableFiles {
  keyspace: string;
  dirName: string;
  files: Map<string, { key: string; size: number; etag?: string; lastModified?: Date }>;
}

interface NodeTag {
  dc: string;
  node: string;
  tag: string;
  tables: Map<string, TableFiles>;
  markerKey: string;
}

/** `<dc>/<node>/[<data dir>/...]<keyspace>/<table dir>/snapshots/<tag>/<file>` */
function isSnapshotFile(parts: string[]): boolean {
  return parts.length >= 7 && parts[parts.length - 3] === 'snapshots';
}

/** Whether the listing holds at least one snapshot-layout object. */
export function looksLikeSnapshotLayout(listing: Listing): boolean {
  for (const { parts } of listing.relative()) {
    if (parts.length === 5 && parts[2] === 'snapshots' && parts[4] === SNAPSHOT_MARKER) return true;
    if (isSnapshotFile(parts)) return true;
  }
  return false;
}

function collect(listing: Listing): Map<string, NodeTag> {
  const byNodeTag = new Map<string, NodeTag>();
  const entry = (dc: string, node: string, tag: string): NodeTag => {
    const id = `${dc}/${node}/${tag}`;
    let e = byNodeTag.get(id);
    if (!e) {
      e = { dc, node, tag, tables: new Map(), markerKey: listing.key(dc, node, 'snapshots', tag, SNAPSHOT_MARKER) };
      byNodeTag.set(id, e);
    }
    return e;
  };
  for (const { parts, info } of listing.relative()) {
    if (parts.length === 5 && parts[2] === 'snapshots' && parts[4] === SNAPSHOT_MARKER) {
      entry(parts[0]!, parts[1]!, parts[3]!);
    } else if (isSnapshotFile(parts)) {
      const n = parts.length;
      const [dc, node, keyspace, dirName, tag, file] = [parts[0]!, parts[1]!, parts[n - 5]!, parts[n - 4]!, parts[n - 2]!, parts[n - 1]!];
      const e = entry(dc, node, tag);
      let t = e.tables.get(`${keyspace}/${dirName}`);
      if (!t) e.tables.set(`${keyspace}/${dirName}`, (t = { keyspace, dirName, files: new Map() }));
      t.files.set(file, { key: info.key, size: info.sizeInBytes, etag: info.etag, lastModified: info.lastModified });
    }
  }
  for (const [id, e] of byNodeTag) {
    if (AUTO_TAG.test(e.tag) && !listing.get(e.markerKey)) byNodeTag.delete(id);
  }
  return byNodeTag;
}

interface SnapshotManifest {
  files: string[];
  createdAt?: Date;
  ephemeral: boolean;
}

/** Cassandra's per-table manifest.json, any version (2.x `files` only; 4.1+ with created_at/expires_at/ephemeral). */
export function parseSnapshotManifest(text: string, source: string): SnapshotManifest {
  let raw: { files?: unknown; created_at?: unknown; ephemeral?: unknown };
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CorruptInputError(source, 0, `manifest is not JSON: ${(err as Error).message}`, err);
  }
  if (!Array.isArray(raw.files) || raw.files.some((f) => typeof f !== 'string')) {
    throw new CorruptInputError(source, 0, 'manifest has no "files" array of strings');
  }
  const out: SnapshotManifest = { files: raw.files as string[], ephemeral: raw.ephemeral === true };
  if (typeof raw.created_at === 'string' && !Number.isNaN(Date.parse(raw.created_at))) out.createdAt = new Date(raw.created_at);
  else if (typeof raw.created_at === 'number') out.createdAt = new Date(raw.created_at * 1000);
  return out;
}

async function readTable(store: ObjectStore, t: TableFiles, problems: string[]): Promise<{ table: TableBackup; createdAt?: Stamp; ephemeral: boolean }> {
  const { table, tableId } = parseTableDirName(t.dirName);
  const out: TableBackup = { keyspace: t.keyspace, table, dirName: t.dirName, isSystem: SYSTEM_KEYSPACES.has(t.keyspace), sstables: [] };
  if (tableId) out.tableId = tableId;
  const schema = t.files.get('schema.cql');
  if (schema) out.schemaKey = schema.key;
  const manifestFile = t.files.get('manifest.json');
  const dirKey = manifestFile?.key.slice(0, -'/manifest.json'.length);
  let manifest: SnapshotManifest | undefined;
  if (manifestFile) {
    out.manifestKey = manifestFile.key;
    try {
      manifest = parseSnapshotManifest(await readText(store, manifestFile.key), store.describe(manifestFile.key));
    } catch (err) {
      problems.push(`${t.keyspace}/${t.dirName}: ${(err as Error).message}`);
    }
  } else {
    problems.push(`${t.keyspace}/${t.dirName}: manifest.json missing`);
  }
  const wanted = new Set<string>();
  for (const f of manifest?.files ?? []) {
    const reason = unsafePathReason(f, '');
    if (reason) {
      problems.push(`${t.keyspace}/${t.dirName}: manifest.json: ${reason}`);
      continue;
    }
    if (f.includes('/')) continue; // `.<index>/...` secondary index sstables: derived data
    const name = parseComponentFileName(f);
    if (!name) problems.push(`${t.keyspace}/${t.dirName}: manifest.json lists "${f}", not an SSTable file`);
    else wanted.add(name.prefix);
  }
  const files: { name: ComponentFileName; component: ComponentBackup }[] = [];
  for (const [file, info] of t.files) {
    const name = parseComponentFileName(file);
    if (!name || (manifest && !wanted.has(name.prefix))) continue;
    const c: ComponentBackup = { name: name.component, key: info.key, storedSizeInBytes: info.size };
    if (info.etag) c.storedEtag = info.etag;
    files.push({ name, component: c });
  }
  for (const prefix of wanted) {
    if (t.files.has(`${prefix}-Data.db`)) continue;
    const name = parseComponentFileName(`${prefix}-Data.db`)!;
    files.push({ name, component: { name: 'Data.db', key: `${dirKey}/${prefix}-Data.db` } });
  }
  out.sstables = groupSSTables(files);
  const result: { table: TableBackup; createdAt?: Stamp; ephemeral: boolean } = { table: out, ephemeral: manifest?.ephemeral ?? false };
  if (manifest?.createdAt) result.createdAt = { at: manifest.createdAt, clock: 'node', source: manifestFile!.key };
  return result;
}

async function readNodeTag(store: ObjectStore, listing: Listing, nt: NodeTag): Promise<NodeBackup | undefined> {
  const problems: string[] = [];
  const marker = listing.get(nt.markerKey);
  const backup: NodeBackup = {
    layout: 'nodetool-snapshot',
    backupName: nt.tag,
    node: { name: nt.node, dc: nt.dc, tokens: [] },
    keyPrefix: listing.key(nt.dc, nt.node),
    markerKey: nt.markerKey,
    markerPresent: marker !== undefined,
    tokenMap: [],
    tables: [],
    problems,
  };
  const schema = listing.get(listing.key(nt.dc, nt.node, 'snapshots', nt.tag, NODE_SCHEMA));
  if (schema) backup.schemaKey = schema.key;
  if (marker) {
    try {
      backup.tokenMap = parseTokenMap(await readText(store, marker.key), store.describe(marker.key));
      const self = backup.tokenMap.find((n) => n.name === nt.node);
      if (!self) problems.push(`${SNAPSHOT_MARKER} does not list the node itself`);
      else {
        backup.node = { ...self, dc: self.dc ?? nt.dc };
        if (self.dc !== undefined && self.dc !== nt.dc) problems.push(`${SNAPSHOT_MARKER} puts the node in dc "${self.dc}" but it is stored under "${nt.dc}"`);
      }
    } catch (err) {
      problems.push((err as Error).message);
    }
    if (marker.lastModified) backup.finished = { at: marker.lastModified, clock: 'object-store', source: marker.key };
  }
  let allEphemeral = nt.tables.size > 0;
  let earliestObject: Stamp | undefined;
  for (const t of [...nt.tables.values()].sort((a, b) => (a.keyspace + a.dirName < b.keyspace + b.dirName ? -1 : 1))) {
    const r = await readTable(store, t, problems);
    backup.tables.push(r.table);
    allEphemeral &&= r.ephemeral;
    if (r.createdAt && (!backup.snapshotAt || r.createdAt.at < backup.snapshotAt.at)) backup.snapshotAt = r.createdAt;
    for (const f of t.files.values()) {
      if (f.lastModified && (!earliestObject || f.lastModified < earliestObject.at)) earliestObject = { at: f.lastModified, clock: 'object-store', source: f.key };
    }
  }
  if (allEphemeral && !marker) return undefined;
  backup.started = backup.snapshotAt ?? earliestObject;
  backup.snapshotAt ??= earliestObject;
  return backup;
}

/** Every node backup of the snapshot layout under the listing's root, one per (dc, node, tag). */
export async function discoverSnapshotNodeBackups(store: ObjectStore, listing: Listing): Promise<NodeBackup[]> {
  const out: NodeBackup[] = [];
  for (const nt of collect(listing).values()) {
    const b = await readNodeTag(store, listing, nt);
    if (b) out.push(b);
  }
  return out;
}
