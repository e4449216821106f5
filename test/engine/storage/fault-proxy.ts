// A real HTTP proxy in front of the S3 server that injects the failures S3 clients meet in production: 503 SlowDown,
// dropped connections, and bodies cut short. Requests are forwarded byte for byte (the SigV4 signature covers the
// Host header the client used, which the proxy passes on unchanged).

import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'pass' | 'slowdown' | 'reset' | 'truncate';

export interface FaultProxy {
  endpoint: string;
  /** Every request seen, as "METHOD path-with-query". */
  log: string[];
  /** Chooses the fault for the n-th request (1-based) with this method and path. */
  decide: (method: string, path: string, n: number) => Fault;
  close(): Promise<void>;
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>';

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  const counts = new Map<string, number>();
  const proxy: FaultProxy = { endpoint: '', log: [], decide: () => 'pass', close: async () => {} };
  const server: Server = createServer((req, res) => {
    const id = `${req.method} ${req.url}`;
    proxy.log.push(id);
    const path = (req.url ?? '').split('?')[0]!;
    const n = (counts.get(`${req.method} ${path}`) ?? 0) + 1;
    counts.set(`${req.method} ${path}`, n);
    const fault = proxy.decide(req.method ?? '', path, n);
    if (fault === 'slowdown') {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(SLOW_DOWN) });
      res.end(SLOW_DOWN);
      return;
    }
    if (fault === 'reset') {
      req.resume();
      req.socket.destroy();
      return;
    }
    const up = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (upRes: IncomingMessage) => {
        if (fault !== 'truncate') {
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upRes.on('data', (c: Buffer) => chunks.push(c));
        upRes.on('end', () => {
          const body = Buffer.concat(chunks);
          const cut = body.subarray(0, body.length >> 1);
          res.writeHead(upRes.statusCode ?? 502, { ...upRes.headers, 'content-length': String(cut.length) });
          res.end(cut);
        });
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return proxy;
}
