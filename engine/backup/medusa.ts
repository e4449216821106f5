// cassandra-medusa backups (also what K8ssandra produces), full and differential. Relative to the backup root
// (Medusa's `storage.prefix`, if any):
//
//   <fqdn>/<backup>/meta/schema.cql          cluster schema, written first ("started")
//   <fqdn>/<backup>/meta/tokenmap.json       ring of the node's DC
//   <fqdn>/<backup>/meta/server_version.json
//   <fqdn>/<backup>/meta/differential        differential marker (legacy name: incremental)
//   <fqdn>/<backup>/meta/manifest.json       [{keyspace, columnfamily, objects:[{path, MD5, size}]}], written last
//   <fqdn>/<backup>/data/<ks>/<table>-<id>/  full mode data
//   <fqdn>/data/<ks>/<table>-<id>/           differential mode data, shared by all backups of the node
//   index/...                                Medusa's index, ignored (rebuilt from meta/ by Medusa itself)

import { CorruptInputError } from '../errors.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { readText } from '../storage/object-store.ts';
import type { Listing } from './listing.ts';
import type { ComponentBackup, NodeBackup, TableBackup } from './model.ts';
import { SYSTEM_KEYSPACES } from './model.ts';
import { groupSSTables, parseComponentFileName, parseTableDirName, unsafePathReason, type ComponentFileName } from './sstable-files.ts';
import { parseTokenMap } from './tokenmap.ts';

const META_FILES = new Set(['schema.cql', 'tokenmap.json', 'manifest.json', 'server_version.json', 'differential', 'incremental']);

export interface MedusaObject {
  path: string;
  md5?: string;
  sizeInBytes: number;
}

export interface MedusaSection {
  keyspace: string;
  columnfamily: string;
  objects: MedusaObject[];
}

export function parseMedusaManifest(text: string, source: string): MedusaSection[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new CorruptInputError(source, 0, `manifest is not JSON: ${(err as Error).message}`, err);
  }
  if (!Array.isArray(raw)) throw new CorruptInputError(source, 0, 'manifest must be an array of table sections');
  return raw.map((s: { keyspace?: unknown; columnfamily?: unknown; objects?: unknown }, i) => {
    if (typeof s?.keyspace !== 'string' || typeof s.columnfamily !== 'string' || !Array.isArray(s.objects)) {
      throw new CorruptInputError(source, 0, `manifest section ${i} needs keyspace, columnfamily and objects`);
    }
    const objects = s.objects.map((o: { path?: unknown; MD5?: unknown; size?: unknown }, j) => {
      if (typeof o?.path !== 'string' || typeof o.size !== 'number' || !Number.isSafeInteger(o.size) || o.size < 0) {
        throw new CorruptInputError(source, 0, `manifest section ${i} object ${j} needs a path and a size`);
      }
      const obj: MedusaObject = { path: o.path, sizeInBytes: o.size };
      if (typeof o.MD5 === 'string' && o.MD5.length > 0) obj.md5 = o.MD5;
      return obj;
    });
    return { keyspace: s.keyspace, columnfamily: s.columnfamily, objects };
  });
}

export function looksLikeMedusaLayout(listing: Listing): boolean {
  for (const { parts } of listing.relative()) {
    if (parts.length === 4 && parts[0] !== 'index' && parts[2] === 'meta' && (parts[3] === 'schema.cql' || parts[3] === 'manifest.json')) return true;
  }
  return false;
}

/**
 * Maps a manifest `path` to a key under the listing root. Medusa writes full keys (`<storage prefix>/<fqdn>/...`); the
 * storage prefix is dropped so a backup copied under another prefix (or opened as a local folder) still resolves.
 * The path must be a clean relative path whose tail is `<table dir>/<file>` in one of the node's data areas.
 */
function resolveObjectPath(path: string, listing: Listing, tableDirs: string[]): { key: string } | { problem: string } {
  const unsafe = unsafePathReason(path, '');
  if (unsafe) return { problem: unsafe };
  for (const dir of tableDirs) {
    if (path.startsWith(`${dir}/`)) return { key: listing.key(path) };
    const at = path.lastIndexOf(`/${dir}/`);
    if (at >= 0) return { key: listing.key(path.slice(at + 1)) };
  }
  return { problem: `path "${path}" is not in ${tableDirs.join(' or ')}` };
}

