// Rows.db entries of the BTI format (io/sstable/format/bti/TrieIndexEntry.java, RowIndexReader.java): for each
// partition with a row index, the row-index trie (written first) and then, at the position Partitions.db points to:
//
//   u16 key length + key, uvint Data.db position, signed vint (trie root − position just after the key),
//   uvint block count, DeletionTime (versioned: LIVE is the single byte 0x80 in `da`)
//
// The row-index trie maps clustering separators to blocks: payload flags & 7 = byte count of the block's signed
// offset from the partition start, flag 8 = an open range-tombstone DeletionTime follows (RowIndexReader.java).
// After the last block the writer adds one more separator whose offset is the partition's end-of-partition byte
// (RowIndexWriter.complete). listRowIndexBlocks walks it in order; seeking by clustering is not implemented.

import { CorruptInputError } from '../../../errors.ts';
import type { ByteReader } from '../../byte-reader.ts';
import { readIndexDeletionTime, type IndexDeletionTime } from '../promoted-index.ts';
import type { SourceWindow } from '../source-window.ts';
import { PAGE_BYTES, readSizedSigned, readTrieNode } from './trie-node.ts';

const FLAG_OPEN_MARKER = 8;
const MAX_SEPARATOR_BYTES = 1 << 16;

export interface RowIndexEntry {
  key: Uint8Array;
  dataPosition: number;
  /** Absolute Rows.db position of the row-index trie root. */
  trieRoot: number;
  blockCount: number;
  deletionTime: IndexDeletionTime;
}

/** Reads the key of an entry only (u16 length + bytes), leaving the reader after it. */
export function readRowIndexKey(r: ByteReader): Uint8Array {
  const length = r.readUint16();
  if (length > r.remaining) r.fail(`partition key length ${length} exceeds the ${r.remaining} bytes left`, r.pos - 2);
  return r.readBytes(length);
}

export function readRowIndexEntry(r: ByteReader, uintDeletionTime: boolean): RowIndexEntry {
  const entryAt = r.pos;
  const key = readRowIndexKey(r);
  const afterKey = r.base + r.pos;
  const dataPosition = r.readUnsignedVInt();
  const trieRoot = afterKey + r.readVInt();
  if (trieRoot < 0 || trieRoot >= r.base + entryAt) r.fail(`row index root ${trieRoot} is not before its entry`, r.pos - 1);
  const blockCount = r.readLength('row index block count');
  const deletionTime = readIndexDeletionTime(r, uintDeletionTime);
  return { key, dataPosition, trieRoot, blockCount, deletionTime };
}

/** Most bytes after the key: two 9-byte vints, a 5-byte vint and a 12-byte deletion time. */
export const MAX_ROW_ENTRY_TAIL_BYTES = 9 + 9 + 5 + 12;

export interface RowIndexBlock {
  /** Byte-comparable separator prefix leading to the block (<= the block's first clustering). */
  separator: Uint8Array;
  /** Offset of the block from the start of the partition in Data.db. */
  offset: number;
  /** Deletion of a range tombstone open at the block start, or null. */
  openDeletion: IndexDeletionTime | null;
}

export interface RowIndex {
  blocks: RowIndexBlock[];
  /** Offset of the end-of-partition byte from the partition start (the trie's final separator). */
  endOffset: number;
}

/**
 * Every block of a partition's row index, in clustering order, from the trie rooted at `root` (Rows.db loaded
 * page by page through `window`). Fails unless the trie holds exactly `blockCount` blocks plus the end separator.
 */
export async function listRowIndexBlocks(window: SourceWindow, root: number, blockCount: number, uintDeletionTime: boolean): Promise<RowIndex> {
  const out: RowIndexBlock[] = [];
  const stack: { position: number; separator: number[] }[] = [{ position: root, separator: [] }];
  while (stack.length > 0) {
    const { position, separator } = stack.pop()!;
    if (separator.length > MAX_SEPARATOR_BYTES) throw new CorruptInputError(window.source.name, position, 'row index trie deeper than any clustering');
    await window.load(position - (position % PAGE_BYTES), PAGE_BYTES, PAGE_BYTES);
    const node = readTrieNode(window.reader(position));
    if (node.payloadFlags !== 0) {
      if (out.length > blockCount) throw new CorruptInputError(window.source.name, position, `row index trie has more than its ${blockCount} blocks and end separator`);
      const r = window.reader(node.payloadPosition);
      const offset = readSizedSigned(r, node.payloadFlags & 7);
      if (offset < 0) r.fail(`row index block offset ${offset}`, r.pos - (node.payloadFlags & 7));
      const openDeletion = (node.payloadFlags & FLAG_OPEN_MARKER) !== 0 ? readIndexDeletionTime(r, uintDeletionTime) : null;
      out.push({ separator: Uint8Array.from(separator), offset, openDeletion });
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push({ position: node.children[i]!, separator: [...separator, node.transitions[i]!] });
  }
  if (out.length !== blockCount + 1) throw new CorruptInputError(window.source.name, root, `row index trie has ${out.length} entries for ${blockCount} blocks and the end separator`);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.offset <= out[i - 1]!.offset) throw new CorruptInputError(window.source.name, root, `row index block ${i} offset ${out[i]!.offset} not after ${out[i - 1]!.offset}`);
  }
  return { blocks: out.slice(0, blockCount), endOffset: out[blockCount]!.offset };
}
