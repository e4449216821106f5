import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metrics, serveMetrics, trackStorage } from '../../observability/metrics.ts';

test('the metrics endpoint serves counters, storage latency and extra runtime metrics', async () => {
  metrics.movements.inc({ connector: 'raw', outcome: 'success' });
  metrics.fallbacks.inc({ from: 'raw', to: 'legacy' });
  await trackStorage('s3', 'GetObject', async () => 1);
  await assert.rejects(trackStorage('s3', 'GetObject', async () => { throw new Error('boom'); }), /boom/);
  const server = await serveMetrics(0, '127.0.0.1', async () => '# HELP temporal_extra x\ntemporal_extra 7\n');
  try {
    const { port } = server.address() as { port: number };
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.match(text, /cassberg_movements_total\{connector="raw",outcome="success"\} 1/);
    assert.match(text, /cassberg_fallbacks_total\{from="raw",to="legacy"\} 1/);
    assert.match(text, /cassberg_storage_requests_total\{store="s3",operation="GetObject",outcome="ok"\} 1/);
    assert.match(text, /cassberg_storage_requests_total\{store="s3",operation="GetObject",outcome="error"\} 1/);
    assert.match(text, /cassberg_storage_request_seconds_count\{store="s3",operation="GetObject"\} 2/);
    assert.match(text, /temporal_extra 7/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