function tablesFromManifest(sections: MedusaSection[], listing: Listing, dataAreas: string[], problems: string[]): TableBackup[] {
  const tables: TableBackup[] = [];
  for (const section of sections) {
    const { table, tableId } = parseTableDirName(section.columnfamily);
    const out: TableBackup = { keyspace: section.keyspace, table, dirName: section.columnfamily, isSystem: SYSTEM_KEYSPACES.has(section.keyspace), sstables: [] };
    if (tableId) out.tableId = tableId;
    const tableDirs = dataAreas.map((a) => `${a}/${section.keyspace}/${section.columnfamily}`);
    const files: { name: ComponentFileName; component: ComponentBackup }[] = [];
    for (const obj of section.objects) {
      const resolved = resolveObjectPath(obj.path, listing, tableDirs);
      if ('problem' in resolved) {
        problems.push(`manifest.json: ${section.keyspace}.${section.columnfamily}: ${resolved.problem}`);
        continue;
      }
      const rest = obj.path.slice(obj.path.lastIndexOf(`${section.columnfamily}/`) + section.columnfamily.length + 1);
      if (rest.includes('/')) continue; // `.<index>/` secondary index sstables: derived data
      const name = parseComponentFileName(rest);
      if (!name) continue;
      const stored = listing.get(resolved.key);
      const c: ComponentBackup = { name: name.component, key: resolved.key, expectedSizeInBytes: obj.sizeInBytes };
      if (obj.md5) c.expectedChecksum = { algo: 'md5-or-etag', value: obj.md5 };
      if (stored) {
        c.storedSizeInBytes = stored.sizeInBytes;
        if (stored.etag) c.storedEtag = stored.etag;
      }
      files.push({ name, component: c });
    }
    out.sstables = groupSSTables(files);
    tables.push(out);
  }
  return tables;
}

async function readNodeBackup(store: ObjectStore, listing: Listing, fqdn: string, name: string): Promise<NodeBackup> {
  const meta = (f: string) => listing.key(fqdn, name, 'meta', f);
  const differential = listing.get(meta('differential')) !== undefined || listing.get(meta('incremental')) !== undefined;
  const problems: string[] = [];
  const manifest = listing.get(meta('manifest.json'));
  const backup: NodeBackup = {
    layout: differential ? 'medusa-differential' : 'medusa-full',
    backupName: name,
    node: { name: fqdn, tokens: [] },
    keyPrefix: listing.key(fqdn, name),
    markerKey: meta('manifest.json'),
    markerPresent: manifest !== undefined,
    tokenMap: [],
    tables: [],
    problems,
  };
  const schema = listing.get(meta('schema.cql'));
  if (schema) {
    backup.schemaKey = schema.key;
    if (schema.lastModified) backup.started = backup.snapshotAt = { at: schema.lastModified, clock: 'object-store', source: schema.key };
  } else problems.push('meta/schema.cql missing');
  if (manifest?.lastModified) backup.finished = { at: manifest.lastModified, clock: 'object-store', source: manifest.key };
  const tokenmap = listing.get(meta('tokenmap.json'));
  if (tokenmap) {
    try {
      backup.tokenMap = parseTokenMap(await readText(store, tokenmap.key), store.describe(tokenmap.key));
      const self = backup.tokenMap.find((n) => n.name === fqdn);
      if (self) backup.node = self;
      else problems.push('meta/tokenmap.json does not list the node itself');
    } catch (err) {
      problems.push((err as Error).message);
    }
  } else problems.push('meta/tokenmap.json missing');
  const version = listing.get(meta('server_version.json'));
  if (version) {
    try {
      const v = JSON.parse(await readText(store, version.key)) as { release_version?: unknown };
      if (typeof v.release_version === 'string') backup.serverVersion = v.release_version;
    } catch (err) {
      problems.push(`meta/server_version.json: ${(err as Error).message}`);
    }
  }
  if (manifest) {
    try {
      const sections = parseMedusaManifest(await readText(store, manifest.key), store.describe(manifest.key));
      const dataAreas = [`${fqdn}/${name}/data`, `${fqdn}/data`];
      backup.tables = tablesFromManifest(sections, listing, dataAreas, problems);
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  return backup;
}

/** Every Medusa node backup under the listing's root, one per (fqdn, backup name) with a `meta/` folder. */
export async function discoverMedusaNodeBackups(store: ObjectStore, listing: Listing): Promise<NodeBackup[]> {
  const seen = new Map<string, [string, string]>();
  for (const { parts } of listing.relative()) {
    if (parts.length === 4 && parts[0] !== 'index' && parts[1] !== 'data' && parts[2] === 'meta' && META_FILES.has(parts[3]!)) {
      seen.set(`${parts[0]}/${parts[1]}`, [parts[0]!, parts[1]!]);
    }
  }
  const out: NodeBackup[] = [];
  for (const [fqdn, name] of seen.values()) out.push(await readNodeBackup(store, listing, fqdn, name));
  return out;
}
