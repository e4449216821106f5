// A real S3 server for tests: MinIO on a free loopback port with a temporary data directory, and a fresh bucket per
// test through newBucket(). Call stop() in node:test's `after`; the server is also killed if the test process exits.

import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuckets, spawnMinio, waitForMinio } from '../../dev/minio.ts';
import { freePort, stopChild } from '../../dev/process.ts';

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Path-style client with the server's credentials. */
  client: S3Client;
  /** Creates a bucket with a unique name (S3 rules: lowercase, digits, dashes) and returns its name. */
  newBucket(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

let bucketSeq = 0;

export async function startS3(): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 'cassberg-s3-'));
  const [port, consolePort] = [await freePort(), await freePort()];
  const endpoint = `http://127.0.0.1:${port}`;
  const region = 'us-east-1';
  const accessKeyId = 'cassberg-test';
  const secretAccessKey = 'cassberg-test-secret';
  const logFile = join(dir, 'minio.log');
  const dataDir = join(dir, 'data');
  const child = spawnMinio({ dataDir, port, consolePort, accessKeyId, secretAccessKey, logFile });
  try {
    await waitForMinio(endpoint, { child, logFile });
  } catch (err) {
    await stopChild(child, 1000);
    throw err;
  }
  const client = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  let stopped = false;
  return {
    endpoint,
    region,
    accessKeyId,
    secretAccessKey,
    client,
    async newBucket(prefix = 'test') {
      const clean = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 30).replace(/^-+|-+$/g, '') || 'test';
      const name = `${clean}-${process.pid}-${++bucketSeq}`;
      await ensureBuckets(client, [name]);
      return name;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      client.destroy();
      await stopChild(child, 5000);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
