// Append and full-refresh overwrite snapshots, and schema evolution, as commits of updates plus
// requirements. The commit id, snapshot id and file names come from the caller, so a retried
// activity writes the same objects; a snapshot whose summary already carries the commit id
// makes the commit a no-op (idempotency).

import { randomUUID } from 'node:crypto';
import { CassbergError, CommitStateUnknownError } from '../errors.ts';
import { readManifest, readManifestList, writeManifest, writeManifestList } from './avro/manifest-writer.ts';
import { commitTable, loadTable, type CommitOptions, type CommitResult, type LoadedTable, type TableContext } from './commit.ts';
import type { TableIdentifier } from './catalog/sql.ts';
import { STATUS, type DataFile, type ManifestEntry, type ManifestFile } from './spec/manifest.ts';
import type { Schema } from './spec/schema.ts';
import { currentSchema, currentSnapshot, MAIN_BRANCH, specById, type Operation, type Snapshot, type TableMetadata } from './spec/table-metadata.ts';
import type { TableChanges } from './spec/table-update.ts';
import { typesEqual } from './spec/types.ts';

export const COMMIT_ID_PROPERTY = 'cassberg.commit-id';

/** Where a snapshot's rows came from; written into its summary as `cassberg.*` properties. */
export interface Lineage {
  sourceCluster?: string;
  sourceKeyspace?: string;
  sourceTable?: string;
  sourceTableId?: string;
  backupId?: string;
  /** ISO-8601 instant the data reflects. */
  asOf?: string;
  referenceTime?: string;
  connector?: string;
}

const LINEAGE_KEYS: Record<keyof Lineage, string> = {
  sourceCluster: 'cassberg.source-cluster', sourceKeyspace: 'cassberg.source-keyspace', sourceTable: 'cassberg.source-table',
  sourceTableId: 'cassberg.source-table-id', backupId: 'cassberg.backup-id', asOf: 'cassberg.as-of',
  referenceTime: 'cassberg.reference-time', connector: 'cassberg.connector',
};

export function lineageSummary(lineage: Lineage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, key] of Object.entries(LINEAGE_KEYS)) {
    const v = lineage[k as keyof Lineage];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

export interface SnapshotWrite {
  operation: Extract<Operation, 'append' | 'overwrite'>;
  /** Logical write id: names the manifests and makes a repeated commit a no-op. */
  commitId: string;
  snapshotId: bigint;
  /** Data files written against `schemaId` (the table's current schema when the files were written). */
  dataFiles: DataFile[];
  schemaId: number;
  /** Lineage written into the snapshot summary (source cluster/keyspace/table, backup id, as-of …). */
  summaryProperties?: Record<string, string>;
  /** Delete the data files when the commit fails for sure (never after CommitStateUnknownError). */
  deleteDataFilesOnFailure?: boolean;
}

export function findCommit(md: TableMetadata, commitId: string): Snapshot | undefined {
  return md.snapshots.find((s) => s.summary[COMMIT_ID_PROPERTY] === commitId);
}

async function liveEntries(ctx: TableContext, md: TableMetadata): Promise<{ manifests: ManifestFile[]; entries: ManifestEntry[] }> {
  const snap = currentSnapshot(md);
  if (!snap) return { manifests: [], entries: [] };
  const manifests = readManifestList(await ctx.io.read(snap.manifestList), snap.manifestList);
  const entries: ManifestEntry[] = [];
  const schema = md.schemas.find((s) => s.schemaId === snap.schemaId) ?? currentSchema(md);
  for (const m of manifests) {
    const all = readManifest(await ctx.io.read(m.manifestPath), m, specById(md, m.partitionSpecId), schema);
    entries.push(...all.filter((e) => e.status !== STATUS.DELETED));
  }
  return { manifests, entries };
}

function summaryOf(write: SnapshotWrite, parent: Snapshot | undefined, deleted: ManifestEntry[]): Record<string, string> {
  const sum = (files: DataFile[], f: (d: DataFile) => number): number => files.reduce((s, d) => s + f(d), 0);
  const prev = (key: string): number => Number(parent?.summary[key] ?? 0);
  const deletedFiles = deleted.map((e) => e.dataFile);
  const added = { files: write.dataFiles.length, records: sum(write.dataFiles, (d) => d.recordCount), size: sum(write.dataFiles, (d) => d.fileSizeInBytes) };
  const removed = { files: deletedFiles.length, records: sum(deletedFiles, (d) => d.recordCount), size: sum(deletedFiles, (d) => d.fileSizeInBytes) };
  const partitions = new Set([...write.dataFiles, ...deletedFiles].map((d) => JSON.stringify(d.partition, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))));
  const out: Record<string, string> = {
    ...write.summaryProperties,
    operation: write.operation,
    [COMMIT_ID_PROPERTY]: write.commitId,
    'added-data-files': String(added.files), 'added-records': String(added.records), 'added-files-size': String(added.size),
    'changed-partition-count': String(partitions.size),
    'total-data-files': String(prev('total-data-files') + added.files - removed.files),
    'total-records': String(prev('total-records') + added.records - removed.records),
    'total-files-size': String(prev('total-files-size') + added.size - removed.size),
    'total-delete-files': String(prev('total-delete-files')),
    'total-position-deletes': String(prev('total-position-deletes')),
    'total-equality-deletes': String(prev('total-equality-deletes')),
  };
  if (removed.files) {
    Object.assign(out, { 'deleted-data-files': String(removed.files), 'deleted-records': String(removed.records), 'removed-files-size': String(removed.size) });
  }
  return out;
}

