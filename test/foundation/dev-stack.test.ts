// `cassberg dev up|status|down` through the real CLI on free ports: the Temporal CLI lists a workflow that
// `cassberg ping` ran, the UI answers 200, `dev down` stops every process, and a second `dev up` finds the workflow
// history (SQLite file) and the S3 objects (MinIO data dir) again.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { REPO_ROOT } from '../../dev/config.ts';
import { freePort, isAlive } from '../../dev/process.ts';
import { tools } from '../../dev/tools.ts';

const run = promisify(execFile);
let dir: string;
let config: string;
let ports: { temporal: number; ui: number; s3: number; console: number; metrics: number };

function cassberg(...args: string[]) {
  return run(process.execPath, [join(REPO_ROOT, 'bin', 'cassberg.mjs'), '--config', config, ...args], { cwd: REPO_ROOT, timeout: 180_000 });
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cassberg-dev-'));
  ports = { temporal: await freePort(), ui: await freePort(), s3: await freePort(), console: await freePort(), metrics: await freePort() };
  const template = await readFile(join(REPO_ROOT, 'temporal-dev.yml'), 'utf8');
  // The checked-in config with only ports and the state dir changed, so this tests the real file too.
  const yml = template
    .replace('127.0.0.1:7233', `127.0.0.1:${ports.temporal}`)
    .replace('uiPort: 8233', `uiPort: ${ports.ui}`)
    .replace('http://127.0.0.1:9000', `http://127.0.0.1:${ports.s3}`)
    .replace('consolePort: 9001', `consolePort: ${ports.console}`)
    .replace('metricsPort: 9464', `metricsPort: ${ports.metrics}`)
    .replaceAll('.cassberg', join(dir, 'state'));
  assert.notEqual(yml, template);
  config = join(dir, 'cassberg.yml');
  await writeFile(config, yml);
});

after(async () => {
  await cassberg('dev', 'down').catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

interface Status { uiUrl: string; services: { name: string; running: boolean; pid?: number }[] }

test('dev up, ping, temporal workflow list, UI, dev down, and state kept across a restart', async () => {
  const up = await cassberg('dev', 'up');
  assert.match(up.stdout, new RegExp(`Temporal UI: http://127.0.0.1:${ports.ui}/`));
  const status = JSON.parse((await cassberg('dev', 'status', '--json')).stdout) as Status;
  assert.deepEqual(status.services.map((s) => [s.name, s.running]), [['temporal', true], ['minio', true], ['worker', true]]);
  assert.equal((await fetch(status.uiUrl)).status, 200);

  const ping = await cassberg('ping', '--message', 'hello-dev');
  assert.match(ping.stdout, /^hello-dev from worker \d+@/);
  assert.match(ping.stdout, /backups bucket cassberg-backups: ok/);
  assert.match(ping.stdout, /warehouse bucket cassberg-warehouse: ok/);
  // The worker's /metrics: cassberg's S3 dependency tracking (the ping's bucket checks) and the Temporal SDK's own.
  const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
  assert.match(metrics, /cassberg_storage_requests_total\{store="s3",operation="\w+",outcome="ok"\} [1-9]/);
  assert.match(metrics, /cassberg_storage_request_seconds_count\{store="s3"/);
  assert.match(metrics, /^temporal_\w+/m);
  const list = await run(tools.temporal, ['workflow', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--output', 'json']);
  const runs = JSON.parse(list.stdout) as { type: { name: string }; status: string }[];
  assert.deepEqual(runs.map((r) => [r.type.name, r.status]), [['Ping', 'WORKFLOW_EXECUTION_STATUS_COMPLETED']]);

  const s3 = new S3Client({ endpoint: `http://127.0.0.1:${ports.s3}`, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'cassberg', secretAccessKey: 'cassberg-dev-secret' } });
  try {
    await s3.send(new PutObjectCommand({ Bucket: 'cassberg-backups', Key: 'kept.txt', Body: 'still here' }));

    const down = await cassberg('dev', 'down');
    assert.match(down.stdout, /worker: stopped\nminio: stopped\ntemporal: stopped/);
    for (const s of status.services) assert.equal(isAlive(s.pid!), false, `${s.name} pid ${s.pid} still alive`);
    await assert.rejects(fetch(status.uiUrl));

    await cassberg('dev', 'up');
    const again = await run(tools.temporal, ['workflow', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--output', 'json']);
    assert.equal((JSON.parse(again.stdout) as unknown[]).length, 1);
    const kept = await s3.send(new GetObjectCommand({ Bucket: 'cassberg-backups', Key: 'kept.txt' }));
    assert.equal(await kept.Body!.transformToString(), 'still here');
  } finally {
    s3.destroy();
  }
});

test('dev up refuses a port another process holds, instead of talking to that process', async () => {
  await cassberg('dev', 'down');
  const squatter = createServer().listen(ports.temporal, '127.0.0.1');
  await once(squatter, 'listening');
  try {
    await assert.rejects(cassberg('dev', 'up'), (err: { stderr: string }) => {
      assert.match(err.stderr, new RegExp(`^cassberg: temporal: port ${ports.temporal} on 127\\.0\\.0\\.1 is already in use`, 'm'));
      return true;
    });
    const status = JSON.parse((await cassberg('dev', 'status', '--json')).stdout) as Status;
    assert.deepEqual(status.services.map((s) => s.running), [false, false, false]);
  } finally {
    squatter.close();
  }
});

test('dev up reports a config error naming the field', async () => {
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, (await readFile(config, 'utf8')).replace(/uiPort: \d+/, 'uiPort: eighty'));
  await assert.rejects(
    run(process.execPath, [join(REPO_ROOT, 'bin', 'cassberg.mjs'), '--config', bad, 'dev', 'up'], { cwd: REPO_ROOT }),
    (err: { stderr: string; code: number }) => {
      assert.equal(err.code, 1);
      assert.match(err.stderr, /^cassberg: .*bad\.yml: temporal\.dev\.uiPort: Invalid input: expected number, received string$/m);
      return true;
    },
  );
});
