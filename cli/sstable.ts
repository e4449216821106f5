// `cassberg sstable dump <table-dir | …-Data.db …> [--schema schema.cql] [--format json|table] [--raw]` and
// `cassberg sstable meta <…>`: read local sstables without Cassandra. json = one `SELECT JSON` object per CQL row;
// --raw = the unfiltered stream in sstabledump's shape, one object per partition. Several sstables (several
// directories = several replicas), --token-range or --writetime go through the merge (engine/compaction), so the
// rows are those a `SELECT JSON *` over all of them returns at --reference-time.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { selectAll } from '../engine/compaction/select.ts';
import { batchToJsonLines } from '../engine/compaction/select-json.ts';
import { createSSTableSources } from '../engine/compaction/sstable-source.ts';
import { columnSpecOf, createTableLayout } from '../engine/compaction/table-layout.ts';
import type { ColumnSpec, TableLayout } from '../engine/compaction/table-layout.ts';
import { InvalidConfigError } from '../engine/errors.ts';
import { MAX_TOKEN, MIN_TOKEN } from '../engine/partitioner/murmur3.ts';
import type { TokenRange } from '../engine/partitioner/token-range.ts';
import { forEachCqlRow } from '../engine/sstable/cql-rows.ts';
import { toCqlType } from '../engine/sstable/cql-types.ts';
import { forEachRawPartition } from '../engine/sstable/raw-json.ts';
import { parseSchema } from '../engine/sstable/schema.ts';
import type { SchemaFile } from '../engine/sstable/schema.ts';
import { openSSTable, withHeader } from '../engine/sstable/sstable-reader.ts';
import type { SSTable } from '../engine/sstable/sstable-reader.ts';
import { SCHEMA_ONLY, createTableModel, fixFrozenHeaderTypes } from '../engine/sstable/table-model.ts';
import { typeToString } from '../engine/sstable/type-parser.ts';
import { LocalObjectStore } from '../engine/storage/local-fs.ts';

export interface SstableCliDeps {
  out?: (line: string) => void;
}

/** Data.db paths named on the command line (directories expand to the Data.db files they hold). */
export async function resolveDataFiles(paths: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const s = await stat(p).catch(() => undefined);
    if (!s) throw new InvalidConfigError(`no such file or directory: ${p}`, { path: p });
    if (s.isDirectory()) {
      const names = (await readdir(p)).filter((n) => n.endsWith('-Data.db')).sort();
      if (names.length === 0) throw new InvalidConfigError(`${p} holds no *-Data.db file`, { path: p });
      out.push(...names.map((n) => join(p, n)));
    } else out.push(p);
  }
  return out;
}

export async function openLocalSSTable(dataPath: string): Promise<SSTable> {
  const abs = resolve(dataPath);
  return openSSTable(new LocalObjectStore(dirname(abs)), basename(abs));
}

/** Table name from the directory (`<table>` or `<table>-<32 hex id>`). */
export function tableNameOf(dataPath: string): string {
  return basename(dirname(resolve(dataPath))).replace(/-[0-9a-f]{32}$/, '');
}

/** Writes the rows of one sstable as `SELECT JSON` lines (the code path the corpus test checks). */
export async function dumpJsonRows(dataPath: string, schema: SchemaFile | undefined, out: (line: string) => void,
                                   nowSec?: number): Promise<number> {
  const sstable = await openLocalSSTable(dataPath);
  const header = fixFrozenHeaderTypes(sstable.header, schema, tableNameOf(dataPath));
  const model = createTableModel(header, schema, tableNameOf(dataPath));
  if (model.mismatches.length) throw new InvalidConfigError(`schema does not match ${dataPath}: ${model.mismatches.join('; ')}`, { path: dataPath });
  return forEachCqlRow(sstable.scanner({ header }), model, out, nowSec === undefined ? {} : { nowSec });
}

const byName = (a: ColumnSpec, b: ColumnSpec) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The sstables (headers fixed against the schema) and the table layout of all of them: key columns of the first,
 * static and regular columns of any (an older sstable lacks columns added later) or of the schema, in `SELECT *` order.
 */
export async function openMergeInput(dataPaths: readonly string[], schema: SchemaFile | undefined): Promise<{ sstables: SSTable[]; layout: TableLayout }> {
  const sstables: SSTable[] = [];
  const keys: ColumnSpec[] = [];
  const others = new Map<string, ColumnSpec>();
  const schemaOnly = new Map<string, ColumnSpec>();
  for (const dataPath of dataPaths) {
    const t = await openLocalSSTable(dataPath);
    const header = fixFrozenHeaderTypes(t.header, schema, tableNameOf(dataPath));
    const model = createTableModel(header, schema, tableNameOf(dataPath));
    if (model.mismatches.length) throw new InvalidConfigError(`schema does not match ${dataPath}: ${model.mismatches.join('; ')}`, { path: dataPath });
    sstables.push(withHeader(t, header));
    if (keys.length === 0) keys.push(...[...model.partitionKey, ...model.clustering].map(columnSpecOf));
    for (const c of model.selectOrder) {
      if (c.kind === 'partition_key' || c.kind === 'clustering') continue;
      if (c.headerIndex !== SCHEMA_ONLY) { if (!others.has(c.name)) others.set(c.name, columnSpecOf(c)); }
      else if (!schemaOnly.has(c.name)) schemaOnly.set(c.name, columnSpecOf(c));
    }
  }
  // a column no sstable wrote (declared in schema.cql only) is still a column of SELECT *: always null
  for (const [name, spec] of schemaOnly) if (!others.has(name)) others.set(name, spec);
  const rest = [...others.values()];
  const specs = [...keys, ...rest.filter((c) => c.kind === 'static').sort(byName), ...rest.filter((c) => c.kind === 'regular').sort(byName)];
  return { sstables, layout: createTableLayout(specs) };
}

