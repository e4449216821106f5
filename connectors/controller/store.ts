// Durable, versioned storage of the Connector Controller's rules. Every write is a new version carrying the whole
// document, its author, time and comment; nothing is updated in place, so `history` is the audit log and a
// rollback is a new version equal to an old one. SQLite (sqlite-store.ts) and PostgreSQL (postgres-store.ts) run
// the same SQL below through `SqlControllerStore`.

import { InvalidConfigError } from '../../engine/errors.ts';
import { CONNECTORS } from '../registry.ts';
import type { ConnectorEntry } from '../registry.ts';
import { parseRulesDocument, parseStoredDocument } from './rules.ts';
import type { RulesDocument } from './rules.ts';

export interface RuleVersion {
  version: number;
  document: RulesDocument;
  author: string;
  /** ISO-8601 instant of the write. */
  createdAt: string;
  comment: string | null;
  /** For a rollback: the version it restored. */
  rollbackOf: number | null;
}

export interface WriteMeta {
  author: string;
  comment?: string;
}

export interface ControllerStore {
  /** The newest version, or undefined before the first write. */
  current(): Promise<RuleVersion | undefined>;
  get(version: number): Promise<RuleVersion | undefined>;
  /** Newest first. */
  history(limit?: number): Promise<RuleVersion[]>;
  /** Validates `document` against the registry (InvalidConfigError naming the field) and stores it as a new version. */
  write(document: unknown, meta: WriteMeta): Promise<RuleVersion>;
  /** Writes a new version whose document equals `version`'s (re-validated against today's registry). */
  rollback(version: number, meta: WriteMeta): Promise<RuleVersion>;
  close(): Promise<void>;
}

export const RULES_TABLE = 'cassberg_controller_rules';

/** Portable DDL and statements; `?` placeholders (PostgreSQL numbers them). Casts let PostgreSQL type the SELECT list. */
export const SQL = {
  createTable: `CREATE TABLE IF NOT EXISTS ${RULES_TABLE} (
  version INTEGER PRIMARY KEY,
  document TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  comment TEXT,
  rollback_of INTEGER
)`,
  insertNext: `INSERT INTO ${RULES_TABLE} (version, document, author, created_at, comment, rollback_of)
SELECT COALESCE(MAX(version), 0) + 1, CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER)
FROM ${RULES_TABLE} RETURNING version`,
  selectCurrent: `SELECT version, document, author, created_at, comment, rollback_of FROM ${RULES_TABLE} ORDER BY version DESC LIMIT 1`,
  selectVersion: `SELECT version, document, author, created_at, comment, rollback_of FROM ${RULES_TABLE} WHERE version = ?`,
  selectHistory: `SELECT version, document, author, created_at, comment, rollback_of FROM ${RULES_TABLE} ORDER BY version DESC LIMIT ?`,
} as const;

export interface RuleRow {
  version: number | string;
  document: string;
  author: string;
  created_at: string;
  comment: string | null;
  rollback_of: number | string | null;
}

export type InsertParams = [document: string, author: string, createdAt: string, comment: string | null, rollbackOf: number | null];

export interface SqlStoreOptions {
  registry?: readonly ConnectorEntry[];
  /** Clock for `createdAt` (tests). */
  now?: () => Date;
}

function fromRow(row: RuleRow): RuleVersion {
  return {
    version: Number(row.version),
    document: parseStoredDocument(JSON.parse(row.document), `version ${row.version}`),
    author: row.author,
    createdAt: row.created_at,
    comment: row.comment,
    rollbackOf: row.rollback_of === null ? null : Number(row.rollback_of),
  };
}

function checkAuthor(meta: WriteMeta): string {
  const author = meta.author?.trim();
  if (!author) throw new InvalidConfigError('controller rules: author: every change needs an author', { field: 'author' });
  return author;
}

/** The versioning logic shared by the SQL stores; subclasses only run statements. */
export abstract class SqlControllerStore implements ControllerStore {
  protected readonly registry: readonly ConnectorEntry[];
  private readonly now: () => Date;

  protected constructor(options: SqlStoreOptions = {}) {
    this.registry = options.registry ?? CONNECTORS;
    this.now = options.now ?? (() => new Date());
  }

  /** Runs a SELECT from SQL with `?` placeholders. */
  protected abstract select(sql: string, params: readonly unknown[]): Promise<RuleRow[]>;
  /** Runs SQL.insertNext and returns the version it wrote. */
  protected abstract insertNext(params: InsertParams): Promise<number>;
  abstract close(): Promise<void>;

  async current(): Promise<RuleVersion | undefined> {
    const [row] = await this.select(SQL.selectCurrent, []);
    return row ? fromRow(row) : undefined;
  }

  async get(version: number): Promise<RuleVersion | undefined> {
    const [row] = await this.select(SQL.selectVersion, [version]);
    return row ? fromRow(row) : undefined;
  }

  async history(limit = 1000): Promise<RuleVersion[]> {
    return (await this.select(SQL.selectHistory, [limit])).map(fromRow);
  }

  async write(document: unknown, meta: WriteMeta): Promise<RuleVersion> {
    return this.store(parseRulesDocument(document, this.registry), meta, null);
  }

  async rollback(version: number, meta: WriteMeta): Promise<RuleVersion> {
    if (!Number.isInteger(version) || version < 1) {
      throw new InvalidConfigError(`controller rollback: version: ${version} is not a version number`, { field: 'version' });
    }
    const old = await this.get(version);
    if (!old) {
      const latest = (await this.current())?.version ?? 0;
      throw new InvalidConfigError(`controller rollback: version: version ${version} does not exist (latest is ${latest})`, { field: 'version' });
    }
    const document = parseRulesDocument(old.document, this.registry);
    return this.store(document, { author: meta.author, comment: meta.comment ?? `rollback to version ${version}` }, version);
  }

  private async store(document: RulesDocument, meta: WriteMeta, rollbackOf: number | null): Promise<RuleVersion> {
    const author = checkAuthor(meta);
    const createdAt = this.now().toISOString();
    const comment = meta.comment?.trim() || null;
    const version = await this.insertNext([JSON.stringify(document), author, createdAt, comment, rollbackOf]);
    return { version, document, author, createdAt, comment, rollbackOf };
  }
}
