// Iceberg REST catalog client (open-api/rest-catalog-open-api.yaml): config and prefix, namespaces,
// tables (create, load, commit, drop). The server checks requirements, applies updates and writes
// the metadata file; commit.ts therefore skips its own metadata write for this catalog. Commit
// outcomes map onto cassberg's errors: 409 → CommitConflictError (refresh and retry), 5xx,
// timeouts and lost connections → CommitStateUnknownError (keep every file written).

import { CassbergError, CommitConflictError, CommitStateUnknownError } from '../../errors.ts';
import { stringifyJson } from '../spec/json.ts';
import type { TableChanges } from '../spec/table-update.ts';
import type { CatalogTable, CreateTableRequest, ServerSideCatalog, TableIdentifier } from './catalog.ts';
import { RestAuth, type RestAuthOptions } from './rest-auth.ts';
import { catalogTableFromJson, commitTableRequestToJson, createTableRequestToJson, parseBody, parseErrorBody } from './rest-serde.ts';

export interface RestCatalogOptions extends RestAuthOptions {
  /** Base URI of the catalog, e.g. `http://127.0.0.1:8181` (paths are `<uri>/v1/…`). */
  uri: string;
  /** Sent to `GET /v1/config?warehouse=`; servers hosting several catalogs choose by it. */
  warehouse?: string;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** Per-request timeout; a commit that times out has an unknown outcome. Default 30 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

interface HttpResult { status: number; text: string }

/** Namespace as one path segment: parts joined by the unit separator 0x1F (`%1F` once encoded). */
export function namespacePath(namespace: string[]): string {
  return encodeURIComponent(namespace.join('\x1f'));
}

function tableName(id: TableIdentifier): string {
  return `${id.namespace.join('.')}.${id.name}`;
}

export class RestCatalog implements ServerSideCatalog {
  readonly writesMetadata = true;
  private readonly baseUri: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly auth: RestAuth;
  private config: Promise<Record<string, string>> | null = null;
  private prefixPath = '';

  constructor(readonly name: string, private readonly opts: RestCatalogOptions) {
    this.baseUri = opts.uri.replace(/\/+$/, '');
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.auth = new RestAuth(opts, `${this.baseUri}/v1/oauth/tokens`, this.fetchFn, this.timeoutMs);
  }

  /** Fetches `/v1/config` (done lazily by the first request otherwise); returns the merged properties. */
  async initialize(): Promise<Record<string, string>> {
    this.config ??= this.loadConfig().catch((err: unknown) => { this.config = null; throw err; });
    return this.config;
  }

  /** Merged catalog properties: server defaults, then client options, then server overrides. */
  get properties(): Promise<Record<string, string>> { return this.initialize(); }

  async close(): Promise<void> { /* stateless over HTTP */ }

  private async loadConfig(): Promise<Record<string, string>> {
    const query = this.opts.warehouse ? `?warehouse=${encodeURIComponent(this.opts.warehouse)}` : '';
    const res = await this.sendOrFail('GET', `/v1/config${query}`);
    if (res.status !== 200) throw this.error(res, 'GET /v1/config');
    const body = parseBody(res.text, 'GET /v1/config');
    const client: Record<string, string> = this.opts.warehouse ? { warehouse: this.opts.warehouse } : {};
    const merged = { ...(body.defaults as Record<string, string>), ...client, ...(body.overrides as Record<string, string>) };
    const prefix = (merged.prefix ?? '').replace(/^\/+|\/+$/g, '');
    this.prefixPath = prefix ? `/${prefix}` : '';
    return merged;
  }

  private async path(rest: string): Promise<string> {
    await this.initialize();
    return `/v1${this.prefixPath}${rest}`;
  }

