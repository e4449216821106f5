// The compaction oracle's long soak: the seeded workloads of test/engine/compaction/oracle.test.ts (r1 r2 r3 merged
// against `SELECT JSON * FROM truth`, every table shape, counters included) with many more seeds than CI runs, on a
// node writing BIG (oa) and one writing BTI (da) sstables. Each run starts its own Cassandra node. Not a timing
// benchmark: it records how many seeds ran and whether every merged table equalled Cassandra's, in
// bench/results/oracle-soak.md.
//
//   npm run bench -- oracle-soak [--seeds N]   (default 30 per shape and format)

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const ORACLE = fileURLToPath(new URL('../test/engine/compaction/oracle.test.ts', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/oracle-soak.md', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface Run { format: 'big' | 'bti'; seeds: number; pass: number; fail: number; seconds: number; failures: string[] }

function seedsOf(argv: string[]): number {
  const i = argv.indexOf('--seeds');
  if (i < 0) return 30;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench oracle-soak: --seeds wants a positive integer, got "${argv[i + 1] ?? ''}"`);
  return n;
}

/** One node --test run of the oracle; its TAP summary gives the counts, its `not ok` lines the failing shapes. */
function runOracle(format: 'big' | 'bti', seeds: number): Promise<Run> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // no CASSBERG_TEST_RUN_DIR: the run gets a private node of the asked format, stopped when it exits
    const env = { ...process.env, CASSBERG_ORACLE_SEEDS: String(seeds), CASSBERG_ORACLE_FORMAT: format, CASSBERG_TEST_RUN_DIR: '' };
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ORACLE], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.on('error', reject);
    child.on('close', () => {
      const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)`, 'm').exec(out)?.[1] ?? NaN);
      const failures = [...out.matchAll(/^\s*not ok \d+ - (.*)$/gm)].map((m) => m[1]!);
      if (Number.isNaN(count('pass'))) return reject(new Error(`bench oracle-soak: the ${format} run printed no summary:\n${out.slice(-2000)}`));
      resolve({ format, seeds, pass: count('pass'), fail: count('fail'), seconds: (performance.now() - started) / 1000, failures });
    });
  });
}

export async function run(argv: string[] = []): Promise<string> {
  const seeds = seedsOf(argv);
  const runs: Run[] = [];
  for (const format of ['big', 'bti'] as const) runs.push(await runOracle(format, seeds));
  const rows = runs.map((r) => `| ${r.format === 'big' ? 'BIG (oa)' : 'BTI (da)'} | ${r.seeds} | ${r.pass} | ${r.fail} | ${r.seconds.toFixed(0)} |`);
  const failed = runs.flatMap((r) => r.failures.map((f) => `- ${r.format}: ${f}`));
  const md = [
    '# Compaction oracle soak',
    '',
    `Run ${new Date().toISOString()} with \`npm run bench -- oracle-soak --seeds ${seeds}\` on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'} (load at the end ${loadavg().map((l) => l.toFixed(2)).join(', ')}).`,
    '',
    `Each run plays ${seeds} seeded workloads per table shape (wide, composite, UDT and collections, counters) against a real`,
    'Cassandra 5.0.9 node, merges the r1 + r2 + r3 sstables and compares with `SELECT JSON * FROM truth.<table>` row for',
    'row (test/engine/compaction/oracle.test.ts; CI runs 6 seeds on BIG). A test is one table shape (and the setup).',
    '',
    '| sstable format | seeds per shape | tests passed | tests failed | seconds |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    failed.length ? `Failures:\n${failed.join('\n')}` : 'Every merged table equalled Cassandra\'s SELECT.',
    '',
  ].join('\n');
  writeFileSync(RESULTS, md);
  if (failed.length) throw new Error(`bench oracle-soak: ${failed.length} failing tests\n${md}`);
  return md;
}
