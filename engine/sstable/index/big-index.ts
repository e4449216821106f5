// Index.db of the big format (io/sstable/format/big/RowIndexEntry.java): one entry per partition, in Data.db order:
//
//   u16 key length + key, uvint Data.db position, uvint size of the promoted index (0 = none), promoted index
//
// Seeking goes Summary.db → one Index.db segment (the entries between two samples) → the first entry past a token;
// listing streams Index.db in blocks. The promoted index is skipped here; promoted-index.ts decodes it on demand.

import type { Partitioner } from '../../partitioner/partitioner.ts';
import type { ByteSource } from '../../storage/object-store.ts';
import { vintExtraBytes, type ByteReader } from '../byte-reader.ts';
import type { PartitionEntry, PartitionIndex } from './partition-index.ts';
import { SourceWindow } from './source-window.ts';
import type { IndexSummary } from './summary.ts';
import { readPromotedIndex, type PromotedIndex } from './promoted-index.ts';
import type { CassandraType } from '../type-parser.ts';

/** Key length assumed for the first read of an entry header, and the longest vint. */
const TYPICAL_KEY_BYTES = 64;
const MAX_VINT_BYTES = 9;

export interface IndexEntryHeader {
  key: Uint8Array;
  dataPosition: number;
  /** Absolute Index.db position of the promoted index, and its length (0 = not indexed). */
  promotedIndexPosition: number;
  promotedIndexLength: number;
  /** Absolute Index.db position of the next entry. */
  nextEntryPosition: number;
}

/** Reads one entry header at the reader's position; the reader is left at the promoted index (not read). */
export function readIndexEntryHeader(r: ByteReader): IndexEntryHeader {
  const keyLength = r.readUint16();
  if (keyLength > r.remaining) r.fail(`partition key length ${keyLength} exceeds the ${r.remaining} bytes left`, r.pos - 2);
  const key = r.readBytes(keyLength);
  const dataPosition = r.readUnsignedVInt();
  const promotedIndexLength = r.readLength('promoted index size');
  const promotedIndexPosition = r.base + r.pos;
  return { key, dataPosition, promotedIndexPosition, promotedIndexLength, nextEntryPosition: promotedIndexPosition + promotedIndexLength };
}

export class BigPartitionIndex<T> implements PartitionIndex<T> {
  private readonly window: SourceWindow;

  /** `summary` may be null (Summary.db missing): seeks then scan Index.db from the start. */
  constructor(readonly index: ByteSource, readonly summary: IndexSummary | null, readonly partitioner: Partitioner<T>, blockBytes = 256 * 1024) {
    this.window = new SourceWindow(index, blockBytes);
  }

  async *entries(): AsyncGenerator<PartitionEntry<T>> {
    const size = await this.window.size();
    let pos = 0;
    let lastDataPosition = -1;
    while (pos < size) {
      const header = await this.readEntryAt(pos);
      if (header.dataPosition <= lastDataPosition) this.window.reader(pos).fail(`Data.db position ${header.dataPosition} not after ${lastDataPosition}`);
      lastDataPosition = header.dataPosition;
      const key = header.key.slice(); // the window buffer is replaced as reading moves on
      yield { key, token: this.partitioner.tokenOf(key), dataPosition: header.dataPosition };
      pos = header.nextEntryPosition;
    }
  }

  /**
   * The entry header at `pos`, loading exactly the header's bytes when they are not in the window yet (read ahead
   * by the window's block size unless `readAhead` says otherwise).
   */
  async readEntryAt(pos: number, readAhead?: number, keyLengthHint = TYPICAL_KEY_BYTES): Promise<IndexEntryHeader> {
    const size = await this.window.size();
    await this.window.load(pos, 2 + keyLengthHint + MAX_VINT_BYTES * 2, readAhead); // usually the whole header at once
    let need = 2;
    const keyLength = this.window.reader(pos).readUint16();
    if (pos + 2 + keyLength > size) this.window.reader(pos).fail(`partition key length ${keyLength} exceeds the ${size - pos - 2} bytes left`);
    need += keyLength + 1; // key, then the first byte of the position vint
    for (let vint = 0; vint < 2; vint++) {
      await this.window.load(pos, need, readAhead);
      const r = this.window.reader(pos + need - 1);
      need += vintExtraBytes(r.peekUint8()) + (vint === 0 ? 1 : 0); // rest of this vint (+ first byte of the next)
    }
    await this.window.load(pos, need, readAhead);
    const header = readIndexEntryHeader(this.window.reader(pos));
    if (header.nextEntryPosition > size) {
      this.window.reader(pos).fail(`promoted index of ${header.promotedIndexLength} bytes runs past the end of the ${size}-byte file`);
    }
    return header;
  }

  /** The promoted index of an entry (null when the partition is not indexed), read with one ranged read. */
  async readPromotedIndexOf(header: IndexEntryHeader, uintDeletionTime: boolean, clusteringTypes?: readonly CassandraType[]): Promise<PromotedIndex | null> {
    if (header.promotedIndexLength === 0) return null;
    await this.window.load(header.promotedIndexPosition, header.promotedIndexLength, 0);
    const r = this.window.reader(header.promotedIndexPosition);
    return readPromotedIndex(r, header.nextEntryPosition - r.base, uintDeletionTime, clusteringTypes);
  }

  async dataPositionAfter(token: T): Promise<number | null> {
    const p = this.partitioner;
    const [from, to, nextSample] = this.segmentFor(token);
    const size = await this.window.size();
    if (to !== null && to > from) await this.window.load(from, to - from, 0); // the summary segment, in one ranged read
    let pos = from;
    while (pos < size) {
      // inside the segment the window already holds the bytes; past it only the next sample's header is needed
      const header = to === null ? await this.readEntryAt(pos)
        : pos < to ? readIndexEntryHeader(this.window.reader(pos))
        : await this.readEntryAt(pos, 0, nextSample!.length);
      if (p.compareTokens(p.tokenOf(header.key), token) > 0) return header.dataPosition;
      pos = header.nextEntryPosition;
    }
    return null;
  }

  /**
   * Index.db span [from, to) that holds the first entry whose token is > token, from the last sample whose token is
   * <= token; else that entry is the next sample (at `to`, with the given key).
   */
  private segmentFor(token: T): [number, number | null, Uint8Array | null] {
    const s = this.summary;
    if (!s || s.keys.length === 0) return [0, null, null];
    const p = this.partitioner;
    let lo = 0, hi = s.keys.length; // lo = first sample with token > token
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (p.compareTokens(p.tokenOf(s.keys[mid]!), token) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const next = lo < s.keys.length;
    return [lo === 0 ? 0 : s.indexPositions[lo - 1]!, next ? s.indexPositions[lo]! : null, next ? s.keys[lo]! : null];
  }
}
