// Authorization for the REST catalog: a static bearer token, or OAuth2 client credentials
// (RFC 6749 §4.4) exchanged at the token endpoint — the catalog's own `/v1/oauth/tokens` unless an
// `oauth2-server-uri` is given — and cached until shortly before it expires.

import { CassbergError } from '../../errors.ts';

export interface ClientCredentials { clientId: string; clientSecret: string }

export interface RestAuthOptions {
  token?: string;
  credential?: ClientCredentials;
  /** Token endpoint; default `<catalog uri>/v1/oauth/tokens`. */
  oauth2ServerUri?: string;
  /** OAuth2 scope; default `catalog` (as Java and PyIceberg). */
  scope?: string;
}

/** Refresh this long before `expires_in` runs out. */
const EXPIRY_MARGIN_MS = 60_000;

export class RestAuth {
  private cached: { value: string; expiresAtMs: number } | null = null;

  constructor(private readonly opts: RestAuthOptions, private readonly tokenUri: string,
    private readonly fetchFn: typeof fetch, private readonly timeoutMs: number) {}

  get usesCredentials(): boolean { return this.opts.credential !== undefined; }

  /** The Authorization header value, or undefined when the catalog is used without auth. */
  async header(): Promise<string | undefined> {
    if (this.opts.credential) return `Bearer ${await this.accessToken(this.opts.credential)}`;
    return this.opts.token ? `Bearer ${this.opts.token}` : undefined;
  }

  /** Forgets the cached token (after a 401/419), so the next header() fetches a fresh one. */
  invalidate(): void { this.cached = null; }

  private async accessToken(cred: ClientCredentials): Promise<string> {
    if (this.cached && Date.now() < this.cached.expiresAtMs) return this.cached.value;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: cred.clientId, client_secret: cred.clientSecret, scope: this.opts.scope ?? 'catalog' });
    let res: Response;
    try {
      res = await this.fetchFn(this.opts.oauth2ServerUri ?? this.tokenUri, {
        method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new CassbergError('Unexpected', `rest catalog: token request to ${this.opts.oauth2ServerUri ?? this.tokenUri} failed`, {}, { cause: err, retryable: true });
    }
    const text = await res.text();
    if (!res.ok) {
      throw new CassbergError('PreconditionFailed', `rest catalog: token request refused (HTTP ${res.status}): ${text.slice(0, 300)}`, { status: res.status });
    }
    const json = JSON.parse(text) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== 'string') throw new CassbergError('Unexpected', 'rest catalog: token response has no access_token');
    const ttlMs = typeof json.expires_in === 'number' ? json.expires_in * 1000 : 3_600_000;
    this.cached = { value: json.access_token, expiresAtMs: Date.now() + Math.max(0, ttlMs - EXPIRY_MARGIN_MS) };
    return json.access_token;
  }
}
