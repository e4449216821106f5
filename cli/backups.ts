// `cassberg backups list <url>` and `cassberg backups show <url> <backup>`: what backups a location holds, when they
// ran, which nodes they cover, and whether they can be used (with every reason when not). `backups as-of` shows which
// backup a movement "as of T" would read.

import type { Command } from 'commander';
import { chooseBackupAsOf, loadSchema, tablesOf } from '../engine/backup/as-of.ts';
import { replicationOf } from '../engine/backup/keyspace.ts';
import { checkClusterBackup, type CheckOptions, type ClusterVerdict } from '../engine/backup/completeness.ts';
import { discoverBackups } from '../engine/backup/layout.ts';
import type { ClusterBackup } from '../engine/backup/model.ts';
import { planInput } from '../engine/backup/planning.ts';
import { InvalidConfigError } from '../engine/errors.ts';
import type { S3ClientOptions } from '../engine/storage/s3.ts';
import { openStore } from '../engine/storage/url.ts';

export interface BackupsCliDeps {
  /** Where lines go (default: stdout). */
  out?: (line: string) => void;
  /** S3 client settings for s3:// URLs (endpoint, credentials); the default chain otherwise. */
  s3?: S3ClientOptions;
}

interface CommonOptions {
  json?: boolean;
  endpoint?: string;
  region?: string;
  checkDigests?: boolean;
}

function summary(b: ClusterBackup, v: ClusterVerdict) {
  return {
    name: b.name,
    layout: b.layout,
    started: b.started?.at.toISOString(),
    finished: b.finished?.at.toISOString(),
    nodes: b.nodeBackups.length,
    expectedNodes: b.expectedNodes.length,
    verdict: v.status,
    reasons: v.reasons,
  };
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

async function open(url: string, opts: CommonOptions, deps: BackupsCliDeps) {
  const s3: S3ClientOptions = { ...deps.s3 };
  if (opts.endpoint) s3.endpoint = opts.endpoint;
  if (opts.region) s3.region = opts.region;
  const { store, root } = openStore(url, s3);
  const check: CheckOptions = { checkDigests: Boolean(opts.checkDigests) };
  return { store, root, check, ...(await discoverBackups(store, root)) };
}

export function registerBackupsCommands(program: Command, deps: BackupsCliDeps = {}): void {
  const out = deps.out ?? ((line: string) => console.log(line));
  const backups = program.command('backups').description('inspect Cassandra backups (nodetool snapshot uploads, Medusa) in S3 or on disk');
  const common = (c: Command) =>
    c
      .option('--json', 'print JSON')
      .option('--endpoint <url>', 'S3-compatible endpoint, e.g. http://127.0.0.1:9000')
      .option('--region <region>', 'S3 region')
      .option('--check-digests', 'also compare every Data.db with its Digest.crc32 (reads all data)');

  common(backups.command('list <url>').description('list backups with time, nodes and verdict')).action(async (url: string, opts: CommonOptions) => {
    const { store, check, backups: found } = await open(url, opts, deps);
    const rows = [];
    for (const b of found) rows.push(summary(b, await checkClusterBackup(store, b, check)));
    if (opts.json) return out(toJson(rows));
    if (rows.length === 0) return out(`no backups under ${url}`);
    for (const r of rows) {
      out(`${r.name}  ${r.layout}  finished ${r.finished ?? '-'}  nodes ${r.nodes}/${r.expectedNodes}  ${r.verdict}${r.reasons[0] ? `  (${r.reasons[0]}${r.reasons.length > 1 ? `, +${r.reasons.length - 1} more` : ''})` : ''}`);
    }
  });

  common(backups.command('show <url> <backup>').description('nodes, tables and verdict of one backup'))
    .option('--table <keyspace.table>', 'per-node SSTables and sizes of one table')
    .action(async (url: string, name: string, opts: CommonOptions & { table?: string }) => {
      const { store, check, backups: found } = await open(url, opts, deps);
      const b = found.find((x) => x.name === name);
      if (!b) throw new InvalidConfigError(`no backup named "${name}" under ${url} (have: ${found.map((x) => x.name).join(', ') || 'none'})`, { backup: name });
      const v = await checkClusterBackup(store, b, check);
      const nodes = b.expectedNodes.map((n) => ({ name: n.name, dc: n.dc, rack: n.rack, tokens: n.tokens.length, verdict: v.nodes.get(n.name)?.status ?? 'incomplete' }));
      for (const nb of b.nodeBackups) {
        if (!nodes.some((n) => n.name === nb.node.name)) nodes.push({ name: nb.node.name, dc: nb.node.dc, rack: nb.node.rack, tokens: nb.node.tokens.length, verdict: v.nodes.get(nb.node.name)!.status });
      }
      let table;
      if (opts.table) {
        const [keyspace, t] = opts.table.split('.');
        if (!keyspace || !t) throw new InvalidConfigError(`--table must be keyspace.table, not "${opts.table}"`, { table: opts.table });
        table = planInput(b, { keyspace, table: t });
      }
      const tables = tablesOf(b).filter((t) => !t.isSystem);
      // each keyspace's replication as planning will use it, with where it comes from
      const schemas = await loadSchema(store, b);
      const keyspaces = [...new Set(tables.map((t) => t.keyspace))].sort().map((keyspace) => {
        const r = replicationOf(schemas, keyspace);
        return { keyspace, replication: r.strategy, source: r.source };
      });
      if (opts.json) return out(toJson({ ...summary(b, v), nodeDetails: nodes, keyspaces, tables, table }));
      out(`${b.name} (${b.layout}) started ${b.started?.at.toISOString() ?? '-'} finished ${b.finished?.at.toISOString() ?? '-'}: ${v.status}`);
      for (const r of v.reasons) out(`  ! ${r}`);
      for (const n of nodes) out(`  node ${n.name}  dc ${n.dc ?? '-'}  rack ${n.rack ?? '-'}  tokens ${n.tokens}  ${n.verdict}`);
      for (const k of keyspaces) out(`  keyspace ${k.keyspace}  ${JSON.stringify(k.replication)}  (${k.source})`);
      for (const t of tables) out(`  table ${t.keyspace}.${t.table}  id ${t.tableId ?? '-'}  on ${t.nodes.length} nodes`);
      for (const n of table ?? []) {
        out(`  ${opts.table} on ${n.node}: ${n.sstables.length} sstables, Data.db ${formatBytes(n.dataSizeInBytes)}, all components ${formatBytes(n.totalSizeInBytes)}`);
        for (const s of n.sstables) out(`    ${s.prefix}  ${formatBytes(s.dataSizeInBytes)}  ${s.dataKey}`);
      }
    });

  common(backups.command('as-of <url> <time>').description('which backup a movement as of <time> (ISO 8601) would read')).action(
    async (url: string, time: string, opts: CommonOptions) => {
      const at = new Date(time);
      if (Number.isNaN(at.getTime())) throw new InvalidConfigError(`not an ISO 8601 time: "${time}"`, { time });
      const { store, check, backups: found } = await open(url, opts, deps);
      const c = await chooseBackupAsOf(store, found, at, check);
      const result = { backup: c.backup.name, finished: c.finishedAt.toISOString(), ttlReferenceTime: c.ttlReferenceTime.toISOString(), topology: c.topology, skipped: c.skipped, warnings: c.warnings };
      if (opts.json) return out(toJson(result));
      out(`${c.backup.name} finished ${result.finished}; TTL reference time ${result.ttlReferenceTime}`);
      for (const s of c.skipped) out(`  skipped ${s.name}: ${s.reason}`);
      for (const w of c.warnings) out(`  warning: ${w}`);
    },
  );
}
