// The activity behind the Ping workflow: where it ran, and whether the configured buckets answer from there.
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { hostname } from 'node:os';

export interface BucketReport {
  role: string;
  bucket: string;
  /** 'ok', 'missing', or the S3 error's name (e.g. 'AccessDenied', 'TimeoutError'). */
  status: string;
}

export interface StackReport {
  host: string;
  pid: number;
  buckets: BucketReport[];
}

export interface PingDeps {
  s3: S3Client;
  /** role → bucket name, e.g. { backups: 'cassberg-backups' }. */
  buckets: Record<string, string>;
}

export interface PingActivities {
  describeStack(): Promise<StackReport>;
}

async function bucketStatus(s3: S3Client, bucket: string): Promise<string> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return 'ok';
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    return e.$metadata?.httpStatusCode === 404 || e.name === 'NotFound' ? 'missing' : (e.name ?? String(err));
  }
}

export function createPingActivities(deps: PingDeps): PingActivities {
  return {
    async describeStack() {
      const buckets = await Promise.all(
        Object.entries(deps.buckets).map(async ([role, bucket]) => ({ role, bucket, status: await bucketStatus(deps.s3, bucket) })),
      );
      return { host: hostname(), pid: process.pid, buckets };
    },
  };
}
