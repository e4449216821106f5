// Exact set of event-item identities (time_series_id, event_time, event_id, event_item_key) seen so far: the safety
// net against emitting an item twice when both a slice table and its wide-partition split table are read
// (netflix-models.md §2.5 option 3). Keys are kept as bytes in one growable arena with an open-addressing index of
// Int32Arrays (no per-key objects); about key length + 12 bytes per item.

const EMPTY = 0;

export class EventItemDedup {
  /** Items refused because their identity was already added. */
  removed = 0;
  private arena = new Uint8Array(1 << 16);
  private used = 0;
  /** keyStart[k] .. keyStart[k + 1] is key k. */
  private keyStart: Int32Array = new Int32Array(1024);
  private hashes: Int32Array = new Int32Array(1024);
  private count = 0;
  /** key index + 1, or EMPTY. */
  private slots: Int32Array = new Int32Array(2048);

  get size(): number { return this.count; }

  /** Adds bytes[0, length); false (and `removed` counted) when the same bytes were added before. */
  add(bytes: Uint8Array, length: number): boolean {
    const hash = fnv1a(bytes, length);
    const mask = this.slots.length - 1;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const entry = this.slots[s]!;
      if (entry === EMPTY) { this.insert(bytes, length, hash, s); return true; }
      if (this.hashes[entry - 1] === hash && this.equals(entry - 1, bytes, length)) { this.removed++; return false; }
    }
  }

  private equals(k: number, bytes: Uint8Array, length: number): boolean {
    const start = this.keyStart[k]!;
    if (this.keyStart[k + 1]! - start !== length) return false;
    for (let i = 0; i < length; i++) if (this.arena[start + i] !== bytes[i]) return false;
    return true;
  }

  private insert(bytes: Uint8Array, length: number, hash: number, slot: number): void {
    const k = this.count++;
    if (k + 2 > this.keyStart.length) {
      this.keyStart = grow(this.keyStart, k + 2);
      this.hashes = grow(this.hashes, k + 2);
    }
    if (this.used + length > this.arena.length) {
      let n = this.arena.length * 2;
      while (n < this.used + length) n *= 2;
      const a = new Uint8Array(n);
      a.set(this.arena.subarray(0, this.used));
      this.arena = a;
    }
    this.arena.set(bytes.subarray(0, length), this.used);
    this.keyStart[k] = this.used;
    this.used += length;
    this.keyStart[k + 1] = this.used;
    this.hashes[k] = hash;
    this.slots[slot] = k + 1;
    if (this.count * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let k = 0; k < this.count; k++) {
      let s = this.hashes[k]! & mask;
      while (slots[s] !== EMPTY) s = (s + 1) & mask;
      slots[s] = k + 1;
    }
    this.slots = slots;
  }
}

function grow(a: Int32Array, need: number): Int32Array {
  let n = a.length * 2;
  while (n < need) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function fnv1a(bytes: Uint8Array, length: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h ^ (h >>> 15);
}
