// The unfiltered stream in the JSON shape of `sstabledump` (tools/JsonTransformer.java): one object per partition
// with `partition` (key, position, deletion_info) and `rows` (static_block / row / range_tombstone_bound /
// range_tombstone_boundary with clustering, liveness_info, deletion_info and cells). Nothing is filtered out.

import { isBoundaryKind, KIND_NAMES } from './clustering.ts';
import { toJson } from './cql-json.ts';
import { splitPartitionKey } from './cql-rows.ts';
import { NO_DELETION_TIME, NO_TIMESTAMP } from './deletion-time.ts';
import { MARKER, PARTITION_END, STATIC_ROW } from './partition-scanner.ts';
import type { PartitionScanner } from './partition-scanner.ts';
import type { TableModel } from './table-model.ts';
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

function parse(json: string): unknown { return JSON.parse(json); }

function clustering(u: Unfiltered, model: TableModel): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < u.clusteringSize; i++) {
    const len = u.clusteringLength[i]!;
    const type = model.clustering[i]?.type;
    out.push(len < 0 ? null : type ? parse(toJson(type, u.bytes, u.clusteringStart[i]!, len)) : null);
  }
  return out;
}

function cells(u: Unfiltered, model: TableModel, isStatic: boolean): unknown[] {
  const cols = isStatic ? model.statics : model.regulars;
  const out: unknown[] = [];
  for (let k = 0; k < u.complexDeletionCount; k++) {
    const col = u.columns[u.complexDeletionColumn[k]!]!;
    out.push({ name: col.name, deletion_info: deletionInfo(u.complexDeletionMarkedForDeleteAt[k]!, u.complexDeletionLocalDeletionTime[k]!) });
  }
  for (let i = 0; i < u.cellCount; i++) {
    const h = u.columns[u.cellColumn[i]!]!;
    const col = cols[u.cellColumn[i]!];
    const cell: Record<string, unknown> = { name: h.name };
    const type = col?.type ?? h.type;
    if (u.cellPathLength[i]! >= 0) {
      const ps = u.cellPathStart[i]!, pl = u.cellPathLength[i]!;
      const pathType = type.name === 'MapType' || type.name === 'SetType' ? type.params[0] : undefined;
      cell['path'] = [pathType ? parse(toJson(pathType, u.bytes, ps, pl)) : Buffer.from(u.bytes.subarray(ps, ps + pl)).toString('hex')];
    }
    const flags = u.cellFlags[i]!;
    if (flags & CELL_IS_DELETED) cell['deletion_info'] = { local_delete_time: isoSeconds(u.cellLocalDeletionTime[i]!) };
    else {
      const valueType = type.multiCell ? (type.name === 'MapType' ? type.params[1]! : type.name === 'UserType' ? type.params[(u.bytes[u.cellPathStart[i]!]! << 8) | u.bytes[u.cellPathStart[i]! + 1]!] : type.params[0]!) : type;
      const vl = u.cellValueLength[i]!;
      cell['value'] = valueType && (vl > 0 || valueType.fixedLength <= 0) ? parse(toJson(valueType, u.bytes, u.cellValueStart[i]!, vl)) : null;
    }
    if (u.cellTimestamp[i] !== u.livenessTimestamp) cell['tstamp'] = isoMicros(u.cellTimestamp[i]!);
    if (flags & CELL_IS_EXPIRING) {
      cell['ttl'] = u.cellTtl[i]!;
      cell['expires_at'] = isoSeconds(u.cellLocalDeletionTime[i]!);
    }
    out.push(cell);
  }
  return out;
}

function unfilteredJson(u: Unfiltered, model: TableModel, ev: number): Record<string, unknown> {
  if (ev === MARKER) {
    const bound = { clustering: clustering(u, model), kind: KIND_NAMES[u.kind] };
    if (isBoundaryKind(u.kind)) {
      return {
        type: 'range_tombstone_boundary', position: u.position, ...bound,
        end: { deletion_info: deletionInfo(u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime) },
        start: { deletion_info: deletionInfo(u.openMarkedForDeleteAt, u.openLocalDeletionTime) },
      };
    }
    return { type: 'range_tombstone_bound', position: u.position, ...bound, deletion_info: deletionInfo(u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime) };
  }
  const isStatic = ev === STATIC_ROW;
  const row: Record<string, unknown> = { type: isStatic ? 'static_block' : 'row', position: u.position };
  if (!isStatic) row['clustering'] = clustering(u, model);
  if (u.livenessTimestamp !== NO_TIMESTAMP) {
    const info: Record<string, unknown> = { tstamp: isoMicros(u.livenessTimestamp) };
    if (u.livenessTtl > 0) { info['ttl'] = u.livenessTtl; info['expires_at'] = isoSeconds(u.livenessExpirationSec); }
    row['liveness_info'] = info;
  }
  if (u.deletionMarkedForDeleteAt !== NO_TIMESTAMP) {
    row['deletion_info'] = { ...deletionInfo(u.deletionMarkedForDeleteAt, u.deletionLocalDeletionTime), ...(u.deletionShadowable ? { shadowable: true } : {}) };
  }
  row['cells'] = cells(u, model, isStatic);
  return row;
}

/** Emits one sstabledump-shaped JSON object per partition; returns the number of partitions. */
export async function forEachRawPartition(scanner: PartitionScanner, model: TableModel, emit: (json: string) => void): Promise<number> {
  let partitions = 0;
  while (await scanner.nextPartition()) {
    const key = splitPartitionKey(model, scanner.partitionKey, scanner.name);
    const partition: Record<string, unknown> = {
      key: model.partitionKey.map((c, i) => parse(toJson(c.type, key[i]!, 0, key[i]!.length))),
      position: scanner.partitionPosition,
    };
    if (scanner.partitionMarkedForDeleteAt !== NO_TIMESTAMP) {
      partition['deletion_info'] = deletionInfo(scanner.partitionMarkedForDeleteAt, scanner.partitionLocalDeletionTime);
    }
    const rows: unknown[] = [];
    for (;;) {
      const ev = await scanner.nextUnfiltered();
      if (ev === PARTITION_END) break;
      rows.push(unfilteredJson(scanner.unfiltered, model, ev));
    }
    emit(JSON.stringify({ partition, rows }));
    partitions++;
  }
  return partitions;
}
