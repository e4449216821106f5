// Key-Value rows → output rows. Per input batch: decode each item's value_metadata into one reused record, skip
// expired items, collect the chunk sets of chunked items and assemble them through the ChunkSource (one request per
// batch), then append id, key, value, value_metadata and write_time to growable column builders. Input order (the
// namespace's clustering order, ASC or DESC) is kept and, where the model states it, checked.
// Layouts: `item` (one row per item, flushed per input batch) and `record` (one row per id with the items as
// list<struct<…>>, flushed at record boundaries, so a record spanning input batches stays whole).

import { RecordBatch, Struct, makeData } from 'apache-arrow';
import type { List } from 'apache-arrow';
import type { Data, Schema as ArrowSchema } from 'apache-arrow';
import { ColumnBuilder } from '../../engine/compaction/arrow-columns.ts';
import { compareBytes } from '../../engine/compaction/reconcile.ts';
import { CassbergError } from '../../engine/errors.ts';
import { BytesColumn, columnData, getInt64, int64Words, isValid } from '../raw.ts';
import { assembleChunks, createChunkStats } from './chunks.ts';
import type { ChunkRef, ChunkSource, ChunkStats } from './chunks.ts';
import { createValueMetadata, crc32 } from './value-metadata.ts';
import type { ValueMetadata, ValueMetadataDecoder } from './value-metadata.ts';

export interface KeyValueStats extends ChunkStats {
  items: number;
  expiredItems: number;
  records: number;
}

export function createKeyValueStats(): KeyValueStats {
  return { ...createChunkStats(), items: 0, expiredItems: 0, records: 0 };
}

export interface ItemReaderConfig {
  decoder: ValueMetadataDecoder;
  chunks: ChunkSource | undefined;
  /** Expected key order within an id, or null to not check. */
  descending: boolean | null;
  layout: 'item' | 'record';
  stats: KeyValueStats;
  /** Output rows of the record layout are flushed once the builders hold this many bytes. */
  maxBatchBytes: number;
}

const MIN_MICROS = -Infinity;

/** The output builders of one layout; `arrowSchema` is toArrowSchema(outputSchema). */
class ItemBuilders {
  readonly id: ColumnBuilder;
  readonly key: ColumnBuilder;
  readonly value: ColumnBuilder;
  readonly metadata: ColumnBuilder;
  readonly writeTime: ColumnBuilder;
  private readonly offsets: number[] = [0];
  private itemCount = 0;

  constructor(private readonly arrowSchema: ArrowSchema, private readonly layout: 'item' | 'record') {
    const leaf = (name: string) => {
      const fields = layout === 'item' ? arrowSchema.fields : ((arrowSchema.fields[1]!.type as List).children[0]!.type as Struct).children;
      return new ColumnBuilder(fields.find((f) => f.name === name)!.type, name === 'write_time' ? 'fixed' : 'bytes', 8, null);
    };
    this.id = new ColumnBuilder(arrowSchema.fields[0]!.type, 'bytes', 0, null);
    this.key = leaf('key');
    this.value = leaf('value');
    this.metadata = leaf('value_metadata');
    this.writeTime = leaf('write_time');
  }

  get rows(): number { return this.layout === 'item' ? this.itemCount : this.offsets.length - 1; }
  get byteSize(): number { return this.id.byteSize + this.key.byteSize + this.value.byteSize + this.metadata.byteSize + this.writeTime.byteSize; }

  /** Record layout: closes the open record. */
  endRecord(): void { this.offsets.push(this.itemCount); }

  appendItem(): void { this.itemCount++; }

