// The serialization header (db/SerializationHeader.java Component, db/rows/EncodingStats.java): EncodingStats
// minimums every Data.db timestamp, local deletion time and TTL is delta-encoded against, the partition key type,
// the clustering types and the static and regular columns with their types. Data.db is decoded with these types,
// never with today's schema (trap 13).

import type { ByteReader } from './byte-reader.ts';
import { parseCassandraType } from './type-parser.ts';
import type { CassandraType } from './type-parser.ts';

/** EncodingStats epochs: 2015-09-22T00:00:00Z in µs and in seconds. */
export const TIMESTAMP_EPOCH_MICROS = 1442880000000000n;
export const DELETION_TIME_EPOCH_SEC = 1442880000;

export interface HeaderColumn {
  name: string;
  nameBytes: Uint8Array;
  type: CassandraType;
  /** Multi-cell (non-frozen collection or UDT): a complex column. */
  isComplex: boolean;
}

export interface SerializationHeader {
  minTimestampMicros: bigint;
  minLocalDeletionTimeSec: number;
  minTtlSec: number;
  keyType: CassandraType;
  clusteringTypes: CassandraType[];
  /** In Columns order: simple columns first, then complex, each by unsigned name bytes (trap 5). */
  staticColumns: HeaderColumn[];
  regularColumns: HeaderColumn[];
}

const utf8 = new TextDecoder();

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Columns.java order: simple before complex, then by unsigned name bytes. */
export function sortColumns(columns: HeaderColumn[]): HeaderColumn[] {
  return columns.sort((a, b) => (a.isComplex === b.isComplex ? compareBytes(a.nameBytes, b.nameBytes) : a.isComplex ? 1 : -1));
}

function readType(r: ByteReader, topLevel: boolean): CassandraType {
  return parseCassandraType(utf8.decode(r.readWithVIntLength('type name')), topLevel);
}

function readColumns(r: ByteReader): HeaderColumn[] {
  const n = r.readLength('column count');
  if (n > r.remaining) r.fail(`${n} columns in ${r.remaining} bytes`);
  const out: HeaderColumn[] = [];
  for (let i = 0; i < n; i++) {
    const nameBytes = r.readWithVIntLength('column name').slice();
    const type = readType(r, true);
    out.push({ name: utf8.decode(nameBytes), nameBytes, type, isComplex: type.multiCell });
  }
  return sortColumns(out);
}

export function parseSerializationHeader(r: ByteReader): SerializationHeader {
  const minTimestampMicros = BigInt.asIntN(64, r.readUnsignedVInt64() + TIMESTAMP_EPOCH_MICROS);
  const minLocalDeletionTimeSec = (r.readUnsignedVInt32() + DELETION_TIME_EPOCH_SEC) | 0;
  const minTtlSec = r.readUnsignedVInt32();
  const keyType = readType(r, false);
  const n = r.readLength('clustering type count');
  if (n > r.remaining) r.fail(`${n} clustering types in ${r.remaining} bytes`);
  const clusteringTypes: CassandraType[] = [];
  for (let i = 0; i < n; i++) clusteringTypes.push(readType(r, false));
  const staticColumns = readColumns(r);
  const regularColumns = readColumns(r);
  return { minTimestampMicros, minLocalDeletionTimeSec, minTtlSec, keyType, clusteringTypes, staticColumns, regularColumns };
}
