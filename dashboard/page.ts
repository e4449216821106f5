// The dashboard as one server-rendered HTML page: no client framework, so it loads instantly and a
// headless browser sees exactly what the server computed. It refreshes itself every 15 seconds.
import type { ConnectorStats, DashboardData, MovementRow } from './data.ts';

export function renderDashboard(data: DashboardData): string {
  const { migration } = data;
  const total = migration.migrated + migration.remaining;
  const percent = total === 0 ? 0 : Math.round((migration.migrated / total) * 100);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
<title>cassberg · migration dashboard</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2433;background:#f6f7f9}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
.muted{color:#6b7280} table{border-collapse:collapse;background:#fff;width:100%}
th,td{padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:left;white-space:nowrap} th{background:#eef0f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.bar{height:14px;background:#e5e7eb;border-radius:7px;overflow:hidden;width:320px;display:inline-block;vertical-align:middle}
.bar>span{display:block;height:100%;background:#2f855a}
.cards{display:flex;gap:12px;flex-wrap:wrap} .card{background:#fff;padding:12px 16px;border-radius:8px;min-width:140px}
.card b{display:block;font-size:22px}
.success{color:#2f855a}.failed{color:#c53030}.fallback{color:#b7791f}.discrepancy{color:#c05621}.running{color:#2b6cb0}
</style></head><body>
<h1>cassberg migration dashboard</h1>
<div class="muted">namespace ${esc(data.namespace)} · generated ${esc(data.generatedAt)} · <a href="${esc(data.temporalUi)}/namespaces/${esc(data.namespace)}/workflows">Temporal UI</a></div>
<h2>Migration progress</h2>
<div id="migration"><span class="bar"><span style="width:${percent}%"></span></span>
 <b data-testid="migrated">${migration.migrated}</b> of <b data-testid="targets">${total}</b> tables migrated (${percent}%), <b data-testid="remaining">${migration.remaining}</b> remaining</div>
<div class="cards" style="margin-top:12px">
${card('movements', data.movements.length)}${card('running', count(data.movements, 'running'))}${card('failed', count(data.movements, 'failed'))}${card('fallbacks', count(data.movements, 'fallback'))}${card('discrepancies', count(data.movements, 'discrepancy'))}
</div>
<h2>Connectors: runtime and cost</h2>
${connectorTable(data.connectors)}
<h2>Tables</h2>
${targetTable(data)}
<h2>Recent movements</h2>
${movementTable(data.movements)}
</body></html>`;
}

function card(label: string, value: number): string {
  return `<div class="card" data-testid="card-${label}"><b>${value}</b>${esc(label)}</div>`;
}

function count(rows: MovementRow[], outcome: string): number {
  return rows.filter((r) => r.outcome === outcome).length;
}

function connectorTable(stats: ConnectorStats[]): string {
  const rows = stats
    .map(
      (s) => `<tr data-connector="${esc(s.connector)}"><td>${esc(s.connector)}</td><td class="num">${s.movements}</td><td class="num">${s.running}</td>
<td class="num success">${s.succeeded}</td><td class="num failed">${s.failed}</td><td class="num fallback">${s.fallbacks}</td>
<td class="num discrepancy">${s.discrepancies}</td><td class="num">${seconds(s.avgDurationMs)}</td><td class="num">${seconds(s.avgCpuMs)}</td>
<td class="num">${bytes(s.bytesRead)}</td><td class="num">${bytes(s.intermediateBytes)}</td></tr>`,
    )
    .join('\n');
  return `<table id="connectors"><tr><th>connector</th><th>movements</th><th>running</th><th>succeeded</th><th>failed</th><th>fallbacks</th>
<th>discrepancies</th><th>avg runtime</th><th>avg CPU</th><th>bytes read</th><th>intermediate tables</th></tr>
${rows || '<tr><td colspan="11" class="muted">no movements yet</td></tr>'}</table>`;
}

function targetTable(data: DashboardData): string {
  const rows = data.migration.targets
    .map((t) => `<tr><td>${esc(t.table)}</td><td>${esc(t.targetConnector)}</td><td>${t.migrated ? '<span class="success">migrated</span>' : 'remaining'}</td><td class="${esc(t.lastOutcome ?? '')}">${esc(t.lastOutcome ?? '—')}</td></tr>`)
    .join('\n');
  return `<table id="targets"><tr><th>table</th><th>target connector</th><th>state</th><th>last outcome</th></tr>
${rows || '<tr><td colspan="4" class="muted">no tables</td></tr>'}</table>`;
}

function movementTable(movements: MovementRow[]): string {
  const rows = movements
    .slice(0, 100)
    .map(
      (m) => `<tr><td><a href="${esc(m.link)}">${esc(m.workflowId)}</a></td><td>${esc(m.table)}</td><td>${esc(m.connector)}</td>
<td class="${esc(m.outcome)}">${esc(m.outcome)}</td><td>${esc(m.startTime)}</td><td class="num">${m.durationMs === undefined ? '—' : seconds(m.durationMs)}</td>
<td class="num">${m.rows ?? '—'}</td><td>${esc(m.summary ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table id="movements"><tr><th>movement</th><th>table</th><th>connector</th><th>outcome</th><th>started</th><th>runtime</th><th>rows</th><th>summary</th></tr>
${rows || '<tr><td colspan="8" class="muted">no movements yet</td></tr>'}</table>`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(1)} ${units[u]}`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
