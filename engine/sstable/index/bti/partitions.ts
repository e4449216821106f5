// Partitions.db of the BTI format (io/sstable/format/bti/PartitionIndex.java, PartitionIndexBuilder.java): a trie
// over the byte-comparable decorated keys (0x40, token bytes, 0x40, escaped key bytes, 0x38), each truncated to the
// shortest prefix that tells it from its neighbours. After the trie pages: u16-length first key, u16-length last
// key, then a 24-byte footer: int64 position of the first key, int64 key count, int64 root position.
//
// Leaf payload: flags 8..15 = a hash byte then (flags − 7) bytes, flags 1..7 = that many bytes, of a signed
// big-endian position: >= 0 is a Rows.db entry, < 0 is ~(Data.db position). Because keys are truncated, a seek finds
// a candidate whose real key must be read (from Rows.db or the partition header in Data.db) to decide which side of
// the bound it is on — as PartitionIndex.Reader.ceiling does.

import { CassbergError, CorruptInputError } from '../../../errors.ts';
import type { Partitioner } from '../../../partitioner/partitioner.ts';
import type { ByteSource } from '../../../storage/object-store.ts';
import type { PartitionEntry, PartitionIndex } from '../partition-index.ts';
import { SourceWindow } from '../source-window.ts';
import { listRowIndexBlocks, readRowIndexEntry, MAX_ROW_ENTRY_TAIL_BYTES, type RowIndex, type RowIndexEntry } from './rows.ts';
import { PAGE_BYTES, readSizedSigned, readTrieNode, type TrieNode } from './trie-node.ts';

const FOOTER_BYTES = 24;
const FLAG_HAS_HASH_BYTE = 8;
const NEXT_COMPONENT = 0x40;
const GT_NEXT_COMPONENT = 0x60;
const MAX_DEPTH = 1 << 16;

/** Uncompressed Data.db reads, as engine/sstable/chunk-reader.ts DataFile provides them. */
export interface DataReader {
  readonly uncompressedLength?: number;
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface PartitionsFooter {
  firstKey: Uint8Array;
  lastKey: Uint8Array;
  keyCount: number;
  root: number;
}

/** A leaf of the trie: the key prefix that leads to it and its payload. */
export interface TrieLeaf {
  /** Absolute Partitions.db position of the leaf node. */
  position: number;
  prefix: Uint8Array;
  /** Low 8 bits of the key's filter hash, or -1 when the payload has none. */
  hashByte: number;
  /** >= 0: Rows.db position; < 0: bitwise complement of the Data.db position. */
  indexPosition: number;
}

export class BtiPartitionIndex<T> implements PartitionIndex<T> {
  private readonly window: SourceWindow;
  private readonly rowsWindow: SourceWindow | null;
  private footerCache: PartitionsFooter | null = null;

  /**
   * `rows` is Rows.db (may be empty); `data` reads the uncompressed Data.db, used only to read the keys of partitions
   * that have no Rows.db entry. With `data` null (planning without Data.db) listing is impossible and a seek whose
   * bound shares a prefix with such a partition counts that partition as before the bound: positions are then exact
   * except for at most one partition at each end of a range. `uintDeletionTime` follows the version (true for `da`).
   */
  constructor(readonly partitions: ByteSource, readonly rows: ByteSource | null, readonly data: DataReader | null,
              readonly partitioner: Partitioner<T>, readonly uintDeletionTime = true) {
    this.window = new SourceWindow(partitions, PAGE_BYTES);
    this.rowsWindow = rows ? new SourceWindow(rows, PAGE_BYTES) : null;
  }

  async footer(): Promise<PartitionsFooter> {
    if (this.footerCache) return this.footerCache;
    const size = await this.window.size();
    if (size < FOOTER_BYTES) throw new CorruptInputError(this.partitions.name, 0, `${size} bytes is shorter than the ${FOOTER_BYTES}-byte footer`);
    const footerAt = size - FOOTER_BYTES;
    const tailAt = Math.max(0, size - PAGE_BYTES); // footer and keys usually share the last page
    await this.window.load(tailAt, size - tailAt, 0);
    const f = this.window.reader(footerAt);
    const firstKeyAt = f.readInt64(), keyCount = f.readInt64(), root = f.readInt64();
    if (firstKeyAt < 0 || firstKeyAt > footerAt) f.fail(`first key position ${firstKeyAt} outside the file`, f.pos - 24);
    if (root < 0 || root >= firstKeyAt) f.fail(`trie root ${root} not before the keys at ${firstKeyAt}`, f.pos - 8);
    if (keyCount < 0) f.fail(`key count ${keyCount}`, f.pos - 16);
    await this.window.load(firstKeyAt, footerAt - firstKeyAt, 0);
    const k = this.window.reader(firstKeyAt);
    const firstKey = k.readWithShortLength().slice();
    const lastKey = k.readWithShortLength().slice();
    this.footerCache = { firstKey, lastKey, keyCount, root };
    return this.footerCache;
  }