  /** One HTTP exchange; a 401/419 with client credentials refreshes the token and retries once. */
  private async send(method: string, path: string, body?: unknown, retried = false): Promise<HttpResult> {
    const headers: Record<string, string> = { Accept: 'application/json', 'X-Client-Version': 'cassberg', ...this.opts.headers };
    const authorization = await this.auth.header();
    if (authorization) headers.Authorization = authorization;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.fetchFn(`${this.baseUri}${path}`, {
      method, headers, body: body === undefined ? undefined : stringifyJson(body), signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if ((res.status === 401 || res.status === 419) && this.auth.usesCredentials && !retried) {
      this.auth.invalidate();
      return this.send(method, path, body, true);
    }
    return { status: res.status, text };
  }

  /** A request under the prefix whose failure to connect is an ordinary retryable error (nothing changed). */
  private async request(method: string, rest: string, body?: unknown): Promise<HttpResult> {
    return this.sendOrFail(method, await this.path(rest), body);
  }

  private async sendOrFail(method: string, path: string, body?: unknown): Promise<HttpResult> {
    try {
      return await this.send(method, path, body);
    } catch (err) {
      if (err instanceof CassbergError) throw err;
      throw new CassbergError('Unexpected', `rest catalog ${this.name}: ${method} ${path} failed: ${describe(err)}`, {}, { cause: err, retryable: true });
    }
  }

  private error(res: HttpResult, what: string, context: Record<string, string> = {}): CassbergError {
    const e = parseErrorBody(res.status, res.text);
    const message = `rest catalog ${this.name}: ${what}: HTTP ${res.status} ${e.type}: ${e.message}`;
    const ctx = { ...context, status: res.status, errorType: e.type };
    if (res.status === 400 || res.status === 422) return new CassbergError('DataInvalid', message, ctx);
    if (res.status === 404 || res.status === 401 || res.status === 403) return new CassbergError('PreconditionFailed', message, ctx);
    if (res.status === 409) return new CassbergError('CommitConflict', message, ctx);
    return new CassbergError('Unexpected', message, ctx, { retryable: res.status >= 500 || res.status === 429 });
  }

  async createNamespace(namespace: string[], properties: Record<string, string> = {}): Promise<void> {
    const res = await this.request('POST', '/namespaces', { namespace, properties });
    if (res.status === 200 || res.status === 409) return; // idempotent, as SqlCatalog.createNamespace
    throw this.error(res, `create namespace ${namespace.join('.')}`);
  }

  async namespaceExists(namespace: string[]): Promise<boolean> {
    const res = await this.request('HEAD', `/namespaces/${namespacePath(namespace)}`);
    if (res.status === 204 || res.status === 200) return true;
    if (res.status === 404) return false;
    throw this.error(res, `namespace ${namespace.join('.')} exists`);
  }

  async loadNamespace(namespace: string[]): Promise<Record<string, string>> {
    const res = await this.request('GET', `/namespaces/${namespacePath(namespace)}`);
    if (res.status !== 200) throw this.error(res, `load namespace ${namespace.join('.')}`);
    return (parseBody(res.text, 'load namespace').properties as Record<string, string>) ?? {};
  }

  /** Child namespaces of `parent` (top level when omitted), following page tokens. */
  async listNamespaces(parent: string[] = []): Promise<string[][]> {
    const query = parent.length ? `parent=${namespacePath(parent)}` : '';
    return this.listPages(`/namespaces`, query, 'namespaces', (v) => v as string[]);
  }

  async listTables(namespace: string[]): Promise<string[]> {
    const ids = await this.listPages(`/namespaces/${namespacePath(namespace)}/tables`, '', 'identifiers', (v) => v as { name: string });
    return ids.map((i) => i.name).sort();
  }

  private async listPages<T>(rest: string, query: string, key: string, item: (v: unknown) => T): Promise<T[]> {
    const out: T[] = [];
    let token: string | null = '';
    while (token !== null) {
      const params = [query, token ? `pageToken=${encodeURIComponent(token)}` : ''].filter(Boolean).join('&');
      const res = await this.request('GET', params ? `${rest}?${params}` : rest);
      if (res.status !== 200) throw this.error(res, `list ${rest}`);
      const body = parseBody(res.text, `list ${rest}`);
      out.push(...((body[key] as unknown[]) ?? []).map(item));
      const next = body['next-page-token'];
      token = typeof next === 'string' && next !== '' && next !== token ? next : null;
    }
    return out;
  }

  private tablePath(id: TableIdentifier): string {
    return `/namespaces/${namespacePath(id.namespace)}/tables/${encodeURIComponent(id.name)}`;
  }

  async loadTable(id: TableIdentifier): Promise<CatalogTable | null> {
    const res = await this.request('GET', this.tablePath(id));
    if (res.status === 404) return null;
    if (res.status !== 200) throw this.error(res, `load table ${tableName(id)}`, { table: tableName(id) });
    return catalogTableFromJson(parseBody(res.text, 'load table'), `load table ${tableName(id)}`);
  }

  async createTable(id: TableIdentifier, request: CreateTableRequest): Promise<CatalogTable> {
    const res = await this.request('POST', `/namespaces/${namespacePath(id.namespace)}/tables`, createTableRequestToJson(id.name, request));
    if (res.status === 409) throw new CassbergError('CommitConflict', `table ${tableName(id)} already exists`, { table: id.name });
    if (res.status !== 200) throw this.error(res, `create table ${tableName(id)}`, { table: tableName(id) });
    return catalogTableFromJson(parseBody(res.text, 'create table'), `create table ${tableName(id)}`);
  }

  async commitTable(id: TableIdentifier, changes: TableChanges): Promise<CatalogTable> {
    const path = await this.path(this.tablePath(id));
    const what = `commit to ${tableName(id)}`;
    let res: HttpResult;
    try {
      res = await this.send('POST', path, commitTableRequestToJson(changes));
    } catch (err) {
      if (err instanceof CassbergError) throw err; // from the token request: nothing was sent
      // Refused connections never reached the server; anything later (reset, timeout) may have.
      if (connectionRefused(err)) throw new CassbergError('Unexpected', `rest catalog ${this.name}: ${what}: connection refused`, {}, { cause: err, retryable: true });
      throw new CommitStateUnknownError(`rest catalog ${this.name}: ${what}: ${describe(err)}, outcome unknown`, err);
    }
    if (res.status === 200) return catalogTableFromJson(parseBody(res.text, what), what);
    const e = parseErrorBody(res.status, res.text);
    if (res.status === 409) throw new CommitConflictError(`rest catalog ${this.name}: ${what}: ${e.message}`, { table: tableName(id), errorType: e.type });
    if (res.status >= 500) {
      throw new CommitStateUnknownError(`rest catalog ${this.name}: ${what}: HTTP ${res.status} ${e.type}: ${e.message}, outcome unknown`);
    }
    throw this.error(res, what, { table: tableName(id) });
  }

  /** Drops the table from the catalog; `purge` also asks the server to delete its files. */
  async dropTable(id: TableIdentifier, opts: { purge?: boolean } = {}): Promise<void> {
    const res = await this.request('DELETE', `${this.tablePath(id)}${opts.purge ? '?purgeRequested=true' : ''}`);
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) throw this.error(res, `drop table ${tableName(id)}`);
  }
}

/** "fetch failed (ECONNRESET)", "The operation was aborted due to timeout" … */
function describe(err: unknown): string {
  const code = (err as { cause?: { code?: string } }).cause?.code;
  return `${(err as Error).message}${code ? ` (${code})` : ''}`;
}

function connectionRefused(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if ((e as NodeJS.ErrnoException).code === 'ECONNREFUSED') return true;
  }
  return false;
}
