// Table operations over a catalog: create, load, and commit with compare-and-swap and retry.
// A commit writes `NNNNN-<uuid>.metadata.json` and swaps the catalog pointer; nothing is visible
// before the swap. On a lost race the attempt's own files are deleted and the change is rebuilt
// from fresh metadata; when the outcome is unknown nothing is deleted. With a catalog that writes
// metadata itself (REST), the changes go to the server instead and no metadata file is written here.

import { createHash, randomUUID } from 'node:crypto';
import { CassbergError, CommitConflictError, CommitStateUnknownError } from '../errors.ts';
import type { FileIO } from './io.ts';
import { writesMetadata, type Catalog, type ServerSideCatalog } from './catalog/catalog.ts';
import type { TableIdentifier } from './catalog/sql.ts';
import { readTableMetadata, writeTableMetadata } from './spec/table-metadata-serde.ts';
import type { TableMetadata } from './spec/table-metadata.ts';
import { applyUpdates, checkRequirements, newTableMetadata, type NewTableInput, type TableChanges } from './spec/table-update.ts';

export interface LoadedTable { id: TableIdentifier; metadata: TableMetadata; metadataLocation: string }

/** A UUID-shaped name derived from a seed, so a retried activity names its objects the same way. */
export function deriveUuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A positive 63-bit snapshot id derived from a seed (Java derives one from a random UUID). */
export function deriveSnapshotId(seed: string): bigint {
  const h = createHash('sha256').update(seed).digest();
  return h.readBigInt64BE(0) & 0x7fffffffffffffffn || 1n;
}

export function metadataFileLocation(tableLocation: string, version: number, uuid: string): string {
  return `${tableLocation}/metadata/${String(version).padStart(5, '0')}-${uuid}.metadata.json`;
}

/** Version parsed from `NNNNN-<uuid>.metadata.json`; -1 when the name does not follow it (as PyIceberg). */
export function parseMetadataVersion(location: string): number {
  const m = /^(\d+)-([0-9a-f-]{36})\.metadata\.json$/i.exec(location.split('/').pop() ?? '');
  return m ? Number(m[1]) : -1;
}

export interface TableContext { catalog: Catalog; io: FileIO }

export async function loadTable(ctx: TableContext, id: TableIdentifier): Promise<LoadedTable> {
  if (writesMetadata(ctx.catalog)) {
    const t = await ctx.catalog.loadTable(id);
    if (!t) throw new CassbergError('PreconditionFailed', `table ${id.namespace.join('.')}.${id.name} does not exist`);
    return { id, ...t };
  }
  const metadataLocation = await ctx.catalog.metadataLocation(id);
  if (!metadataLocation) throw new CassbergError('PreconditionFailed', `table ${id.namespace.join('.')}.${id.name} does not exist`);
  return { id, metadataLocation, metadata: readTableMetadata(await ctx.io.read(metadataLocation)) };
}

export async function tableExists(ctx: TableContext, id: TableIdentifier): Promise<boolean> {
  if (writesMetadata(ctx.catalog)) return (await ctx.catalog.loadTable(id)) !== null;
  return (await ctx.catalog.metadataLocation(id)) !== null;
}

/**
 * Writes metadata version 0 and registers it; the table's files go under `input.location`. A
 * catalog that writes metadata itself creates the table from the same schema, spec and properties,
 * but assigns its own table UUID (and may re-assign field ids): use the returned metadata.
 */
export async function createTable(ctx: TableContext, id: TableIdentifier, input: Omit<NewTableInput, 'nowMs'> & { nowMs?: number }): Promise<LoadedTable> {
  const metadata = newTableMetadata({ ...input, nowMs: input.nowMs ?? Date.now() });
  if (writesMetadata(ctx.catalog)) {
    const t = await ctx.catalog.createTable(id, { location: metadata.location, schema: metadata.schemas[0]!, spec: metadata.partitionSpecs[0]!, properties: metadata.properties });
    return { id, ...t };
  }
  // Random name: a repeated create that loses on "already exists" deletes only its own file.
  const metadataLocation = metadataFileLocation(metadata.location, 0, randomUUID());
  await ctx.io.write(metadataLocation, writeTableMetadata(metadata));
  try {
    await ctx.catalog.registerTable(id, metadataLocation);
  } catch (err) {
    await ctx.io.delete(metadataLocation);
    throw err;
  }
  return { id, metadata, metadataLocation };
}

