import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThreadPool } from '../../activities/thread-pool.ts';

const script = new URL('./fixtures/spin-thread.ts', import.meta.url);

test('CPU-bound tasks run on threads while the event loop keeps ticking, on every thread of the pool', async () => {
  const pool = new ThreadPool<{ ms: number }, { threadId: number }, number>(script, 2);
  try {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    let progress = 0;
    const results = await Promise.all([0, 1, 2, 3].map(() => pool.run({ ms: 300 }, { onProgress: () => progress++ })));
    clearInterval(timer);
    // The main thread was never blocked: a timer every 5 ms fired many times during ≥ 600 ms of work.
    assert.ok(ticks > 20, `event loop ticked only ${ticks} times`);
    assert.ok(progress > 10);
    assert.equal(new Set(results.map((r) => r.threadId)).size, 2);
  } finally {
    await pool.close();
  }
});

test('an error keeps its name, kind and retry flag; a thread that exits fails its task and is replaced', async () => {
  const pool = new ThreadPool<{ ms: number; fail?: string; invalid?: string; exit?: boolean }, { threadId: number }>(script, 1);
  try {
    await assert.rejects(pool.run({ ms: 0, fail: 'bad chunk' }), (err: Error) => err.name === 'CorruptInputError' && err.message === 'nb-1-big-Data.db: bad chunk at offset 4096');
    // a plain CassbergError is typed only by its kind: the retry policy needs it (activities/movement.ts)
    await assert.rejects(pool.run({ ms: 0, invalid: 'chunk 3 missing' }), (err: Error & { kind?: string; retryable?: boolean }) =>
      err.name === 'CassbergError' && err.kind === 'DataInvalid' && err.retryable === false);
    await assert.rejects(pool.run({ ms: 0, exit: true }), /exited with code 3/);
    const ok = await pool.run({ ms: 5 });
    assert.ok(ok.threadId > 0);
  } finally {
    await pool.close();
  }
});
