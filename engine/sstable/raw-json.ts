// The unfiltered stream in the JSON shape of `sstabledump` (tools/JsonTransformer.java): one object per partition
// with `partition` (key, position, deletion_info) and `rows` (static_block / row / range_tombstone_bound /
// range_tombstone_boundary with clustering, liveness_info, deletion_info and cells). Nothing is filtered out.

import { ByteReader } from './byte-reader.ts';
import { EXCL_START_BOUND, INCL_END_BOUND, INCL_END_EXCL_START_BOUNDARY, INCL_START_BOUND, isBoundaryKind } from './clustering.ts';
import { hexString, toJson } from './cql-json.ts';
import { splitPartitionKey } from './cql-rows.ts';
import { NO_DELETION_TIME, NO_TIMESTAMP } from './deletion-time.ts';
import { MARKER, PARTITION_END, STATIC_ROW } from './partition-scanner.ts';
import type { PartitionScanner } from './partition-scanner.ts';
import type { TableModel } from './table-model.ts';
import { parseCassandraType, unreversed } from './type-parser.ts';
import type { CassandraType } from './type-parser.ts';
import { CELL_IS_DELETED, CELL_IS_EXPIRING } from './unfiltered.ts';
import type { Unfiltered } from './unfiltered.ts';

function isoMicros(micros: number): string {
  if (micros === NO_TIMESTAMP) return 'none';
  const ms = Math.floor(micros / 1000);
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(micros) : d.toISOString().replace(/\.(\d{3})Z$/, (_m, f: string) => `.${f}${String(micros % 1000).padStart(3, '0')}Z`);
}

function isoSeconds(sec: number): string {
  if (sec === NO_DELETION_TIME) return 'none';
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString().replace('.000Z', 'Z');
}

function deletionInfo(markedForDeleteAt: number, localDeletionTime: number) {
  return { marked_deleted: isoMicros(markedForDeleteAt), local_delete_time: isoSeconds(localDeletionTime) };
}

const utf8 = new TextDecoder();

function parse(json: string): unknown { return JSON.parse(json); }

/** AbstractType.getString, as sstabledump prints partition key components and cell paths: text as is, numbers in
 *  Java form, blobs and frozen collections as bare hex, tuples and UDTs as `a:b:c` (`\\:` and `\\@` escaped, `@` null). */
export function typeString(type: CassandraType, bytes: Uint8Array, start: number, length: number): string {
  const t = unreversed(type);
  switch (t.name) {
    case 'AsciiType': case 'UTF8Type': return utf8.decode(bytes.subarray(start, start + length));
    case 'BytesType': case 'ListType': case 'SetType': case 'MapType': case 'VectorType':
      return hexString(bytes, start, length);
    case 'TupleType': case 'UserType': return fieldsString(t, bytes, start, length);
    case 'FloatType': case 'DoubleType': { // Float/Double.toString: NaN and Infinity too (JSON prints null)
      if (length === 0) break;
      const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
      const v = t.name === 'FloatType' ? view.getFloat32(0) : view.getFloat64(0);
      if (!Number.isFinite(v)) return String(v);
    }
  }
  const json = parse(toJson(t, bytes, start, length));
  return typeof json === 'string' ? json : toJson(t, bytes, start, length);
}

function fieldsString(type: CassandraType, bytes: Uint8Array, start: number, length: number): string {
  const r = new ByteReader(bytes.subarray(start, start + length), 'frozen value');
  const parts: string[] = [];
  for (let i = 0; i < type.params.length && r.remaining > 0; i++) {
    const n = r.readInt32();
    if (n < 0) { parts.push('@'); continue; }
    const b = r.readBytes(n);
    parts.push(typeString(type.params[i]!, b, 0, n).replace(/:/g, '\\:').replace(/@/g, '\\@'));
  }
  return parts.join(':');
}