export interface MergedDumpOptions {
  nowSec: number;
  tokenRange?: TokenRange;
  /** Adds `writetime(col)` for every simple (not multi-cell) static and regular column. */
  writetime?: boolean;
}

/** Writes the merged rows of all the sstables as `SELECT JSON` lines; returns how many. */
export async function dumpMergedJsonRows(dataPaths: readonly string[], schema: SchemaFile | undefined, out: (line: string) => void,
                                         options: MergedDumpOptions): Promise<number> {
  const { sstables, layout } = await openMergeInput(dataPaths, schema);
  const { sources, partitioner } = createSSTableSources(sstables, layout);
  if (options.tokenRange && partitioner !== 'Murmur3Partitioner') {
    throw new InvalidConfigError(`--token-range needs Murmur3Partitioner; the sstables use ${partitioner}`, { field: 'token-range', partitioner });
  }
  const writetime = options.writetime
    ? layout.columns.filter((c) => (c.kind === 'static' || c.kind === 'regular') && !c.isComplex).map((c) => c.name) : [];
  const names = [...layout.columns.map((c) => c.name), ...writetime.map((c) => `writetime(${c})`)];
  let rows = 0;
  const merged = selectAll(sources, layout, {
    nowSec: options.nowSec, partitioner, writetime, jsonValues: true, ...(options.tokenRange ? { tokenRange: options.tokenRange } : {}),
  });
  for await (const batch of merged) {
    for (const line of batchToJsonLines(batch, layout, names)) { out(line); rows++; }
  }
  return rows;
}

/** `--token-range <start>:<end>`: Murmur3 tokens, start exclusive, end inclusive. */
export function parseTokenRange(text: string): TokenRange {
  const m = /^(-?\d+):(-?\d+)$/.exec(text.trim());
  const bad = (why: string): never => { throw new InvalidConfigError(`--token-range ${why}: ${JSON.stringify(text)}`, { field: 'token-range' }); };
  if (!m) return bad('must be <start>:<end> (Murmur3 tokens, start exclusive, end inclusive)');
  const [start, end] = [BigInt(m[1]!), BigInt(m[2]!)];
  for (const t of [start, end]) if (t < MIN_TOKEN || t > MAX_TOKEN) bad(`token ${t} is outside the Murmur3 ring [${MIN_TOKEN}, ${MAX_TOKEN}]`);
  return { startExclusive: start, endInclusive: end };
}

/** `--reference-time` (or `--now`): an ISO instant or epoch seconds → epoch seconds. */
export function parseReferenceTime(text: string, flag: string): number {
  const sec = /^\d+$/.test(text.trim()) ? Number(text) : Math.floor(Date.parse(text) / 1000);
  if (!Number.isFinite(sec)) throw new InvalidConfigError(`${flag} must be an ISO instant or epoch seconds, not ${JSON.stringify(text)}`, { field: flag.slice(2) });
  return sec;
}

function metaOf(dataPath: string, s: SSTable): Record<string, unknown> {
  const h = s.header, st = s.statistics.stats;
  const col = (c: { name: string; type: { text: string } }) => ({ name: c.name, type: typeToString(c.type as never), cql: toCqlType(c.type as never) });
  return {
    file: dataPath, version: s.descriptor.version, format: s.descriptor.format, generation: s.descriptor.generation,
    partitioner: s.partitioner, toc: s.toc,
    header: {
      keyType: typeToString(h.keyType), clusteringTypes: h.clusteringTypes.map(typeToString),
      staticColumns: h.staticColumns.map(col), regularColumns: h.regularColumns.map(col),
      minTimestampMicros: h.minTimestampMicros, minLocalDeletionTimeSec: h.minLocalDeletionTimeSec, minTtlSec: h.minTtlSec,
    },
    stats: st && {
      minTimestampMicros: st.minTimestampMicros, maxTimestampMicros: st.maxTimestampMicros,
      minLocalDeletionTimeSec: st.minLocalDeletionTimeSec, maxLocalDeletionTimeSec: st.maxLocalDeletionTimeSec,
      minTtlSec: st.minTtlSec, maxTtlSec: st.maxTtlSec, compressionRatio: st.compressionRatio, totalRows: st.totalRows,
      totalColumnsSet: st.totalColumnsSet, repairedAt: st.repairedAt, sstableLevel: st.sstableLevel,
      firstKey: st.firstKey && Buffer.from(st.firstKey).toString('hex'), lastKey: st.lastKey && Buffer.from(st.lastKey).toString('hex'),
      originatingHostId: st.originatingHostId ? Buffer.from(st.originatingHostId).toString('hex') : st.originatingHostId,
    },
    compression: s.compression && {
      compressor: s.compression.compressorClass, options: s.compression.options, chunkLength: s.compression.chunkLength,
      maxCompressedLength: s.compression.maxCompressedLength, uncompressedLength: s.compression.uncompressedLength,
      chunks: s.compression.chunkOffsets.length, compressedLength: s.dataFileSize,
    },
  };
}

