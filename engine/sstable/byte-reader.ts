// The one cursor every SSTable decoder reads through (style rule 3): big-endian fixed-width reads as in Java's
// DataInput, Cassandra's prefix-length vints (utils/vint/VIntCoding.java, not LEB128), read/skip pairs, and
// subarray byte reads. `base` is the absolute offset of bytes[0] in the file, so errors name the real position.

import { CorruptInputError } from '../errors.ts';

const TWO_32 = 4294967296;

/** Number of extra bytes of a vint, from its first byte: the count of leading 1-bits (0..8). */
export function vintExtraBytes(firstByte: number): number {
  return Math.clz32(~(firstByte << 24));
}

export class ByteReader {
  readonly view: DataView;
  pos = 0;
  /** High and low 32 bits of the last 64-bit vint read by readUnsignedVIntParts. */
  hi = 0;
  lo = 0;

  constructor(readonly bytes: Uint8Array, readonly file: string, readonly base = 0) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number { return this.bytes.length - this.pos; }
  get absolutePos(): number { return this.base + this.pos; }

  fail(what: string, at = this.pos): never {
    throw new CorruptInputError(this.file, this.base + at, what);
  }

  /** True once a read ran past the end of `bytes` (a streaming caller may refill and retry). */
  hitEnd = false;

  /** Fails because the data ends before `what`; marks hitEnd. */
  failEnd(what: string, at = this.pos): never {
    this.hitEnd = true;
    this.fail(what, at);
  }

  /** Fails unless n more bytes are available. */
  need(n: number, what: string): void {
    if (n < 0) this.fail(`${what}: negative length ${n}`);
    if (this.pos + n > this.bytes.length) this.failEnd(`${what}: ${n} bytes needed, ${this.remaining} left`);
  }

  private advance(n: number, what: string): number {
    const at = this.pos;
    if (at + n > this.bytes.length) this.failEnd(`${what} past end of data`);
    this.pos = at + n;
    return at;
  }

  readUint8(): number { return this.view.getUint8(this.advance(1, 'byte')); }
  peekUint8(): number {
    if (this.pos >= this.bytes.length) this.failEnd('byte past end of data');
    return this.bytes[this.pos]!;
  }
  readInt8(): number { return this.view.getInt8(this.advance(1, 'byte')); }
  readBoolean(): boolean { return this.readUint8() !== 0; }
  readUint16(): number { return this.view.getUint16(this.advance(2, 'int16')); }
  readInt16(): number { return this.view.getInt16(this.advance(2, 'int16')); }
  readInt32(): number { return this.view.getInt32(this.advance(4, 'int32')); }
  readUint32(): number { return this.view.getUint32(this.advance(4, 'int32')); }
  readFloat32(): number { return this.view.getFloat32(this.advance(4, 'float')); }
  readFloat64(): number { return this.view.getFloat64(this.advance(8, 'double')); }
  readBigInt64(): bigint { return this.view.getBigInt64(this.advance(8, 'int64')); }

  /** int64 as a number; fails when it does not fit in 53 bits. */
  readInt64(): number {
    const at = this.advance(8, 'int64');
    const hi = this.view.getInt32(at), lo = this.view.getUint32(at + 4);
    if (hi > 0x1fffff || hi < -0x200000) this.fail('int64 beyond 2^53', at);
    return hi * TWO_32 + lo;
  }

  skip(n: number): void { this.advance(n, 'skipped bytes'); }
  skipInt16(): void { this.skip(2); }
  skipInt32(): void { this.skip(4); }
  skipInt64(): void { this.skip(8); }

  /** n bytes as a subarray (no copy). */
  readBytes(n: number): Uint8Array {
    if (n < 0) this.fail(`negative length ${n}`);
    const at = this.advance(n, `${n} bytes`);
    return this.bytes.subarray(at, at + n);
  }

