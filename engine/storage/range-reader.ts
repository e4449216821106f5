// A ByteSource over one object that fetches aligned chunks (8 MiB by default) and, once reads look sequential,
// keeps up to `readAheadChunks` further chunks in flight. Chunks behind the current read are dropped at once (SSTable
// scans move forward; a backward read just fetches again), so an input holds at most readAheadChunks + 1 chunks plus
// whatever its caller still references.

import type { ByteSource, ObjectStore } from './object-store.ts';
import { checkRange } from './object-store.ts';

export interface RangeReaderOptions {
  chunkBytes?: number;
  readAheadChunks?: number;
  /** Known object size (e.g. from a listing or manifest) saves one HEAD request. */
  sizeInBytes?: number;
}

export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

export class RangeReader implements ByteSource {
  readonly name: string;
  private readonly chunkBytes: number;
  private readonly readAheadChunks: number;
  private knownSize: number | undefined;
  private readonly chunks = new Map<number, Promise<Uint8Array>>();
  private lastChunk = -2;

  constructor(
    private readonly store: ObjectStore,
    readonly key: string,
    options: RangeReaderOptions = {},
  ) {
    this.name = store.describe(key);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.readAheadChunks = options.readAheadChunks ?? 2;
    this.knownSize = options.sizeInBytes;
  }

  async size(): Promise<number> {
    this.knownSize ??= await this.store.size(this.key);
    return this.knownSize;
  }

  async read(start: number, end: number): Promise<Uint8Array> {
    const sizeInBytes = await this.size();
    checkRange(this.name, sizeInBytes, start, end);
    if (end === start) return new Uint8Array(0);
    const first = Math.floor(start / this.chunkBytes);
    const last = Math.floor((end - 1) / this.chunkBytes);
    const sequential = first === this.lastChunk || first === this.lastChunk + 1;
    this.lastChunk = last;
    const parts: Promise<Uint8Array>[] = [];
    for (let i = first; i <= last; i++) parts.push(this.chunk(i, sizeInBytes));
    if (sequential) {
      const lastIndex = Math.floor((sizeInBytes - 1) / this.chunkBytes);
      for (let i = last + 1; i <= Math.min(lastIndex, last + this.readAheadChunks); i++) void this.chunk(i, sizeInBytes).catch(() => {});
    }
    this.evict(first);
    const loaded = await Promise.all(parts);
    if (loaded.length === 1) {
      const base = first * this.chunkBytes;
      return loaded[0]!.subarray(start - base, end - base);
    }
    const out = new Uint8Array(end - start);
    for (let i = 0; i < loaded.length; i++) {
      const base = (first + i) * this.chunkBytes;
      const from = Math.max(start, base) - base;
      const to = Math.min(end, base + this.chunkBytes) - base;
      out.set(loaded[i]!.subarray(from, to), base + from - start);
    }
    return out;
  }

  private chunk(index: number, sizeInBytes: number): Promise<Uint8Array> {
    let p = this.chunks.get(index);
    if (!p) {
      const start = index * this.chunkBytes;
      p = this.store.read(this.key, start, Math.min(sizeInBytes, start + this.chunkBytes));
      p.catch(() => this.chunks.delete(index));
      this.chunks.set(index, p);
    }
    return p;
  }

  /** Drops every chunk behind the current read, then the farthest read-ahead, until the bound holds. */
  private evict(current: number): void {
    for (const index of [...this.chunks.keys()]) if (index < current) this.chunks.delete(index);
    const bound = this.readAheadChunks + 2;
    for (const index of [...this.chunks.keys()].sort((a, b) => b - a)) {
      if (this.chunks.size <= bound) break;
      this.chunks.delete(index);
    }
  }
}
