// On-disk trie nodes of the BTI indexes (io/tries/TrieNode.java; BtiFormat.md "Index file format in BTI").
// First byte: node type (high 4 bits) and payload flags (low 4 bits). Children are written before their parents, so
// every child pointer is a backward distance from the node's own position. Nodes never straddle a 4 KiB page.
//
//   0 PAYLOAD_ONLY                    flags
//   1 SINGLE_NOPAYLOAD_4              type|delta(4 bits), transition byte
//   2 SINGLE_8, 4 SINGLE_16           flags, transition byte, delta (1 or 2 bytes)
//   3 SINGLE_NOPAYLOAD_12             type|delta high 4 bits, delta low 8 bits, transition byte
//   5 SPARSE_8, 7 _16, 8 _24, 9 _40   flags, count, count transition bytes, count deltas (1, 2, 3 or 5 bytes)
//   6 SPARSE_12                       flags, count, count transition bytes, count 12-bit deltas packed in pairs
//   10 DENSE_12                       flags, first byte, count − 1, count 12-bit deltas (0 = no child)
//   11 DENSE_16 … 14 DENSE_40, 15 LONG_DENSE   flags, first byte, count − 1, count deltas of 2, 3, 4, 5 or 8 bytes
// The payload (format chosen by the index) follows the node.

import type { ByteReader } from '../../byte-reader.ts';

export const PAGE_BYTES = 4096;

const PAYLOAD_ONLY = 0, SINGLE_NOPAYLOAD_4 = 1, SINGLE_NOPAYLOAD_12 = 3;
const SPARSE_12 = 6, DENSE_12 = 10;
/** Bytes per child pointer of each type (0 = packed 4 or 12 bits). */
const POINTER_BYTES = [0, 0, 1, 0, 2, 1, 0, 2, 3, 5, 0, 2, 3, 4, 5, 8] as const;
const KIND_SINGLE = 1, KIND_SPARSE = 2, KIND_DENSE = 3;
const KIND = [0, KIND_SINGLE, KIND_SINGLE, KIND_SINGLE, KIND_SINGLE, KIND_SPARSE, KIND_SPARSE, KIND_SPARSE, KIND_SPARSE,
  KIND_SPARSE, KIND_DENSE, KIND_DENSE, KIND_DENSE, KIND_DENSE, KIND_DENSE, KIND_DENSE] as const;

/** A decoded node: its children as (transition byte, absolute position) pairs in byte order, and its payload. */
export interface TrieNode {
  position: number;
  type: number;
  payloadFlags: number;
  /** Absolute position just after the node, where a payload starts. */
  payloadPosition: number;
  transitions: number[];
  children: number[];
}

/**
 * Decodes the node at the reader's position (absolute `r.base + r.pos`). Child positions that are not before the
 * node, or that point before the file start, are reported as corrupt.
 */
export function readTrieNode(r: ByteReader): TrieNode {
  const at = r.pos;
  const position = r.base + at;
  const first = r.readUint8();
  const type = first >> 4;
  const node: TrieNode = { position, type, payloadFlags: first & 0x0f, payloadPosition: 0, transitions: [], children: [] };
  const kind = KIND[type]!;
  if (kind === KIND_SINGLE) readSingle(r, node, first);
  else if (kind === KIND_SPARSE) readSparse(r, node);
  else if (kind === KIND_DENSE) readDense(r, node);
  else if (type !== PAYLOAD_ONLY) r.fail(`trie node type ${type}`, at);
  node.payloadPosition = r.base + r.pos;
  for (const child of node.children) {
    if (child < 0 || child >= position) r.fail(`trie child pointer to ${child} is not before its node at ${position}`, at);
  }
  return node;
}

function addChild(node: TrieNode, transition: number, delta: number): void {
  node.transitions.push(transition);
  node.children.push(node.position - delta);
}

function readSingle(r: ByteReader, node: TrieNode, first: number): void {
  if (node.type === SINGLE_NOPAYLOAD_4) {
    node.payloadFlags = 0;
    addChild(node, r.readUint8(), first & 0x0f);
  } else if (node.type === SINGLE_NOPAYLOAD_12) {
    node.payloadFlags = 0;
    const low = r.readUint8();
    addChild(node, r.readUint8(), ((first & 0x0f) << 8) | low);
  } else {
    const transition = r.readUint8();
    addChild(node, transition, readSized(r, POINTER_BYTES[node.type]!));
  }
}

function readSparse(r: ByteReader, node: TrieNode): void {
  const count = r.readUint8();
  const bytes = r.readBytes(count);
  if (node.type === SPARSE_12) {
    const base = r.pos;
    r.skip(Math.floor((count * 3 + 1) / 2)); // 12 bits per pointer
    for (let i = 0; i < count; i++) addChild(node, bytes[i]!, read12Bits(r, base, i));
    return;
  }
  const width = POINTER_BYTES[node.type]!;
  for (let i = 0; i < count; i++) addChild(node, bytes[i]!, readSized(r, width));
}

function readDense(r: ByteReader, node: TrieNode): void {
  const start = r.readUint8();
  const count = r.readUint8() + 1;
  if (start + count > 256) r.fail(`dense trie node spans bytes ${start}..${start + count - 1}`, r.pos - 2);
  if (node.type === DENSE_12) {
    const base = r.pos;
    r.skip(Math.floor((count * 3 + 1) / 2));
    for (let i = 0; i < count; i++) {
      const delta = read12Bits(r, base, i);
      if (delta !== 0) addChild(node, start + i, delta);
    }
    return;
  }
  const width = POINTER_BYTES[node.type]!;
  for (let i = 0; i < count; i++) {
    const delta = readSized(r, width);
    if (delta !== 0) addChild(node, start + i, delta);
  }
}

/** The i-th 12-bit value packed from `base`: even ones take the high 12 bits of a 16-bit word, odd ones the low. */
function read12Bits(r: ByteReader, base: number, i: number): number {
  const word = r.view.getUint16(base + ((3 * i) >> 1));
  return (i & 1) === 0 ? word >> 4 : word & 0xfff;
}

/** Unsigned big-endian integer of `width` bytes (SizedInts.readUnsigned). */
function readSized(r: ByteReader, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + r.readUint8();
  if (v > Number.MAX_SAFE_INTEGER) r.fail(`trie pointer beyond 2^53`, r.pos - width);
  return v;
}

/** Signed big-endian integer of `width` bytes (SizedInts.read), as a number. */
export function readSizedSigned(r: ByteReader, width: number): number {
  if (width < 1 || width > 8) r.fail(`payload width ${width}`);
  let v = r.readUint8();
  if (v >= 0x80) v -= 0x100;
  for (let i = 1; i < width; i++) v = v * 256 + r.readUint8();
  if (!Number.isSafeInteger(v)) r.fail('payload position beyond 2^53', r.pos - width);
  return v;
}
