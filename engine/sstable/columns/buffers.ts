// Growable buffers for Arrow column builders (arrow-js builder/buffer.ts style): doubling growth rounded to 64
// bytes, a validity bitmap with a running null count, and Int32 offsets for variable-width values and lists.

function capacity(need: number, current: number): number {
  let n = Math.max(64, current);
  while (n < need) n *= 2;
  return (n + 63) & ~63;
}

export class ByteBuffer {
  data: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  view = new DataView(this.data.buffer);
  length = 0;

  /** Makes room for n more bytes and returns where they start. */
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.data.length) {
      const next = new Uint8Array(capacity(at + n, this.data.length * 2));
      next.set(this.data.subarray(0, at));
      this.data = next;
      this.view = new DataView(next.buffer);
    }
    this.length = at + n;
    return at;
  }

  append(src: Uint8Array, start: number, length: number): void {
    const at = this.reserve(length);
    if (length < 32) for (let i = 0; i < length; i++) this.data[at + i] = src[start + i]!;
    else this.data.set(src.subarray(start, start + length), at);
  }

  /** The filled prefix; the buffer starts over. */
  flush(): Uint8Array<ArrayBuffer> {
    const out = this.data.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

export class ValidityBuffer {
  bits: Uint8Array<ArrayBuffer> = new Uint8Array(64);
  length = 0;
  nullCount = 0;

  append(valid: boolean): void {
    const i = this.length++;
    if ((i >> 3) >= this.bits.length) {
      const next = new Uint8Array(this.bits.length * 2);
      next.set(this.bits);
      this.bits = next;
    }
    if (valid) this.bits[i >> 3]! |= 1 << (i & 7);
    else { this.bits[i >> 3]! &= ~(1 << (i & 7)); this.nullCount++; }
  }

  /** Bitmap of the values so far (null when every value is valid); starts over. */
  flush(): Uint8Array<ArrayBuffer> | null {
    const out = this.nullCount === 0 ? null : this.bits.slice(0, (this.length + 7) >> 3);
    this.bits.fill(0);
    this.length = 0;
    this.nullCount = 0;
    return out;
  }
}

export class OffsetsBuffer {
  offsets = new Int32Array(64);
  /** Number of values (offsets holds length + 1 entries). */
  length = 0;

  push(end: number): void {
    const i = ++this.length;
    if (i >= this.offsets.length) {
      const next = new Int32Array(this.offsets.length * 2);
      next.set(this.offsets);
      this.offsets = next;
    }
    this.offsets[i] = end;
  }

  get last(): number { return this.offsets[this.length]!; }

  flush(): Int32Array<ArrayBuffer> {
    const out = this.offsets.slice(0, this.length + 1);
    this.offsets.fill(0);
    this.length = 0;
    return out;
  }
}
