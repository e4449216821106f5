// A read-ahead window over a ByteSource for the index readers: `load(pos, n)` makes [pos, pos + n) available with as
// few ranged reads as possible (at least `readAhead` bytes per read, never past the end), and `reader(pos)` returns a
// ByteReader over the window whose errors carry absolute file offsets.

import { CorruptInputError } from '../../errors.ts';
import type { ByteSource } from '../../storage/object-store.ts';
import { ByteReader } from '../byte-reader.ts';

export class SourceWindow {
  private bytes: Uint8Array = new Uint8Array(0);
  private start = 0;
  private sizeBytes = -1;

  constructor(readonly source: ByteSource, readonly blockBytes = 64 * 1024) {}

  async size(): Promise<number> {
    if (this.sizeBytes < 0) this.sizeBytes = await this.source.size();
    return this.sizeBytes;
  }

  /** Makes [pos, pos + n) available (clipped to the file end); returns how many of those bytes exist. */
  async load(pos: number, n: number, readAhead = this.blockBytes): Promise<number> {
    const size = await this.size();
    if (pos < 0 || pos > size) throw new CorruptInputError(this.source.name, pos, `position outside the ${size}-byte file`);
    const want = Math.min(n, size - pos);
    if (pos >= this.start && pos + want <= this.start + this.bytes.length) return want;
    if (want === 0) { // nothing to read (at the end of the file): an empty window there, so readers fail cleanly
      this.bytes = new Uint8Array(0);
      this.start = pos;
      return 0;
    }
    const end = Math.min(size, pos + Math.max(want, readAhead));
    this.bytes = await this.source.read(pos, end);
    this.start = pos;
    return want;
  }

  /** A reader positioned at absolute `pos`, over the loaded bytes (load first). */
  reader(pos: number): ByteReader {
    if (pos < this.start) throw new CorruptInputError(this.source.name, pos, `position before the loaded bytes at ${this.start}`);
    const r = new ByteReader(this.bytes, this.source.name, this.start);
    r.pos = pos - this.start;
    return r;
  }

  /** Reads exactly [pos, end) (outside the window cache), failing when the file is shorter. */
  async readRange(pos: number, end: number): Promise<Uint8Array> {
    const size = await this.size();
    if (pos < 0 || end > size || pos > end) throw new CorruptInputError(this.source.name, pos, `range [${pos}, ${end}) outside the ${size}-byte file`);
    return this.source.read(pos, end);
  }
}
