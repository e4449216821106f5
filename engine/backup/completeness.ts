// Is a backup usable? A node backup is complete when its marker exists, its metadata parsed without problems, every
// referenced object is present with the expected size (and MD5/ETag where comparable), and every SSTable has each
// component its TOC.txt lists. A cluster backup is complete when every expected node has a complete node backup.
// A node backup without its marker is in progress while it started less than `inProgressHours` ago, then incomplete.
// Optionally the Data.db CRC32 is compared with Digest.crc32 (reads every Data.db in full).

import { crc32 } from 'node:zlib';
import type { ObjectStore } from '../storage/object-store.ts';
import { readText } from '../storage/object-store.ts';
import { RangeReader } from '../storage/range-reader.ts';
import type { ClusterBackup, ComponentBackup, NodeBackup, SSTableBackup, Verdict } from './model.ts';
import { parseToc } from './sstable-files.ts';

export interface CheckOptions {
  /** Read each TOC.txt and require every component it lists (default true). */
  checkToc?: boolean;
  /** Compute the CRC32 of every Data.db and compare it with Digest.crc32 (default false: reads all data). */
  checkDigests?: boolean;
  /** Requests in flight at once (default 8). */
  concurrency?: number;
  /** A node backup started less than this many hours before `now` without its marker is in progress (default 24). */
  inProgressHours?: number;
  /** The instant "in progress" is judged at (default: the current time). */
  now?: Date;
}

export const DEFAULT_IN_PROGRESS_HOURS = 24;

export interface ClusterVerdict extends Verdict {
  nodes: Map<string, Verdict>;
}

function base64Md5ToHex(value: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{22}==$/.test(value)) return undefined;
  return Buffer.from(value, 'base64').toString('hex');
}

/** Compares a Medusa `MD5` with a stored ETag when both are plain MD5s; undefined when not comparable. */
export function checksumMatches(expected: string, etag: string | undefined): boolean | undefined {
  if (!etag || !/^[0-9a-f]{32}$/i.test(etag)) return undefined;
  const hex = /^[0-9a-f]{32}$/i.test(expected) ? expected : base64Md5ToHex(expected);
  return hex === undefined ? undefined : hex.toLowerCase() === etag.toLowerCase();
}

function componentProblems(c: ComponentBackup, file: string): string[] {
  if (c.storedSizeInBytes === undefined) return [`${file} missing`];
  if (c.expectedSizeInBytes !== undefined && c.expectedSizeInBytes !== c.storedSizeInBytes) {
    return [`${file} has ${c.storedSizeInBytes} bytes, manifest says ${c.expectedSizeInBytes}`];
  }
  if (c.expectedChecksum && checksumMatches(c.expectedChecksum.value, c.storedEtag) === false) {
    return [`${file} checksum ${c.storedEtag} differs from manifest ${c.expectedChecksum.value}`];
  }
  return [];
}

async function tocProblems(store: ObjectStore, s: SSTableBackup, table: string): Promise<string[]> {
  const toc = s.components.find((c) => c.name === 'TOC.txt');
  if (!toc || toc.storedSizeInBytes === undefined) return [`${table}/${s.prefix}-TOC.txt missing`];
  // components the backup lists but lacks are reported by componentProblems; here: ones it does not list at all
  const known = new Set(s.components.map((c) => c.name));
  let listed: string[];
  try {
    listed = parseToc(await readText(store, toc.key));
  } catch (err) {
    return [`${table}/${s.prefix}-TOC.txt unreadable: ${(err as Error).message}`];
  }
  return listed.filter((name) => !known.has(name)).map((name) => `${table}/${s.prefix}-${name} missing (listed in TOC.txt)`);
}

