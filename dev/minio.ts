// How cassberg runs MinIO, the S3-compatible server of the local stack and the tests: one place for its flags,
// environment, readiness check and bucket creation, shared by `cassberg dev up` and test/harness/s3.ts.

import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CassbergError } from '../engine/errors.ts';
import { httpOk, spawnLogged, waitUntil } from './process.ts';
import { tools } from './tools.ts';

export interface MinioOptions {
  dataDir: string;
  port: number;
  /** MinIO always binds a console port; the browser UI itself is switched off. */
  consolePort: number;
  accessKeyId: string;
  secretAccessKey: string;
  logFile: string;
  detached?: boolean;
}

export function requireMinio(): string {
  if (!existsSync(tools.minio)) {
    throw new CassbergError('PreconditionFailed', `MinIO is not installed at ${tools.minio}: run scripts/bootstrap.sh`, { path: tools.minio });
  }
  return tools.minio;
}

export function spawnMinio(o: MinioOptions): ChildProcess {
  const env = {
    ...process.env,
    MINIO_ROOT_USER: o.accessKeyId,
    MINIO_ROOT_PASSWORD: o.secretAccessKey,
    MINIO_BROWSER: 'off',
    // No phone-home and no update checks: the stack must work offline.
    MINIO_UPDATE: 'off',
  };
  const args = ['server', '--quiet', '--address', `127.0.0.1:${o.port}`, '--console-address', `127.0.0.1:${o.consolePort}`, o.dataDir];
  return spawnLogged(requireMinio(), args, o.logFile, { env, detached: o.detached });
}

export function waitForMinio(endpoint: string, opts: { child?: ChildProcess; pid?: number; logFile: string; timeoutMs?: number }): Promise<void> {
  return waitUntil(`MinIO at ${endpoint}`, () => httpOk(`${endpoint}/minio/health/ready`), { timeoutMs: opts.timeoutMs ?? 30_000, ...opts });
}

/** Creates each bucket that does not exist yet (idempotent, so `dev up` can run again over old data). */
export async function ensureBuckets(client: S3Client, buckets: string[]): Promise<void> {
  for (const bucket of buckets) {
    const exists = await client.send(new HeadBucketCommand({ Bucket: bucket })).then(() => true, () => false);
    if (!exists) await client.send(new CreateBucketCommand({ Bucket: bucket }));
  }
}
