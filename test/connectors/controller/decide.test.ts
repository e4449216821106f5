import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canaryBucket, inCanary } from '../../../connectors/controller/canary.ts';
import { decideJobOf, decideWith } from '../../../connectors/controller/decide.ts';
import type { DecideJob } from '../../../connectors/controller/decide.ts';
import { parseRulesDocument } from '../../../connectors/controller/rules.ts';
import { KV_TABLE, PLAIN_TABLE, TS_TABLE } from './fixtures/tables.ts';

const job = (cluster: string, keyspace: string, table: string, extra: Partial<DecideJob> = {}): DecideJob => ({ cluster, keyspace, table, ...extra });

// One rule per level, each with its own connector, written least specific first so document order cannot explain
// the outcome; then table > keyspace > cluster > cohort > default.
const layered = parseRulesDocument({
  default: { connector: 'legacy' },
  cohorts: { wave: ['prod.*.*'] },
  rules: [
    { description: 'cohort', cohort: 'wave', connector: 'raw', fallback: false },
    { description: 'cluster', cluster: 'prod', connector: 'time-series' },
    { description: 'keyspace', cluster: 'prod', keyspace: 'kv', connector: 'raw', mode: 'shadow' },
    { description: 'table', keyspace: 'kv', table: 'items', connector: 'key-value' },
  ],
});

test('the most specific rule wins: table > keyspace > cluster > cohort > default', () => {
  const pick = (j: DecideJob) => { const d = decideWith(j, layered, 7); return [d.connector, d.matchedRule?.description ?? 'default', d.matchedRule?.level ?? null]; };
  assert.deepEqual(pick(job('prod', 'kv', 'items')), ['key-value', 'table', 'table']);
  assert.deepEqual(pick(job('prod', 'kv', 'other')), ['raw', 'keyspace', 'keyspace']);
  assert.deepEqual(pick(job('prod', 'ts', 'data_1')), ['time-series', 'cluster', 'cluster']);
  assert.deepEqual(pick(job('stage', 'kv', 'items')), ['key-value', 'table', 'table']);
  assert.deepEqual(pick(job('stage', 'ts', 'x')), ['legacy', 'default', null]);
  const cohortOnly = parseRulesDocument({ cohorts: layered.cohorts, rules: [layered.rules[0]] });
  const d = decideWith(job('prod', 'a', 'b'), cohortOnly, 1);
  assert.deepEqual([d.connector, d.matchedRule?.level, d.fallback.enabled], ['raw', 'cohort', false]);
});

test('the decision carries mode, fallback, rule version and a reason', () => {
  const d = decideWith(job('prod', 'kv', 'other'), layered, 7);
  assert.equal(d.mode, 'shadow');
  assert.deepEqual(d.fallback, { enabled: true, connector: 'legacy' });
  assert.equal(d.ruleVersion, 7);
  assert.deepEqual(d.matchedRule, { index: 2, level: 'keyspace', description: 'keyspace' });
  assert.equal(d.reason, 'rule 2 (keyspace: cluster=prod keyspace=kv "keyspace"); data model not checked (no table model given)');
  assert.equal(d.modelChecked, false);
});

test('among rules of one level the earlier wins; a "*" selector does not make a rule more specific', () => {
  const doc = parseRulesDocument({
    rules: [
      { cluster: 'prod', table: '*', connector: 'raw' },
      { cluster: 'p*', connector: 'key-value' },
      { keyspace: 'k?', table: '*', connector: 'time-series' },
    ],
  });
  const d = decideWith(job('prod', 'kv', 't'), doc, 1);
  assert.deepEqual([d.connector, d.matchedRule?.index, d.matchedRule?.level], ['time-series', 2, 'keyspace']);
  const e = decideWith(job('prod', 'other', 't'), doc, 1);
  assert.deepEqual([e.connector, e.matchedRule?.index, e.matchedRule?.level], ['raw', 0, 'cluster']);
});

test('canary buckets are stable, spread evenly, and grow monotonically with the percentage', () => {
  assert.equal(canaryBucket({ cluster: 'prod', keyspace: 'kv', table: 't1' }), canaryBucket({ cluster: 'prod', keyspace: 'kv', table: 't1' }));
  assert.notEqual(canaryBucket({ cluster: 'prod', keyspace: 'kv', table: 't1' }), canaryBucket({ cluster: 'prod', keyspace: 'kv', table: 't2' }));
  const doc10 = parseRulesDocument({ rules: [{ cluster: 'prod', connector: 'raw', canaryPercent: 10 }] });
  const doc25 = parseRulesDocument({ rules: [{ cluster: 'prod', connector: 'raw', canaryPercent: 25 }] });
  const n = 4000;
  let in10 = 0, in25 = 0;
  for (let i = 0; i < n; i++) {
    const j = job('prod', `ks${i % 37}`, `table_${i}`);
    const a = decideWith(j, doc10, 3), b = decideWith(j, doc25, 4);
    assert.deepEqual(decideWith(j, doc10, 3), a, 'same job, same rules: same answer');
    if (a.connector === 'raw') in10++;
    if (b.connector === 'raw') in25++;
    if (a.connector === 'raw') assert.equal(b.connector, 'raw', `${j.table} left the canary when it grew`);
    assert.equal(a.canary?.selected, a.connector === 'raw');
  }
  assert.ok(Math.abs(in10 / n - 0.10) < 0.02, `10% canary took ${in10 / n}`);
  assert.ok(Math.abs(in25 / n - 0.25) < 0.025, `25% canary took ${in25 / n}`);
  assert.equal(inCanary(9999, 100), true);
  assert.equal(inCanary(0, 0), false);
});