function json(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

function tableLines(rows: string[]): string[] {
  const objs = rows.map((r) => JSON.parse(r) as Record<string, unknown>);
  if (objs.length === 0) return ['(0 rows)'];
  const names = Object.keys(objs[0]!);
  const cells = objs.map((o) => names.map((n) => (o[n] === null ? 'null' : typeof o[n] === 'string' ? String(o[n]) : JSON.stringify(o[n]))));
  const widths = names.map((n, i) => Math.min(60, Math.max(n.length, ...cells.map((c) => c[i]!.length))));
  const fmt = (vals: string[]) => vals.map((v, i) => (v.length > widths[i]! ? `${v.slice(0, widths[i]! - 1)}…` : v.padEnd(widths[i]!))).join(' | ');
  return [fmt(names), widths.map((w) => '-'.repeat(w)).join('-+-'), ...cells.map(fmt), `(${objs.length} rows)`];
}

interface DumpOptions {
  schema?: string; format: string; raw?: boolean; now?: string; referenceTime?: string; tokenRange?: string; writetime?: boolean;
}

export function registerSstableCommands(program: Command, deps: SstableCliDeps = {}): void {
  const out = deps.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  // `cassberg sstable dump … | head`: a closed pipe ends the dump quietly.
  if (!deps.out) process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
  const sstable = program.command('sstable').description('read Cassandra sstables (3.0+ big, 5.0 bti) from local files');
  sstable.command('dump')
    .argument('<paths...>', 'table directories or *-Data.db files')
    .option('--schema <file>', 'schema.cql with the CREATE TABLE (names, COMPACT STORAGE, dropped columns)')
    .option('--format <format>', 'json (one SELECT JSON object per row) or table', 'json')
    .option('--raw', 'the unfiltered stream in sstabledump JSON shape, one object per partition')
    .option('--reference-time <time>', 'reference time for TTL expiry: ISO instant or epoch seconds (default now)')
    .option('--now <seconds>', 'alias of --reference-time')
    .option('--token-range <start>:<end>', 'only partitions with a Murmur3 token in (start, end]')
    .option('--writetime', 'add writetime(col) of every simple non-key column to each row')
    .description('print the rows of sstables; several sstables (or directories: replicas) are merged as Cassandra reads them')
    .action(async (paths: string[], opts: DumpOptions) => {
      if (opts.format !== 'json' && opts.format !== 'table') throw new InvalidConfigError(`--format must be json or table, not ${opts.format}`, { field: 'format' });
      const schema = opts.schema ? parseSchema(await readFile(opts.schema, 'utf8')) : undefined;
      const time = opts.referenceTime ?? opts.now;
      const nowSec = time === undefined ? undefined : parseReferenceTime(time, opts.referenceTime === undefined ? '--now' : '--reference-time');
      const tokenRange = opts.tokenRange === undefined ? undefined : parseTokenRange(opts.tokenRange);
      const dataFiles = await resolveDataFiles(paths);
      if (opts.raw) {
        if (tokenRange || opts.writetime) throw new InvalidConfigError('--token-range and --writetime select merged rows; --raw prints each sstable as it is', { field: 'raw' });
        for (const dataPath of dataFiles) {
          const s = await openLocalSSTable(dataPath);
          const header = fixFrozenHeaderTypes(s.header, schema, tableNameOf(dataPath));
          await forEachRawPartition(s.scanner({ header }), createTableModel(header, schema, tableNameOf(dataPath)), out);
        }
        return;
      }
      const rows: string[] = [];
      const sink = opts.format === 'table' ? (r: string) => rows.push(r) : out;
      if (dataFiles.length > 1 || tokenRange || opts.writetime) {
        await dumpMergedJsonRows(dataFiles, schema, sink, { nowSec: nowSec ?? Math.floor(Date.now() / 1000), tokenRange, writetime: opts.writetime });
      } else await dumpJsonRows(dataFiles[0]!, schema, sink, nowSec);
      if (opts.format === 'table') for (const line of tableLines(rows)) out(line);
    });
  sstable.command('meta')
    .argument('<paths...>', 'table directories or *-Data.db files')
    .description('print header, stats and compression facts of sstables')
    .action(async (paths: string[]) => {
      for (const dataPath of await resolveDataFiles(paths)) out(json(metaOf(dataPath, await openLocalSSTable(dataPath)), 2));
    });
}
