import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMovementInput, toMovementJob } from '../../activities/movement-input.ts';

const valid = {
  source: { backupUrl: 's3://backups/prod', cluster: 'prod', keyspace: 'ks', table: 't' },
  destination: { namespace: 'analytics', table: 'ks_t' },
};

test('a valid input gets defaults', () => {
  const job = toMovementJob(valid, 'mv-1');
  assert.equal(job.movementId, 'mv-1');
  assert.equal(job.options.consistency, 'LOCAL_ONE');
  assert.deepEqual(job.source, valid.source);
});

test('errors name the field', () => {
  assert.throws(() => parseMovementInput({ ...valid, source: { ...valid.source, backupUrl: 'http://x' } }), /DataMovement input: source\.backupUrl: an s3:\/\/ or file:\/\/ URL/);
  assert.throws(() => parseMovementInput({ ...valid, options: { consistency: 'TWO' } }), /options\.consistency/);
  assert.throws(() => parseMovementInput({ ...valid, asOf: 'yesterday' }), /asOf: an ISO-8601 instant/);
  assert.throws(() => parseMovementInput({ ...valid, destination: { namespace: 'a' } }), /destination\.table/);
  assert.throws(() => parseMovementInput({ ...valid, extra: 1 }), /InvalidConfigError|Unrecognized key/);
  assert.throws(() => parseMovementInput({ ...valid, options: { maxSplits: 0 } }), (err: Error) => err.name === 'InvalidConfigError' && /options\.maxSplits/.test(err.message));
  assert.throws(() => parseMovementInput({ ...valid, options: { injectSplitFailure: { split: 1, afterRange: -1 } } }), /options\.injectSplitFailure\.afterRange/);
  assert.deepEqual(parseMovementInput({ ...valid, options: { injectSplitFailure: { split: 1, afterRange: 0 } } }).options?.injectSplitFailure, { split: 1, afterRange: 0 });
});
