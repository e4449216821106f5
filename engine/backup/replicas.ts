// Replicas per token range for SimpleStrategy and NetworkTopologyStrategy (the walk of Cassandra's
// NetworkTopologyStrategy.calculateNaturalReplicas: distinct racks first, rack repeats only when a DC has fewer racks
// than its RF), and the choice of which replicas' backups to read for a consistency level, failing over from nodes
// whose backup is missing or incomplete.

import { BackupIncompleteError, InvalidConfigError } from '../errors.ts';
import type { NodeTopology, Verdict } from './model.ts';
import type { RingRange, TokenRing } from './ring.ts';

export type ReplicationStrategy =
  | { class: 'SimpleStrategy'; replicationFactor: number }
  | { class: 'NetworkTopologyStrategy'; datacenters: Record<string, number> };

export const CONSISTENCY_LEVELS = ['ONE', 'LOCAL_ONE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL'] as const;
export type ConsistencyLevel = (typeof CONSISTENCY_LEVELS)[number];

/** From a keyspace's CQL replication map, e.g. {'class': 'NetworkTopologyStrategy', 'dc1': '3'}. */
export function parseReplication(map: Record<string, string>): ReplicationStrategy {
  const cls = (map.class ?? '').replace(/^org\.apache\.cassandra\.locator\./, '');
  const rf = (v: string | undefined, what: string) => {
    const n = Number((v ?? '').split('/')[0]);
    if (!Number.isInteger(n) || n < 0) throw new InvalidConfigError(`bad replication factor ${JSON.stringify(v)} for ${what}`, { what });
    return n;
  };
  if (cls === 'SimpleStrategy') return { class: 'SimpleStrategy', replicationFactor: rf(map.replication_factor, 'replication_factor') };
  if (cls === 'NetworkTopologyStrategy') {
    const datacenters: Record<string, number> = {};
    for (const [k, v] of Object.entries(map)) if (k !== 'class') datacenters[k] = rf(v, `dc ${k}`);
    return { class: 'NetworkTopologyStrategy', datacenters };
  }
  throw new InvalidConfigError(`unsupported replication class "${map.class}"`, { class: map.class });
}

function totalReplicationFactor(s: ReplicationStrategy): number {
  return s.class === 'SimpleStrategy' ? s.replicationFactor : Object.values(s.datacenters).reduce((a, b) => a + b, 0);
}

/** Natural replicas of the range ending at ring index `index`, primary first. */
export function naturalReplicas(ring: TokenRing, strategy: ReplicationStrategy, index: number): NodeTopology[] {
  const n = ring.tokens.length;
  const out: NodeTopology[] = [];
  if (strategy.class === 'SimpleStrategy') {
    const want = Math.min(strategy.replicationFactor, ring.nodes.length);
    for (let i = 0; i < n && out.length < want; i++) {
      const node = ring.tokens[(index + i) % n]!.node;
      if (!out.includes(node)) out.push(node);
    }
    return out;
  }
  const dcs = ring.datacenters();
  const state = new Map<string, { rfLeft: number; rackRepeats: number; racks: Set<string> }>();
  for (const [dc, rf] of Object.entries(strategy.datacenters)) {
    const nodes = dcs.get(dc) ?? [];
    if (rf <= 0 || nodes.length === 0) continue;
    const rackCount = new Set(nodes.map((x) => x.rack ?? '')).size;
    state.set(dc, { rfLeft: Math.min(rf, nodes.length), rackRepeats: rf - rackCount, racks: new Set() });
  }
  let open = state.size;
  for (let i = 0; i < n && open > 0; i++) {
    const node = ring.tokens[(index + i) % n]!.node;
    const s = state.get(node.dc ?? '');
    if (!s || s.rfLeft <= 0 || out.includes(node)) continue;
    const rack = node.rack ?? '';
    if (!s.racks.has(rack)) s.racks.add(rack);
    else if (s.rackRepeats > 0) s.rackRepeats--;
    else continue;
    out.push(node);
    if (--s.rfLeft === 0) open--;
  }
  return out;
}

export interface ReplicaChoice {
  range: RingRange;
  replicas: NodeTopology[];
  /** Replicas whose backups are read for this range. */
  chosen: NodeTopology[];
}

interface Requirement {
  from: NodeTopology[];
  count: number;
  label: string;
}