export interface CommitOptions {
  /** Names the commit in errors. */
  commitId: string;
  maxAttempts?: number;
  minWaitMs?: number;
  maxWaitMs?: number;
  now?: () => number;
}

/** What a commit builds from the metadata it starts from; null means "already done, no-op". */
export type ChangeBuilder = (base: LoadedTable, attempt: number) => Promise<(TableChanges & { cleanup?: string[] }) | null>;

export interface CommitResult { table: LoadedTable; committed: boolean; attempts: number }

/**
 * Loads the table, builds changes, writes the next metadata file and swaps the pointer; on a lost
 * race deletes that attempt's files (metadata and `cleanup`), waits with jittered backoff and
 * rebuilds from fresh metadata. Throws CommitConflictError after `maxAttempts`, and
 * CommitStateUnknownError (keeping every file) when the swap itself failed in an unknown way.
 */
export async function commitTable(ctx: TableContext, id: TableIdentifier, build: ChangeBuilder, opts: CommitOptions): Promise<CommitResult> {
  const maxAttempts = opts.maxAttempts ?? 10;
  const now = opts.now ?? Date.now;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const base = await loadTable(ctx, id);
    const changes = await build(base, attempt);
    if (changes === null) return { table: base, committed: false, attempts: attempt + 1 };
    let next: TableMetadata;
    try {
      checkRequirements(base.metadata, changes.requirements);
      next = applyUpdates(base.metadata, changes.updates, now());
    } catch (err) {
      for (const f of changes.cleanup ?? []) await ctx.io.delete(f);
      throw err;
    }
    if (writesMetadata(ctx.catalog)) {
      const table = await commitOnServer(ctx, ctx.catalog, id, changes);
      if (table) return { table, committed: true, attempts: attempt + 1 };
      await sleep(backoffMs(attempt, opts.minWaitMs ?? 20, opts.maxWaitMs ?? 2000));
      continue;
    }
    next.metadataLog.push({ metadataFile: base.metadataLocation, timestampMs: base.metadata.lastUpdatedMs });
    const maxLog = Number(next.properties['write.metadata.previous-versions-max'] ?? 100);
    if (next.metadataLog.length > maxLog) next.metadataLog.splice(0, next.metadataLog.length - maxLog);
    const version = parseMetadataVersion(base.metadataLocation) + 1;
    // A fresh UUID per attempt (as Java): a losing attempt deletes its metadata file, which must
    // never be a file another execution of the same commit wrote and swapped in.
    const location = metadataFileLocation(next.location, version, randomUUID());
    await ctx.io.write(location, writeTableMetadata(next));
    let swapped: boolean;
    try {
      swapped = await ctx.catalog.swapMetadataLocation(id, base.metadataLocation, location);
    } catch (err) {
      if (await ctx.catalog.metadataLocation(id).then((l) => l === location, () => false)) {
        return { table: { id, metadata: next, metadataLocation: location }, committed: true, attempts: attempt + 1 };
      }
      throw new CommitStateUnknownError(`commit ${opts.commitId} of ${id.name}: catalog swap failed, outcome unknown`, err);
    }
    if (swapped) return { table: { id, metadata: next, metadataLocation: location }, committed: true, attempts: attempt + 1 };
    for (const f of [location, ...(changes.cleanup ?? [])]) await ctx.io.delete(f);
    await sleep(backoffMs(attempt, opts.minWaitMs ?? 20, opts.maxWaitMs ?? 2000));
  }
  throw new CommitConflictError(`commit ${opts.commitId} of ${id.name}: gave up after ${maxAttempts} attempts`, { table: id.name, attempts: maxAttempts });
}

/**
 * Sends the changes to a catalog that applies them itself: the table on success, null after a
 * conflict (the attempt's files are deleted; the caller retries). Any other error deletes the
 * attempt's files too, except CommitStateUnknownError, after which nothing is deleted.
 */
async function commitOnServer(ctx: TableContext, catalog: ServerSideCatalog, id: TableIdentifier, changes: TableChanges & { cleanup?: string[] }): Promise<LoadedTable | null> {
  try {
    return { id, ...(await catalog.commitTable(id, { updates: changes.updates, requirements: changes.requirements })) };
  } catch (err) {
    if (err instanceof CommitStateUnknownError) throw err;
    for (const f of changes.cleanup ?? []) await ctx.io.delete(f);
    if (err instanceof CommitConflictError) return null;
    throw err;
  }
}

function backoffMs(attempt: number, min: number, max: number): number {
  const ceiling = Math.min(max, min * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
