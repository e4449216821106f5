// temporal-dev.yml, validated: where Temporal, S3 and the Iceberg catalog are, and which of them `dev up` runs.
// Unknown keys are errors too, so a typo never silently falls back to a default.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InvalidConfigError } from '../engine/errors.ts';

export const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const DEFAULT_CONFIG_FILE = join(REPO_ROOT, 'temporal-dev.yml');

const SEARCH_ATTRIBUTE_TYPES = ['Text', 'Keyword', 'Int', 'Double', 'Bool', 'Datetime', 'KeywordList'] as const;
const port = z.number().int().min(1).max(65535);
const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');

const TemporalSchema = z.strictObject({
  address: hostPort,
  namespace: z.string().min(1),
  taskQueue: z.string().min(1),
  searchAttributes: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be an identifier'), z.enum(SEARCH_ATTRIBUTE_TYPES)).default({}),
  /** TLS for a remote cluster; `apiKey` for Temporal Cloud API-key auth. */
  tls: z
    .strictObject({
      serverNameOverride: z.string().optional(),
      serverRootCACertFile: z.string().optional(),
      clientCertFile: z.string().optional(),
      clientKeyFile: z.string().optional(),
    })
    .optional(),
  apiKey: z.string().optional(),
  dev: z.strictObject({ dbFile: z.string().min(1), uiPort: port }).optional(),
});

const S3Schema = z.strictObject({
  /** Absent: AWS S3 itself, with the SDK's region and credential chain. */
  endpoint: z.url().optional(),
  region: z.string().min(1).optional(),
  credentials: z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
  buckets: z.strictObject({ backups: z.string().min(3), warehouse: z.string().min(3) }),
  dev: z.strictObject({ dataDir: z.string().min(1), consolePort: port }).optional(),
}).superRefine((s3, ctx) => {
  // A local MinIO is reached at the endpoint's port with the configured keys; AWS needs neither.
  if (s3.dev && !s3.endpoint) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: 's3.dev needs an http://127.0.0.1:<port> endpoint' });
  if (s3.dev && !s3.credentials) ctx.addIssue({ code: 'custom', path: ['credentials'], message: 's3.dev needs credentials (they become the MinIO root user)' });
});

const CatalogSchema = z.union([
  z.strictObject({ name: z.string().min(1), sqlite: z.string().min(1) }),
  z.strictObject({ name: z.string().min(1), postgres: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL') }),
]);

const ConfigSchema = z.strictObject({
  temporal: TemporalSchema,
  s3: S3Schema,
  iceberg: z.strictObject({ warehouse: z.string().min(1), catalog: CatalogSchema }),
  /** metricsPort: the worker serves Prometheus metrics on 127.0.0.1:<port>/metrics (cassberg's and Temporal's). */
  worker: z.strictObject({ stateDir: z.string().min(1), metricsPort: port.optional() }).default({ stateDir: '.cassberg' }),
});

export type CassbergConfig = z.infer<typeof ConfigSchema> & { file: string };

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`);
}

/** Parses and validates a config object; `file` names it in errors and anchors relative paths. */
export function parseConfig(raw: unknown, file: string): CassbergConfig {
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = describeIssues(result.error);
    throw new InvalidConfigError(`${file}: ${issues.join('; ')}`, { file, field: String(result.error.issues[0]?.path.join('.') ?? '') });
  }
  const base = dirname(file);
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const config = { ...result.data, file };
  if (config.temporal.dev) config.temporal.dev.dbFile = abs(config.temporal.dev.dbFile);
  if (config.s3.dev) config.s3.dev.dataDir = abs(config.s3.dev.dataDir);
  if ('sqlite' in config.iceberg.catalog) config.iceberg.catalog.sqlite = abs(config.iceberg.catalog.sqlite);
  config.worker.stateDir = abs(config.worker.stateDir);
  for (const key of ['serverRootCACertFile', 'clientCertFile', 'clientKeyFile'] as const) {
    const value = config.temporal.tls?.[key];
    if (value) config.temporal.tls![key] = abs(value);
  }
  return config;
}

/** Reads the config: `file`, else $CASSBERG_CONFIG, else temporal-dev.yml at the repository root. */
export function loadConfig(file?: string): CassbergConfig {
  const path = resolve(file ?? process.env.CASSBERG_CONFIG ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new InvalidConfigError(`cannot read config ${path}: ${(cause as Error).message}`, { file: path });
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    throw new InvalidConfigError(`${path}: not valid YAML: ${(cause as Error).message}`, { file: path });
  }
  return parseConfig(raw, path);
}

/** The port of a `host:port` address or an http(s) URL. */
export function portOf(address: string): number {
  const m = /:(\d+)\/?$/.exec(address);
  if (!m) throw new InvalidConfigError(`no port in ${address}`, { address });
  return Number(m[1]);
}

/** `--search-attribute` values for `temporal server start-dev`. */
export function searchAttributeFlags(config: CassbergConfig): string[] {
  return Object.entries(config.temporal.searchAttributes).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}
