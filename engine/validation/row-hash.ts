// 64-bit hashes of Arrow rows, computed column by column straight from the Arrow buffers (no per-value
// objects). A row hash is two independent 32-bit lanes; the validator sums them per bucket, so the digest is
// order-independent and a duplicated row changes it (XOR would cancel duplicates out).
import { DataType, type Data } from 'apache-arrow';

const SEED_A = 0x9747b28c;
const SEED_B = 0x85ebca6b;
const NULL_A = 0x6e756c6c;
const NULL_B = 0x4e554c4c;

/** Per-row hash lanes for one column: out[2*i] and out[2*i+1]. */
export function hashColumn(data: Data, out: Uint32Array = new Uint32Array(data.length * 2)): Uint32Array {
  const type = data.type;
  if (DataType.isDictionary(type)) return hashDictionary(data, out);
  if (DataType.isStruct(type)) return hashStruct(data, out);
  if (DataType.isList(type) || DataType.isMap(type)) return hashNested(data, out, (i) => [data.valueOffsets[i], data.valueOffsets[i + 1]]);
  if (DataType.isFixedSizeList(type)) {
    const size = type.listSize;
    return hashNested(data, out, (i) => [i * size, (i + 1) * size]);
  }
  if (DataType.isBool(type)) return hashBool(data, out);
  if (DataType.isNull(type)) return out.fill(0).map((_, j) => (j & 1 ? NULL_B : NULL_A));
  if (data.valueOffsets) return hashVariableWidth(data, out);
  return hashFixedWidth(data, out);
}

/** Combines column lanes into row lanes: rows[i] = mix(rows[i], column[i]) in column order. */
export function combineInto(rows: Uint32Array, column: Uint32Array): void {
  for (let j = 0; j < rows.length; j++) rows[j] = mix(rows[j] ^ column[j], j & 1 ? SEED_B : SEED_A);
}

function isNull(data: Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return false;
  const bit = data.offset + i;
  return (bitmap[bit >> 3] & (1 << (bit & 7))) === 0;
}

function hashFixedWidth(data: Data, out: Uint32Array): Uint32Array {
  const values = data.values as ArrayBufferView & { BYTES_PER_ELEMENT: number };
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const width = values.BYTES_PER_ELEMENT * data.stride;
  for (let i = 0; i < data.length; i++) {
    if (isNull(data, i)) setNull(out, i);
    else {
      const start = (data.offset + i) * width;
      out[2 * i] = hashBytes(bytes, start, start + width, SEED_A);
      out[2 * i + 1] = hashBytes(bytes, start, start + width, SEED_B);
    }
  }
  return out;
}

function hashVariableWidth(data: Data, out: Uint32Array): Uint32Array {
  const offsets = data.valueOffsets as Int32Array | BigInt64Array;
  const values = data.values as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (isNull(data, i)) setNull(out, i);
    else {
      const start = Number(offsets[data.offset + i]);
      const end = Number(offsets[data.offset + i + 1]);
      out[2 * i] = hashBytes(values, start, end, SEED_A);
      out[2 * i + 1] = hashBytes(values, start, end, SEED_B);
    }
  }
  return out;
}

function hashBool(data: Data, out: Uint32Array): Uint32Array {
  const values = data.values as Uint8Array;
  for (let i = 0; i < data.length; i++) {
    if (isNull(data, i)) setNull(out, i);
    else {
      const bit = data.offset + i;
      const v = (values[bit >> 3] >> (bit & 7)) & 1;
      out[2 * i] = mix(v + 1, SEED_A);
      out[2 * i + 1] = mix(v + 1, SEED_B);
    }
  }
  return out;
}

function hashStruct(data: Data, out: Uint32Array): Uint32Array {
  out.fill(0);
  for (const child of data.children) {
    // Children of a sliced struct are sliced with it, so row i of the struct is row i of each child.
    combineInto(out, hashColumn(child));
  }
  for (let i = 0; i < data.length; i++) if (isNull(data, i)) setNull(out, i);
  return out;
}

function hashNested(data: Data, out: Uint32Array, range: (i: number) => [number, number]): Uint32Array {
  const child = data.children[0];
  const childHashes = hashColumn(child);
  for (let i = 0; i < data.length; i++) {
    if (isNull(data, i)) {
      setNull(out, i);
      continue;
    }
    const [start, end] = range(data.offset + i);
    let a = mix(end - start, SEED_A);
    let b = mix(end - start, SEED_B);
    for (let k = start; k < end; k++) {
      a = mix(a ^ childHashes[2 * k], SEED_A);
      b = mix(b ^ childHashes[2 * k + 1], SEED_B);
    }
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

function hashDictionary(data: Data, out: Uint32Array): Uint32Array {
  const dictionary = data.dictionary!.data[0];
  const dictHashes = hashColumn(dictionary);
  const indices = data.values as Int32Array;
  for (let i = 0; i < data.length; i++) {
    if (isNull(data, i)) setNull(out, i);
    else {
      const k = Number(indices[data.offset + i]);
      out[2 * i] = dictHashes[2 * k];
      out[2 * i + 1] = dictHashes[2 * k + 1];
    }
  }
  return out;
}

function setNull(out: Uint32Array, i: number): void {
  out[2 * i] = NULL_A;
  out[2 * i + 1] = NULL_B;
}

/** Murmur3's 32-bit body and finalizer over a byte range. */
export function hashBytes(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let h = seed ^ (end - start);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h = Math.imul(rotl(h ^ scramble(k), 13), 5) + 0xe6546b64;
  }
  let k = 0;
  for (let s = 0; i < end; i++, s += 8) k |= bytes[i] << s;
  h ^= scramble(k);
  return fmix(h);
}

function mix(h: number, seed: number): number {
  return fmix(Math.imul(rotl((h ^ seed) | 0, 15), 0x1b873593) ^ seed);
}

function scramble(k: number): number {
  return Math.imul(rotl(Math.imul(k, 0xcc9e2d51), 15), 0x1b873593);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
