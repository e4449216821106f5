// Temporal end to end on the real dev server: worker.ts's worker runs the Ping workflow, whose activity reaches a
// real MinIO, and the run is visible to visibility queries through a registered search attribute.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { S3Client } from '@aws-sdk/client-s3';
import { createWorker } from '../../worker.ts';
import type { PingResult } from '../../workflows/ping.ts';
import { startS3, type S3Server } from '../harness/s3.ts';
import { startTemporal, type TemporalServer } from '../harness/temporal.ts';

let temporal: TemporalServer;
let s3: S3Server;
before(async () => {
  [temporal, s3] = await Promise.all([startTemporal(), startS3()]);
});
after(async () => {
  await Promise.all([temporal?.stop(), s3?.stop()]);
});

test('the worker from worker.ts runs Ping, and its activity sees which buckets exist', async () => {
  const bucket = await s3.newBucket('ping');
  const deps = {
    s3: new S3Client({ endpoint: s3.endpoint, region: s3.region, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }),
    buckets: { backups: bucket, warehouse: 'no-such-bucket-here' },
  };
  const w = await createWorker({ connection: { address: temporal.address }, namespace: temporal.namespace, taskQueue: 'foundation', deps });
  const connection = await Connection.connect({ address: temporal.address });
  try {
    const client = new Client({ connection, namespace: temporal.namespace });
    const running = w.run();
    const result = await client.workflow.execute('Ping', {
      taskQueue: 'foundation',
      workflowId: 'ping-foundation',
      args: [{ message: 'hello' }],
      searchAttributes: { CassbergOutcome: ['ping'] },
    }) as PingResult;
    assert.equal(result.message, 'hello');
    assert.equal(result.workflowId, 'ping-foundation');
    assert.equal(result.stack.pid, process.pid);
    assert.deepEqual(result.stack.buckets, [
      { role: 'backups', bucket, status: 'ok' },
      { role: 'warehouse', bucket: 'no-such-bucket-here', status: 'missing' },
    ]);
    const seen: string[] = [];
    for await (const wf of client.workflow.list({ query: `CassbergOutcome = 'ping'` })) seen.push(wf.workflowId);
    assert.deepEqual(seen, ['ping-foundation']);
    w.shutdown();
    await running;
  } finally {
    await connection.close();
    deps.s3.destroy();
  }
});
