// The merge's rows as `SELECT JSON` lines (engine/compaction/select-json.ts) against what Cassandra 5.0 itself printed
// for every fixture table (test/fixtures/sstables/<version>/<table>/select.json, README there), oa/nb/da, at the
// second the SELECT ran. Both forms of BatchWriter output are checked, each compared as exact strings:
// - jsonValues: every value rendered from its cell bytes by engine/sstable/cql-json.ts — exactly Cassandra's lines,
//   decimals in BigDecimal.toString form (1E+10), empty values ("" for an empty int) and schema-only columns included;
// - typed Arrow columns rendered back: the same lines (-5E-20 too), except what the Arrow column cannot hold: there is
//   no empty int/double/timestamp/uuid, so such a value is null (empty_values_*), and a decimal column holds plain
//   text, which has no negative scale, so 1E+10 (unscaled 1, scale -10) prints 10000000000 (scalar_types_*).

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openMergeInput } from '../../../cli/sstable.ts';
import { REPO_ROOT } from '../../../dev/config.ts';
import { selectAll } from '../../../engine/compaction/select.ts';
import { batchToJsonLines } from '../../../engine/compaction/select-json.ts';
import { createSSTableSources } from '../../../engine/compaction/sstable-source.ts';
import { parseSchema } from '../../../engine/sstable/schema.ts';

const ROOT = join(REPO_ROOT, 'test', 'fixtures', 'sstables');

async function mergedLines(dir: string, jsonValues: boolean): Promise<string[]> {
  const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as { sstables: string[]; selectedAtSec: number };
  const schema = parseSchema(readFileSync(join(dir, 'schema.cql'), 'utf8'));
  const { sstables, layout } = await openMergeInput(facts.sstables.map((f) => join(dir, f)), schema);
  const { sources, partitioner } = createSSTableSources(sstables, layout);
  const lines: string[] = [];
  for await (const batch of selectAll(sources, layout, { nowSec: facts.selectedAtSec, partitioner, jsonValues })) {
    lines.push(...batchToJsonLines(batch, layout, layout.columns.map((c) => c.name)));
  }
  return lines;
}

function assertLines(actual: string[], expected: string[], what: string): void {
  assert.ok(expected.length > 0, what);
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) assert.equal(actual[i], expected[i], `${what} row ${i}`);
}

for (const version of ['oa', 'nb', 'da']) {
  test(`${version}: merged rows of every fixture table print exactly Cassandra's SELECT JSON lines`, async () => {
    const tables = readdirSync(join(ROOT, version));
    assert.ok(tables.length >= 11);
    for (const table of tables) {
      const dir = join(ROOT, version, table);
      const expected = readFileSync(join(dir, 'select.json'), 'utf8').split('\n').filter((l) => l !== '');
      assertLines(await mergedLines(dir, true), expected, `${table} (jsonValues)`);
      // Arrow: an empty value of a non-text scalar is null (pk 1 of empty_values_* has four of them)
      let arrowExpected = table.startsWith('empty_values')
        ? expected.map((l) => (l.startsWith('{"pk": 1,') ? l.replace(/"(d|i|ts|u)": ""/g, '"$1": null') : l)) : expected;
      if (table.startsWith('scalar_types')) arrowExpected = arrowExpected.map((l) => l.replace('"de": 1E+10,', '"de": 10000000000,'));
      if (table.startsWith('empty_values') || table.startsWith('scalar_types')) assert.notDeepEqual(arrowExpected, expected, table);
      assertLines(await mergedLines(dir, false), arrowExpected, `${table} (Arrow)`);
    }
  });
}