  finish(): RecordBatch {
    const leaves: Data[] = [this.key.finish(), this.value.finish(), this.metadata.finish(), this.writeTime.finish()];
    const fields = this.arrowSchema.fields;
    let children: Data[];
    if (this.layout === 'item') children = [this.id.finish(), ...leaves];
    else {
      const listType = fields[1]!.type as List;
      const itemType = listType.children[0]!.type as Struct;
      const items = makeData({ type: itemType, length: this.itemCount, nullCount: 0, children: leaves });
      const list = makeData({ type: listType, length: this.offsets.length - 1, nullCount: 0, valueOffsets: Int32Array.from(this.offsets), child: items });
      children = [this.id.finish(), list];
    }
    const length = this.rows;
    this.offsets.length = 1;
    this.itemCount = 0;
    return new RecordBatch(this.arrowSchema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  }
}

const utf8 = new TextDecoder();

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');

interface BatchColumns {
  ids: BytesColumn; keys: BytesColumn; values: BytesColumn; metadata: BytesColumn;
  wtValue: Data | undefined; wtMeta: Data | undefined; wtValueWords: Int32Array | undefined; wtMetaWords: Int32Array | undefined;
}

function batchColumns(batch: RecordBatch): BatchColumns {
  const wtValue = columnData(batch, 'writetime(value)'), wtMeta = columnData(batch, 'writetime(value_metadata)');
  return {
    ids: new BytesColumn(columnData(batch, 'id', true)), keys: new BytesColumn(columnData(batch, 'key', true)),
    values: new BytesColumn(columnData(batch, 'value', true)), metadata: new BytesColumn(columnData(batch, 'value_metadata', true)),
    wtValue, wtMeta, wtValueWords: wtValue && int64Words(wtValue.values as BigInt64Array), wtMetaWords: wtMeta && int64Words(wtMeta.values as BigInt64Array),
  };
}

/** Pass 1 over a batch: decodes value_metadata, drops expired items, collects chunk sets. Returns the live row count. */
function scanBatch(c: BatchColumns, rows: number, cfg: ItemReaderConfig, meta: ValueMetadata, live: Int32Array, refs: ChunkRef[], refRows: number[]): number {
  let n = 0;
  for (let i = 0; i < rows; i++) {
    if (!c.keys.valid(i)) continue; // a partition without rows: no item
    cfg.decoder.decode(c.metadata.bytes, c.metadata.start(i), c.metadata.valid(i) ? c.metadata.length(i) : -1, meta);
    if (meta.expired) { cfg.stats.expiredItems++; continue; }
    if (meta.chunked) {
      refs.push({ id: utf8.decode(c.ids.view(i)), key: c.keys.view(i).slice(), version: meta.version.slice(), chunkCount: meta.chunkCount, totalLength: meta.totalLength, crc32: meta.hasCrc32 ? meta.crc32 : -1 });
      refRows.push(i);
    } else if (meta.hasCrc32 && c.values.valid(i) && crc32(c.values.bytes, c.values.start(i), c.values.length(i)) !== meta.crc32) {
      throw new CassbergError('DataInvalid', `key-value: id=${JSON.stringify(utf8.decode(c.ids.view(i)))} key=0x${hexOf(c.keys.view(i))}: value crc32 does not match value_metadata`);
    }
    live[n++] = i;
  }
  return n;
}

/** Streams output batches for the KV input batches. */
export async function* transformItems(batches: AsyncIterable<RecordBatch>, arrowSchema: ArrowSchema, cfg: ItemReaderConfig): AsyncGenerator<RecordBatch> {
  const out = new ItemBuilders(arrowSchema, cfg.layout);
  const meta = createValueMetadata();
  let openId: Uint8Array | null = null;
  let lastKey = new Uint8Array(64);
  let lastKeyLength = -1;
  for await (const batch of batches) {
    const c = batchColumns(batch);
    const { ids, keys, values, metadata } = c;
    const live = new Int32Array(batch.numRows);
    const refs: ChunkRef[] = [];
    const refRows: number[] = [];
    const liveCount = scanBatch(c, batch.numRows, cfg, meta, live, refs, refRows);
    if (refs.length > 0 && !cfg.chunks) {
      throw new CassbergError('PreconditionFailed', `key-value: ${refs.length} chunked item(s) (first id=${JSON.stringify(refs[0]!.id)}) but no chunk source was configured`);
    }
    const assembled = refs.length > 0 ? await assembleChunks(refs, cfg.chunks!, cfg.stats) : [];
    // Pass 2: emit in input order.
    let r = 0;
    for (let n = 0; n < liveCount; n++) {
      const i = live[n]!;
      const is = ids.start(i), il = ids.length(i), ks = keys.start(i), kl = keys.length(i);
      const sameId = openId !== null && openId.length === il && compareBytes(openId, 0, il, ids.bytes, is, il) === 0;
      if (sameId && lastKeyLength >= 0 && cfg.descending !== null) {
        const order = compareBytes(lastKey, 0, lastKeyLength, keys.bytes, ks, kl);
        if (cfg.descending ? order <= 0 : order >= 0) {
          throw new CassbergError('DataInvalid', `key-value: id=${JSON.stringify(utf8.decode(openId!))}: keys out of ${cfg.descending ? 'DESC' : 'ASC'} clustering order`);
        }
      }
      if (!sameId) {
        if (cfg.layout === 'record' && openId !== null) {
          out.endRecord();
          cfg.stats.records++;
          if (out.byteSize >= cfg.maxBatchBytes) yield out.finish();
        }
        openId = ids.view(i).slice();
        if (cfg.layout === 'record') out.id.appendValue(ids.bytes, is, il);
      }
      if (kl > lastKey.length) lastKey = new Uint8Array(kl * 2);
      lastKey.set(keys.bytes.subarray(ks, ks + kl));
      lastKeyLength = kl;
      if (cfg.layout === 'item') out.id.appendValue(ids.bytes, is, il);
      out.key.appendValue(keys.bytes, ks, kl);
      if (refRows[r] === i) { const v = assembled[r++]!; out.value.appendValue(v, 0, v.length); }
      else values.appendTo(out.value, i);
      metadata.appendTo(out.metadata, i);
      const t = Math.max(c.wtValue && isValid(c.wtValue, i) ? getInt64(c.wtValueWords!, i) : MIN_MICROS, c.wtMeta && isValid(c.wtMeta, i) ? getInt64(c.wtMetaWords!, i) : MIN_MICROS);
      if (t === MIN_MICROS) out.writeTime.appendNull(); else out.writeTime.appendNumber(t);
      out.appendItem();
      cfg.stats.items++;
    }
    if (cfg.layout === 'item' && out.rows > 0) yield out.finish();
  }
  if (cfg.layout === 'record' && openId !== null) {
    out.endRecord();
    cfg.stats.records++;
  }
  if (out.rows > 0) yield out.finish();
}
