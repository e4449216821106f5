// SSTable decode throughput: cassberg against Cassandra's own SSTableExport (sstabledump) on the same files in the same
// run. A real Cassandra 5.0 node (test/harness/cassandra.ts) writes a table of CASSBERG_BENCH_SSTABLE_MB (default 512)
// MiB of uncompressed Data.db through the driver (prepared unlogged batches of one partition; one wide partition of a
// fifth of the rows, the rest 100 rows a partition; ~700-byte rows: bigint/int keys, text, double, int, timestamp,
// boolean, uuid, 200-byte text, 400-byte random blob; LZ4, 16 KiB chunks), compacted into one sstable. The node is
// stopped before anything is timed. cassberg runs on one core (one Node thread):
// scanner only, `--raw` JSON (what sstabledump prints), `SELECT JSON` rows, and Arrow record batches. The sstables are
// kept in ~/.cache/cassberg/bench-sstable/<MB>mb-wide so a rerun skips the generation. Writes bench/results/sstable.md.
//
//   npm run bench -- sstable            (bench/index.ts dispatches to run())
//   node --import tsx bench/sstable.ts  (alone)

import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import cassandra from 'cassandra-driver';
import { openLocalSSTable } from '../cli/sstable.ts';
import { ArrowRowSink } from '../engine/sstable/columns/record-batch.ts';
import { forEachCqlRow, scanCqlRows } from '../engine/sstable/cql-rows.ts';
import { PARTITION_END, ROW } from '../engine/sstable/partition-scanner.ts';
import { forEachRawPartition } from '../engine/sstable/raw-json.ts';
import { parseSchema } from '../engine/sstable/schema.ts';
import { createTableModel } from '../engine/sstable/table-model.ts';
import { CASSANDRA_SCRIPT, ensureCassandra } from '../test/harness/cassandra.ts';

const execFileAsync = promisify(execFile);
const TARGET_MB = Number(process.env.CASSBERG_BENCH_SSTABLE_MB ?? 512);
const ROW_BYTES_ESTIMATE = 650; // serialized row size, a little under the real one so the target is reached
const ROWS_PER_PARTITION = 100;
const WIDE_FRACTION = 5; // one partition (pk -1) holds 1/5 of the rows: a wide partition with a large promoted index
const ROWS_PER_BATCH = 50;
const IN_FLIGHT = 8;
const REPEAT = Number(process.env.CASSBERG_BENCH_SSTABLE_REPEAT ?? 2); // each reader runs this often; the best run counts
const CACHE = join(homedir(), '.cache', 'cassberg', 'bench-sstable', `${TARGET_MB}mb-wide`);
const RESULTS = fileURLToPath(new URL('./results/sstable.md', import.meta.url));
const TINY_FIXTURE = fileURLToPath(new URL('../test/fixtures/sstables/oa/statics_lz4/oa-1-big-Data.db', import.meta.url));
const KS = 'cassberg_bench';
const SCHEMA = `CREATE TABLE ${KS}.rows (pk bigint, ck int, name text, amount double, qty int, ts timestamp, flag boolean, ` +
  `id uuid, note text, payload blob, PRIMARY KEY (pk, ck)) WITH compression = {'class': 'LZ4Compressor', 'chunk_length_in_kb': 16}`;

const log = (msg: string) => process.stderr.write(`bench sstable: ${msg}\n`);
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

function note(i: number): string {
  let s = '';
  for (let k = 0; s.length < 200; k++) s += `${WORDS[(i * 7 + k * 13) % WORDS.length]} `;
  return s.slice(0, 200);
}

