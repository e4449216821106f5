// Mutation compaction (issue 4, item 7), each figure against its peer in the same run:
//  (a) cassberg's merge + decode to Arrow (engine/compaction: createSSTableSources + selectAll, as a movement split
//      runs it) over the SSTables of three replicas, in one process and in two (one per token-range half), against
//      Cassandra's own major compaction (`nodetool compact`) of the same SSTables imported into one table of a real
//      Cassandra 5.0 node (test/harness/cassandra.ts);
//  (b) peak RSS of the merge (one child process per case) as the widest partition grows;
//  (c) a full-table CQL scan of the same data through cassandra-driver (paged), before the compaction, so Cassandra
//      reconciles the same SSTables at read time.
// The SSTables are written offline by CQLSSTableWriter (bench/compaction-data.ts) and cached. Writes
// bench/results/compaction.md for a full run (--scale ≥ 500), or the file given with --out.
//
//   npm run bench -- compaction [--scale MiB] [--wide 10000,100000,1000000] [--repeat N] [--out file.md]
//   node --import tsx bench/compaction.ts [same options]

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type cassandra from 'cassandra-driver';
import { CASSANDRA_SCRIPT, ensureCassandra } from '../test/harness/cassandra.ts';
import type { CassandraNode } from '../test/harness/cassandra.ts';
import { ROWS_TABLE, WIDE_TABLE, replicaData, wideData } from './compaction-data.ts';
import type { DataSet } from './compaction-data.ts';
import type { MergeJob, MergeResult } from './compaction-merge.ts';
import { renderReport } from './compaction-report.ts';
import type { CassandraFigures, Options, Report, ScanFigures } from './compaction-report.ts';

const execFileAsync = promisify(execFile);
const CHILD = fileURLToPath(new URL('./compaction-merge.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/compaction.md', import.meta.url));
const MIN_TOKEN = '-9223372036854775808', MAX_TOKEN = '9223372036854775807';
const log = (msg: string) => process.stderr.write(`bench compaction: ${msg}\n`);

export const USAGE = `npm run bench -- compaction [--scale MiB] [--wide N,N,…] [--repeat N] [--out file.md]
  --scale   MiB of Data.db over the three replicas for (a) and (c) (default 520; the committed table needs ≥ 500)
  --wide    rows of the widest partition, one case each, for (b) (default 10000,100000,1000000)
  --repeat  timed runs of each cassberg merge, the fastest counts (default 2)
  --out     where the markdown table goes (default bench/results/compaction.md when --scale ≥ 500, else only stdout)`;

export function parseOptions(argv: readonly string[]): Options {
  const o: Options = { scaleMiB: 520, wide: [10_000, 100_000, 1_000_000], repeat: 2 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!, value = argv[i + 1];
    const bad = (why: string): never => { throw new Error(`bench compaction: ${flag} ${why}\n${USAGE}`); };
    if (value === undefined && flag.startsWith('--')) bad('needs a value');
    if (flag === '--scale') { o.scaleMiB = Number(value); if (!(o.scaleMiB >= 1)) bad(`must be a number of MiB ≥ 1, not ${value}`); }
    else if (flag === '--wide') { o.wide = value!.split(',').map(Number); if (o.wide.some((n) => !Number.isInteger(n) || n < 1)) bad(`must list row counts, not ${value}`); }
    else if (flag === '--repeat') { o.repeat = Number(value); if (!Number.isInteger(o.repeat) || o.repeat < 1) bad(`must be a positive integer, not ${value}`); }
    else if (flag === '--out') o.out = value!;
    else bad('is not an option');
    i++;
  }
  return o;
}

async function mergeChild(job: MergeJob): Promise<MergeResult> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(job)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as MergeResult;
}

/** user + system CPU seconds of a process so far (/proc/<pid>/stat, clock ticks of 1/100 s). */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function cqlScan(node: CassandraNode): Promise<ScanFigures> {
  const cpu = process.cpuUsage(), server = processCpuSeconds(node.pid), start = performance.now();
  let rows = 0, vLow = 0, vHigh = 0;
  const fetchSize = 5000;
  await new Promise<void>((resolve, reject) => {
    node.client.eachRow('SELECT pk, ck, v, name, amount, ts, id, note, payload FROM bench.t', [],
      { prepare: true, fetchSize, autoPage: true, readTimeout: 600_000 },
      (_n: number, row: cassandra.types.Row) => {
        const v = row['v'] as cassandra.types.Long;
        rows++; vLow += v.getLowBitsUnsigned(); vHigh += v.getHighBits();
      },
      (err?: Error) => (err ? reject(err) : resolve()));
  });
  const used = process.cpuUsage(cpu);
  return { rows, vLow, vHigh, fetchSize, seconds: (performance.now() - start) / 1000, clientCpuSeconds: (used.user + used.system) / 1e6,
    serverCpuSeconds: processCpuSeconds(node.pid) - server };
}

