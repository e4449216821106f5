// A streaming cursor over Data.db (io/sstable/SSTableSimpleIterator.java, SSTableIdentityIterator.java): partition
// header (u16 key, DeletionTime), the static row when the header has static columns, unfiltereds until the
// end-of-partition byte. Bytes come through a window over the uncompressed stream; when an unfiltered runs past
// the window's end it is decoded again after a refill, so memory is bounded by the largest row, not by partitions.

import { CorruptInputError } from '../errors.ts';
import { ByteReader } from './byte-reader.ts';
import type { DataFile } from './chunk-reader.ts';
import { DeltaDecoder, NO_DELETION_TIME, NO_TIMESTAMP, readPartitionDeletion } from './deletion-time.ts';
import type { VersionFlags } from './descriptor.ts';
import type { SerializationHeader } from './serialization-header.ts';
import { Unfiltered, createRowContext, readStaticRow, readUnfiltered, skipUnfiltered } from './unfiltered.ts';
import type { RowContext } from './unfiltered.ts';

/** Events of nextUnfiltered(). */
export const STATIC_ROW = 2;
export const ROW = 3;
export const MARKER = 4;
export const PARTITION_END = 5;

const STATE_BETWEEN = 0;
const STATE_HEADER_READ = 1;
const STATE_IN_PARTITION = 2;

export interface ScannerOptions {
  /** Uncompressed Data.db offsets to scan; a partition must start at `start`. */
  start?: number;
  end?: number;
  /** Initial window size in bytes (default 1 MiB); it doubles for larger rows up to maxWindowBytes. */
  windowBytes?: number;
  maxWindowBytes?: number;
  /** A corrected header (table-model.ts fixFrozenHeaderTypes) instead of the one in Statistics.db. */
  header?: SerializationHeader;
}

export class PartitionScanner {
  readonly unfiltered = new Unfiltered();
  partitionKey: Uint8Array = new Uint8Array(0);
  /** Data.db offset of the current partition. */
  partitionPosition = 0;
  partitionMarkedForDeleteAt = NO_TIMESTAMP;
  partitionLocalDeletionTime = NO_DELETION_TIME;

  private r: ByteReader;
  private readonly ctx: RowContext;
  private readonly uintDeletionTime: boolean;
  private readonly end: number;
  private windowBytes: number;
  private readonly maxWindowBytes: number;
  private state = STATE_BETWEEN;
  private readonly scratch = new Float64Array(1);

  readonly header: SerializationHeader;

  constructor(private readonly data: DataFile, header: SerializationHeader, readonly flags: VersionFlags,
              options: ScannerOptions = {}) {
    this.header = header = options.header ?? header;
    this.uintDeletionTime = flags.hasUIntDeletionTime;
    this.ctx = createRowContext(header, new DeltaDecoder(header, this.uintDeletionTime));
    this.end = options.end ?? data.uncompressedLength;
    this.windowBytes = options.windowBytes ?? 1024 * 1024;
    this.maxWindowBytes = options.maxWindowBytes ?? 512 * 1024 * 1024;
    this.r = new ByteReader(new Uint8Array(0), data.name, options.start ?? 0);
  }

  get name(): string { return this.data.name; }

  /** Absolute Data.db offset of the cursor. */
  get position(): number { return this.r.base + this.r.pos; }

  /** Moves the window to start at `at` with at least `size` bytes (or up to the end). */
  private async refill(at: number, size: number): Promise<void> {
    const to = Math.min(this.end, at + size);
    const old = this.r, oldEnd = old.base + old.bytes.length;
    if (at < old.base || at >= oldEnd || oldEnd >= to) {
      this.r = new ByteReader(await this.data.read(at, to), this.data.name, at);
      return;
    }
    // Keep the unread tail of the window and read only what follows it (no chunk is decompressed twice).
    const bytes = new Uint8Array(to - at);
    bytes.set(old.bytes.subarray(at - old.base));
    bytes.set(await this.data.read(oldEnd, to), oldEnd - at);
    this.r = new ByteReader(bytes, this.data.name, at);
  }