test('outside the canary the default applies and the reason gives the bucket', () => {
  const doc = parseRulesDocument({ default: { connector: 'raw', fallback: false }, rules: [{ cluster: 'prod', connector: 'key-value', canaryPercent: 50 }] });
  const outside = Array.from({ length: 50 }, (_, i) => job('prod', 'kv', `t${i}`)).find((j) => canaryBucket(j) >= 5000)!;
  const d = decideWith(outside, doc, 2);
  assert.equal(d.connector, 'raw');
  assert.equal(d.fallback.enabled, false);
  assert.equal(d.canary?.selected, false);
  assert.match(d.reason, new RegExp(`outside its 50% canary \\(bucket ${canaryBucket(outside)}\\): default`));
});

test('a connector whose data model rejects the table gives way to the default, or to legacy', () => {
  const doc = parseRulesDocument({ default: { connector: 'raw' }, rules: [{ cluster: 'prod', connector: 'key-value', mode: 'shadow' }] });
  const kv = decideWith(job('prod', 'ngsegment', 'ngsegment', { model: KV_TABLE }), doc, 1);
  assert.deepEqual([kv.connector, kv.mode, kv.modelChecked], ['key-value', 'shadow', true]);
  const plain = decideWith(job('prod', 'shop', 'orders', { model: PLAIN_TABLE }), doc, 1);
  assert.deepEqual([plain.connector, plain.mode], ['raw', 'primary']);
  assert.match(plain.reason, /key-value does not accept shop\.orders \(partition key is \(customer\), expected \(id\)\); default raw instead$/);
  const tsDefault = parseRulesDocument({ default: { connector: 'time-series' }, rules: [{ cluster: 'prod', connector: 'key-value' }] });
  const toLegacy = decideWith(job('prod', 'shop', 'orders', { model: PLAIN_TABLE }), tsDefault, 1);
  assert.deepEqual([toLegacy.connector, toLegacy.fallback.enabled], ['legacy', false]);
  assert.match(toLegacy.reason, /key-value does not accept shop\.orders .*; legacy instead$/);
});

test('job hints: a registered connector overrides the rules (no canary), an unknown one is an error', () => {
  const doc = parseRulesDocument({ rules: [{ cluster: 'prod', connector: 'raw', canaryPercent: 1, fallback: false }] });
  const d = decideWith(job('prod', 'playback', 'data_20260328', { model: TS_TABLE, hints: { connector: 'time-series', mode: 'shadow' } }), doc, 5);
  assert.deepEqual([d.connector, d.mode, d.fallback.enabled, d.canary], ['time-series', 'shadow', false, null]);
  assert.match(d.reason, /^connector time-series requested by the job/);
  const rejected = decideWith(job('prod', 'shop', 'orders', { model: PLAIN_TABLE, hints: { connector: 'time-series' } }), doc, 5);
  assert.equal(rejected.connector, 'legacy');
  assert.throws(() => decideWith(job('prod', 'a', 'b', { hints: { connector: 'ts' } }), doc, 5),
    { name: 'InvalidConfigError', message: /^hints\.connector: unknown connector "ts"/ });
});

test('the legacy connector never shadows or falls back to itself', () => {
  const doc = parseRulesDocument({});
  const d = decideWith(job('prod', 'a', 'b', { hints: { mode: 'shadow' } }), doc, 0);
  assert.deepEqual([d.connector, d.mode, d.fallback.enabled], ['legacy', 'primary', false]);
  assert.match(d.reason, /cannot shadow itself/);
  const raw = decideWith(job('prod', 'a', 'b', { hints: { mode: 'shadow' } }), parseRulesDocument({ default: { connector: 'raw' } }), 0);
  assert.deepEqual([raw.connector, raw.mode, raw.fallback.enabled], ['raw', 'shadow', true]);
});

test('a stored rule naming a connector that is no longer registered is routed around', () => {
  const doc = parseRulesDocument({ rules: [{ cluster: 'prod', connector: 'raw' }] });
  const registry = [
    { name: 'legacy', description: '', model: { name: 'any' as const, summary: '', check: () => ({ ok: true as const }) }, legacy: true, module: './legacy.ts' },
  ];
  const d = decideWith(job('prod', 'shop', 'orders', { model: PLAIN_TABLE }), doc, 9, registry);
  assert.equal(d.connector, 'legacy');
  assert.match(d.reason, /connector raw is no longer registered/);
});

test('decideJobOf takes the source table and the connector/mode a DataMovement asks for', () => {
  const source = { backupUrl: 'file:///b', cluster: 'prod', keyspace: 'kv', table: 'items' };
  assert.deepEqual(decideJobOf({ source, options: { consistency: 'ONE', connector: 'raw', mode: 'shadow' } }, KV_TABLE),
    { cluster: 'prod', keyspace: 'kv', table: 'items', model: KV_TABLE, hints: { connector: 'raw', mode: 'shadow' } });
  assert.deepEqual(decideJobOf({ source, options: { consistency: 'ONE' } }), { cluster: 'prod', keyspace: 'kv', table: 'items', hints: {} });
});
