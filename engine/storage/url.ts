// Storage URLs → an ObjectStore plus the root prefix inside it: `s3://bucket/prefix` and `file:///abs/path`.

import { fileURLToPath } from 'node:url';
import { InvalidConfigError } from '../errors.ts';
import { LocalObjectStore } from './local-fs.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3Client, S3ObjectStore, type S3ClientOptions } from './s3.ts';

export type StorageLocation =
  | { scheme: 's3'; bucket: string; prefix: string }
  | { scheme: 'file'; dir: string; prefix: string };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export function parseStorageUrl(url: string): StorageLocation {
  const s3 = /^s3a?:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (s3) {
    const bucket = s3[1]!;
    if (!BUCKET.test(bucket)) throw new InvalidConfigError(`invalid S3 bucket name "${bucket}" in ${url}`, { url });
    const prefix = (s3[2] ?? '').replace(/\/+$/, '');
    if (prefix.split('/').some((s) => s === '..' || s === '.')) throw new InvalidConfigError(`invalid prefix in ${url}`, { url });
    return { scheme: 's3', bucket, prefix };
  }
  if (url.startsWith('file://')) {
    let dir: string;
    try {
      dir = fileURLToPath(url);
    } catch (err) {
      throw new InvalidConfigError(`invalid file URL ${url}: ${(err as Error).message}`, { url });
    }
    return { scheme: 'file', dir: dir.replace(/\/+$/, '') || '/', prefix: '' };
  }
  throw new InvalidConfigError(`unsupported storage URL "${url}": expected s3://bucket/prefix or file:///path`, { url });
}

export interface OpenedStore {
  store: ObjectStore;
  /** Key prefix of the location inside the store ('' for the store root); no trailing slash. */
  root: string;
  location: StorageLocation;
}

export function openStore(url: string, s3Options: S3ClientOptions = {}): OpenedStore {
  const location = parseStorageUrl(url);
  if (location.scheme === 's3') {
    return { store: new S3ObjectStore(createS3Client(s3Options), location.bucket), root: location.prefix, location };
  }
  return { store: new LocalObjectStore(location.dir), root: '', location };
}
