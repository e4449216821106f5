// The thread side of ThreadPool: receives one input at a time, reports progress, posts the result or the
// error with its name, and a CassbergError's kind and retry flag, kept (so a CorruptInputError stays non-retryable
// after crossing the thread boundary).
import { parentPort } from 'node:worker_threads';

export function serveThreadTasks<T, R, P>(handler: (input: T, progress: (p: P) => void) => Promise<R>): void {
  const port = parentPort;
  if (!port) throw new Error('serveThreadTasks must run inside a worker thread');
  port.on('message', async (input: T) => {
    try {
      const result = await handler(input, (progress) => port.postMessage({ type: 'progress', progress }));
      port.postMessage({ type: 'result', result });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      const { kind, retryable } = e as { kind?: string; retryable?: boolean };
      port.postMessage({ type: 'error', error: { name: e.name, message: e.message, stack: e.stack, kind, retryable } });
    }
  });
}
