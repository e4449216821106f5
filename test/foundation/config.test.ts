// temporal-dev.yml validation: the checked-in file parses, relative paths resolve against the file, and a wrong or
// unknown field is reported by its path.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG_FILE, loadConfig, parseConfig, REPO_ROOT, searchAttributeFlags } from '../../dev/config.ts';
import { InvalidConfigError } from '../../engine/errors.ts';
import { SEARCH_ATTRIBUTE_NAMES } from '../../workflows/search-attributes.ts';

const raw = () => parseYaml(readFileSync(DEFAULT_CONFIG_FILE, 'utf8')) as Record<string, Record<string, unknown>>;

test('the checked-in temporal-dev.yml parses, with paths under the repository', () => {
  const config = loadConfig(DEFAULT_CONFIG_FILE);
  assert.equal(config.temporal.address, '127.0.0.1:7233');
  assert.equal(config.temporal.dev?.dbFile, join(REPO_ROOT, '.cassberg', 'temporal.db'));
  assert.equal(config.s3.dev?.dataDir, join(REPO_ROOT, '.cassberg', 'minio'));
  assert.deepEqual(config.iceberg.catalog, { name: 'cassberg', sqlite: join(REPO_ROOT, '.cassberg', 'catalog.db') });
  assert.deepEqual(Object.keys(config.temporal.searchAttributes), [...SEARCH_ATTRIBUTE_NAMES]);
  assert.deepEqual(searchAttributeFlags(config).slice(0, 2), ['--search-attribute', 'CassbergCluster=Keyword']);
});

test('errors name the field path, for a wrong type, a missing field and an unknown key', () => {
  const cases: [(c: Record<string, Record<string, unknown>>) => void, RegExp][] = [
    [(c) => { (c.temporal!.dev as Record<string, unknown>).uiPort = 'eighty'; }, /cfg\.yml: temporal\.dev\.uiPort: Invalid input: expected number, received string/],
    [(c) => { delete (c.s3!.buckets as Record<string, unknown>).warehouse; }, /s3\.buckets\.warehouse: Invalid input/],
    [(c) => { c.s3!.endpoin = 'http://x:1'; }, /s3: Unrecognized key: "endpoin"/],
    [(c) => { c.temporal!.address = 'localhost'; }, /temporal\.address: must be host:port/],
    [(c) => { delete c.s3!.endpoint; }, /s3\.endpoint: s3\.dev needs an http:\/\/127\.0\.0\.1:<port> endpoint/],
  ];
  for (const [mutate, message] of cases) {
    const c = raw();
    mutate(c);
    assert.throws(() => parseConfig(c, '/x/cfg.yml'), (err: unknown) => err instanceof InvalidConfigError && message.test(err.message));
  }
});

test('a remote setup: no dev blocks, AWS S3 through the default chain, TLS files relative to the config', () => {
  const c = raw();
  delete c.temporal!.dev;
  c.temporal!.address = 'cassberg.a1b2c.tmprl.cloud:7233';
  c.temporal!.tls = { clientCertFile: 'certs/client.pem', clientKeyFile: 'certs/client.key' };
  c.s3 = { region: 'eu-west-1', buckets: { backups: 'acme-cassandra-backups', warehouse: 'acme-lake' } };
  const config = parseConfig(c, '/etc/cassberg/prod.yml');
  assert.equal(config.temporal.dev, undefined);
  assert.equal(config.temporal.tls?.clientCertFile, '/etc/cassberg/certs/client.pem');
  assert.equal(config.s3.endpoint, undefined);
  assert.equal(config.s3.credentials, undefined);
});
