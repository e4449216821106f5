// An ObjectStore wrapper that counts requests and bytes (style rule 15: tests assert ranged reads and I/O volume).

import type { ObjectInfo, ObjectStore, PutOptions } from './object-store.ts';

export interface StoreCounts {
  lists: number;
  listedObjects: number;
  stats: number;
  reads: number;
  bytesRead: number;
  puts: number;
  bytesWritten: number;
  deletes: number;
}

export class CountingObjectStore implements ObjectStore {
  counts: StoreCounts = CountingObjectStore.zero();
  /** Every read as [key, start, end), in call order (logged when issued; `end` filled in for whole-object reads). */
  readonly readLog: { key: string; start: number; end: number }[] = [];

  constructor(readonly inner: ObjectStore) {}

  static zero(): StoreCounts {
    return { lists: 0, listedObjects: 0, stats: 0, reads: 0, bytesRead: 0, puts: 0, bytesWritten: 0, deletes: 0 };
  }

  reset(): void {
    this.counts = CountingObjectStore.zero();
    this.readLog.length = 0;
  }

  describe(key: string): string {
    return this.inner.describe(key);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    this.counts.lists++;
    for await (const info of this.inner.list(prefix)) {
      this.counts.listedObjects++;
      yield info;
    }
  }

  stat(key: string): Promise<ObjectInfo | undefined> {
    this.counts.stats++;
    return this.inner.stat(key);
  }

  size(key: string): Promise<number> {
    this.counts.stats++;
    return this.inner.size(key);
  }

  async read(key: string, start?: number, end?: number): Promise<Uint8Array> {
    this.counts.reads++;
    const entry = { key, start: start ?? 0, end: end ?? -1 };
    this.readLog.push(entry);
    const bytes = await this.inner.read(key, start, end);
    if (entry.end < 0) entry.end = entry.start + bytes.length;
    this.counts.bytesRead += bytes.length;
    return bytes;
  }

  async put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<boolean> {
    this.counts.puts++;
    const written = await this.inner.put(key, bytes, options);
    if (written) this.counts.bytesWritten += bytes.length;
    return written;
  }

  delete(key: string): Promise<void> {
    this.counts.deletes++;
    return this.inner.delete(key);
  }
}
