// Names inside a table folder: SSTable component files (`nb-7-big-Data.db`, 2.1's `ks-t-ka-7-Data.db`), table folder
// names (`users-<32 hex id>`) and the guard that keeps manifest paths inside their backup.

import type { ComponentBackup, SSTableBackup } from './model.ts';

export interface ComponentFileName {
  /** `nb-7-big` (or `ks-t-ka-7` for 2.1 names). */
  prefix: string;
  version: string;
  id: string;
  format: string;
  component: string;
}

const MODERN = /^([a-z]{2})-([0-9a-z_]+)-(big|bti)-([A-Za-z0-9_.+]+)$/;
const LEGACY = /^([^-]+-[^-]+-([a-z]{2})-(\d+))-([A-Za-z0-9_.]+)$/;

/** Parses an SSTable component file name; undefined for anything else (manifest.json, schema.cql, tmp files). */
export function parseComponentFileName(fileName: string): ComponentFileName | undefined {
  const m = MODERN.exec(fileName);
  if (m) {
    return { prefix: `${m[1]}-${m[2]}-${m[3]}`, version: m[1]!, id: m[2]!, format: m[3]!, component: m[4]! };
  }
  const l = LEGACY.exec(fileName);
  if (l) return { prefix: l[1]!, version: l[2]!, id: l[3]!, format: 'big', component: l[4]! };
  return undefined;
}

/** SAI (`SAI+...`) and SASI (`SI_...`) files are derived index data, never read. */
export function isIndexComponent(component: string): boolean {
  return component.startsWith('SAI+') || component.startsWith('SI_');
}

export interface TableDirName {
  table: string;
  tableId?: string;
}

/** `users-6f0c1b2a000011ef8000000000000001` → table `users`, id `6f0c1b2a-0000-11ef-8000-000000000001`. */
export function parseTableDirName(dirName: string): TableDirName {
  const m = /^(.+)-([0-9a-f]{32})$/.exec(dirName);
  if (!m) return { table: dirName };
  const h = m[2]!;
  return { table: m[1]!, tableId: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}` };
}

/**
 * Checks that a path from a manifest stays inside `base`: no absolute paths, no `..` or `.` segments, no empty
 * segments, no backslashes. Returns a reason when it does not.
 */
export function unsafePathReason(path: string, base: string): string | undefined {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return `absolute path "${path}"`;
  if (path.includes('\\')) return `backslash in path "${path}"`;
  if (path.split('/').some((s) => s === '..' || s === '.' || s === '')) return `path "${path}" leaves its directory`;
  if (base && !path.startsWith(base.endsWith('/') ? base : `${base}/`)) return `path "${path}" is outside "${base}"`;
  return undefined;
}

/** Groups component files (already parsed) into SSTables keyed by prefix, components sorted by name. */
export function groupSSTables(files: { name: ComponentFileName; component: ComponentBackup }[]): SSTableBackup[] {
  const byPrefix = new Map<string, SSTableBackup>();
  for (const { name, component } of files) {
    if (isIndexComponent(name.component)) continue;
    let sstable = byPrefix.get(name.prefix);
    if (!sstable) {
      sstable = { prefix: name.prefix, version: name.version, id: name.id, format: name.format, components: [] };
      byPrefix.set(name.prefix, sstable);
    }
    sstable.components.push(component);
  }
  const out = [...byPrefix.values()].sort((a, b) => compareSSTableIds(a.id, b.id));
  for (const s of out) s.components.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Cassandra's order: integer generations numerically, then UUID-based ids (which sort lexicographically). */
export function compareSSTableIds(a: string, b: string): number {
  const ai = /^\d+$/.test(a);
  const bi = /^\d+$/.test(b);
  if (ai && bi) return Number(a) - Number(b);
  if (ai !== bi) return ai ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses TOC.txt: one component name per line, blank lines ignored. */
export function parseToc(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