async function generate(): Promise<string> {
  const node = await ensureCassandra({ sstableFormat: 'big' });
  try {
    await node.execute(`DROP KEYSPACE IF EXISTS ${KS}`);
    await node.execute(`CREATE KEYSPACE ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
    await node.execute(SCHEMA);
    await node.nodetool('disableautocompaction', KS);
    const rows = Math.ceil((TARGET_MB * 2 ** 20) / ROW_BYTES_ESTIMATE / ROWS_PER_PARTITION) * ROWS_PER_PARTITION;
    const wideRows = Math.floor(rows / WIDE_FRACTION / ROWS_PER_PARTITION) * ROWS_PER_PARTITION;
    const insert = `INSERT INTO ${KS}.rows (pk, ck, name, amount, qty, ts, flag, id, note, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < rows) {
        const first = next;
        next += ROWS_PER_BATCH;
        const wide = first < wideRows; // the first rows form one wide partition
        const pk = cassandra.types.Long.fromNumber(wide ? -1 : Math.floor(first / ROWS_PER_PARTITION) * 7919);
        const queries = [];
        for (let i = first; i < first + ROWS_PER_BATCH; i++) {
          queries.push({ query: insert, params: [pk, wide ? i : i % ROWS_PER_PARTITION, `name-${i}`, i * 0.25, i % 1000, new Date(1_700_000_000_000 + i * 1000),
            i % 3 === 0, cassandra.types.Uuid.random(), note(i), randomBytes(400)] });
        }
        await node.client.batch(queries, { prepare: true, logged: false });
        if (first % 100_000 === 0) log(`${first} / ${rows} rows inserted`);
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await node.flush(KS, 'rows');
    log(`${rows} rows inserted and flushed in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await node.nodetool('compact', KS, 'rows'); // one sstable: one JVM start for sstabledump, one long scan for both
    log(`compacted into one sstable after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const src = await node.tableDir(KS, 'rows');
    rmSync(CACHE, { recursive: true, force: true });
    mkdirSync(CACHE, { recursive: true });
    // The compacted-away sstables are deleted in the background: wait for one Data.db, copy that sstable only.
    const deadline = performance.now() + 120_000;
    while (dataFiles(src).length !== 1) {
      if (performance.now() > deadline) throw new Error(`${src} still holds ${dataFiles(src).length} sstables after compaction`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const prefix = dataFiles(src)[0]!.split('/').pop()!.replace(/Data\.db$/, '');
    for (const name of readdirSync(src)) if (name.startsWith(prefix)) copyFileSync(join(src, name), join(CACHE, name));
    writeFileSync(join(CACHE, 'schema.cql'), `${SCHEMA};\n`);
    await node.execute(`DROP KEYSPACE ${KS}`);
  } finally {
    await node.close();
    await execFileAsync('bash', [CASSANDRA_SCRIPT, 'stop', node.nodeDir]); // nothing may compete with the timed runs
  }
  return CACHE;
}

function dataFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('-Data.db')).sort().map((n) => join(dir, n));
}

interface Measure { name: string; seconds: number; rows: number; outputBytes?: number }

async function timeCassberg(name: string, files: string[], body: (file: string) => Promise<{ rows: number; outputBytes?: number }>): Promise<Measure> {
  let best: Measure | undefined;
  for (let k = 0; k < REPEAT; k++) {
    const start = performance.now();
    let rows = 0, outputBytes = 0;
    for (const f of files) {
      const r = await body(f);
      rows += r.rows;
      outputBytes += r.outputBytes ?? 0;
    }
    const m: Measure = { name, seconds: (performance.now() - start) / 1000, rows, ...(outputBytes ? { outputBytes } : {}) };
    if (!best || m.seconds < best.seconds) best = m;
  }
  log(`${name}: ${best!.seconds.toFixed(2)} s`);
  return best!;
}

/** Seconds one sstabledump of `file` takes (stdout to /dev/null), optionally pinned to CPU 0 with taskset. */
async function sstabledump(file: string, oneCore = false): Promise<number> {
  const out = openSync('/dev/null', 'w');
  const start = performance.now();
  const argv = ['bash', CASSANDRA_SCRIPT, 'sstabledump', file];
  if (oneCore) argv.unshift('taskset', '-c', '0');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', out, 'inherit'] });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sstabledump ${file} exited ${code}`))));
    });
  } finally {
    closeSync(out);
  }
  return (performance.now() - start) / 1000;
}