  private async nodeAt(position: number): Promise<TrieNode> {
    const page = position - (position % PAGE_BYTES);
    await this.window.load(page, PAGE_BYTES, PAGE_BYTES);
    return readTrieNode(this.window.reader(position));
  }

  private leafOf(node: TrieNode, prefix: Uint8Array): TrieLeaf {
    const r = this.window.reader(node.payloadPosition);
    let flags = node.payloadFlags;
    let hashByte = -1;
    if (flags >= FLAG_HAS_HASH_BYTE) {
      hashByte = r.readUint8();
      flags -= FLAG_HAS_HASH_BYTE - 1;
    }
    return { position: node.position, prefix, hashByte, indexPosition: readSizedSigned(r, flags) };
  }

  /** Every leaf in key order (depth-first, payload before children), reading each trie page once at most. */
  async *leaves(): AsyncGenerator<TrieLeaf> {
    const { root, keyCount } = await this.footer();
    const stack: { position: number; prefix: number[] }[] = [{ position: root, prefix: [] }];
    let count = 0;
    while (stack.length > 0) {
      const { position, prefix } = stack.pop()!;
      if (prefix.length > MAX_DEPTH) throw new CorruptInputError(this.partitions.name, position, 'trie deeper than any key');
      const node = await this.nodeAt(position);
      if (node.payloadFlags !== 0) {
        // children may share nodes in a corrupt file: never list more leaves than the footer's key count
        if (++count > keyCount) throw new CorruptInputError(this.partitions.name, position, `trie has more leaves than the ${keyCount} keys of the footer`);
        yield this.leafOf(node, Uint8Array.from(prefix));
      }
      for (let i = node.children.length - 1; i >= 0; i--) stack.push({ position: node.children[i]!, prefix: [...prefix, node.transitions[i]!] });
    }
  }

  async *entries(): AsyncGenerator<PartitionEntry<T>> {
    let last = -1;
    for await (const leaf of this.leaves()) {
      const { key, dataPosition } = await this.resolve(leaf);
      if (dataPosition <= last) throw new CorruptInputError(this.partitions.name, leaf.position, `Data.db position ${dataPosition} of key ${hex(key)} not after ${last}`);
      last = dataPosition;
      yield { key, token: this.partitioner.tokenOf(key), dataPosition };
    }
  }

  /** The real key and Data.db position of a leaf: from its Rows.db entry, or the partition header in Data.db. */
  async resolve(leaf: TrieLeaf): Promise<{ key: Uint8Array; dataPosition: number }> {
    if (leaf.indexPosition < 0) {
      const dataPosition = ~leaf.indexPosition;
      if (!this.data) throw new CassbergError('PreconditionFailed', `${this.partitions.name}: the key of a partition without a row index is in Data.db, which was not given`);
      const length = this.data.uncompressedLength;
      if (length !== undefined && dataPosition + 2 > length) {
        throw new CorruptInputError(this.partitions.name, leaf.position, `leaf ${hex(leaf.prefix)} points to Data.db position ${dataPosition} beyond its ${length} bytes`);
      }
      const head = await this.data.read(dataPosition, dataPosition + 2);
      const keyLength = (head[0]! << 8) | head[1]!;
      if (length !== undefined && dataPosition + 2 + keyLength > length) {
        throw new CorruptInputError(this.partitions.name, leaf.position, `leaf ${hex(leaf.prefix)} points to a ${keyLength}-byte key at Data.db position ${dataPosition} beyond its ${length} bytes`);
      }
      const key = (await this.data.read(dataPosition + 2, dataPosition + 2 + keyLength)).slice();
      return { key, dataPosition };
    }
    const entry = await this.readRowEntry(leaf);
    return { key: entry.key.slice(), dataPosition: entry.dataPosition };
  }