function clustering(u: Unfiltered, model: TableModel): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < u.clusteringSize; i++) {
    const len = u.clusteringLength[i]!;
    const type = model.clustering[i]?.type;
    out.push(len < 0 ? null : type ? parse(toJson(type, u.bytes, u.clusteringStart[i]!, len)) : null);
  }
  return out;
}

/** The value type of a cell (CollectionType.valueComparator: EmptyType for sets; the field type of a UDT). */
function cellValueType(type: CassandraType, u: Unfiltered, i: number): CassandraType | null {
  if (!type.multiCell) return type;
  if (type.name === 'SetType') return null;
  if (type.name === 'MapType') return type.params[1]!;
  if (type.name === 'UserType') return type.params[fieldIndex(u, i)] ?? null;
  return type.params[0]!;
}

function fieldIndex(u: Unfiltered, i: number): number {
  const ps = u.cellPathStart[i]!;
  return u.cellPathLength[i] === 2 ? (u.bytes[ps]! << 8) | u.bytes[ps + 1]! : -1;
}

function cellPath(type: CassandraType, u: Unfiltered, i: number): string {
  const ps = u.cellPathStart[i]!, pl = u.cellPathLength[i]!;
  if (type.name === 'UserType') return type.fieldNames?.[fieldIndex(u, i)] ?? hexString(u.bytes, ps, pl);
  const pathType = type.name === 'ListType' ? TIMEUUID : type.params[0];
  return pathType ? typeString(pathType, u.bytes, ps, pl) : hexString(u.bytes, ps, pl);
}

const TIMEUUID = parseCassandraType('TimeUUIDType');

function cellJson(u: Unfiltered, i: number, model: TableModel, isStatic: boolean): Record<string, unknown> {
  const h = u.columns[u.cellColumn[i]!]!;
  const type = (isStatic ? model.statics : model.regulars)[u.cellColumn[i]!]?.type ?? h.type;
  const cell: Record<string, unknown> = { name: h.name };
  if (u.cellPathLength[i]! >= 0) cell['path'] = [cellPath(type, u, i)];
  const flags = u.cellFlags[i]!;
  if (flags & CELL_IS_DELETED) cell['deletion_info'] = { local_delete_time: isoSeconds(u.cellLocalDeletionTime[i]!) };
  else {
    const valueType = cellValueType(type, u, i);
    cell['value'] = valueType ? parse(toJson(valueType, u.bytes, u.cellValueStart[i]!, u.cellValueLength[i]!)) : '';
  }
  const noLiveness = u.livenessTimestamp === NO_TIMESTAMP;
  if (noLiveness || u.cellTimestamp[i] !== u.livenessTimestamp) cell['tstamp'] = isoMicros(u.cellTimestamp[i]!);
  if (flags & CELL_IS_EXPIRING && (noLiveness || u.cellTtl[i] !== u.livenessTtl)) {
    cell['ttl'] = u.cellTtl[i]!;
    cell['expires_at'] = isoSeconds(u.cellLocalDeletionTime[i]!);
  }
  return cell;
}

/** Column by column (JsonTransformer.serializeColumnData): a complex column's deletion, then its cells. */
function cells(u: Unfiltered, model: TableModel, isStatic: boolean): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  for (let c = 0; c < u.columns.length; c++) {
    for (let k = 0; k < u.complexDeletionCount; k++) {
      if (u.complexDeletionColumn[k] !== c) continue;
      out.push({ name: u.columns[c]!.name, deletion_info: deletionInfo(u.complexDeletionMarkedForDeleteAt[k]!, u.complexDeletionLocalDeletionTime[k]!) });
    }
    for (; i < u.cellCount && u.cellColumn[i] === c; i++) out.push(cellJson(u, i, model, isStatic));
  }
  for (; i < u.cellCount; i++) out.push(cellJson(u, i, model, isStatic)); // out of column order: keep them all
  return out;
}

function withClustering(u: Unfiltered, model: TableModel): Record<string, unknown> {
  return u.clusteringSize > 0 ? { clustering: clustering(u, model) } : {};
}

