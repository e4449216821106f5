// The one narrow storage interface every reader and writer goes through (style rule 2), plus the byte-source shape the
// SSTable reader consumes. Implementations: s3.ts (any S3-compatible server), local-fs.ts, counting.ts (tests).

import { CassbergError } from '../errors.ts';

export interface ObjectInfo {
  key: string;
  sizeInBytes: number;
  /** Provider checksum without quotes: an MD5 hex for single-part S3 uploads, `<hex>-<parts>` for multipart. */
  etag?: string;
  lastModified?: Date;
}

export interface PutOptions {
  /** Write only when no object exists under the key; `put` then returns false instead of overwriting. */
  ifAbsent?: boolean;
}

export interface ObjectStore {
  /** Human-readable location of a key (`s3://bucket/key`, `/abs/path`), used in every error message. */
  describe(key: string): string;
  /** Every object whose key starts with `prefix`, in key order (recursive, no delimiter). */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Metadata of one object, or undefined when it does not exist. */
  stat(key: string): Promise<ObjectInfo | undefined>;
  /** Size in bytes; throws a PreconditionFailed CassbergError naming the key when absent. */
  size(key: string): Promise<number>;
  /** Bytes [start, end) of an object (whole object by default); the result always has exactly that length. */
  read(key: string, start?: number, end?: number): Promise<Uint8Array>;
  /** Returns false only when `ifAbsent` is set and the key already exists. */
  put(key: string, bytes: Uint8Array, options?: PutOptions): Promise<boolean>;
  delete(key: string): Promise<void>;
}

/** Random-access bytes of one object, as the SSTable reader consumes them. */
export interface ByteSource {
  readonly name: string;
  size(): Promise<number>;
  read(start: number, end: number): Promise<Uint8Array>;
}

export function objectNotFound(location: string, key: string, cause?: unknown): CassbergError {
  return new CassbergError('PreconditionFailed', `object not found: ${location}`, { key, notFound: true }, { cause });
}

export function isObjectNotFound(err: unknown): boolean {
  return err instanceof CassbergError && err.context.notFound === true;
}

/** Validates a [start, end) request against the object size and returns the clamped end. */
export function checkRange(location: string, sizeInBytes: number, start = 0, end = sizeInBytes): number {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end > sizeInBytes) {
    throw new CassbergError('Unexpected', `bad byte range [${start}, ${end}) of ${location} (size ${sizeInBytes})`, {
      key: location,
      start,
      end,
      sizeInBytes,
    });
  }
  return end;
}

/** Joins a root prefix and a relative key with exactly one `/` between non-empty parts. */
export function joinKey(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .map((p, i, all) => {
      let s = p;
      if (i > 0) s = s.replace(/^\/+/, '');
      if (i < all.length - 1) s = s.replace(/\/+$/, '');
      return s;
    })
    .join('/');
}

/** Reads an object as UTF-8 text. */
export async function readText(store: ObjectStore, key: string): Promise<string> {
  return new TextDecoder().decode(await store.read(key));
}