function manifestPath(md: TableMetadata, name: string): string {
  return `${md.location}/metadata/${name}`;
}

/**
 * The ADDED manifest, written once per commit and reused by every attempt. snapshot_id is written
 * explicitly (as Java and PyIceberg do): PyIceberg 0.10's inheritance setter for a null
 * snapshot_id overwrites `status`. Sequence numbers stay null (inherited from the list).
 */
async function writeAddedManifest(ctx: TableContext, md: TableMetadata, write: SnapshotWrite): Promise<ManifestFile> {
  const schema = md.schemas.find((s) => s.schemaId === write.schemaId) ?? currentSchema(md);
  const path = manifestPath(md, `${write.commitId}-m0.avro`);
  const entries = write.dataFiles.map((dataFile): ManifestEntry => ({ status: STATUS.ADDED, snapshotId: write.snapshotId, sequenceNumber: null, fileSequenceNumber: null, dataFile }));
  const { bytes, manifest } = writeManifest({ path, schema, spec: specById(md, write.dataFiles[0]!.specId), snapshotId: write.snapshotId, entries });
  await ctx.io.write(path, bytes);
  return manifest;
}

/** One manifest per partition spec marking `live` DELETED, keeping their sequence numbers. */
async function writeDeleteManifests(ctx: TableContext, md: TableMetadata, write: SnapshotWrite, live: ManifestEntry[], attempt: string): Promise<ManifestFile[]> {
  const bySpec = new Map<number, ManifestEntry[]>();
  for (const e of live) bySpec.set(e.dataFile.specId, [...(bySpec.get(e.dataFile.specId) ?? []), e]);
  const out: ManifestFile[] = [];
  for (const [specId, entries] of bySpec) {
    const path = manifestPath(md, `${write.commitId}-m${out.length + 1}-a${attempt}.avro`);
    const deleted = entries.map((e): ManifestEntry => ({ ...e, status: STATUS.DELETED, snapshotId: write.snapshotId }));
    const { bytes, manifest } = writeManifest({ path, schema: currentSchema(md), spec: specById(md, specId), snapshotId: write.snapshotId, entries: deleted });
    await ctx.io.write(path, bytes);
    out.push(manifest);
  }
  return out;
}

/** Manifest list, snapshot, and the updates + requirements that put it at the head of main. */
async function snapshotChanges(ctx: TableContext, md: TableMetadata, write: SnapshotWrite, manifests: ManifestFile[], deleted: ManifestEntry[], attempt: string): Promise<{ changes: TableChanges; manifestList: string }> {
  const parent = currentSnapshot(md);
  const parentSnapshotId = parent?.snapshotId ?? null;
  const sequenceNumber = md.lastSequenceNumber + 1;
  const manifestList = manifestPath(md, `snap-${write.snapshotId}-${attempt}-${write.commitId}.avro`);
  await ctx.io.write(manifestList, writeManifestList({ path: manifestList, snapshotId: write.snapshotId, parentSnapshotId, sequenceNumber, manifests }));
  const snapshot: Snapshot = {
    snapshotId: write.snapshotId, parentSnapshotId, sequenceNumber, timestampMs: Date.now(),
    manifestList, summary: summaryOf(write, parent, deleted), schemaId: write.schemaId,
  };
  return {
    manifestList,
    changes: {
      updates: [{ action: 'add-snapshot', snapshot }, { action: 'set-snapshot-ref', refName: MAIN_BRANCH, type: 'branch', snapshotId: write.snapshotId }],
      requirements: [
        { type: 'assert-table-uuid', uuid: md.tableUuid },
        { type: 'assert-ref-snapshot-id', ref: MAIN_BRANCH, snapshotId: parentSnapshotId },
        { type: 'assert-current-schema-id', currentSchemaId: write.schemaId },
      ],
    },
  };
}

