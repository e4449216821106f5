// Chunked Key-Value values (netflix-models.md §1.6): the main row carries only value_metadata naming a chunk set
// (version, count, total length); the bytes sit in a chunk table, by default `<table>_chunks`:
//
//   CREATE TABLE <ks>.<table>_chunks (
//     id text, key blob, version blob, chunk_no int, chunk_value blob,
//     PRIMARY KEY ((id, key, version), chunk_no));
//
// The connector asks a ChunkSource for the chunk sets of the items of one batch and gets chunk rows back as Arrow
// batches in that table's CQL shape (the merge engine's output for the chunk table, filtered or not). Assembly
// verifies each set: every chunk_no in [0, count) present exactly once (a missing chunk is a DataInvalid error naming
// id, key, version and chunk_no), the summed length equal to the declared total, and the CRC-32 when declared. Rows
// of other versions of a requested item (staged-but-uncommitted or superseded sets) and chunk numbers ≥ count are
// orphans: counted, never emitted. Rows of items not requested (a source that serves a whole chunk table) are skipped.

import type { RecordBatch } from 'apache-arrow';
import { CassbergError } from '../../engine/errors.ts';
import type { TableModel } from '../controller/table-model.ts';
import { columnData, isValid } from '../raw.ts';
import { crc32 } from './value-metadata.ts';

export const CHUNK_COLUMNS = { id: 'id', key: 'key', version: 'version', chunkNo: 'chunk_no', value: 'chunk_value' } as const;

export function chunkTableName(table: string, suffix = '_chunks'): string {
  return `${table}${suffix}`;
}

/** The chunk table's model, for the engine to read it like any other table. */
export function chunkTableModel(keyspace: string, table: string): TableModel {
  return {
    keyspace, table, columns: [
      { name: CHUNK_COLUMNS.id, type: 'text', kind: 'partition_key' },
      { name: CHUNK_COLUMNS.key, type: 'blob', kind: 'partition_key' },
      { name: CHUNK_COLUMNS.version, type: 'blob', kind: 'partition_key' },
      { name: CHUNK_COLUMNS.chunkNo, type: 'int', kind: 'clustering' },
      { name: CHUNK_COLUMNS.value, type: 'blob', kind: 'regular' },
    ],
  };
}

/** One chunk set to fetch: the item and the set named by its value_metadata. */
export interface ChunkRef {
  id: string;
  key: Uint8Array;
  version: Uint8Array;
  chunkCount: number;
  totalLength: number;
  /** CRC-32 of the assembled value, or -1. */
  crc32: number;
}

/** Chunk rows for (at least) the given sets, as batches with the CHUNK_COLUMNS columns, in any order. */
export type ChunkSource = (refs: readonly ChunkRef[]) => AsyncIterable<RecordBatch>;

export interface ChunkStats {
  chunkedItems: number;
  chunksRead: number;
  orphanChunks: number;
}

export function createChunkStats(): ChunkStats {
  return { chunkedItems: 0, chunksRead: 0, orphanChunks: 0 };
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
const refKey = (id: string, keyHex: string, versionHex: string): string => `${id}\u0000${keyHex}\u0000${versionHex}`;

function describe(ref: ChunkRef): string {
  return `id=${JSON.stringify(ref.id)} key=0x${hex(ref.key)} version=0x${hex(ref.version)}`;
}

function fail(ref: ChunkRef, what: string, chunkNo?: number): never {
  throw new CassbergError('DataInvalid', `key-value chunks: ${describe(ref)}${chunkNo === undefined ? '' : ` chunk_no=${chunkNo}`}: ${what}`,
    { id: ref.id, key: hex(ref.key), version: hex(ref.version), chunkNo });
}

const utf8 = new TextDecoder();

/**
 * Fetches and assembles the values of `refs`, in the same order. Holds the chunks of these sets only; the
 * caller bounds that by asking per batch.
 */
export async function assembleChunks(refs: readonly ChunkRef[], source: ChunkSource, stats: ChunkStats = createChunkStats()): Promise<Uint8Array[]> {
  const index = new Map<string, number>();
  const items = new Set<string>();
  refs.forEach((r, i) => {
    index.set(refKey(r.id, hex(r.key), hex(r.version)), i);
    items.add(refKey(r.id, hex(r.key), ''));
  });
  const parts: Array<Array<Uint8Array | undefined>> = refs.map((r) => new Array<Uint8Array | undefined>(r.chunkCount));
  for await (const batch of source(refs)) {
    const ids = columnData(batch, CHUNK_COLUMNS.id, true), keys = columnData(batch, CHUNK_COLUMNS.key, true);
    const versions = columnData(batch, CHUNK_COLUMNS.version, true), numbers = columnData(batch, CHUNK_COLUMNS.chunkNo, true);
    const values = columnData(batch, CHUNK_COLUMNS.value, true);
    for (let i = 0; i < batch.numRows; i++) {
      if (!isValid(ids, i) || !isValid(keys, i) || !isValid(versions, i) || !isValid(numbers, i)) { stats.orphanChunks++; continue; }
      const id = text(ids, i), key = hex(bytesAt(keys, i));
      const r = index.get(refKey(id, key, hex(bytesAt(versions, i))));
      const chunkNo = (numbers.values as Int32Array)[i]!;
      if (r === undefined || chunkNo < 0 || chunkNo >= refs[r]!.chunkCount) {
        if (r !== undefined || items.has(refKey(id, key, ''))) stats.orphanChunks++; // else: another item's chunk, not asked for
        continue;
      }
      const ref = refs[r]!;
      if (!isValid(values, i)) fail(ref, 'chunk_value is null', chunkNo);
      const bytes = bytesAt(values, i);
      const seen = parts[r]![chunkNo];
      if (seen && Buffer.compare(seen, bytes) !== 0) fail(ref, 'two different chunks with the same number', chunkNo);
      if (!seen) stats.chunksRead++;
      parts[r]![chunkNo] = bytes;
    }
  }
  stats.chunkedItems += refs.length;
  return refs.map((ref, r) => concatChunks(ref, parts[r]!));
}

function concatChunks(ref: ChunkRef, parts: Array<Uint8Array | undefined>): Uint8Array {
  let length = 0;
  for (let c = 0; c < ref.chunkCount; c++) {
    const part = parts[c];
    if (!part) fail(ref, `missing chunk (${ref.chunkCount} expected)`, c);
    length += part.length;
  }
  if (length !== ref.totalLength) fail(ref, `chunks hold ${length} bytes, value_metadata says ${ref.totalLength}`);
  const out = new Uint8Array(length);
  let pos = 0;
  for (const part of parts) { out.set(part!, pos); pos += part!.length; }
  if (ref.crc32 >= 0 && crc32(out) !== ref.crc32) fail(ref, `crc32 0x${crc32(out).toString(16)} does not match 0x${ref.crc32.toString(16)}`);
  return out;
}

function bytesAt(data: RecordBatch['data']['children'][number], i: number): Uint8Array {
  const offsets = data.valueOffsets as Int32Array;
  return (data.values as Uint8Array).subarray(offsets[i]!, offsets[i + 1]!);
}

function text(data: RecordBatch['data']['children'][number], i: number): string {
  return utf8.decode(bytesAt(data, i));
}

/** A ChunkSource over chunk-table batches held in memory (tests, small tables, a pre-read chunk table). */
export function chunkSourceFromBatches(batches: readonly RecordBatch[]): ChunkSource {
  return async function* source() {
    for (const b of batches) yield b;
  };
}