  /** Java modified UTF-8 with u16 length (DataInput.readUTF); plain UTF-8 decoding suffices for class names. */
  readUTF(): string { return utf8.decode(this.readBytes(this.readUint16())); }
  skipUTF(): void { this.skip(this.readUint16()); }

  /**
   * Reads an unsigned vint into `hi`/`lo` and returns its byte count. Exact for all 64 bits.
   */
  readUnsignedVIntParts(): number {
    const at = this.pos;
    const first = this.readUint8();
    const extra = vintExtraBytes(first);
    if (at + 1 + extra > this.bytes.length) this.failEnd('vint past end of data', at);
    let hi = 0, lo = first & (0xff >> extra);
    for (let i = 1; i <= extra; i++) {
      hi = ((hi << 8) | (lo >>> 24)) >>> 0;
      lo = ((lo << 8) | this.bytes[at + i]!) >>> 0;
    }
    this.pos = at + 1 + extra;
    this.hi = hi;
    this.lo = lo;
    return extra + 1;
  }

  /** Unsigned vint as a number; fails beyond 2^53. */
  readUnsignedVInt(): number {
    const at = this.pos;
    const first = this.readUint8();
    const extra = vintExtraBytes(first);
    if (extra === 0) return first;
    if (extra <= 6) {
      if (at + 1 + extra > this.bytes.length) this.failEnd('vint past end of data', at);
      let v = first & (0xff >> extra);
      for (let i = 1; i <= extra; i++) v = v * 256 + this.bytes[at + i]!;
      this.pos = at + 1 + extra;
      return v;
    }
    this.pos = at;
    this.readUnsignedVIntParts();
    if (this.hi > 0x1fffff) this.fail('unsigned vint beyond 2^53', at);
    return this.hi * TWO_32 + this.lo;
  }

  /** Unsigned vint as a bigint (64 bits, unsigned). */
  readUnsignedVInt64(): bigint {
    this.readUnsignedVIntParts();
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** VIntCoding.readUnsignedVInt32: the 64-bit value truncated to a Java int. */
  readUnsignedVInt32(): number {
    this.readUnsignedVIntParts();
    return this.lo | 0;
  }

  /** Unsigned vint used as a length or count: must fit in an int32 and be non-negative. */
  readLength(what: string): number {
    const at = this.pos;
    this.readUnsignedVIntParts();
    if (this.hi !== 0 || this.lo > 0x7fffffff) this.fail(`${what} ${this.hi * TWO_32 + this.lo} out of range`, at);
    return this.lo;
  }

  /** Signed (zig-zag) vint as a number; fails beyond 2^53. */
  readVInt(): number {
    const at = this.pos;
    this.readUnsignedVIntParts();
    const hi = this.hi, lo = this.lo;
    const odd = lo & 1;
    const half = (hi >>> 1) * TWO_32 + (((hi & 1) * 0x80000000) + (lo >>> 1));
    if (hi >>> 1 > 0x1fffff) this.fail('signed vint beyond 2^53', at);
    return odd ? -half - 1 : half;
  }

  skipUnsignedVInt(): void {
    const first = this.readUint8();
    this.skip(vintExtraBytes(first));
  }
  skipVInt(): void { this.skipUnsignedVInt(); }

  /** uvint length + bytes (ByteBufferUtil.readWithVIntLength). */
  readWithVIntLength(what = 'value'): Uint8Array {
    const n = this.readLength(`${what} length`);
    if (n > this.remaining) this.failEnd(`${what} length ${n} exceeds the ${this.remaining} bytes left`);
    return this.readBytes(n);
  }
  skipWithVIntLength(what = 'value'): void { this.readWithVIntLength(what); }

  /** u16 length + bytes (ByteBufferUtil.readWithShortLength). */
  readWithShortLength(): Uint8Array { return this.readBytes(this.readUint16()); }
  skipWithShortLength(): void { this.skip(this.readUint16()); }
}

const utf8 = new TextDecoder();
