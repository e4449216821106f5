import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRulesDocument, formatPath, globMatches, parseRulesDocument } from '../../../connectors/controller/rules.ts';

function rejects(doc: unknown, field: string, message: string | RegExp): void {
  assert.throws(() => parseRulesDocument(doc), (err: Error & { context?: { field?: string } }) => {
    assert.equal(err.name, 'InvalidConfigError');
    assert.equal(err.context?.field, field);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return true;
  });
}

test('defaults: an empty document sends everything to legacy, primary, with fallback', () => {
  assert.deepEqual(emptyRulesDocument(), { default: { connector: 'legacy', mode: 'primary', fallback: true }, cohorts: {}, rules: [] });
  const doc = parseRulesDocument({ rules: [{ cluster: 'prod', connector: 'raw' }] });
  assert.deepEqual(doc.rules[0], { cluster: 'prod', connector: 'raw', mode: 'primary', fallback: true, canaryPercent: 100 });
});

test('an unknown connector is rejected with the rule index and field', () => {
  rejects({ rules: [{ cluster: 'a', connector: 'raw' }, { table: 't', connector: 'kv' }] }, 'rules[1].connector',
    'controller rules: rules[1].connector: unknown connector "kv" (registered: raw, key-value, time-series, legacy)');
  rejects({ default: { connector: 'casspactor' } }, 'default.connector', /default\.connector: unknown connector "casspactor"/);
});

test('every problem is listed; the context names the first', () => {
  rejects({ rules: [{ cluster: 'a', connector: 'nope' }, { keyspace: 'k', connector: 'nope2' }] }, 'rules[0].connector',
    /rules\[0\]\.connector: unknown connector "nope".*; rules\[1\]\.connector: unknown connector "nope2"/);
});

test('field-level validation names the field', () => {
  rejects({ rules: [{ cluster: 'x', connector: 'raw', canaryPercent: 120 }] }, 'rules[0].canaryPercent', /rules\[0\]\.canaryPercent: Too big/);
  rejects({ rules: [{ cluster: 'x', connector: 'raw', mode: 'both' }] }, 'rules[0].mode', /rules\[0\]\.mode: Invalid option/);
  rejects({ rules: [{ cluster: 'x', conector: 'raw' }] }, 'rules[0].connector', /rules\[0\]\.connector: Invalid input/);
  rejects({ rules: [{ cluster: 'x', connector: 'raw', owner: 'me' }] }, 'rules[0].owner', 'controller rules: rules[0].owner: unknown field');
  rejects({ rules: [{ connector: 'raw' }] }, 'rules[0]', /give at least one of cluster, keyspace, table, cohort/);
  rejects({ rules: [{ cluster: 'a', connector: 'legacy', mode: 'shadow' }] }, 'rules[0].mode', /shadow needs a new connector/);
  rejects([], '(document)', /expected object/);
});

test('cohorts: members as dotted strings or objects; rules may only name defined cohorts', () => {
  const doc = parseRulesDocument({
    cohorts: { 'wave-1': ['us-east.prod.kv.ngsegment', { cluster: 'stage' }] },
    rules: [{ cohort: 'wave-1', connector: 'key-value' }],
  });
  assert.deepEqual(doc.cohorts['wave-1'], [
    { cluster: 'us-east.prod', keyspace: 'kv', table: 'ngsegment' },
    { cluster: 'stage', keyspace: '*', table: '*' },
  ]);
  rejects({ cohorts: { w: ['kv.items'] } }, 'cohorts.w[0]', /cohorts\.w\[0\]: expected "cluster\.keyspace\.table"/);
  rejects({ cohorts: { w: [] } }, 'cohorts.w', /cohorts\.w: Too small/);
  rejects({ cohorts: { w: ['a.b.c'] }, rules: [{ cohort: 'wave-2', connector: 'raw' }] }, 'rules[0].cohort',
    'controller rules: rules[0].cohort: unknown cohort "wave-2" (defined: w)');
});

test('globs: * and ? over the whole name, other characters literal', () => {
  assert.equal(globMatches('data_*', 'data_20260328'), true);
  assert.equal(globMatches('data_*', 'wide_data_20260328'), false);
  assert.equal(globMatches('data_2026032?', 'data_20260328'), true);
  assert.equal(globMatches('prod.kv', 'prodXkv'), false);
  assert.equal(globMatches('*', ''), true);
  assert.equal(globMatches('Items', 'items'), false);
});

test('formatPath', () => {
  assert.equal(formatPath(['rules', 2, 'connector']), 'rules[2].connector');
  assert.equal(formatPath([]), '(document)');
});
