// C = M: exact multiset difference of two tables in bounded memory. Pass 1 buckets every row by a hash of
// its primary key and keeps, per bucket, a count and sums of full-row hashes. Only buckets whose count or
// sums differ are read again (pass 2), a group of buckets at a time, and compared row by row.
import type { RecordBatch } from 'apache-arrow';
import { InvalidConfigError } from '../errors.ts';
import { combineInto, hashColumn } from './row-hash.ts';

export interface TableSource {
  name: string;
  /** Must be re-iterable: pass 2 reads the table again. */
  batches(): AsyncIterable<RecordBatch>;
}

export interface CompareOptions {
  primaryKey: string[];
  buckets?: number;
  sampleLimit?: number;
  /** Rows held in memory at once while drilling into differing buckets. */
  maxDrillRows?: number;
}

export interface SampleRow {
  primaryKey: Record<string, unknown>;
  /** For a row whose key exists on both sides: the columns that differ, as [this side, other side]. */
  differences?: Record<string, [unknown, unknown]>;
}

export interface ValidationReport {
  tableA: string;
  tableB: string;
  rowsA: number;
  rowsB: number;
  /** |A − B| and |B − A| as multisets: a duplicated row counts once more on its side. */
  onlyInA: number;
  onlyInB: number;
  similarityPercent: number;
  buckets: number;
  differingBuckets: number;
  columnMismatches: Record<string, number>;
  samples: { onlyInA: SampleRow[]; onlyInB: SampleRow[] };
}

interface BucketDigest {
  counts: Float64Array;
  sumA: Float64Array;
  sumB: Float64Array;
  rows: number;
}

interface DrillRow {
  lanes: string;
  columnLanes: Uint32Array;
  batch: RecordBatch;
  index: number;
}

const TWO_32 = 2 ** 32;

export async function compareTables(a: TableSource, b: TableSource, options: CompareOptions): Promise<ValidationReport> {
  const buckets = options.buckets ?? 1024;
  const sampleLimit = options.sampleLimit ?? 10;
  const maxDrillRows = options.maxDrillRows ?? 200_000;
  const digestA = await digest(a, options.primaryKey, buckets);
  const digestB = await digest(b, options.primaryKey, buckets);

  const differing: number[] = [];
  for (let k = 0; k < buckets; k++) {
    if (digestA.counts[k] !== digestB.counts[k] || digestA.sumA[k] !== digestB.sumA[k] || digestA.sumB[k] !== digestB.sumB[k]) differing.push(k);
  }
  const report: ValidationReport = {
    tableA: a.name,
    tableB: b.name,
    rowsA: digestA.rows,
    rowsB: digestB.rows,
    onlyInA: 0,
    onlyInB: 0,
    similarityPercent: 100,
    buckets,
    differingBuckets: differing.length,
    columnMismatches: {},
    samples: { onlyInA: [], onlyInB: [] },
  };
  for (const group of groupBuckets(differing, digestA, digestB, maxDrillRows)) {
    const selected = new Uint8Array(buckets);
    for (const k of group) selected[k] = 1;
    const rowsA = await collect(a, options.primaryKey, buckets, selected);
    const rowsB = await collect(b, options.primaryKey, buckets, selected);
    diffGroup(rowsA, rowsB, options.primaryKey, report, sampleLimit);
  }
  const larger = Math.max(report.rowsA, report.rowsB);
  report.similarityPercent = larger === 0 ? 100 : Math.round(((report.rowsA - report.onlyInA) / larger) * 1e6) / 1e4;
  return report;
}

/** Row lanes (all columns, in name order) and primary-key lanes for one batch. */
function hashBatch(batch: RecordBatch, primaryKey: string[]): { rows: Uint32Array; keys: Uint32Array; columns: Uint32Array[] } {
  const names = batch.schema.fields.map((f) => f.name).sort();
  for (const column of primaryKey) {
    if (!names.includes(column)) throw new InvalidConfigError(`primary key column ${column} is not in the table`, { column });
  }
  const rows = new Uint32Array(batch.numRows * 2);
  const keys = new Uint32Array(batch.numRows * 2);
  const columns: Uint32Array[] = [];
  for (const name of names) {
    const lanes = hashColumn(batch.getChild(name)!.data[0]);
    columns.push(lanes);
    combineInto(rows, lanes);
    if (primaryKey.includes(name)) combineInto(keys, lanes);
  }
  return { rows, keys, columns };
}

