// How a split's error reaches Temporal's retry policy (activities/movement.ts asFailureOfItsName): typed by its class
// name, and final when it is a CassbergError of a kind no retry can fix, whether it was thrown inline or in a pool thread.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { asFailureOfItsName } from '../../activities/movement.ts';
import { CassbergError, CommitConflictError, CorruptInputError } from '../../engine/errors.ts';

test('a DataInvalid CassbergError becomes a non-retryable failure of its type, inline or from a thread', () => {
  for (const err of [new CassbergError('DataInvalid', 'chunk 3 of item a missing'),
    Object.assign(new Error('chunk 3 of item a missing'), { name: 'CassbergError', kind: 'DataInvalid', retryable: false })]) {
    const f = asFailureOfItsName(err);
    assert.ok(f instanceof ApplicationFailure);
    assert.equal(f.type, 'CassbergError');
    assert.equal(f.nonRetryable, true);
    assert.equal(f.message, 'chunk 3 of item a missing');
  }
});

test('a thread error keeps its class name as the failure type; retryable errors stay retryable', () => {
  const fromThread = Object.assign(new Error('x.db: bad at offset 3'), { name: 'CorruptInputError', kind: 'DataInvalid', retryable: false });
  const f = asFailureOfItsName(fromThread) as ApplicationFailure;
  assert.equal(f.type, 'CorruptInputError');
  const conflict = new CommitConflictError('another writer committed first');
  assert.equal(asFailureOfItsName(conflict), conflict, 'retryable kinds are left to the retry policy');
  const plain = new Error('socket hang up');
  assert.equal(asFailureOfItsName(plain), plain);
  const corrupt = new CorruptInputError('y.db', 7, 'bad');
  assert.equal((asFailureOfItsName(corrupt) as ApplicationFailure).nonRetryable, true);
});