  /** Runs `step` from the cursor; when it runs out of window, refills (growing) and retries. */
  private async withRefill<T>(step: () => T): Promise<T> {
    for (;;) {
      const at = this.position;
      const r = this.r;
      try {
        return step();
      } catch (err) {
        const windowEnd = r.base + r.bytes.length;
        if (!(err instanceof CorruptInputError) || !r.hitEnd || windowEnd >= this.end) throw err;
        if (at > r.base) await this.refill(at, this.windowBytes);
        else {
          if (this.windowBytes >= this.maxWindowBytes) {
            throw new CorruptInputError(this.data.name, at, `unfiltered larger than the ${this.maxWindowBytes}-byte window limit`, err);
          }
          this.windowBytes = Math.min(this.windowBytes * 2, this.maxWindowBytes);
          await this.refill(at, this.windowBytes);
        }
      }
    }
  }

  /** Synchronous attempt; returns -1 (cursor restored) when the window must be refilled. */
  private trySync(step: () => number): number {
    const r = this.r;
    const pos = r.pos;
    if (r.base + r.bytes.length >= this.end) return step();
    try {
      return step();
    } catch (err) {
      if (err instanceof CorruptInputError && r.hitEnd) {
        r.pos = pos;
        r.hitEnd = false;
        return -1;
      }
      throw err;
    }
  }

  private readHeader(): number {
    const r = this.r;
    this.partitionPosition = r.absolutePos;
    const keyLength = r.readUint16();
    if (keyLength === 0) r.fail('empty partition key', r.pos - 2);
    this.partitionKey = r.readBytes(keyLength).slice();
    this.partitionMarkedForDeleteAt = readPartitionDeletion(r, this.uintDeletionTime, this.scratch);
    this.partitionLocalDeletionTime = this.scratch[0]!;
    this.state = STATE_HEADER_READ;
    return 1;
  }

  /**
   * Moves to the next partition header, skipping what is left of the current partition. Returns false at the end.
   */
  async nextPartition(): Promise<boolean> {
    await this.skipPartition();
    if (this.position >= this.end) return false;
    if (this.trySync(() => this.readHeader()) < 0) await this.withRefill(() => this.readHeader());
    return true;
  }

  private step(): number {
    const r = this.r;
    if (this.state === STATE_HEADER_READ) {
      this.state = STATE_IN_PARTITION;
      if (this.header.staticColumns.length > 0) {
        try {
          readStaticRow(r, this.ctx, this.unfiltered);
        } catch (err) {
          this.state = STATE_HEADER_READ;
          throw err;
        }
        return STATIC_ROW;
      }
    }
    if (this.state !== STATE_IN_PARTITION) r.fail('unfiltered requested outside a partition');
    if (!readUnfiltered(r, this.ctx, this.unfiltered)) {
      this.state = STATE_BETWEEN;
      return PARTITION_END;
    }
    return this.unfiltered.isRow ? ROW : MARKER;
  }

  private skipStep(): number {
    const r = this.r;
    if (this.state === STATE_HEADER_READ && this.header.staticColumns.length > 0) {
      skipUnfiltered(r, this.ctx, true);
      this.state = STATE_IN_PARTITION;
      return 1;
    }
    this.state = STATE_IN_PARTITION;
    if (skipUnfiltered(r, this.ctx, false)) return 1;
    this.state = STATE_BETWEEN;
    return 0;
  }

  /** Skips the rest of the current partition using row sizes (cells are not decoded). */
  async skipPartition(): Promise<void> {
    while (this.state !== STATE_BETWEEN) {
      if (this.trySync(() => this.skipStep()) < 0) await this.withRefill(() => this.skipStep());
    }
  }

  /** STATIC_ROW, ROW or MARKER (with `unfiltered` filled), or PARTITION_END. Sync unless the window must move. */
  nextUnfiltered(): number | Promise<number> {
    if (this.state === STATE_BETWEEN) throw new CorruptInputError(this.data.name, this.position, 'nextUnfiltered() before nextPartition()');
    const ev = this.trySync(() => this.step());
    return ev >= 0 ? ev : this.withRefill(() => this.step());
  }
}
