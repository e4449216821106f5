// Finds every backup under a root, whatever its layout: one recursive listing, layout detection from the key shapes,
// then node backups grouped into cluster backups by backup name (Medusa) or snapshot tag.

import type { ObjectStore } from '../storage/object-store.ts';
import { Listing } from './listing.ts';
import { discoverMedusaNodeBackups, looksLikeMedusaLayout } from './medusa.ts';
import type { ClusterBackup, NodeBackup, NodeTopology, Stamp } from './model.ts';
import { discoverSnapshotNodeBackups, looksLikeSnapshotLayout } from './nodetool-snapshot.ts';

export interface Discovery {
  listing: Listing;
  backups: ClusterBackup[];
}

/** Lists `root` once and returns its cluster backups, oldest first (unfinished ones last). */
export async function discoverBackups(store: ObjectStore, root: string): Promise<Discovery> {
  const listing = await Listing.of(store, root);
  const nodeBackups: NodeBackup[] = [];
  if (looksLikeMedusaLayout(listing)) nodeBackups.push(...(await discoverMedusaNodeBackups(store, listing)));
  if (looksLikeSnapshotLayout(listing)) nodeBackups.push(...(await discoverSnapshotNodeBackups(store, listing)));
  return { listing, backups: groupClusterBackups(root, nodeBackups) };
}

function family(b: NodeBackup): string {
  return b.layout === 'nodetool-snapshot' ? 'snapshot' : 'medusa';
}

export function groupClusterBackups(root: string, nodeBackups: NodeBackup[]): ClusterBackup[] {
  const groups = new Map<string, NodeBackup[]>();
  for (const b of nodeBackups) {
    const id = `${family(b)}\u0000${b.backupName}`;
    const list = groups.get(id);
    if (list) list.push(b);
    else groups.set(id, [b]);
  }
  const out: ClusterBackup[] = [];
  for (const members of groups.values()) {
    members.sort((a, b) => (a.node.name < b.node.name ? -1 : a.node.name > b.node.name ? 1 : 0));
    const cluster: ClusterBackup = {
      layout: members[0]!.layout,
      name: members[0]!.backupName,
      root,
      nodeBackups: members,
      expectedNodes: expectedNodes(members),
    };
    const started = earliest(members.map((m) => m.started));
    if (started) cluster.started = started;
    if (members.every((m) => m.finished)) cluster.finished = latest(members.map((m) => m.finished));
    out.push(cluster);
  }
  return out.sort(
    (a, b) => (a.finished?.at.getTime() ?? Infinity) - (b.finished?.at.getTime() ?? Infinity) || (a.name < b.name ? -1 : 1),
  );
}

/** Union of every member's token map (Medusa's are per DC), keyed by node name; first seen wins. */
function expectedNodes(members: NodeBackup[]): NodeTopology[] {
  const byName = new Map<string, NodeTopology>();
  for (const m of members) for (const n of m.tokenMap) if (!byName.has(n.name)) byName.set(n.name, n);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function earliest(stamps: (Stamp | undefined)[]): Stamp | undefined {
  let best: Stamp | undefined;
  for (const s of stamps) if (s && (!best || s.at < best.at)) best = s;
  return best;
}

function latest(stamps: (Stamp | undefined)[]): Stamp | undefined {
  let best: Stamp | undefined;
  for (const s of stamps) if (s && (!best || s.at > best.at)) best = s;
  return best;
}
