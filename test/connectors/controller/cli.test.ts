// The controller commands through a real child process: cli/controller.ts run directly, and through client.ts
// once that exists (it must register the commands).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import YAML from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'cassberg-controller-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number; stdout: string; stderr: string }

function run(entry: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const options = { cwd: dir, encoding: 'utf8' as const, timeout: 60_000, env: { ...process.env, ...env } };
    execFile(process.execPath, ['--import', tsx, join(root, entry), ...args], options, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const controller = (...args: string[]) => run('cli/controller.ts', ['controller', ...args]);

const RULES_YAML = `# KV rollout, wave 1
cohorts:
  wave-1: ["prod.kv.*"]
rules:
  - description: KV namespaces in prod
    cohort: wave-1
    connector: key-value
  - description: one TS table, shadowed
    cluster: prod
    table: "data_*"
    connector: time-series
    mode: shadow
`;

test('set, get, history, rollback and decide through the CLI', async () => {
  const db = join(dir, 'cli', 'catalog.db');
  writeFileSync(join(dir, 'rules.yaml'), RULES_YAML);
  const set = await controller('set', join(dir, 'rules.yaml'), '--author', 'alice', '--comment', 'wave 1', '--db', db);
  assert.equal(set.code, 0, set.stderr);
  assert.equal(set.stdout, 'controller rules version 1 written by alice (2 rules)\n');

  writeFileSync(join(dir, 'bad.json'), JSON.stringify({ rules: [{ cluster: 'prod', connector: 'raw' }, { table: 'x', connector: 'kv' }] }));
  const bad = await controller('set', join(dir, 'bad.json'), '--author', 'alice', '--db', db);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^controller rules: rules\[1\]\.connector: unknown connector "kv" \(registered: raw, key-value, time-series, legacy\)\n$/);

  const noAuthor = await controller('set', join(dir, 'rules.yaml'), '--db', db);
  assert.notEqual(noAuthor.code, 0);
  assert.match(noAuthor.stderr, /required option '--author <name>' not specified/);

  const yaml = await controller('get', '--db', db);
  assert.equal(yaml.code, 0, yaml.stderr);
  assert.match(yaml.stdout, /^# version 1 by alice at \S+: wave 1\n/);
  writeFileSync(join(dir, 'edited.yaml'), yaml.stdout.replace('canaryPercent: 100', 'canaryPercent: 30'));
  const edited = await controller('set', join(dir, 'edited.yaml'), '--author', 'bob', '--db', db);
  assert.equal(edited.code, 0, edited.stderr);

  const json = JSON.parse((await controller('get', '--json', '--db', db)).stdout);
  assert.equal(json.version, 2);
  assert.equal(json.document.rules[0].canaryPercent, 30);
  assert.deepEqual(json.document.cohorts, { 'wave-1': [{ cluster: 'prod', keyspace: 'kv', table: '*' }] });
  assert.deepEqual(YAML.parse(yaml.stdout), JSON.parse((await controller('get', '--json', '--at', '1', '--db', db)).stdout).document);

  const rollback = await controller('rollback', '1', '--author', 'carol', '--db', db);
  assert.equal(rollback.code, 0, rollback.stderr);
  assert.equal(rollback.stdout, 'controller rules version 3 written by carol: equal to version 1\n');
  const missing = await controller('rollback', '7', '--author', 'carol', '--db', db);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'controller rollback: version: version 7 does not exist (latest is 3)\n');

  const history = JSON.parse((await controller('history', '--json', '--db', db)).stdout);
  assert.deepEqual(history.map((v: { version: number; author: string; rollbackOf: number | null; rules: number }) => [v.version, v.author, v.rollbackOf, v.rules]),
    [[3, 'carol', 1, 2], [2, 'bob', null, 2], [1, 'alice', null, 2]]);

  writeFileSync(join(dir, 'ts-model.json'), JSON.stringify({
    keyspace: 'kv', table: 'data_1',
    columns: [{ name: 'pk', type: 'text', kind: 'partition_key' }, { name: 'v', type: 'blob', kind: 'regular' }],
  }));
  const decision = JSON.parse((await controller('decide', 'prod', 'kv', 'data_1', '--json', '--model', join(dir, 'ts-model.json'), '--db', db)).stdout);
  assert.deepEqual([decision.connector, decision.ruleVersion, decision.matchedRule.index], ['legacy', 3, 1]);
  assert.match(decision.reason, /time-series does not accept kv\.data_1 \(partition key is \(pk\), expected \(time_series_id, time_bucket, event_bucket\)\); default legacy instead/);
  const line = await controller('decide', 'prod', 'kv', 'items', '--db', db);
  assert.match(line.stdout, /^key-value \(primary, fallback legacy, rules v3\): rule 0 \(cohort: cohort=wave-1 "KV namespaces in prod"\)/);
});

/** A stack config (dev/config.ts) whose catalog is a SQLite file next to it. */
function stackConfig(name: string): { file: string; db: string } {
  const base = mkdtempSync(join(dir, `${name}-`));
  const file = join(base, 'stack.yml');
  writeFileSync(file, YAML.stringify({
    temporal: { address: '127.0.0.1:7233', namespace: 'default', taskQueue: 'cassberg' },
    s3: { buckets: { backups: 'backups', warehouse: 'warehouse' } },
    iceberg: { warehouse: 's3://warehouse/wh', catalog: { name: 'cassberg', sqlite: 'state/catalog.db' } },
  }));
  return { file, db: join(base, 'state', 'catalog.db') };
}

test('without --db the rules go to the catalog database of the stack config', async () => {
  const { file, db } = stackConfig('default-db');
  writeFileSync(join(dir, 'raw.json'), JSON.stringify({ default: { connector: 'raw' } }));
  const set = await run('cli/controller.ts', ['controller', 'set', join(dir, 'raw.json'), '--author', 'dave'], { CASSBERG_CONFIG: file });
  assert.equal(set.code, 0, set.stderr);
  assert.ok(existsSync(db));
  const history = await run('cli/controller.ts', ['--config', file, 'controller', 'history']);
  assert.match(history.stdout, /^1\t\S+\tdave\t0 rules\t\n$/);
  const broken = join(dir, 'broken.yml');
  writeFileSync(broken, 'iceberg: {}\n');
  const bad = await run('cli/controller.ts', ['controller', 'history'], { CASSBERG_CONFIG: broken });
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /broken\.yml: .*temporal/);
});