/** JsonTransformer.serializeBound: `start`/`end` → { type: inclusive|exclusive, clustering?, deletion_info }. */
function bound(u: Unfiltered, model: TableModel, side: 'start' | 'end', inclusive: boolean, markedForDeleteAt: number, localDeletionTime: number) {
  return { [side]: { type: inclusive ? 'inclusive' : 'exclusive', ...withClustering(u, model), deletion_info: deletionInfo(markedForDeleteAt, localDeletionTime) } };
}

function markerJson(u: Unfiltered, model: TableModel): Record<string, unknown> {
  const close = (inclusive: boolean) => bound(u, model, 'end', inclusive, u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime);
  if (isBoundaryKind(u.kind)) {
    const closeInclusive = u.kind === INCL_END_EXCL_START_BOUNDARY;
    return { type: 'range_tombstone_boundary', ...bound(u, model, 'start', !closeInclusive, u.openMarkedForDeleteAt, u.openLocalDeletionTime), ...close(closeInclusive) };
  }
  const isStart = u.kind === INCL_START_BOUND || u.kind === EXCL_START_BOUND;
  return {
    type: 'range_tombstone_bound',
    ...(isStart ? bound(u, model, 'start', u.kind === INCL_START_BOUND, u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime) : close(u.kind === INCL_END_BOUND)),
  };
}

function isEmptyRow(u: Unfiltered): boolean {
  return u.livenessTimestamp === NO_TIMESTAMP && u.deletionMarkedForDeleteAt === NO_TIMESTAMP && u.cellCount === 0 && u.complexDeletionCount === 0;
}

function unfilteredJson(u: Unfiltered, model: TableModel, ev: number): Record<string, unknown> {
  if (ev === MARKER) return markerJson(u, model);
  const isStatic = ev === STATIC_ROW;
  const row: Record<string, unknown> = { type: isStatic ? 'static_block' : 'row', position: u.position };
  if (!isStatic) Object.assign(row, withClustering(u, model));
  if (u.livenessTimestamp !== NO_TIMESTAMP) {
    const info: Record<string, unknown> = { tstamp: isoMicros(u.livenessTimestamp) };
    if (u.livenessTtl > 0) { info['ttl'] = u.livenessTtl; info['expires_at'] = isoSeconds(u.livenessExpirationSec); }
    row['liveness_info'] = info;
  }
  if (u.deletionMarkedForDeleteAt !== NO_TIMESTAMP) row['deletion_info'] = deletionInfo(u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime);
  row['cells'] = cells(u, model, isStatic);
  return row;
}

/** Emits one sstabledump-shaped JSON object per partition; returns the number of partitions. */
export async function forEachRawPartition(scanner: PartitionScanner, model: TableModel, emit: (json: string) => void): Promise<number> {
  let partitions = 0;
  while (await scanner.nextPartition()) {
    const key = splitPartitionKey(model, scanner.partitionKey, scanner.name);
    const partition: Record<string, unknown> = {
      key: model.partitionKey.map((c, i) => typeString(c.type, key[i]!, 0, key[i]!.length)),
      position: scanner.partitionPosition,
    };
    if (scanner.partitionMarkedForDeleteAt !== NO_TIMESTAMP) {
      partition['deletion_info'] = deletionInfo(scanner.partitionMarkedForDeleteAt, scanner.partitionLocalDeletionTime);
    }
    const rows: unknown[] = [];
    for (;;) {
      const ev = await scanner.nextUnfiltered();
      if (ev === PARTITION_END) break;
      if (ev === STATIC_ROW && isEmptyRow(scanner.unfiltered)) continue; // SSTableExport skips an empty static row
      rows.push(unfilteredJson(scanner.unfiltered, model, ev));
    }
    emit(JSON.stringify({ partition, rows }));
    partitions++;
  }
  return partitions;
}