async function digest(source: TableSource, primaryKey: string[], buckets: number): Promise<BucketDigest> {
  const d: BucketDigest = { counts: new Float64Array(buckets), sumA: new Float64Array(buckets), sumB: new Float64Array(buckets), rows: 0 };
  for await (const batch of source.batches()) {
    const { rows, keys } = hashBatch(batch, primaryKey);
    for (let i = 0; i < batch.numRows; i++) {
      const k = keys[2 * i] % buckets;
      d.counts[k]++;
      d.sumA[k] = (d.sumA[k] + rows[2 * i]) % TWO_32;
      d.sumB[k] = (d.sumB[k] + rows[2 * i + 1]) % TWO_32;
    }
    d.rows += batch.numRows;
  }
  return d;
}

function* groupBuckets(differing: number[], a: BucketDigest, b: BucketDigest, maxRows: number): Generator<number[]> {
  let group: number[] = [];
  let rows = 0;
  for (const k of differing) {
    const n = a.counts[k] + b.counts[k];
    if (group.length > 0 && rows + n > maxRows) {
      yield group;
      group = [];
      rows = 0;
    }
    group.push(k);
    rows += n;
  }
  if (group.length > 0) yield group;
}

/** Rows of the selected buckets, keyed by primary-key value. Batches are kept only while a row refers to them. */
async function collect(source: TableSource, primaryKey: string[], buckets: number, selected: Uint8Array): Promise<Map<string, DrillRow[]>> {
  const byKey = new Map<string, DrillRow[]>();
  for await (const batch of source.batches()) {
    const { rows, keys, columns } = hashBatch(batch, primaryKey);
    for (let i = 0; i < batch.numRows; i++) {
      if (!selected[keys[2 * i] % buckets]) continue;
      const columnLanes = new Uint32Array(columns.length * 2);
      columns.forEach((lanes, c) => columnLanes.set(lanes.subarray(2 * i, 2 * i + 2), 2 * c));
      const key = stableJson(primaryKeyOf(batch, i, primaryKey));
      const row: DrillRow = { lanes: `${rows[2 * i]}:${rows[2 * i + 1]}`, columnLanes, batch, index: i };
      const list = byKey.get(key);
      if (list) list.push(row);
      else byKey.set(key, [row]);
    }
  }
  return byKey;
}

function diffGroup(rowsA: Map<string, DrillRow[]>, rowsB: Map<string, DrillRow[]>, primaryKey: string[], report: ValidationReport, limit: number): void {
  const keys = new Set([...rowsA.keys(), ...rowsB.keys()]);
  for (const key of keys) {
    const leftA = [...(rowsA.get(key) ?? [])];
    const leftB: DrillRow[] = [];
    for (const row of rowsB.get(key) ?? []) {
      const match = leftA.findIndex((r) => r.lanes === row.lanes);
      if (match >= 0) leftA.splice(match, 1);
      else leftB.push(row);
    }
    report.onlyInA += leftA.length;
    report.onlyInB += leftB.length;
    if (leftA.length > 0 && leftB.length > 0) countColumnMismatches(leftA[0], leftB[0], report);
    for (const row of leftA) pushSample(report.samples.onlyInA, row, leftB[0], primaryKey, limit);
    for (const row of leftB) pushSample(report.samples.onlyInB, row, leftA[0], primaryKey, limit);
  }
}

function countColumnMismatches(a: DrillRow, b: DrillRow, report: ValidationReport): void {
  for (const name of differingColumns(a, b)) report.columnMismatches[name] = (report.columnMismatches[name] ?? 0) + 1;
}

function differingColumns(a: DrillRow, b: DrillRow): string[] {
  const names = a.batch.schema.fields.map((f) => f.name).sort();
  return names.filter((_, c) => a.columnLanes[2 * c] !== b.columnLanes[2 * c] || a.columnLanes[2 * c + 1] !== b.columnLanes[2 * c + 1]);
}

function pushSample(samples: SampleRow[], row: DrillRow, other: DrillRow | undefined, primaryKey: string[], limit: number): void {
  if (samples.length >= limit) return;
  const sample: SampleRow = { primaryKey: primaryKeyOf(row.batch, row.index, primaryKey) };
  if (other) {
    sample.differences = {};
    for (const name of differingColumns(row, other)) {
      sample.differences[name] = [plain(row.batch.getChild(name)!.get(row.index)), plain(other.batch.getChild(name)!.get(other.index))];
    }
  }
  samples.push(sample);
}

function primaryKeyOf(batch: RecordBatch, i: number, primaryKey: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of primaryKey) out[name] = plain(batch.getChild(name)!.get(i));
  return out;
}

/** Arrow values as JSON-safe plain values (bigint → string, bytes → hex, nested → arrays/objects). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => plain(v));
  if (typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') return plain((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, plain(v)]));
  return value;
}

function stableJson(value: Record<string, unknown>): string {
  return JSON.stringify(Object.keys(value).sort().map((k) => [k, value[k]]));
}
