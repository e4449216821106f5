// Shared access to the legacy sstable corpus (shared/corpus/cassandra-legacy-sstables) and its expected JSON, plus
// an in-memory ByteSource that counts the bytes read.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ByteSource } from '../../../../engine/storage/object-store.ts';
import assert from 'node:assert/strict';
import { openDataFile, type DataFile } from '../../../../engine/sstable/chunk-reader.ts';
import { parseCompressionInfo } from '../../../../engine/sstable/compression-info.ts';
import { versionFlags } from '../../../../engine/sstable/descriptor.ts';
import { findDataRanges, type PartitionEntry, type PartitionIndex } from '../../../../engine/sstable/index/partition-index.ts';
import { inRange, type Partitioner } from '../../../../engine/partitioner/partitioner.ts';

export const CORPUS_ROOT = '/work/shared/corpus/cassandra-legacy-sstables';
export const SPECIAL_ROOT = '/work/shared/corpus/cassandra-special-sstables';

export interface ExpectedTable {
  path: string;
  version: string;
  table: string;
  format: 'big' | 'bti';
  files: Record<string, number>;
  partitioner: string;
  compression: { chunkLength: number; uncompressedLength: number; chunks: number };
  digestCrc32: string;
  partitionKeys: string[];
  partitionCount: number;
}

export function expectedTables(): ExpectedTable[] {
  const json = JSON.parse(readFileSync('/work/shared/corpus/cassandra-legacy-expected.json', 'utf8')) as { tables: ExpectedTable[] | Record<string, ExpectedTable> };
  return Array.isArray(json.tables) ? json.tables : Object.values(json.tables);
}

/** Full path of a table's component, e.g. component(t, 'Index.db'). */
export function componentPath(dir: string, component: string): string {
  const name = readdirSync(dir).find((f) => f.endsWith(`-${component}`));
  if (!name) throw new Error(`${dir} has no ${component}`);
  return join(dir, name);
}

export function hasComponent(dir: string, component: string): boolean {
  return existsSync(dir) && readdirSync(dir).some((f) => f.endsWith(`-${component}`));
}

export class MemorySource implements ByteSource {
  reads = 0;
  bytesRead = 0;
  constructor(readonly name: string, readonly bytes: Uint8Array) {}
  async size(): Promise<number> { return this.bytes.length; }
  async read(start: number, end: number): Promise<Uint8Array> {
    if (start < 0 || end > this.bytes.length || start > end) throw new RangeError(`read [${start}, ${end}) of ${this.bytes.length}`);
    this.reads++;
    this.bytesRead += end - start;
    return this.bytes.subarray(start, end);
  }
}

export function fileSource(path: string): MemorySource {
  return new MemorySource(path.slice(path.lastIndexOf('/') + 1), new Uint8Array(readFileSync(path)));
}

// ---- checks shared by the big and BTI index tests ----


/** The uncompressed Data.db of a table directory (CompressionInfo.db decides how). */
export async function openData(dir: string, version: string, format: 'big' | 'bti'): Promise<DataFile> {
  const info = hasComponent(dir, 'CompressionInfo.db')
    ? parseCompressionInfo(new Uint8Array(readFileSync(componentPath(dir, 'CompressionInfo.db'))), 'CompressionInfo.db', versionFlags(version, format))
    : null;
  return openDataFile(fileSource(componentPath(dir, 'Data.db')), info);
}

export async function collect<T>(index: PartitionIndex<T>): Promise<PartitionEntry<T>[]> {
  const out: PartitionEntry<T>[] = [];
  for await (const e of index.entries()) out.push(e);
  return out;
}

/** Every listed position starts a partition whose serialized key (u16 length + bytes) is the listed key. */
export async function assertPositionsStartPartitions<T>(entries: PartitionEntry<T>[], data: DataFile, what: string): Promise<void> {
  let last = -1;
  for (const e of entries) {
    assert.ok(e.dataPosition > last, `${what}: positions increase`);
    last = e.dataPosition;
    const head = (await data.read(e.dataPosition, e.dataPosition + 2 + e.key.length)).slice();
    assert.equal((head[0]! << 8) | head[1]!, e.key.length, `${what}: key length at ${e.dataPosition}`);
    assert.deepEqual(head.subarray(2), e.key, `${what}: key bytes at ${e.dataPosition}`);
  }
}

/**
 * For every range (s, e] over the probe tokens (wrapping ones included), the Data.db ranges are exactly the spans
 * of the partitions whose tokens the range contains.
 */
export async function assertRangeSeeks<T>(index: PartitionIndex<T>, p: Partitioner<T>, entries: PartitionEntry<T>[], dataLength: number, probes: T[], what: string): Promise<number> {
  let checked = 0;
  for (const s of probes) {
    for (const e of probes) {
      const range = { startExclusive: s, endInclusive: e };
      const expected: { start: number; end: number }[] = [];
      entries.forEach((entry, i) => {
        if (!inRange(p, range, entry.token)) return;
        const end = i + 1 < entries.length ? entries[i + 1]!.dataPosition : dataLength;
        const prev = expected[expected.length - 1];
        if (prev && prev.end === entry.dataPosition) prev.end = end;
        else expected.push({ start: entry.dataPosition, end });
      });
      assert.deepEqual(await findDataRanges(index, range, dataLength), expected, `${what}: range (${String(s)}, ${String(e)}]`);
      checked++;
    }
  }
  return checked;
}
