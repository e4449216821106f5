import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CassbergError } from '../../../engine/errors.ts';
import { isRetryable, withRetries } from '../../../engine/storage/retry.ts';

test('classification: throttling, 5xx, timeouts and dropped connections retry; 4xx and our own fatal errors do not', () => {
  assert.equal(isRetryable({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } }), true);
  assert.equal(isRetryable({ name: 'Whatever', $metadata: { httpStatusCode: 500 } }), true);
  assert.equal(isRetryable({ name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } }), true);
  assert.equal(isRetryable({ name: 'TimeoutError' }), true);
  assert.equal(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })), true);
  assert.equal(isRetryable(new Error('Checksum mismatch: expected "0jmW4Q==" but received "6sqerw==" in response header "x-amz-checksum-crc32".')), true);
  assert.equal(isRetryable({ name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }), false);
  assert.equal(isRetryable({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), false);
  assert.equal(isRetryable(new CassbergError('Unexpected', 'short body', {}, { retryable: true })), true);
  assert.equal(isRetryable(new CassbergError('PreconditionFailed', 'object not found: x')), false);
});

test('withRetries stops at the first success, or after maxAttempts with the last error named', async () => {
  let calls = 0;
  const ok = await withRetries('op', { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 }, async (n) => {
    calls++;
    if (n < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
    return 'done';
  });
  assert.deepEqual([ok, calls], ['done', 3]);
  calls = 0;
  await assert.rejects(
    withRetries('read s3://b/k', { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 }, async () => {
      calls++;
      throw Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    }),
    (e: unknown) => e instanceof CassbergError && e.message === 'read s3://b/k failed: SlowDown: Please reduce your request rate.' && e.retryable,
  );
  assert.equal(calls, 3);
  calls = 0;
  const fatal = new CassbergError('PreconditionFailed', 'object not found: s3://b/k');
  await assert.rejects(withRetries('op', { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 }, async () => { calls++; throw fatal; }), (e: unknown) => e === fatal);
  assert.equal(calls, 1);
});