/** The "Compacted (…) N sstables to […] … X MiB to Y MiB … in T ms" line Cassandra logs for the compaction. */
function compactionLogLine(node: CassandraNode): { sstables: number; ms: number; line: string } | undefined {
  const text = readFileSync(join(node.nodeDir, 'logs', 'system.log'), 'utf8');
  const line = text.split('\n').filter((l) => l.includes('Compacted (') && l.includes('/bench/t-')).pop();
  const m = line && /(\d+) sstables to .* in ([\d,]+)ms/.exec(line);
  return m ? { sstables: Number(m[1]), ms: Number(m[2]!.replaceAll(',', '')), line: line! } : undefined;
}

async function cassandraPeer(data: DataSet, report: Report): Promise<void> {
  if (!process.env.CASSBERG_TEST_RUN_DIR) process.env.CASSBERG_CASSANDRA_HEAP ??= '2G'; // a test run's shared node keeps its heap
  const node = await ensureCassandra({ sstableFormat: 'big' });
  try {
    await node.execute("CREATE KEYSPACE IF NOT EXISTS bench WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    await node.nodetool('setcompactionthroughput', '0');
    // each round: a fresh table, the sstables imported, a CQL scan (the node reconciles them at read time), a major compaction
    for (let round = 0; round < report.options.repeat; round++) {
      await node.execute('DROP TABLE IF EXISTS bench.t');
      await node.execute(ROWS_TABLE);
      await node.nodetool('disableautocompaction', 'bench', 't');
      log(`round ${round + 1}: importing ${data.files.length} sstables from ${data.tableDirs.length} directories`);
      await node.nodetool('import', '--copy-data', 'bench', 't', ...data.tableDirs);
      const tableDir = await node.tableDir('bench', 't');
      const imported = readdirSync(tableDir).filter((n) => n.endsWith('-Data.db')).length;
      if (imported !== data.files.length) throw new Error(`nodetool import took ${imported} of ${data.files.length} sstables`);
      report.loadBeforeScan ??= loadavg();
      const scan = await cqlScan(node);
      log(`CQL scan: ${scan.rows} rows in ${scan.seconds.toFixed(1)} s`);
      const scanRuns = [...(report.scan?.runs ?? []), scan.seconds];
      report.scan = !report.scan || scan.seconds < report.scan.seconds ? { ...scan, runs: scanRuns } : { ...report.scan, runs: scanRuns };
      report.loadBeforeCompaction ??= loadavg();
      const cpu = processCpuSeconds(node.pid), start = performance.now();
      await node.nodetool('compact', 'bench', 't');
      const wall = (performance.now() - start) / 1000, cpuSeconds = processCpuSeconds(node.pid) - cpu;
      const history = (await node.execute('SELECT keyspace_name, columnfamily_name, bytes_in, bytes_out, compacted_at FROM system.compaction_history')).rows
        .filter((r) => r.get('keyspace_name') === 'bench' && r.get('columnfamily_name') === 't')
        .sort((a, b) => +b.get('compacted_at') - +a.get('compacted_at'))[0];
      const logged = compactionLogLine(node);
      const c: CassandraFigures = {
        heap: process.env.CASSBERG_CASSANDRA_HEAP,
        throughput: (await node.nodetool('getcompactionthroughput')).trim().replace(/^Current compaction throughput:\s*/, ''),
        compactors: (await node.nodetool('getconcurrentcompactors')).trim().replace(/^\D*/, ''),
        strategy: String((await node.execute("SELECT compaction FROM system_schema.tables WHERE keyspace_name = 'bench' AND table_name = 't'")).first()!.get('compaction').class),
        nodetoolSeconds: wall, cpuSeconds, sstablesIn: imported, runs: [],
        ...(logged ? { loggedSeconds: logged.ms / 1000, loggedSSTables: logged.sstables } : {}),
        ...(history ? { bytesIn: Number(history.get('bytes_in')), bytesOut: Number(history.get('bytes_out')) } : {}),
      };
      const seconds = (x: CassandraFigures) => x.loggedSeconds ?? x.nodetoolSeconds;
      c.runs = [...(report.cassandra?.runs ?? []), seconds(c)];
      report.cassandra = !report.cassandra || seconds(c) < seconds(report.cassandra) ? c : { ...report.cassandra, runs: c.runs };
      log(`nodetool compact: ${wall.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} CPU s (log: ${logged ? `${logged.ms} ms` : 'no line found'})`);
    }
  } finally {
    await node.execute('DROP TABLE IF EXISTS bench.t').catch(() => undefined);
    await node.close();
    // nothing may compete with cassberg's timed runs; a node shared by a test run ($CASSBERG_TEST_RUN_DIR) stays up
    if (!process.env.CASSBERG_TEST_RUN_DIR) await execFileAsync('bash', [CASSANDRA_SCRIPT, 'stop', node.nodeDir]);
  }
}

/** Runs `once` `runs` times: the fastest result (by its slowest process) and every run's wall seconds. */
async function best(runs: number, once: () => Promise<MergeResult[]>): Promise<{ fastest: MergeResult[]; walls: number[] }> {
  let fastest: MergeResult[] | undefined;
  const walls: number[] = [];
  const wall = (rs: MergeResult[]) => Math.max(...rs.map((r) => r.seconds));
  for (let k = 0; k < runs; k++) {
    const r = await once();
    walls.push(wall(r));
    if (!fastest || wall(r) < wall(fastest)) fastest = r;
  }
  return { fastest: fastest!, walls };
}

export async function run(argv: readonly string[] = []): Promise<string> {
  const options = parseOptions(argv);
  const startedAt = new Date();
  const data = await replicaData(options.scaleMiB);
  log(`${data.files.length} sstables, ${(data.diskBytes / 2 ** 20).toFixed(0)} MiB on disk, ${(data.uncompressedBytes / 2 ** 20).toFixed(0)} MiB uncompressed`);
  const wide: Array<{ rows: number; data: DataSet }> = [];
  // every case holds the same rows (1.2 × the widest case), so only the width of the widest partition changes
  const totalRows = Math.ceil((Math.max(...options.wide) * 1.2) / 10) * 10;
  for (const rows of options.wide) wide.push({ rows, data: await wideData(rows, totalRows) });
  const report: Report = { options, startedAt, data, loadBefore: loadavg(), merges: {}, wide: [] };
  await cassandraPeer(data, report);
  // the reference time: no data of these sets expires, a fixed instant keeps the runs identical
  const nowSec = Math.floor(startedAt.getTime() / 1000);
  const schema = `${ROWS_TABLE};`;
  report.loadBeforeMerge = loadavg();
  const one = await best(options.repeat, async () => [await mergeChild({ files: data.files, schema, nowSec })]);
  report.merges.one = one.fastest[0];
  log(`cassberg, one process: ${one.walls.map((w) => w.toFixed(1)).join(', ')} s`);
  const halves = await best(options.repeat, () => Promise.all([
    mergeChild({ files: data.files, schema, nowSec, tokenRange: [MIN_TOKEN, '0'] }),
    mergeChild({ files: data.files, schema, nowSec, tokenRange: ['0', MAX_TOKEN] }),
  ]));
  report.merges.halves = halves.fastest;
  report.merges.runs = { one: one.walls, halves: halves.walls };
  log(`cassberg, two processes: ${halves.walls.map((w) => w.toFixed(1)).join(', ')} s`);
  for (const w of wide) {
    const r = await mergeChild({ files: w.data.files, schema: `${WIDE_TABLE};`, nowSec });
    report.wide.push({ rows: w.rows, data: w.data, result: r });
    log(`widest partition ${w.rows} rows: peak RSS ${(r.maxRssKiB / 1024).toFixed(0)} MiB`);
  }
  report.loadAfter = loadavg();
  report.machine = { cpus: cpus().length, model: cpus()[0]?.model.trim() ?? 'unknown', memoryGiB: totalmem() / 2 ** 30, node: process.version };
  const markdown = renderReport(report);
  const out = options.out ?? (options.scaleMiB >= 500 ? RESULTS : undefined);
  if (out) writeFileSync(out, markdown);
  return markdown;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run(process.argv.slice(2)).then((md) => { console.log(md); process.exit(0); }, (err: unknown) => { console.error(err); process.exit(1); });
}
