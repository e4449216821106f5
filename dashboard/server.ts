// `cassberg dashboard`: serves the page at / and the same numbers as JSON at /api/summary, on loopback
// unless told otherwise (it shows table names and links into Temporal: not for the open internet).
import { createServer, type Server } from 'node:http';
import { collectDashboard, type DashboardSources } from './data.ts';
import { renderDashboard } from './page.ts';

export async function serveDashboard(sources: DashboardSources, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    try {
      if (path === '/') {
        const html = renderDashboard(await collectDashboard(sources));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
      } else if (path === '/api/summary') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await collectDashboard(sources), null, 2));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      }
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`cassberg dashboard: cannot read Temporal visibility: ${(err as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return server;
}
