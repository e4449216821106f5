// Shadow validation of two Iceberg snapshots: checks they share a schema, takes the primary key from the
// identifier fields (cassberg writes the CQL primary key there), compares, and stores the JSON report
// beside table B so the workflow result can link to it.
import { CassbergError } from '../errors.ts';
import { loadTable, type TableContext } from '../iceberg/commit.ts';
import type { TableIdentifier } from '../iceberg/catalog/sql.ts';
import { scanBatches, snapshotOf } from '../iceberg/scan.ts';
import { currentSchema } from '../iceberg/spec/table-metadata.ts';
import { typesEqual } from '../iceberg/spec/types.ts';
import { compareTables, type ValidationReport } from './compare.ts';

export interface SnapshotRef {
  id: TableIdentifier;
  snapshotId?: string;
}

export interface SnapshotValidation extends ValidationReport {
  snapshotA: string | null;
  snapshotB: string | null;
  primaryKey: string[];
  reportLocation: string;
}

export async function validateSnapshots(
  ctx: TableContext,
  a: SnapshotRef,
  b: SnapshotRef,
  opts: { reportName: string; sampleLimit?: number; buckets?: number },
): Promise<SnapshotValidation> {
  const ta = (await loadTable(ctx, a.id)).metadata;
  const tb = (await loadTable(ctx, b.id)).metadata;
  const schemaA = currentSchema(ta);
  const schemaB = currentSchema(tb);
  const mismatch = schemaA.fields.filter((f) => {
    const other = schemaB.fields.find((g) => g.name === f.name);
    return !other || !typesEqual(f.type, other.type);
  });
  if (mismatch.length > 0 || schemaA.fields.length !== schemaB.fields.length) {
    throw new CassbergError('PreconditionFailed', `validate: ${name(a.id)} and ${name(b.id)} have different schemas (columns ${mismatch.map((f) => f.name).join(', ') || 'count'} differ)`);
  }
  const primaryKey = schemaA.identifierFieldIds.map((id) => schemaA.fields.find((f) => f.id === id)!.name);
  if (primaryKey.length === 0) throw new CassbergError('PreconditionFailed', `validate: ${name(a.id)} has no identifier fields to use as primary key`);
  const snapA = snapshotOf(ta, a.snapshotId);
  const snapB = snapshotOf(tb, b.snapshotId);
  const source = (ref: SnapshotRef, md: typeof ta, snapshotId: bigint | undefined) => ({
    name: `${name(ref.id)}@${snapshotId ?? 'empty'}`,
    batches: () => (snapshotId === undefined ? empty() : scanBatches(ctx, md, snapshotId)),
  });
  const report = await compareTables(source(a, ta, snapA?.snapshotId), source(b, tb, snapB?.snapshotId), {
    primaryKey,
    sampleLimit: opts.sampleLimit,
    buckets: opts.buckets,
  });
  const reportLocation = `${tb.location}/validation/${opts.reportName}.json`;
  const full: SnapshotValidation = { ...report, snapshotA: snapA?.snapshotId.toString() ?? null, snapshotB: snapB?.snapshotId.toString() ?? null, primaryKey, reportLocation };
  await ctx.io.write(reportLocation, new TextEncoder().encode(JSON.stringify(full, null, 2)));
  return full;
}

function name(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}

async function* empty(): AsyncIterable<never> {}
