// Which tables of a TimeSeries keyspace a movement reads (netflix-models.md §2.2, §2.5): one `data_<start>` table per
// time slice, slices contiguous (a slice ends where the next begins), start-inclusive and end-exclusive. Wide-partition
// split tables (`wide_data_<slice>_<n>`) hold copies of partitions that stay in their original slice table (originals
// are never deleted, only immutable partitions are split), so they are listed apart and not read (§2.5 option 1);
// `wide_row` is their routing metadata. The slice suffix is the slice start in UTC: YYYYMMDD, optionally HH, mm, ss.

import { CassbergError } from '../../engine/errors.ts';

export interface TimeWindow {
  /** Inclusive, epoch milliseconds. */
  startMs: number;
  /** Exclusive, epoch milliseconds. */
  endMs: number;
}

export interface SliceTable {
  table: string;
  startMs: number;
  /** The next slice's start, or start + sliceSeconds for the newest slice; null when unknown (open-ended). */
  endMs: number | null;
}

export interface SplitTable {
  table: string;
  /** The slice table whose wide partitions it holds. */
  slice: string;
  ordinal: number;
}

export interface SourceTables {
  /** Slice tables overlapping the window, oldest first: what the movement reads. */
  slices: SliceTable[];
  /** Split tables of those slices: not read (their rows are also in the slice tables). */
  splitTables: SplitTable[];
  /** Every other table, with the reason it is not read. */
  ignored: Array<{ table: string; reason: string }>;
}

export interface SourceTableOptions {
  /** Width of the newest slice (its end is otherwise unknown). */
  sliceSeconds?: number;
  /** Table-name prefix of the slices: `data` (default) reads `data_<suffix>` and splits `wide_data_<suffix>_<n>`. */
  family?: string;
}

const SUFFIX = '(\\d{8}(?:\\d{2}){0,3})';

/** Epoch ms of a slice suffix (`20260328`, `2026032812`, `202603281230`, `20260328123000`), or null if not a date. */
export function parseSliceStart(suffix: string): number | null {
  if (!/^\d{8}(?:\d{2}){0,3}$/.test(suffix)) return null;
  const part = (at: number) => (suffix.length > at ? Number(suffix.slice(at, at + 2)) : 0);
  const y = Number(suffix.slice(0, 4)), mo = Number(suffix.slice(4, 6)), d = Number(suffix.slice(6, 8));
  const h = part(8), mi = part(10), s = part(12);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  const exact = back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d
    && back.getUTCHours() === h && back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
  return exact ? ms : null;
}

/** The slice tables of `schemaTables` overlapping `window`, their split tables, and why the rest are left out. */
export function sourceTables(schemaTables: readonly string[], window: TimeWindow, opts: SourceTableOptions = {}): SourceTables {
  const all: SliceTable[] = [];
  const splits: SplitTable[] = [];
  const ignored: SourceTables['ignored'] = [];
  const family = opts.family ?? 'data';
  if (!/^[A-Za-z0-9_]+$/.test(family)) throw new CassbergError('DataInvalid', `time-series: slice family "${family}" is not a table-name prefix`, { family });
  const sliceName = new RegExp(`^${family}_${SUFFIX}$`), splitName = new RegExp(`^wide_${family}_${SUFFIX}_(\\d+)$`);
  for (const table of schemaTables) {
    const slice = sliceName.exec(table);
    const split = splitName.exec(table);
    const start = slice ? parseSliceStart(slice[1]!) : split ? parseSliceStart(split[1]!) : null;
    if (slice && start !== null) all.push({ table, startMs: start, endMs: null });
    else if (split && start !== null) splits.push({ table, slice: `${family}_${split[1]}`, ordinal: Number(split[2]) });
    else if (table === 'wide_row') ignored.push({ table, reason: 'wide-partition split metadata' });
    else if (slice || split) ignored.push({ table, reason: 'slice suffix is not a valid UTC date' });
    else ignored.push({ table, reason: 'not a time-slice table' });
  }
  all.sort((a, b) => a.startMs - b.startMs);
  all.forEach((s, i) => {
    const next = all[i + 1];
    s.endMs = next ? next.startMs : opts.sliceSeconds ? s.startMs + opts.sliceSeconds * 1000 : null;
  });
  const slices: SliceTable[] = [];
  for (const s of all) {
    if (s.startMs < window.endMs && (s.endMs === null || s.endMs > window.startMs)) slices.push(s);
    else ignored.push({ table: s.table, reason: 'slice outside the window' });
  }
  const chosen = new Set(slices.map((s) => s.table));
  for (const sp of splits) {
    if (chosen.has(sp.slice)) continue;
    ignored.push({ table: sp.table, reason: 'split table of a slice outside the window' });
  }
  const splitTables = splits.filter((sp) => chosen.has(sp.slice)).sort((a, b) => a.table.localeCompare(b.table));
  return { slices, splitTables, ignored };
}