async function digestProblems(store: ObjectStore, s: SSTableBackup, table: string): Promise<string[]> {
  const digest = s.components.find((c) => c.name === 'Digest.crc32');
  const data = s.components.find((c) => c.name === 'Data.db');
  if (!digest || !data || digest.storedSizeInBytes === undefined || data.storedSizeInBytes === undefined) return [];
  const expected = (await readText(store, digest.key)).trim();
  const reader = new RangeReader(store, data.key, { sizeInBytes: data.storedSizeInBytes });
  const step = 8 * 1024 * 1024;
  let crc = 0;
  for (let pos = 0; pos < data.storedSizeInBytes; pos += step) {
    crc = crc32(await reader.read(pos, Math.min(data.storedSizeInBytes, pos + step)), crc);
  }
  return String(crc) === expected ? [] : [`${table}/${s.prefix}-Data.db CRC32 ${crc} differs from Digest.crc32 ${expected}`];
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function checkNodeBackup(store: ObjectStore, backup: NodeBackup, options: CheckOptions = {}): Promise<Verdict> {
  const node = backup.node.name;
  if (!backup.markerPresent) {
    const started = backup.started?.at;
    const ageMs = started ? (options.now ?? new Date()).getTime() - started.getTime() : Infinity;
    if (ageMs >= 0 && ageMs < (options.inProgressHours ?? DEFAULT_IN_PROGRESS_HOURS) * 3_600_000) {
      return { status: 'in-progress', reasons: [`${node}: in progress since ${started!.toISOString()} (${backup.markerKey} not written yet)`] };
    }
    return { status: 'incomplete', reasons: [`${node}: not finished (${backup.markerKey} missing${started ? `; started ${started.toISOString()}` : ''})`] };
  }
  const reasons = backup.problems.map((p) => `${node}: ${p}`);
  const jobs: { s: SSTableBackup; table: string }[] = [];
  for (const t of backup.tables) {
    const table = `${t.keyspace}/${t.dirName}`;
    for (const s of t.sstables) {
      jobs.push({ s, table });
      if (!s.components.some((c) => c.name === 'Data.db')) reasons.push(`${node}: ${table}/${s.prefix}-Data.db missing`);
      for (const c of s.components) reasons.push(...componentProblems(c, `${table}/${s.prefix}-${c.name}`).map((r) => `${node}: ${r}`));
    }
  }
  const limit = options.concurrency ?? 8;
  if (options.checkToc ?? true) {
    for (const r of await mapLimit(jobs, limit, (j) => tocProblems(store, j.s, j.table))) reasons.push(...r.map((x) => `${node}: ${x}`));
  }
  if (options.checkDigests && reasons.length === 0) {
    for (const r of await mapLimit(jobs, Math.min(limit, 2), (j) => digestProblems(store, j.s, j.table))) reasons.push(...r.map((x) => `${node}: ${x}`));
  }
  return { status: reasons.length ? 'damaged' : 'complete', reasons: [...new Set(reasons)] };
}

export async function checkClusterBackup(store: ObjectStore, backup: ClusterBackup, options: CheckOptions = {}): Promise<ClusterVerdict> {
  const nodes = new Map<string, Verdict>();
  const reasons: string[] = [];
  let incomplete = false;
  let damaged = false;
  let inProgress = false;
  for (const nb of backup.nodeBackups) {
    const v = await checkNodeBackup(store, nb, options);
    nodes.set(nb.node.name, v);
    reasons.push(...v.reasons);
    incomplete ||= v.status === 'incomplete';
    damaged ||= v.status === 'damaged';
    inProgress ||= v.status === 'in-progress';
  }
  if (backup.expectedNodes.length === 0) {
    reasons.push('no token map found: the expected nodes are unknown');
    incomplete = true;
  }
  for (const n of backup.expectedNodes) {
    if (!nodes.has(n.name)) {
      reasons.push(`${n.name}: no node backup${n.dc ? ` (dc ${n.dc})` : ''}`);
      nodes.set(n.name, { status: 'incomplete', reasons: [`${n.name}: no node backup`] });
      incomplete = true;
    }
  }
  // a node still uploading makes the cluster backup in progress, unless another node already makes it unusable
  return { status: damaged ? 'damaged' : incomplete ? 'incomplete' : inProgress ? 'in-progress' : 'complete', reasons, nodes };
}