/**
 * Commits an append or a full-refresh overwrite. Append = the new manifest plus the parent's
 * manifests that still hold live files. Overwrite = the new manifest plus one manifest per spec
 * marking every live file of the (freshly loaded) parent DELETED. On a definite failure the
 * manifests (and, if asked, the data files) are deleted; after CommitStateUnknownError nothing is.
 */
export async function commitSnapshot(ctx: TableContext, id: TableIdentifier, write: SnapshotWrite, opts: Omit<CommitOptions, 'commitId'> = {}): Promise<CommitResult> {
  if (!/^[A-Za-z0-9._-]{1,128}$/.test(write.commitId) || write.snapshotId <= 0n || write.snapshotId > 0x7fffffffffffffffn) {
    throw new CassbergError('DataInvalid', `commit id must be a file-name-safe token and snapshot id a positive 63-bit integer (got ${write.commitId}, ${write.snapshotId})`);
  }
  const start = await loadTable(ctx, id);
  if (findCommit(start.metadata, write.commitId)) return { table: start, committed: false, attempts: 0 };
  const added = write.dataFiles.length ? await writeAddedManifest(ctx, start.metadata, write) : null;
  // Per-attempt files (manifest list, DELETED manifests) are deleted when an attempt loses, so
  // their names carry a per-invocation nonce: a duplicate execution of the same activity can
  // never delete files another execution committed.
  const nonce = randomUUID().slice(0, 8);
  const build = async (base: LoadedTable, n: number): Promise<(TableChanges & { cleanup: string[] }) | null> => {
    const attempt = `${n}-${nonce}`;
    const md = base.metadata;
    if (findCommit(md, write.commitId)) return null;
    const manifests: ManifestFile[] = added ? [added] : [];
    let deleted: ManifestEntry[] = [];
    if (write.operation === 'append') {
      // Manifests left with only DELETED entries (of an earlier overwrite) are dropped, as Java does.
      const parent = await parentList(ctx, currentSnapshot(md));
      manifests.push(...parent.filter((m) => m.addedFilesCount + m.existingFilesCount > 0 || m.deletedFilesCount === 0));
    } else {
      deleted = (await liveEntries(ctx, md)).entries;
      manifests.push(...(await writeDeleteManifests(ctx, md, write, deleted, attempt)));
    }
    const { changes, manifestList } = await snapshotChanges(ctx, md, write, manifests, deleted, attempt);
    const cleanup = [...manifests.filter((m) => m !== added && m.addedSnapshotId === write.snapshotId).map((m) => m.manifestPath), manifestList];
    return { ...changes, cleanup };
  };
  try {
    return await commitTable(ctx, id, build, { ...opts, commitId: write.commitId });
  } catch (err) {
    const landed = err instanceof CommitStateUnknownError || (await loadTable(ctx, id).then((t) => findCommit(t.metadata, write.commitId) !== undefined, () => true));
    if (!landed) {
      const doomed = [...(added ? [added.manifestPath] : []), ...(write.deleteDataFilesOnFailure ? write.dataFiles.map((d) => d.filePath) : [])];
      for (const f of doomed) await ctx.io.delete(f);
    }
    throw err;
  }
}

async function parentList(ctx: TableContext, parent: Snapshot | undefined): Promise<ManifestFile[]> {
  return parent ? readManifestList(await ctx.io.read(parent.manifestList), parent.manifestList) : [];
}

/**
 * Makes `schema` (from spec/cql-mapping evolveSchema of the table's schema `baseSchemaId`) the
 * current schema. A no-op when the current schema already has the same fields and ids; a
 * CommitConflictError when someone else changed the schema since `baseSchemaId`.
 */
export async function commitSchema(ctx: TableContext, id: TableIdentifier, change: { schema: Schema; lastColumnId: number; baseSchemaId: number }, commitId: string): Promise<CommitResult> {
  return commitTable(ctx, id, async (base) => {
    const md = base.metadata;
    if (typesEqual({ kind: 'struct', fields: currentSchema(md).fields }, { kind: 'struct', fields: change.schema.fields })) return null;
    return {
      updates: [{ action: 'add-schema', schema: change.schema, lastColumnId: change.lastColumnId }, { action: 'set-current-schema', schemaId: change.schema.schemaId }],
      requirements: [
        { type: 'assert-current-schema-id', currentSchemaId: change.baseSchemaId },
        { type: 'assert-last-assigned-field-id', lastAssignedFieldId: md.lastColumnId },
      ],
    };
  }, { commitId });
}
