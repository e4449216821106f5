// ObjectStore over a local directory: keys are `/`-separated paths below `rootDir`. Writes go to a temporary file
// first and are published with rename (overwrite) or link (ifAbsent, atomic "create only").

import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, link, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { CassbergError } from '../errors.ts';
import { checkRange, objectNotFound, type ObjectInfo, type ObjectStore, type PutOptions } from './object-store.ts';

export class LocalObjectStore implements ObjectStore {
  readonly rootDir: string;

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
  }

  describe(key: string): string {
    return join(this.rootDir, key);
  }

  private pathOf(key: string): string {
    if (key.startsWith('/') || key.split('/').some((s) => s === '..')) {
      throw new CassbergError('DataInvalid', `key escapes the store root: ${key}`, { key });
    }
    const path = resolve(this.rootDir, key);
    if (path !== this.rootDir && !path.startsWith(this.rootDir + sep)) {
      throw new CassbergError('DataInvalid', `key escapes the store root: ${key}`, { key });
    }
    return path;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const slash = prefix.lastIndexOf('/');
    const startDir = slash < 0 ? '' : prefix.slice(0, slash);
    const keys: string[] = [];
    await this.walk(startDir, keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      const info = await this.stat(key);
      if (info) yield info;
    }
  }

  private async walk(dirKey: string, out: string[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(this.pathOf(dirKey), { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      const key = dirKey ? `${dirKey}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(key, out);
      else if (entry.isFile() && !entry.name.startsWith('.cassberg-tmp-')) out.push(key);
    }
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      if (!s.isFile()) return undefined;
      return { key, sizeInBytes: s.size, lastModified: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    const info = await this.stat(key);
    if (!info) throw objectNotFound(this.describe(key), key);
    return info.sizeInBytes;
  }

  async read(key: string, start = 0, end?: number): Promise<Uint8Array> {
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw objectNotFound(this.describe(key), key, err);
      throw err;
    }
    try {
      const sizeInBytes = (await handle.stat()).size;
      const stop = checkRange(this.describe(key), sizeInBytes, start, end ?? sizeInBytes);
      const out = new Uint8Array(stop - start);
      let filled = 0;
      while (filled < out.length) {
        const { bytesRead } = await handle.read(out, filled, out.length - filled, start + filled);
        if (bytesRead === 0) {
          throw new CassbergError('Unexpected', `short read of ${this.describe(key)}: ${filled} of ${out.length} bytes`, { key });
        }
        filled += bytesRead;
      }
      return out;
    } finally {
      await handle.close();
    }
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<boolean> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = join(dirname(path), `.cassberg-tmp-${randomBytes(6).toString('hex')}`);
    await writeFile(tmp, bytes);
    try {
      if (!options.ifAbsent) {
        await rename(tmp, path);
        return true;
      }
      try {
        await link(tmp, path);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }
}
