// A fixed pool of worker threads for CPU-heavy work (decode, merge, Parquet encode), so an activity's
// event loop stays free to heartbeat and one worker process uses every core. Tasks are queued FIFO; a
// thread that dies fails its task and is replaced.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

export interface ThreadTask<P> {
  onProgress?: (progress: P) => void;
}

type Message<R, P> = { type: 'progress'; progress: P } | { type: 'result'; result: R } | { type: 'error'; error: { name: string; message: string; stack?: string; kind?: string; retryable?: boolean } };

interface Slot {
  worker: Worker;
  current?: Pending<any, any, any>;
}

interface Pending<T, R, P> {
  input: T;
  task: ThreadTask<P>;
  resolve: (r: R) => void;
  reject: (e: Error) => void;
}

export class ThreadPool<T, R, P = unknown> {
  private readonly slots: Slot[] = [];
  private readonly queue: Array<Pending<T, R, P>> = [];
  private closed = false;

  /** `script` is a module that calls `serveThreadTasks(handler)`; loaded through tsx like the rest of cassberg. */
  constructor(private readonly script: URL, readonly size = Math.max(1, availableParallelism())) {}

  run(input: T, task: ThreadTask<P> = {}): Promise<R> {
    if (this.closed) return Promise.reject(new Error('thread pool is closed'));
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ input, task, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const pending = this.queue.shift()!;
      slot.current = pending;
      slot.worker.ref();
      slot.worker.postMessage(pending.input);
    }
  }

  /** Listeners live as long as the thread and route to whatever task it runs now. */
  private spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { script: this.script.href, tsx: TSX_API } });
    const slot: Slot = { worker };
    worker.unref();
    const settle = (): Pending<T, R, P> | undefined => {
      const pending = slot.current;
      slot.current = undefined;
      worker.unref();
      return pending;
    };
    worker.on('message', (msg: Message<R, P>) => {
      if (msg.type === 'progress') slot.current?.task.onProgress?.(msg.progress);
      else if (msg.type === 'result') settle()?.resolve(msg.result);
      else settle()?.reject(Object.assign(new Error(msg.error.message), msg.error));
      if (msg.type !== 'progress') this.dispatch();
    });
    const fail = (err: Error): void => {
      const i = this.slots.indexOf(slot);
      if (i < 0) return;
      this.slots.splice(i, 1);
      settle()?.reject(err);
      if (!this.closed) this.dispatch();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`worker thread exited with code ${code} while running a task`)));
    this.slots.push(slot);
    return slot;
  }
}

// Worker threads do not inherit tsx's loader for their entry module, so each thread registers it first.
const TSX_API = import.meta.resolve('tsx/esm/api');
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.script); });
`;
