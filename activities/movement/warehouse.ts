// The warehouse as the movement activities see it: a FileIO over its URL (file:// or s3://), the deterministic
// locations of plans, split results and tables, and the JSON form of DataFile descriptors (bigints and bytes as
// strings, Maps as entry lists), so split results survive JSON and thread boundaries.
import { LocalFileIO, ObjectStoreFileIO, type FileIO } from '../../engine/iceberg/io.ts';
import type { DataFile } from '../../engine/iceberg/spec/manifest.ts';
import type { IcebergValue } from '../../engine/iceberg/spec/conversions.ts';
import type { S3ClientOptions } from '../../engine/storage/s3.ts';
import { openStore } from '../../engine/storage/url.ts';

export function createWarehouseIo(url: string, s3: S3ClientOptions): FileIO {
  if (url.startsWith('file://')) return new LocalFileIO();
  const opened = openStore(url, s3);
  return new ObjectStoreFileIO(opened.store, url, opened.root);
}

/** A location under the warehouse URL for a warehouse-relative key. */
export function warehouseLocation(warehouseUrl: string, key: string): string {
  return `${warehouseUrl.replace(/\/+$/, '')}/${key.replace(/^\/+/, '')}`;
}

export function planKeyOf(movementId: string, connector: string): string {
  return `_cassberg/plans/${movementId}/${connector}.json`;
}

export function tableLocationOf(warehouseUrl: string, namespace: string, table: string): string {
  return warehouseLocation(warehouseUrl, `${namespace}/${table}`);
}

/** Commit ids from workflow ids (`move-1/shadow`) as the file-name-safe token Iceberg commits require. */
export function safeCommitId(commitId: string): string {
  return commitId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128);
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export async function writeJson(io: FileIO, location: string, value: unknown): Promise<number> {
  const bytes = enc.encode(JSON.stringify(value, null, 1));
  await io.write(location, bytes);
  return bytes.length;
}

export async function readJson<T>(io: FileIO, location: string): Promise<T> {
  return JSON.parse(dec.decode(await io.read(location))) as T;
}

type JsonValue = { t: 'bigint' | 'bytes'; v: string } | boolean | number | string | null;

function valueToJson(v: IcebergValue | null): JsonValue {
  if (typeof v === 'bigint') return { t: 'bigint', v: String(v) };
  if (v instanceof Uint8Array) return { t: 'bytes', v: Buffer.from(v).toString('hex') };
  return v;
}

function valueFromJson(v: JsonValue): IcebergValue | null {
  if (v !== null && typeof v === 'object') return v.t === 'bigint' ? BigInt(v.v) : new Uint8Array(Buffer.from(v.v, 'hex'));
  return v;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'));

export function dataFileToJson(f: DataFile): Record<string, unknown> {
  return {
    ...f,
    partition: f.partition.map(valueToJson),
    columnSizes: [...f.columnSizes], valueCounts: [...f.valueCounts], nullValueCounts: [...f.nullValueCounts],
    nanValueCounts: [...f.nanValueCounts],
    lowerBounds: [...f.lowerBounds].map(([k, v]) => [k, hex(v)]),
    upperBounds: [...f.upperBounds].map(([k, v]) => [k, hex(v)]),
  };
}

export function dataFileFromJson(j: Record<string, unknown>): DataFile {
  const m = (k: string) => new Map(j[k] as Array<[number, number]>);
  const b = (k: string) => new Map((j[k] as Array<[number, string]>).map(([id, h]) => [id, bytes(h)]));
  return {
    ...(j as unknown as DataFile),
    partition: (j.partition as JsonValue[]).map(valueFromJson),
    columnSizes: m('columnSizes'), valueCounts: m('valueCounts'), nullValueCounts: m('nullValueCounts'), nanValueCounts: m('nanValueCounts'),
    lowerBounds: b('lowerBounds'), upperBounds: b('upperBounds'),
  };
}
