import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createAlertSink, type Alert } from '../../observability/alerts.ts';

/** A logger writing JSON lines into an array, to assert the structured line. */
function captureLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk, _enc, cb) { lines.push(JSON.parse(String(chunk))); cb(); } });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** A real HTTP receiver on loopback that records every POST body; fails the first `failFirst` requests. */
async function receiver(failFirst = 0): Promise<{ url: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  let seen = 0;
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      seen++;
      if (seen <= failFirst) return void res.writeHead(503).end();
      bodies.push(JSON.parse(data));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hook`, bodies, close: () => new Promise((r) => server.close(() => r())) };
}

const cases: Alert[] = [
  { kind: 'movement-failed', movementId: 'mv-1', message: 'CorruptInputError: bad chunk', details: {} },
  { kind: 'fallback-taken', movementId: 'mv-2', message: 'raw failed, running legacy', details: { connector: 'raw', fallback: 'legacy' } },
  { kind: 'discrepancy', movementId: 'mv-3', message: '2 rows differ', details: { onlyInLegacy: 1, onlyInNew: 1 } },
];

for (const alert of cases) {
  test(`${alert.kind}: a structured log line and a webhook POST`, async () => {
    const hook = await receiver();
    const { logger, lines } = captureLogger();
    try {
      const delivery = await createAlertSink({ logger, webhookUrl: hook.url })(alert);
      assert.equal(delivery.webhook, 'delivered');
      assert.equal(lines.length, 1);
      assert.equal(lines[0].level, 40);
      assert.deepEqual((lines[0].alert as Alert).details, alert.details);
      assert.equal((lines[0].alert as Alert).kind, alert.kind);
      assert.equal(hook.bodies.length, 1);
      const body = hook.bodies[0] as Alert & { source: string };
      assert.equal(body.kind, alert.kind);
      assert.equal(body.movementId, alert.movementId);
      assert.equal(body.source, 'cassberg');
    } finally {
      await hook.close();
    }
  });
}

test('a webhook answering 503 is retried; one that never answers does not throw', async () => {
  const hook = await receiver(1);
  const { logger, lines } = captureLogger();
  try {
    const delivery = await createAlertSink({ logger, webhookUrl: hook.url })(cases[0]);
    assert.equal(delivery.webhook, 'delivered');
    assert.equal(hook.bodies.length, 1);
  } finally {
    await hook.close();
  }
  const dead = await createAlertSink({ logger, webhookUrl: hook.url, attempts: 2, timeoutMs: 500 })(cases[1]);
  assert.equal(dead.webhook, 'failed');
  assert.ok(lines.some((l) => l.msg === 'alert webhook failed'));
});
