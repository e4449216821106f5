// `npm run bench -- <name> [options]`: runs one benchmark (or all) and prints its markdown table; each benchmark also
// writes its table to bench/results/<name>.md, committed with the machine facts of the run. Options after the name
// go to that benchmark (`npm run bench -- compaction --scale 20`).
const BENCHES = ['sstable', 'compaction', 'oracle-soak', 'iceberg', 'movement'];
const HELP = `usage: npm run bench -- [${BENCHES.join('|')} …] [options]
  sstable     SSTable decode throughput against sstabledump (CASSBERG_BENCH_SSTABLE_MB, default 512)
  compaction  merge of three replicas against nodetool compact and a CQL scan; peak RSS as partitions widen
              options: --scale MiB (default 520), --wide 10000,100000,1000000, --repeat N, --out file.md
  oracle-soak the compaction oracle (merged replicas = Cassandra's SELECT) with many seeds, BIG and BTI
              options: --seeds N per table shape (default 30)
  iceberg     Arrow → Parquet → Iceberg commit against PyIceberg
  movement    DataMovement worker scaling and orchestration overhead
Without a name every benchmark runs. Results: bench/results/<name>.md.`;
const load = (name: string): Promise<{ run(argv?: string[]): Promise<string> }> => import(new URL(`./${name}.ts`, import.meta.url).href);

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
const firstOption = args.findIndex((a) => a.startsWith('-'));
const asked = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);
const names = asked.length ? asked : BENCHES;
for (const name of names) {
  if (!BENCHES.includes(name)) {
    console.error(`cassberg bench: unknown benchmark "${name}" (known: ${BENCHES.join(', ')})\n${HELP}`);
    process.exit(2);
  }
  let mod: { run(argv?: string[]): Promise<string> };
  try {
    mod = await load(name);
  } catch (err) {
    console.error(`cassberg bench: ${name} is not available: ${(err as Error).message}`);
    process.exitCode = 1;
    continue;
  }
  try {
    console.log(await mod.run(options));
  } catch (err) {
    console.error(err instanceof Error && err.message.startsWith('bench ') ? err.message : err);
    process.exitCode = 1;
  }
}