const client = join(root, 'client.ts');
test('client.ts registers the controller commands', { skip: existsSync(client) ? false : 'client.ts does not exist yet' }, async () => {
  const { file, db } = stackConfig('client');
  const env = { CASSBERG_CONFIG: file };
  const listed = await run('client.ts', ['controller', 'connectors'], env);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^raw\t/m);
  assert.match(listed.stdout, /^legacy \(legacy\)\t/m);
  writeFileSync(join(dir, 'client-bad.json'), JSON.stringify({ rules: [{ keyspace: 'kv', connector: 'kv' }] }));
  const bad = await run('client.ts', ['controller', 'set', join(dir, 'client-bad.json'), '--author', 'erin'], env);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /rules\[0\]\.connector: unknown connector "kv"/);
  writeFileSync(join(dir, 'client-good.yaml'), RULES_YAML);
  const good = await run('client.ts', ['controller', 'set', join(dir, 'client-good.yaml'), '--author', 'erin'], env);
  assert.equal(good.code, 0, good.stderr);
  const decision = JSON.parse((await run('client.ts', ['controller', 'decide', 'prod', 'kv', 'items', '--json'], env)).stdout);
  assert.deepEqual([decision.connector, decision.ruleVersion], ['key-value', 1]);
  assert.ok(existsSync(db));
});
