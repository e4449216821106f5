// bench/compaction.ts at its smallest scale, against a real Cassandra node and real CQLSSTableWriter output: the
// results table is well formed and cassberg's merge of the three replicas returns what Cassandra's CQL scan of the
// same sstables returns (row count and a checksum of the winning versions). Nothing about speed is asserted.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseOptions, run } from '../../bench/compaction.ts';

const dir = mkdtempSync(join(tmpdir(), 'cassberg-bench-compaction-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('options: defaults, values, and a clear error for a bad one', () => {
  assert.deepEqual(parseOptions([]), { scaleMiB: 520, wide: [10_000, 100_000, 1_000_000], repeat: 2 });
  assert.deepEqual(parseOptions(['--scale', '2', '--wide', '100,1000', '--repeat', '1', '--out', 'x.md']),
    { scaleMiB: 2, wide: [100, 1000], repeat: 1, out: 'x.md' });
  assert.throws(() => parseOptions(['--scale', 'big']), /--scale must be a number of MiB/);
  assert.throws(() => parseOptions(['--wide', '10,x']), /--wide must list row counts/);
  assert.throws(() => parseOptions(['--fast', '1']), /--fast is not an option/);
});

test('the smallest run writes a well-formed table and the merge agrees with the CQL scan', { timeout: 600_000 }, async () => {
  const out = join(dir, 'compaction.md');
  const markdown = await run(['--scale', '2', '--wide', '100,1000', '--repeat', '1', '--out', out]);
  assert.equal(readFileSync(out, 'utf8'), markdown);
  assert.match(markdown, /checksum of the `v` column \(the winning write's timestamp\) identical/);
  assert.match(markdown, /the two token-range halves together equal the whole ring/);
  const readers = markdown.split('\n').filter((l) => /^\| (cassberg merge|Cassandra major compaction|CQL full-table scan)/.test(l));
  assert.equal(readers.length, 4, markdown);
  for (const row of readers) {
    const cells = row.split('|').slice(1, -1).map((c) => c.trim());
    assert.equal(cells.length, 9, row);
    for (const c of cells.slice(1, 7)) assert.ok(Number.isFinite(Number(c.replaceAll(',', ''))) && Number(c.replaceAll(',', '')) > 0, `${c} in ${row}`);
  }
  const wide = markdown.split('\n').filter((l) => /^\| 1?00 \|/.test(l) || /^\| 1,000 \|/.test(l));
  assert.equal(wide.length, 2, markdown);
  const merged = wide.map((l) => l.split('|')[4]!.trim());
  assert.equal(merged[0], merged[1], 'every wide case holds the same rows');
  assert.equal(markdown.match(/\*\*(met|not met|met on one measure only)\*\*/g)?.length, 3);
});