export async function run(): Promise<string> {
  const dir = existsSync(join(CACHE, 'schema.cql')) && dataFiles(CACHE).length ? CACHE : await generate();
  const files = dataFiles(dir);
  const schema = parseSchema(`CREATE TABLE ${KS}.rows (pk bigint, ck int, name text, amount double, qty int, ts timestamp, ` +
    'flag boolean, id uuid, note text, payload blob, PRIMARY KEY (pk, ck));');
  let uncompressed = 0, compressed = 0;
  for (const f of files) {
    const s = await openLocalSSTable(f);
    uncompressed += s.compression?.uncompressedLength ?? s.dataFileSize;
    compressed += s.dataFileSize;
  }
  log(`${files.length} sstable(s), ${(uncompressed / 2 ** 20).toFixed(0)} MiB uncompressed`);
  const model = async (f: string) => { const s = await openLocalSSTable(f); return { s, model: createTableModel(s.header, schema, 'rows') }; };
  const nowSec = Math.floor(Date.now() / 1000);
  const measures: Measure[] = [];
  measures.push(await timeCassberg('cassberg scanner (rows and cells framed, values not converted)', files, async (f) => {
    const s = (await openLocalSSTable(f)).scanner();
    let rows = 0;
    while (await s.nextPartition()) for (let ev = await s.nextUnfiltered(); ev !== PARTITION_END; ev = await s.nextUnfiltered()) if (ev === ROW) rows++;
    return { rows };
  }));
  measures.push(await timeCassberg('cassberg `--raw` JSON (sstabledump shape)', files, async (f) => {
    const { s, model: m } = await model(f);
    let bytes = 0;
    await forEachRawPartition(s.scanner(), m, (line) => { bytes += line.length; });
    return { rows: 0, outputBytes: bytes };
  }));
  measures.push(await timeCassberg('cassberg `--format json` (SELECT JSON rows)', files, async (f) => {
    const { s, model: m } = await model(f);
    let bytes = 0;
    const rows = await forEachCqlRow(s.scanner(), m, (line) => { bytes += line.length; }, { nowSec });
    return { rows, outputBytes: bytes };
  }));
  measures.push(await timeCassberg('cassberg Arrow record batches (64 Ki rows)', files, async (f) => {
    const { s, model: m } = await model(f);
    const sink = new ArrowRowSink(m, nowSec);
    let rows = 0;
    await scanCqlRows(s.scanner(), m, { row: (k, st, sd, r, rd) => { sink.row(k, st, sd, r, rd); if (sink.rows >= 65536) rows += sink.flush().numRows; } }, { nowSec });
    rows += sink.flush().numRows;
    return { rows };
  }));
  const scanRows = measures[0]!.rows;
  measures[1]!.rows = scanRows; // --raw prints partitions; the rows are the scanner's
  // The JVM start, taken as the fastest of three dumps of a 5-partition fixture.
  const jvmStart = Math.min(await sstabledump(TINY_FIXTURE), await sstabledump(TINY_FIXTURE), await sstabledump(TINY_FIXTURE));
  for (const oneCore of [false, true]) {
    let dumpSeconds = Infinity;
    for (let k = 0; k < REPEAT; k++) {
      let seconds = 0;
      for (const f of files) seconds += await sstabledump(f, oneCore);
      dumpSeconds = Math.min(dumpSeconds, seconds);
    }
    const pinned = oneCore ? ', pinned to one core (taskset -c 0)' : '';
    measures.push({ name: `Cassandra SSTableExport (sstabledump > /dev/null${pinned})`, seconds: dumpSeconds, rows: scanRows });
    measures.push({ name: `Cassandra SSTableExport${pinned}, minus ${files.length} JVM start(s)`, seconds: dumpSeconds - jvmStart * files.length, rows: scanRows });
  }
  const markdown = report(measures, { files: files.length, uncompressed, compressed, jvmStart });
  writeFileSync(RESULTS, markdown);
  return markdown;
}

function report(measures: Measure[], facts: { files: number; uncompressed: number; compressed: number; jvmStart: number }): string {
  const mib = facts.uncompressed / 2 ** 20;
  const lines = measures.map((m) => `| ${m.name} | ${m.seconds.toFixed(2)} | ${(mib / m.seconds).toFixed(1)} | ${Math.round(m.rows / m.seconds).toLocaleString('en-US')} | ${m.rows.toLocaleString('en-US')} |`);
  return [
    '# SSTable decode throughput', '',
    `Generated by \`node --import tsx bench/sstable.ts\` on ${new Date().toISOString()}.`, '',
    `Data: ${facts.files} sstable(s) (oa, BIG format, LZ4 16 KiB chunks) written by Cassandra 5.0 through the driver; ` +
      `${mib.toFixed(1)} MiB uncompressed Data.db (${(facts.compressed / 2 ** 20).toFixed(1)} MiB on disk); ` +
      `one wide partition holding 1/${WIDE_FRACTION} of the rows, the others ${ROWS_PER_PARTITION} rows each; each row: bigint pk, int ck, ~10-byte text, double, int, timestamp, ` +
      'boolean, uuid, 200-byte text, 400-byte random blob (~700 bytes serialized). MB/s = MiB of uncompressed Data.db per second.', '',
    '| Reader | Seconds | MiB/s | Rows/s | Rows |', '|---|---:|---:|---:|---:|', ...lines, '',
    `Each reader ran ${REPEAT} times in a row; the table shows the fastest run. The Cassandra node was stopped before ` +
      `the first timed run. sstabledump's JVM start (fastest of three dumps of a 5-partition fixture): ` +
      `${facts.jvmStart.toFixed(2)} s. cassberg runs in one Node thread (LZ4 chunks decompressed by its own block decoder, engine/sstable/lz4-block.ts, on that ` +
      'thread, V8 GC helpers aside); SSTableExport unpinned uses the JVM\'s JIT and GC threads on both cores, pinned it ' +
      'gets one core. sstabledump prints pretty-printed JSON to /dev/null; cassberg\'s JSON paths build the same ' +
      'strings in memory and discard them.', '',
    '## Machine', '',
    `- CPU: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `- Node ${process.version}; Cassandra 5.0 tools from ~/.cache/cassberg/cassandra (Java: \`${process.env.JAVA_HOME ?? 'java on PATH'}\`)`,
    `- Load average at the end of the run: ${loadavg().map((l) => l.toFixed(2)).join(', ')} (the machine is shared; numbers move with it)`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  run().then((md) => { console.log(md); process.exit(0); }, (err: unknown) => { console.error(err); process.exit(1); });
}
