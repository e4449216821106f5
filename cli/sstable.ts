// `cassberg sstable dump <table-dir | …-Data.db …> [--schema schema.cql] [--format json|table] [--raw]` and
// `cassberg sstable meta <…>`: read local sstables without Cassandra. json = one `SELECT JSON` object per CQL row;
// --raw = the unfiltered stream in sstabledump's shape, one object per partition.

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { InvalidConfigError } from '../engine/errors.ts';
import { forEachCqlRow } from '../engine/sstable/cql-rows.ts';
import { toCqlType } from '../engine/sstable/cql-types.ts';
import { forEachRawPartition } from '../engine/sstable/raw-json.ts';
import { parseSchema } from '../engine/sstable/schema.ts';
import type { SchemaFile } from '../engine/sstable/schema.ts';
import { openSSTable } from '../engine/sstable/sstable-reader.ts';
import type { SSTable } from '../engine/sstable/sstable-reader.ts';
import { createTableModel, fixFrozenHeaderTypes } from '../engine/sstable/table-model.ts';
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
    .option('--now <seconds>', 'reference time for TTL expiry (epoch seconds)')
    .description('print the rows of sstables')
    .action(async (paths: string[], opts: { schema?: string; format: string; raw?: boolean; now?: string }) => {
      if (opts.format !== 'json' && opts.format !== 'table') throw new InvalidConfigError(`--format must be json or table, not ${opts.format}`, { field: 'format' });
      const schema = opts.schema ? parseSchema(await readFile(opts.schema, 'utf8')) : undefined;
      const nowSec = opts.now === undefined ? undefined : Number(opts.now);
      for (const dataPath of await resolveDataFiles(paths)) {
        if (opts.raw) {
          const s = await openLocalSSTable(dataPath);
          const header = fixFrozenHeaderTypes(s.header, schema, tableNameOf(dataPath));
          await forEachRawPartition(s.scanner({ header }), createTableModel(header, schema, tableNameOf(dataPath)), out);
        } else if (opts.format === 'table') {
          const rows: string[] = [];
          await dumpJsonRows(dataPath, schema, (r) => rows.push(r), nowSec);
          for (const line of tableLines(rows)) out(line);
        } else await dumpJsonRows(dataPath, schema, out, nowSec);
      }
    });
  sstable.command('meta')
    .argument('<paths...>', 'table directories or *-Data.db files')
    .description('print header, stats and compression facts of sstables')
    .action(async (paths: string[]) => {
      for (const dataPath of await resolveDataFiles(paths)) out(json(metaOf(dataPath, await openLocalSSTable(dataPath)), 2));
    });
}
