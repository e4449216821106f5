// The SSTables bench/compaction.ts merges, written offline by Cassandra's CQLSSTableWriter (bench/CompactionData.java,
// compiled here with javac against the cassandra-all jars the bootstrap installed) and cached outside the repository
// in ~/.cache/cassberg/bench-compaction, one directory per data set, so a rerun skips the generation.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openLocalSSTable } from '../cli/sstable.ts';

const execFileAsync = promisify(execFile);
const CACHE_ROOT = process.env.CASSBERG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cassberg');
export const CACHE = join(CACHE_ROOT, 'bench-compaction');
const CASSANDRA_LIB = join(process.env.CASSANDRA_HOME ?? join(CACHE_ROOT, 'cassandra'), 'lib');
const SOURCE = fileURLToPath(new URL('./CompactionData.java', import.meta.url));
const JVM_OPTIONS = fileURLToPath(new URL('../scripts/cassandra/jvm17.options', import.meta.url));
const LOGBACK = fileURLToPath(new URL('../scripts/cassandra/logback-tools.xml', import.meta.url));

export const ROWS_TABLE = 'CREATE TABLE bench.t (pk bigint, ck int, v bigint, name text, amount double, ts timestamp, id uuid, ' +
  "note text, payload blob, PRIMARY KEY (pk, ck)) WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}";
export const WIDE_TABLE = 'CREATE TABLE bench.w (pk bigint, ck int, v bigint, payload blob, PRIMARY KEY (pk, ck)) ' +
  "WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}";
export const ROWS_PER_PARTITION = 20;
/** Data.db bytes on disk per distinct row, summed over the replicas (measured: ~480); a little under, so the target is reached. */
const DISK_BYTES_PER_ROW = 450;
const SEED = 20261123;

const log = (msg: string) => process.stderr.write(`bench compaction: ${msg}\n`);

export interface DataSet {
  dir: string;
  /** Every *-Data.db, sorted. */
  files: string[];
  /** The table directories (one per replica and statement kind), for `nodetool import`. */
  tableDirs: string[];
  /** Data.db bytes on disk and uncompressed, summed over all files. */
  diskBytes: number;
  uncompressedBytes: number;
  /** Data.db files per replica (r1, r2, r3). */
  perReplica: Record<string, number>;
  generatedSeconds?: number;
}

/** javac once per version of the source: classes live in a directory named by its hash. */
async function compile(): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const classes = join(CACHE, `classes-${hash}`);
  if (existsSync(join(classes, 'CompactionData.class'))) return classes;
  if (!existsSync(join(CASSANDRA_LIB))) throw new Error(`no Cassandra jars in ${CASSANDRA_LIB}: run scripts/bootstrap.sh`);
  mkdirSync(classes, { recursive: true });
  await execFileAsync('javac', ['-nowarn', '-d', classes, '-cp', `${CASSANDRA_LIB}/*`, SOURCE]);
  return classes;
}

async function generate(dir: string, args: string[]): Promise<number> {
  const classes = await compile();
  rmSync(dir, { recursive: true, force: true });
  const jvm = readFileSync(JVM_OPTIONS, 'utf8').split('\n').filter((l) => l.startsWith('-')).flatMap((l) => l.trim().split(/\s+/));
  const started = performance.now();
  await execFileAsync('java', ['-Xmx4g', ...jvm, `-Dlogback.configurationFile=${LOGBACK}`, '-cp', `${classes}:${CASSANDRA_LIB}/*`,
    'CompactionData', args[0]!, dir, ...args.slice(1)], { maxBuffer: 64 << 20 });
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(dir, 'complete'), `${JSON.stringify({ args, seconds })}\n`);
  return seconds;
}

function find(dir: string, suffix: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...find(p, suffix)); else if (e.name.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

async function describe(dir: string, generatedSeconds?: number): Promise<DataSet> {
  const files = find(dir, '-Data.db');
  let diskBytes = 0, uncompressedBytes = 0;
  const perReplica: Record<string, number> = {};
  for (const f of files) {
    const s = await openLocalSSTable(f);
    diskBytes += statSync(f).size;
    uncompressedBytes += s.compression?.uncompressedLength ?? s.dataFileSize;
    const replica = f.slice(dir.length + 1).split('/')[0]!;
    perReplica[replica] = (perReplica[replica] ?? 0) + 1;
  }
  const tableDirs = [...new Set(files.map((f) => f.slice(0, f.lastIndexOf('/'))))];
  return { dir, files, tableDirs, diskBytes, uncompressedBytes, perReplica, ...(generatedSeconds === undefined ? {} : { generatedSeconds }) };
}

async function cached(dir: string, args: string[]): Promise<DataSet> {
  if (existsSync(join(dir, 'complete'))) return describe(dir);
  log(`generating ${dir} with CQLSSTableWriter (${args.join(' ')})`);
  const seconds = await generate(dir, args);
  log(`generated in ${seconds.toFixed(0)} s`);
  return describe(dir, seconds);
}

/** About `mib` MiB of Data.db on disk over three replicas of bench.t (distinct rows ≈ mib·2²⁰/450). */
export function replicaData(mib: number): Promise<DataSet> {
  const partitions = Math.max(1, Math.ceil((mib * 2 ** 20) / DISK_BYTES_PER_ROW / ROWS_PER_PARTITION));
  const bufferMiB = Math.min(64, Math.max(2, Math.round(mib / 10)));
  return cached(join(CACHE, `replicas-${mib}mib`), ['replicas', String(partitions), String(ROWS_PER_PARTITION), String(bufferMiB), String(SEED)]);
}

/**
 * bench.w with `totalRows` rows: one partition of `rows` rows, the rest in partitions of 10 rows; each row on two
 * replicas of three. Buffers large enough for one sstable per replica and writer: every case has the same inputs.
 */
export function wideData(rows: number, totalRows: number): Promise<DataSet> {
  return cached(join(CACHE, `wide-${rows}-of-${totalRows}`), ['wide', String(rows), String(totalRows), '1024', String(SEED)]);
}
