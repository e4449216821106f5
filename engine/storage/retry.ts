// Retries with capped exponential backoff and full jitter for object-store calls. Throttling, 5xx, timeouts,
// dropped connections and short bodies are retried; everything else (404, 403, bad requests) fails at once.

import { CassbergError } from '../errors.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 5_000 };

const RETRYABLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'AbortError',
  'XMinioServerNotInitialized',
]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Whether a failed object-store call may succeed when repeated. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof CassbergError) return err.retryable;
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || (status !== undefined && status >= 500)) return true;
  if (e.$retryable) return true;
  if (e.name && RETRYABLE_NAMES.has(e.name)) return true;
  // the SDK's response checksum check (x-amz-checksum-*) failed: the body was damaged in transit
  if (typeof (err as { message?: unknown }).message === 'string' && (err as { message: string }).message.startsWith('Checksum mismatch')) return true;
  return e.code !== undefined && RETRYABLE_CODES.has(e.code);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out. */
export async function withRetries<T>(what: string, policy: RetryPolicy, attempt: (n: number) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (let n = 1; n <= policy.maxAttempts; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      lastError = err;
      if (!isRetryable(err) || n === policy.maxAttempts) break;
      const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n - 1));
      await sleep(Math.random() * cap);
    }
  }
  if (lastError instanceof CassbergError) throw lastError;
  const e = lastError as { name?: string; message?: string };
  throw new CassbergError('Unexpected', `${what} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(lastError)}`, {}, {
    cause: lastError,
    retryable: isRetryable(lastError),
  });
}