  private async readRowEntry(leaf: TrieLeaf): Promise<RowIndexEntry> {
    if (!this.rowsWindow) throw new CorruptInputError(this.partitions.name, leaf.position, `leaf points to Rows.db position ${leaf.indexPosition} but there is no Rows.db`);
    await this.rowsWindow.load(leaf.indexPosition, 2, PAGE_BYTES);
    const keyLength = this.rowsWindow.reader(leaf.indexPosition).readUint16();
    await this.rowsWindow.load(leaf.indexPosition, 2 + keyLength + MAX_ROW_ENTRY_TAIL_BYTES, PAGE_BYTES);
    return readRowIndexEntry(this.rowsWindow.reader(leaf.indexPosition), this.uintDeletionTime);
  }

  /** The Rows.db entry and row-index blocks of a leaf, or null when the partition has no row index. */
  async rowIndex(leaf: TrieLeaf): Promise<{ entry: RowIndexEntry; index: RowIndex } | null> {
    if (leaf.indexPosition < 0) return null;
    const entry = await this.readRowEntry(leaf);
    return { entry, index: await listRowIndexBlocks(this.rowsWindow!, entry.trieRoot, entry.blockCount, this.uintDeletionTime) };
  }

  async dataPositionAfter(token: T): Promise<number | null> {
    const tokenBytes = this.partitioner.comparableTokenBytes(token);
    const bound = new Uint8Array(tokenBytes.length + 2);
    bound[0] = NEXT_COMPONENT;
    bound.set(tokenBytes, 1);
    bound[bound.length - 1] = GT_NEXT_COMPONENT; // after every key with this token
    const { candidate, greater } = await this.ceiling(bound);
    // A candidate whose prefix covers the whole token (0x40 + token bytes) has exactly this token: not after it.
    const decidable = candidate !== null && (candidate.indexPosition >= 0 || this.data !== null);
    if (candidate && decidable && candidate.prefix.length < bound.length - 1) {
      const resolved = await this.resolve(candidate);
      if (this.partitioner.compareTokens(this.partitioner.tokenOf(resolved.key), token) > 0) return resolved.dataPosition;
    }
    return greater ? this.dataPositionOf(greater) : null;
  }

  /** A leaf's Data.db position: direct for Data.db payloads, from its Rows.db entry otherwise (no key read). */
  async dataPositionOf(leaf: TrieLeaf): Promise<number> {
    return leaf.indexPosition < 0 ? ~leaf.indexPosition : (await this.resolve(leaf)).dataPosition;
  }

  /**
   * Follows `bound` down the trie. `candidate` is a leaf whose prefix is a prefix of the bound (its key may be on
   * either side); `greater` is the first leaf of the nearest branch after the path, which is certainly above.
   */
  async ceiling(bound: Uint8Array): Promise<{ candidate: TrieLeaf | null; greater: TrieLeaf | null }> {
    const { root } = await this.footer();
    let node = await this.nodeAt(root);
    let greaterBranch = -1, greaterPrefix: number[] = [];
    const path: number[] = [];
    for (;;) {
      if (node.payloadFlags !== 0) {
        if (node.children.length > 0) throw new CorruptInputError(this.partitions.name, node.position, 'partition trie node with both payload and children');
        return { candidate: this.leafOf(node, Uint8Array.from(path)), greater: await this.firstLeafFrom(greaterBranch, greaterPrefix) };
      }
      if (path.length >= bound.length) return { candidate: null, greater: await this.firstLeafFrom(node.position, path) };
      const b = bound[path.length]!;
      let exact = -1;
      for (let i = 0; i < node.transitions.length; i++) {
        const t = node.transitions[i]!;
        if (t === b) exact = i;
        if (t > b) { greaterBranch = node.children[i]!; greaterPrefix = [...path, t]; break; }
      }
      if (exact < 0) return { candidate: null, greater: await this.firstLeafFrom(greaterBranch, greaterPrefix) };
      path.push(b);
      node = await this.nodeAt(node.children[exact]!);
    }
  }

  private async firstLeafFrom(position: number, prefix: number[]): Promise<TrieLeaf | null> {
    if (position < 0) return null;
    const path = [...prefix];
    let node = await this.nodeAt(position);
    while (node.payloadFlags === 0) {
      if (node.children.length === 0) throw new CorruptInputError(this.partitions.name, node.position, 'trie node with neither payload nor children');
      if (path.length > MAX_DEPTH) throw new CorruptInputError(this.partitions.name, node.position, 'trie deeper than any key');
      path.push(node.transitions[0]!);
      node = await this.nodeAt(node.children[0]!);
    }
    return this.leafOf(node, Uint8Array.from(path));
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