function requirements(strategy: ReplicationStrategy, cl: ConsistencyLevel, replicas: NodeTopology[], localDc: string | undefined): Requirement[] {
  const inDc = (dc: string) => replicas.filter((r) => (r.dc ?? '') === dc);
  const dcRf = (dc: string) => (strategy.class === 'SimpleStrategy' ? strategy.replicationFactor : strategy.datacenters[dc] ?? 0);
  const quorum = (rf: number) => Math.floor(rf / 2) + 1;
  switch (cl) {
    case 'ONE':
      return [{ from: replicas, count: 1, label: 'ONE' }];
    case 'QUORUM':
      return [{ from: replicas, count: quorum(totalReplicationFactor(strategy)), label: 'QUORUM' }];
    case 'ALL':
      return [{ from: replicas, count: totalReplicationFactor(strategy), label: 'ALL' }];
    case 'LOCAL_ONE':
      return [{ from: inDc(localDc!), count: 1, label: `LOCAL_ONE in ${localDc}` }];
    case 'LOCAL_QUORUM':
      return [{ from: inDc(localDc!), count: quorum(dcRf(localDc!)), label: `LOCAL_QUORUM in ${localDc}` }];
    case 'EACH_QUORUM': {
      const dcs = strategy.class === 'SimpleStrategy' ? [...new Set(replicas.map((r) => r.dc ?? ''))] : Object.keys(strategy.datacenters).filter((d) => dcRf(d) > 0);
      return dcs.map((dc) => ({ from: inDc(dc), count: quorum(dcRf(dc)), label: `EACH_QUORUM in ${dc}` }));
    }
  }
}

function unusableReason(name: string, availability: Map<string, Verdict>): string | undefined {
  const v = availability.get(name);
  if (!v) return 'no node backup';
  if (v.status === 'complete') return undefined;
  const first = v.reasons[0]?.replace(`${name}: `, '');
  return first ? `backup ${v.status}: ${first}` : `backup ${v.status}`;
}

/**
 * For every range of the ring, the replicas whose backups to read at consistency level `cl`. Nodes whose verdict is
 * not complete are skipped; nodes already chosen for other ranges are preferred so fewer node backups are read.
 * Throws BackupIncompleteError listing every range without enough usable replicas.
 */
export function chooseReplicas(
  ring: TokenRing,
  strategy: ReplicationStrategy,
  cl: ConsistencyLevel,
  availability: Map<string, Verdict>,
  options: { localDc?: string } = {},
): ReplicaChoice[] {
  let localDc = options.localDc;
  if ((cl === 'LOCAL_ONE' || cl === 'LOCAL_QUORUM') && localDc === undefined) {
    const dcs = [...ring.datacenters().keys()];
    if (dcs.length !== 1) throw new InvalidConfigError(`${cl} needs a local datacenter (ring has ${dcs.join(', ')})`, { consistency: cl });
    localDc = dcs[0]!;
  }
  const used = new Set<string>();
  const out: ReplicaChoice[] = [];
  const failures: string[] = [];
  for (const range of ring.ranges()) {
    const replicas = naturalReplicas(ring, strategy, range.index);
    const chosen: NodeTopology[] = [];
    for (const req of requirements(strategy, cl, replicas, localDc)) {
      const usable = req.from.filter((r) => unusableReason(r.name, availability) === undefined);
      usable.sort((a, b) => Number(used.has(b.name)) - Number(used.has(a.name)));
      if (usable.length < req.count) {
        const down = req.from.filter((r) => !usable.includes(r)).map((r) => `${r.name}: ${unusableReason(r.name, availability)}`);
        failures.push(
          `range (${range.startExclusive}, ${range.endInclusive}]: ${req.label} needs ${req.count} of [${req.from.map((r) => r.name).join(', ')}], ` +
            `${usable.length} usable${down.length ? ` (${down.join('; ')})` : ''}`,
        );
        continue;
      }
      for (const r of usable.slice(0, req.count)) if (!chosen.includes(r)) chosen.push(r);
    }
    for (const r of chosen) used.add(r.name);
    chosen.sort((a, b) => replicas.indexOf(a) - replicas.indexOf(b));
    out.push({ range, replicas, chosen });
  }
  if (failures.length) {
    const shown = failures.length > 20 ? [...failures.slice(0, 20), `… and ${failures.length - 20} more ranges`] : failures;
    throw new BackupIncompleteError(`not enough replicas with a complete backup for ${cl}`, shown, { consistency: cl });
  }
  return out;
}
