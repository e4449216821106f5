// The DataMovement input, validated with zod wherever it enters: the CLI, schedules, and the workflow's
// first activity (so `temporal workflow start --input '…'` gets the same checks). Errors name the field path.
import { z } from 'zod';
import { InvalidConfigError } from '../engine/errors.ts';
import type { DataMovementInput, MovementJob } from './contracts.ts';
import { VALUE_METADATA_DECODERS } from '../connectors/key-value/value-metadata.ts';

const identifier = z.string().min(1).max(222).regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only');
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant');

export const dataMovementInputSchema = z.strictObject({
  source: z.strictObject({
    backupUrl: z.string().regex(/^(s3|file):\/\//, 'an s3:// or file:// URL'),
    cluster: z.string().min(1),
    keyspace: identifier,
    table: identifier,
  }),
  asOf: instant.optional(),
  destination: z.strictObject({
    catalog: z.string().min(1).optional(),
    namespace: identifier,
    table: identifier,
  }),
  options: z
    .strictObject({
      consistency: z.enum(['ONE', 'LOCAL_ONE', 'QUORUM', 'LOCAL_QUORUM', 'EACH_QUORUM', 'ALL']).optional(),
      referenceTime: instant.optional(),
      writetime: z.boolean().optional(),
      connector: z.string().min(1).optional(),
      mode: z.enum(['primary', 'shadow']).optional(),
      maxSplits: z.number().int().min(1).max(100_000).optional(),
      maxConcurrency: z.number().int().min(1).max(1_000).optional(),
      heartbeatTimeoutSec: z.number().int().min(5).max(3_600).optional(),
      timeSeries: z
        .strictObject({ start: instant, end: instant, sliceSeconds: z.number().int().min(1).max(366 * 86_400).optional() })
        .refine((w) => Date.parse(w.start) < Date.parse(w.end), { message: 'end must be after start', path: ['end'] })
        .optional(),
      keyValue: z
        .strictObject({
          layout: z.enum(['item', 'record']).optional(),
          valueMetadata: z.string().refine((name) => name in VALUE_METADATA_DECODERS, `a registered decoder (${Object.keys(VALUE_METADATA_DECODERS).join(', ')})`).optional(),
          chunkTableSuffix: z.string().min(1).max(48).regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _ only').optional(),
        })
        .optional(),
      injectFailure: z.string().min(1).optional(),
      injectSplitFailure: z.strictObject({ split: z.number().int().min(0), afterRange: z.number().int().min(0) }).optional(),
    })
    .refine((o) => !o.timeSeries || o.connector === undefined || o.connector === 'time-series', {
      message: 'options.timeSeries moves a slice-table family and needs the time-series connector', path: ['connector'],
    })
    .optional(),
});

export function parseMovementInput(input: unknown): DataMovementInput {
  const parsed = dataMovementInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.join('.') || '(input)';
    throw new InvalidConfigError(`DataMovement input: ${field}: ${issue.message}`, { field });
  }
  return parsed.data;
}

export function toMovementJob(input: unknown, movementId: string): MovementJob {
  const parsed = parseMovementInput(input);
  return { ...parsed, movementId, options: { consistency: 'LOCAL_ONE', ...parsed.options } };
}
