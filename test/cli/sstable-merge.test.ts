// `cassberg sstable dump` over several sstables, through the real CLI process: the fixture two_sstables_zstd holds
// two sstables real Cassandra 5.0 flushed for one table (the second overwrites and deletes some of the first's
// data), and select.json is what `SELECT JSON *` returned over both at fixture.json's selectedAtSec. The dump must
// print exactly those lines (compared as exact strings, like test/engine/sstable/cassandra-fixtures.test.ts), for
// each sstable format; --token-range splits it; --writetime shows the timestamps Cassandra's own sstabledump printed.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { REPO_ROOT } from '../../dev/config.ts';

const run = promisify(execFile);
const CLIENT = join(REPO_ROOT, 'client.ts');
const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'sstables', '%v', 'two_sstables_zstd');
const MIN_TOKEN = '-9223372036854775808';

interface Facts { selectedAtSec: number; sstables: string[]; rows: number }

function fixture(version: string): { dir: string; facts: Facts; expected: string[] } {
  const dir = FIXTURE.replace('%v', version);
  const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Facts;
  const expected = readFileSync(join(dir, 'select.json'), 'utf8').split('\n').filter((l) => l !== '');
  return { dir, facts, expected };
}

/** `sstable dump <paths…> --schema <dir>/schema.cql <args…>`; paths default to the fixture directory itself. */
async function dump(dir: string, args: string[], paths = [dir]): Promise<string[]> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CLIENT, 'sstable', 'dump', ...paths, '--schema', join(dir, 'schema.cql'), ...args],
    { cwd: REPO_ROOT, maxBuffer: 1 << 24 });
  return stdout.split('\n').filter((l) => l !== '');
}

function assertLines(actual: string[], expected: string[]): void {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) assert.equal(actual[i], expected[i], `row ${i}`);
}

for (const version of ['oa', 'nb', 'da']) {
  test(`${version}: two sstables of one table merge into exactly what SELECT JSON * returned`, async () => {
    const { dir, facts, expected } = fixture(version);
    assert.equal(facts.sstables.length, 2);
    assert.equal(expected.length, facts.rows);
    assertLines(await dump(dir, ['--reference-time', String(facts.selectedAtSec)]), expected);
  });
}

test('--reference-time takes an ISO instant, --now epoch seconds; each data file may be named on its own', async () => {
  const { dir, facts, expected } = fixture('oa');
  assertLines(await dump(dir, ['--reference-time', new Date(facts.selectedAtSec * 1000).toISOString()]), expected);
  const files = facts.sstables.map((f) => join(dir, f));
  assertLines(await dump(dir, ['--now', String(facts.selectedAtSec)], files), expected);
});

test('two complementary token ranges split the merged rows between them, in token order', async () => {
  const { dir, facts, expected } = fixture('oa');
  const at = ['--reference-time', String(facts.selectedAtSec)];
  const low = await dump(dir, [...at, `--token-range=${MIN_TOKEN}:0`]);
  const high = await dump(dir, [...at, `--token-range=0:${MIN_TOKEN}`]);
  assert.ok(low.length > 0 && high.length > 0, `both halves hold rows (${low.length} + ${high.length})`);
  assertLines([...low, ...high], expected);
});

test('a malformed --token-range fails naming the flag', async () => {
  const { dir } = fixture('oa');
  for (const bad of ['5', '1:x', `0:9223372036854775808`]) {
    await assert.rejects(dump(dir, [`--token-range=${bad}`]), (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /^cassberg: --token-range /m);
      return true;
    }, bad);
  }
});

test('--token-range on sstables of another partitioner fails naming the flag', async () => {
  // Cassandra's legacy-sstables corpus (test/engine/compaction/corpus.test.ts) was written with ByteOrderedPartitioner
  const dir = '/work/shared/corpus/cassandra-legacy-sstables/oa/legacy_tables/legacy_oa_simple';
  await assert.rejects(run(process.execPath, ['--import', 'tsx', CLIENT, 'sstable', 'dump', dir, '--token-range=0:5'], { cwd: REPO_ROOT }),
    (err: { code?: number; stderr?: string }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr ?? '', /^cassberg: --token-range needs Murmur3Partitioner; the sstables use ByteOrderedPartitioner$/m);
      return true;
    });
});

/** Epoch microseconds of java.time.Instant.toString text. */
function isoToMicros(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(text);
  assert.ok(m, text);
  return Date.parse(`${m[1]}Z`) * 1000 + Number((m[2] ?? '').padEnd(9, '0').slice(0, 6));
}

test('--writetime adds writetime(v): the timestamp of the winning cell in Cassandra\'s own sstabledump', async () => {
  const { dir, facts, expected } = fixture('oa');
  const rows = (await dump(dir, ['--reference-time', String(facts.selectedAtSec), '--writetime'])).map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(rows.map(({ ['writetime(v)']: _w, ...r }) => r), expected.map((l) => JSON.parse(l) as unknown));
  // m is a non-frozen map: writetime() of a multi-cell column is not a single number, so it is not added
  assert.ok(rows.every((r) => Object.keys(r).join() === 'pk,ck,m,v,writetime(v)'));
  type Cell = { name: string; value?: string; tstamp?: string };
  type Partition = { partition: { key: string[] }; rows: { clustering?: number[]; liveness_info?: { tstamp?: string }; cells?: Cell[] }[] };
  const dumps = facts.sstables.map((f) => JSON.parse(readFileSync(join(dir, `sstabledump-${f.split('-')[1]}.json`), 'utf8')) as Partition[]);
  for (const r of rows) {
    const stamps = dumps.flat().filter((p) => p.partition.key[0] === String(r['pk']))
      .flatMap((p) => p.rows).filter((row) => row.clustering?.[0] === r['ck'])
      // a cell without tstamp has its row's (sstabledump prints it only where it differs)
      .flatMap((row) => (row.cells ?? []).map((c) => ({ ...c, tstamp: c.tstamp ?? row.liveness_info?.tstamp })))
      .filter((c) => c.name === 'v' && c.value === r['v'] && c.tstamp).map((c) => isoToMicros(c.tstamp!));
    assert.ok(stamps.length > 0, `a v cell for ${JSON.stringify(r)}`);
    assert.equal(r['writetime(v)'], Math.max(...stamps), `writetime(v) of ${r['pk']}/${r['ck']}`);
  }
});

test('the merge prints empty values and a column no sstable wrote as SELECT JSON does (one sstable named twice)', async () => {
  for (const version of ['oa', 'nb', 'da']) {
    const dir = join(REPO_ROOT, 'test', 'fixtures', 'sstables', version, 'empty_values_deflate');
    const facts = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as Facts;
    const expected = readFileSync(join(dir, 'select.json'), 'utf8').split('\n').filter((l) => l !== '');
    assert.match(expected[0]!, /"bo": null, "d": "", "i": ""/); // bo is in schema.cql only; d and i are empty values
    const data = join(dir, facts.sstables[0]!);
    assertLines(await dump(dir, ['--reference-time', String(facts.selectedAtSec)], [data, data]), expected);
  }
});
