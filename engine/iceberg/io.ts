// The narrow storage interface the Iceberg writer needs, with a local-disk implementation for
// `file://` warehouses. engine/storage can be adapted to it (read/write/exists/delete by URI).

import { CassbergError } from '../errors.ts';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FileIO {
  read(location: string): Promise<Uint8Array>;
  /** Writes the whole object; `ifAbsent` fails with an error when it already exists. */
  write(location: string, bytes: Uint8Array, opts?: { ifAbsent?: boolean }): Promise<void>;
  exists(location: string): Promise<boolean>;
  delete(location: string): Promise<void>;
}

function localPath(location: string): string {
  if (!location.startsWith('file:')) throw new CassbergError('DataInvalid', `io: local FileIO needs a file:// location, got ${location}`);
  return fileURLToPath(location);
}

export class LocalFileIO implements FileIO {
  async read(location: string): Promise<Uint8Array> {
    return new Uint8Array(await readFile(localPath(location)));
  }

  async write(location: string, bytes: Uint8Array, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const path = localPath(location);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes, { flag: opts.ifAbsent ? 'wx' : 'w' });
  }

  async exists(location: string): Promise<boolean> {
    try {
      await stat(localPath(location));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async delete(location: string): Promise<void> {
    await rm(localPath(location), { force: true });
  }
}

/** The subset of engine/storage's ObjectStore this adapter needs (kept structural to stay narrow). */
export interface ObjectStoreLike {
  read(key: string, start?: number, end?: number): Promise<Uint8Array>;
  put(key: string, bytes: Uint8Array, options?: { ifAbsent?: boolean }): Promise<boolean>;
  stat(key: string): Promise<unknown>;
  delete(key: string): Promise<void>;
}

/**
 * FileIO over an object store: locations under `urlPrefix` (e.g. `s3://bucket/warehouse`) map to
 * keys under `keyPrefix` in `store`; anything else is refused rather than written elsewhere.
 */
export class ObjectStoreFileIO implements FileIO {
  private readonly urlPrefix: string;
  private readonly keyPrefix: string;

  constructor(private readonly store: ObjectStoreLike, urlPrefix: string, keyPrefix = '') {
    this.urlPrefix = urlPrefix.replace(/\/+$/, '');
    this.keyPrefix = keyPrefix.replace(/\/+$/, '');
  }

  private keyOf(location: string): string {
    if (!location.startsWith(this.urlPrefix + '/')) {
      throw new CassbergError('DataInvalid', `io: ${location} is outside ${this.urlPrefix}`);
    }
    const rest = location.slice(this.urlPrefix.length + 1);
    return this.keyPrefix ? `${this.keyPrefix}/${rest}` : rest;
  }

  read(location: string): Promise<Uint8Array> { return this.store.read(this.keyOf(location)); }

  async write(location: string, bytes: Uint8Array, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const ok = await this.store.put(this.keyOf(location), bytes, opts);
    if (!ok) throw new CassbergError('PreconditionFailed', `io: ${location} already exists`, { location });
  }

  async exists(location: string): Promise<boolean> { return (await this.store.stat(this.keyOf(location))) !== undefined; }

  delete(location: string): Promise<void> { return this.store.delete(this.keyOf(location)); }
}
