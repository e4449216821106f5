// ObjectStore over S3 or any S3-compatible server (MinIO, Ceph, R2): standard credential chain, optional endpoint
// override with path-style addressing, our own retries (the SDK's are switched off for clients we build, so one
// policy applies to both the request and the body stream), and a length check on every body.

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { CassbergError } from '../errors.ts';
import { checkRange, objectNotFound, type ObjectInfo, type ObjectStore, type PutOptions } from './object-store.ts';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.ts';
import { trackStorage } from '../../observability/metrics.ts';

export interface S3ClientOptions {
  region?: string;
  /** e.g. http://127.0.0.1:9000 for MinIO; implies path-style addressing unless forcePathStyle is false. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static credentials; when absent the SDK's default chain (env, profile, IMDS, web identity) applies. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestTimeoutMs?: number;
}

export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const config: S3ClientConfig = {
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: options.requestTimeoutMs ?? 60_000 },
  };
  if (endpoint) {
    config.endpoint = endpoint;
    config.forcePathStyle = options.forcePathStyle ?? true;
  } else if (options.forcePathStyle !== undefined) {
    config.forcePathStyle = options.forcePathStyle;
  }
  if (options.credentials) config.credentials = options.credentials;
  const client = new S3Client(config);
  // Dependency tracking: every request (each retry too) counted and timed by operation in the process's registry.
  client.middlewareStack.add(
    (next, context) => (args) => trackStorage('s3', context.commandName ?? 'unknown', () => next(args)),
    { step: 'finalizeRequest', name: 'cassbergStorageMetrics' },
  );
  return client;
}

function stripQuotes(etag: string | undefined): string | undefined {
  return etag === undefined ? undefined : etag.replace(/^"|"$/g, '');
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3ObjectStore implements ObjectStore {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    readonly retry: RetryPolicy = DEFAULT_RETRY_POLICY,
  ) {}

  describe(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await withRetries(`list ${this.describe(prefix)}`, this.retry, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield { key: o.Key, sizeInBytes: o.Size ?? 0, etag: stripQuotes(o.ETag), lastModified: o.LastModified };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const head = await withRetries(`head ${this.describe(key)}`, this.retry, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })),
      );
      return { key, sizeInBytes: head.ContentLength ?? 0, etag: stripQuotes(head.ETag), lastModified: head.LastModified };
    } catch (err) {
      if (isNotFound(err) || isNotFound((err as { cause?: unknown }).cause)) return undefined;
      throw err;
    }
  }

  async size(key: string): Promise<number> {
    const info = await this.stat(key);
    if (!info) throw objectNotFound(this.describe(key), key);
    return info.sizeInBytes;
  }

  async read(key: string, start = 0, end?: number): Promise<Uint8Array> {
    if (end === undefined && start !== 0) return this.read(key, start, await this.size(key));
    if (end !== undefined) {
      checkRange(this.describe(key), Number.MAX_SAFE_INTEGER, start, end);
      if (end === start) return new Uint8Array(0);
    }
    const what = end === undefined ? `read ${this.describe(key)}` : `read ${this.describe(key)} [${start}, ${end})`;
    return withRetries(what, this.retry, () => this.getOnce(key, start, end));
  }

  /** One GET: the whole object (end undefined, start 0) or [start, end); the body length is always checked. */
  private async getOnce(key: string, start: number, end: number | undefined): Promise<Uint8Array> {
    const where = end === undefined ? this.describe(key) : `${this.describe(key)} [${start}, ${end})`;
    let body: Uint8Array;
    let expected: number | undefined;
    try {
      const range = end === undefined ? undefined : `bytes=${start}-${end - 1}`;
      const resp = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      if (!resp.Body) throw new CassbergError('Unexpected', `empty body for ${where}`, { key }, { retryable: true });
      if (end === undefined) {
        expected = resp.ContentLength;
      } else {
        expected = end - start;
        const total = Number(/\/(\d+)$/.exec(resp.ContentRange ?? '')?.[1] ?? Number.NaN);
        if (total < end) {
          await resp.Body.transformToByteArray().catch(() => undefined);
          throw new CassbergError('Unexpected', `byte range [${start}, ${end}) is beyond the end of ${this.describe(key)} (size ${total})`, { key, start, end, sizeInBytes: total });
        }
      }
      body = await resp.Body.transformToByteArray();
    } catch (err) {
      if (isNotFound(err)) throw objectNotFound(this.describe(key), key, err);
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 416) {
        throw new CassbergError('Unexpected', `byte range [${start}, ${end}) is beyond the end of ${this.describe(key)}`, { key, start, end }, { cause: err });
      }
      throw err;
    }
    if (expected !== undefined && body.length !== expected) {
      throw new CassbergError('Unexpected', `short body from ${where}: got ${body.length} of ${expected} bytes`, { key, start, received: body.length }, {
        retryable: body.length < expected,
      });
    }
    return body;
  }

  async put(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<boolean> {
    try {
      await withRetries(`put ${this.describe(key)}`, this.retry, () =>
        this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: bytes,
            ContentLength: bytes.length,
            ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
          }),
        ),
      );
      return true;
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number }; cause?: { $metadata?: { httpStatusCode?: number } } });
      const code = status.$metadata?.httpStatusCode ?? status.cause?.$metadata?.httpStatusCode;
      if (options.ifAbsent && code === 412) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    await withRetries(`delete ${this.describe(key)}`, this.retry, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })),
    );
  }
}
