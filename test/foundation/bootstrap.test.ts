// scripts/bootstrap.sh: a second run over an installed cache skips every step within seconds and changes nothing;
// a missing prerequisite stops it with one message naming the tool.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../dev/config.ts';
import { CACHE_DIR } from '../../dev/tools.ts';

const run = promisify(execFile);
const BOOTSTRAP = join(REPO_ROOT, 'scripts', 'bootstrap.sh');

async function stampTimes(): Promise<Record<string, number>> {
  const dir = join(CACHE_DIR, 'stamps');
  const times: Record<string, number> = {};
  for (const f of await readdir(dir)) times[f] = (await stat(join(dir, f))).mtimeMs;
  return times;
}

test('a second bootstrap run skips every step and touches no stamp', async () => {
  await run('bash', [BOOTSTRAP]);
  const before = await stampTimes();
  const { stdout } = await run('bash', [BOOTSTRAP]);
  // "Fast" is what the steps say, not a timer: every step must report `cached` (no timed assertions in tests).
  const steps = stdout.split('\n').filter((l) => l.startsWith('==> '));
  assert.equal(steps.length, 6, stdout);
  for (const line of steps) assert.match(line, /cached\s+\d+\.\ds$/);
  assert.deepEqual(await stampTimes(), before);
});

/** A PATH directory with every command of the current PATH except `hidden`, as symlinks. */
async function pathWithout(dir: string, hidden: string): Promise<string> {
  await mkdir(dir);
  const seen = new Set([hidden]);
  for (const entry of (process.env.PATH ?? '').split(':')) {
    const names = await readdir(entry).catch(() => [] as string[]);
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      await symlink(join(entry, name), join(dir, name));
    }
  }
  return dir;
}

test('a missing Go toolchain is named once, and nothing is built', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'cassberg-bootstrap-'));
  try {
    const path = await pathWithout(join(cache, 'path'), 'go');
    const err = await run('bash', [BOOTSTRAP], { env: { ...process.env, CASSBERG_CACHE: join(cache, 'cache'), PATH: path } }).then(
      () => assert.fail('bootstrap succeeded without go'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(err.code, 1);
    const output = err.stdout + err.stderr;
    assert.equal(output.match(/missing prerequisite/g)?.length, 1, output);
    assert.match(output, /missing prerequisite: go >= 1\.25 \(https:\/\/go\.dev\/dl\/\), needed to build the Temporal CLI/);
    assert.deepEqual(await readdir(join(cache, 'cache', 'bin')), []);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
