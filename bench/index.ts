// `npm run bench -- <name>`: runs one benchmark (or all) and prints its markdown table; each benchmark also
// writes its table to bench/results/<name>.md, committed with the machine facts of the run.
const BENCHES = ['sstable', 'compaction', 'iceberg', 'movement'];
const load = (name: string): Promise<{ run(): Promise<string> }> => import(new URL(`./${name}.ts`, import.meta.url).href);

const asked = process.argv.slice(2);
const names = asked.length ? asked : BENCHES;
for (const name of names) {
  if (!BENCHES.includes(name)) {
    console.error(`cassberg bench: unknown benchmark "${name}" (known: ${BENCHES.join(', ')})`);
    process.exit(2);
  }
  let mod: { run(): Promise<string> };
  try {
    mod = await load(name);
  } catch (err) {
    console.error(`cassberg bench: ${name} is not available: ${(err as Error).message}`);
    process.exitCode = 1;
    continue;
  }
  console.log(await mod.run());
}
