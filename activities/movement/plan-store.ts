// The split plan as stored in the warehouse: a small header (everything but the splits) at the plan key, and the
// splits in groups of PLAN_GROUP_SIZE beside it (`<plan>/splits-<group>.json`). A split reads the header and its own
// group, the commit reads only the header, so no activity parses a plan of thousands of splits, and Temporal only
// ever carries the plan key.
import { InvalidConfigError } from '../../engine/errors.ts';
import type { FileIO } from '../../engine/iceberg/io.ts';
import type { MovementPlan, PlannedSplit } from './source.ts';
import { readJson, warehouseLocation, writeJson } from './warehouse.ts';

/** Splits per group object: 500 splits of a few hundred bytes each keep a group well under a megabyte. */
export const PLAN_GROUP_SIZE = 500;

export type PlanHeader = Omit<MovementPlan, 'splits'> & { splitCount: number; groupSize: number };

export function planGroupKey(planKey: string, group: number): string {
  return `${planKey.replace(/\.json$/, '')}/splits-${group}.json`;
}

/** Writes the groups first and the header last, so a header that exists always has all its groups. */
export async function writePlan(io: FileIO, warehouseUrl: string, planKey: string, plan: MovementPlan): Promise<PlanHeader> {
  const { splits, ...rest } = plan;
  const header: PlanHeader = { ...rest, splitCount: splits.length, groupSize: PLAN_GROUP_SIZE };
  for (let g = 0; g * PLAN_GROUP_SIZE < splits.length; g++) {
    const group = splits.slice(g * PLAN_GROUP_SIZE, (g + 1) * PLAN_GROUP_SIZE);
    await writeJson(io, warehouseLocation(warehouseUrl, planGroupKey(planKey, g)), group);
  }
  await writeJson(io, warehouseLocation(warehouseUrl, planKey), header);
  return header;
}

export async function readPlanHeader(io: FileIO, warehouseUrl: string, planKey: string): Promise<PlanHeader> {
  const header = await readJson<PlanHeader>(io, warehouseLocation(warehouseUrl, planKey));
  for (const field of ['splitCount', 'groupSize'] as const) {
    if (!Number.isInteger(header[field]) || header[field] < (field === 'groupSize' ? 1 : 0)) {
      throw new InvalidConfigError(`plan ${planKey}: ${field} is ${JSON.stringify(header[field])}, expected a non-negative integer (a plan header)`, { planKey, field });
    }
  }
  return header;
}

/** The header and split `index`, reading only the group that holds it. */
export async function readPlannedSplit(io: FileIO, warehouseUrl: string, planKey: string, index: number): Promise<{ header: PlanHeader; split: PlannedSplit }> {
  const header = await readPlanHeader(io, warehouseUrl, planKey);
  if (!Number.isInteger(index) || index < 0 || index >= header.splitCount) {
    throw new InvalidConfigError(`plan ${planKey} has no split ${index} (it has ${header.splitCount})`, { planKey, index });
  }
  const groupKey = planGroupKey(planKey, Math.floor(index / header.groupSize));
  const group = await readJson<PlannedSplit[]>(io, warehouseLocation(warehouseUrl, groupKey));
  const split = group[index % header.groupSize];
  if (!split || split.index !== index) {
    throw new InvalidConfigError(`plan group ${groupKey}: entry ${index % header.groupSize} is not split ${index}`, { planKey, index });
  }
  return { header, split };
}
