// What the migration dashboard shows, gathered from Temporal visibility (DataMovement executions, their
// search attributes and memo) and the Connector Controller's current rules. Nothing here is cached: each
// request reads the live state, as operators expect of a page they refresh.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { MovementCost } from '../activities/contracts.ts';
import { CASSBERG_CLUSTER, CASSBERG_CONNECTOR, CASSBERG_OUTCOME, CASSBERG_TABLE } from '../workflows/search-attributes.ts';

export interface MovementRow {
  workflowId: string;
  runId: string;
  status: string;
  cluster: string;
  table: string;
  connector: string;
  outcome: string;
  startTime: string;
  closeTime?: string;
  durationMs?: number;
  rows?: number;
  cost?: MovementCost;
  summary?: string;
  link: string;
}

export interface ConnectorStats {
  connector: string;
  movements: number;
  running: number;
  succeeded: number;
  failed: number;
  fallbacks: number;
  discrepancies: number;
  avgDurationMs: number;
  avgCpuMs: number;
  bytesRead: number;
  intermediateBytes: number;
}

/** A table the Controller routes to a connector, and whether its latest movement used that connector successfully. */
export interface MigrationTarget {
  table: string;
  targetConnector: string;
  migrated: boolean;
  lastOutcome?: string;
}

export interface DashboardData {
  generatedAt: string;
  namespace: string;
  temporalUi: string;
  movements: MovementRow[];
  connectors: ConnectorStats[];
  migration: { targets: MigrationTarget[]; migrated: number; remaining: number };
}

export interface DashboardSources {
  client: Client;
  namespace: string;
  temporalUi: string;
  /** The connector the Controller's current rules route each table to, for the tables seen in visibility (`table` is keyspace.table). */
  targets?: (seen: Array<{ cluster: string; table: string }>) => Promise<Array<{ table: string; connector: string }>>;
  limit?: number;
}

export async function collectDashboard(sources: DashboardSources): Promise<DashboardData> {
  const movements: MovementRow[] = [];
  const query = "WorkflowType = 'DataMovement'";
  for await (const info of sources.client.workflow.list({ query })) {
    movements.push(toRow(info, sources));
    if (movements.length >= (sources.limit ?? 500)) break;
  }
  movements.sort((a, b) => b.startTime.localeCompare(a.startTime));
  const targets = await migrationTargets(movements, sources);
  return {
    generatedAt: new Date().toISOString(),
    namespace: sources.namespace,
    temporalUi: sources.temporalUi,
    movements,
    connectors: connectorStats(movements),
    migration: { targets, migrated: targets.filter((t) => t.migrated).length, remaining: targets.filter((t) => !t.migrated).length },
  };
}

function toRow(info: WorkflowExecutionInfo, sources: DashboardSources): MovementRow {
  const sa = info.typedSearchAttributes;
  const memo = (info.memo ?? {}) as { summary?: string; rows?: number; cost?: MovementCost };
  const durationMs = info.closeTime ? info.closeTime.getTime() - info.startTime.getTime() : undefined;
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    status: info.status.name,
    cluster: sa.get(CASSBERG_CLUSTER) ?? '',
    table: sa.get(CASSBERG_TABLE) ?? '',
    connector: sa.get(CASSBERG_CONNECTOR) ?? '(deciding)',
    outcome: sa.get(CASSBERG_OUTCOME) ?? (info.status.name === 'RUNNING' ? 'running' : info.status.name.toLowerCase()),
    startTime: info.startTime.toISOString(),
    closeTime: info.closeTime?.toISOString(),
    durationMs,
    rows: memo.rows,
    cost: memo.cost,
    summary: memo.summary,
    link: `${sources.temporalUi}/namespaces/${encodeURIComponent(sources.namespace)}/workflows/${encodeURIComponent(info.workflowId)}/${info.runId}/history`,
  };
}

function connectorStats(movements: MovementRow[]): ConnectorStats[] {
  const byConnector = new Map<string, MovementRow[]>();
  for (const m of movements) byConnector.set(m.connector, [...(byConnector.get(m.connector) ?? []), m]);
  return [...byConnector.entries()]
    .map(([connector, rows]) => {
      const closed = rows.filter((r) => r.durationMs !== undefined);
      const costed = rows.filter((r) => r.cost);
      return {
        connector,
        movements: rows.length,
        running: rows.filter((r) => r.status === 'RUNNING').length,
        succeeded: rows.filter((r) => r.outcome === 'success' || r.outcome === 'discrepancy').length,
        failed: rows.filter((r) => r.outcome === 'failed' || r.status === 'FAILED' || r.status === 'TIMED_OUT').length,
        fallbacks: rows.filter((r) => r.outcome === 'fallback').length,
        discrepancies: rows.filter((r) => r.outcome === 'discrepancy').length,
        avgDurationMs: average(closed.map((r) => r.durationMs!)),
        avgCpuMs: average(costed.map((r) => r.cost!.cpuMs)),
        bytesRead: costed.reduce((s, r) => s + r.cost!.bytesRead, 0),
        intermediateBytes: costed.reduce((s, r) => s + r.cost!.intermediateBytes, 0),
      };
    })
    .sort((a, b) => a.connector.localeCompare(b.connector));
}

async function migrationTargets(movements: MovementRow[], sources: DashboardSources): Promise<MigrationTarget[]> {
  const latest = new Map<string, MovementRow>();
  for (const m of movements) if (m.status !== 'RUNNING' && !latest.has(m.table)) latest.set(m.table, m);
  // Without Controller rules, every table seen counts, with any non-legacy connector as the goal.
  const seen = [...new Map(movements.map((m) => [`${m.cluster}/${m.table}`, { cluster: m.cluster, table: m.table }])).values()];
  // Every table counts; it is migrated once its latest movement succeeded on a non-legacy connector.
  const wanted = sources.targets
    ? await sources.targets(seen)
    : [...new Set(seen.map((s) => s.table))].map((table) => ({ table, connector: '*' }));
  return wanted.map(({ table, connector }) => {
    const last = latest.get(table);
    const usedTarget = last !== undefined && last.connector !== 'legacy';
    return {
      table,
      targetConnector: connector,
      migrated: usedTarget && (last!.outcome === 'success' || last!.outcome === 'discrepancy'),
      lastOutcome: last?.outcome,
    };
  });
}

function average(values: number[]): number {
  return values.length === 0 ? 0 : Math.round(values.reduce((s, v) => s + v, 0) / values.length);
}
