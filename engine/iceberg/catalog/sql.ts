// SQL catalog in the Iceberg JDBC layout (`iceberg_tables`, `iceberg_namespace_properties`), read
// natively by PyIceberg's SqlCatalog and Java's JdbcCatalog. A commit is a compare-and-swap on
// metadata_location. One implementation over a tiny driver interface: SQLite (better-sqlite3,
// the embedded default) and PostgreSQL (pg) run the same statements.

import Database from 'better-sqlite3';
import { CassbergError } from '../../errors.ts';

export interface TableIdentifier { namespace: string[]; name: string }

/** What a driver must do: run a statement with `?` placeholders; report rows or changed-row count. */
export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  execute(sql: string, params: unknown[]): Promise<number>;
  close(): Promise<void>;
}

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite';
  private readonly db: Database.Database;
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 10000');
  }
  async query<T>(sql: string, params: unknown[]): Promise<T[]> { return this.db.prepare(sql).all(...params) as T[]; }
  async execute(sql: string, params: unknown[]): Promise<number> { return this.db.prepare(sql).run(...params).changes; }
  async close(): Promise<void> { this.db.close(); }
}

const CREATE_TABLES = [
  `CREATE TABLE IF NOT EXISTS iceberg_tables (
    catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL,
    metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), iceberg_type VARCHAR(5),
    PRIMARY KEY (catalog_name, table_namespace, table_name))`,
  `CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
    catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL,
    property_key VARCHAR(255) NOT NULL, property_value VARCHAR(1000) NOT NULL,
    PRIMARY KEY (catalog_name, namespace, property_key))`,
];

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string };
  return e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === '23505';
}

export class SqlCatalog {
  constructor(readonly name: string, private readonly driver: SqlDriver) {}

  /** Creates the catalog tables if missing (as `init_catalog_tables` / `jdbc.init-catalog-tables`). */
  async initialize(): Promise<void> {
    for (const sql of CREATE_TABLES) await this.driver.execute(sql, []);
  }

  async close(): Promise<void> { await this.driver.close(); }

  async createNamespace(namespace: string[], properties: Record<string, string> = {}): Promise<void> {
    const ns = namespace.join('.');
    for (const [key, value] of Object.entries({ exists: 'true', ...properties })) {
      try {
        await this.driver.execute(
          'INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)',
          [this.name, ns, key, value]);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
  }

  async namespaceExists(namespace: string[]): Promise<boolean> {
    const ns = namespace.join('.');
    const rows = await this.driver.query<{ n: number }>(
      `SELECT 1 AS n FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ?
       UNION SELECT 1 AS n FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ?`, [this.name, ns, this.name, ns]);
    return rows.length > 0;
  }

  /** The current metadata location, or null when the table does not exist. */
  async metadataLocation(id: TableIdentifier): Promise<string | null> {
    const rows = await this.driver.query<{ metadata_location: string | null }>(
      `SELECT metadata_location FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?
       AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)`, [this.name, id.namespace.join('.'), id.name]);
    return rows[0]?.metadata_location ?? null;
  }

  async listTables(namespace: string[]): Promise<string[]> {
    const rows = await this.driver.query<{ table_name: string }>(
      'SELECT table_name FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name',
      [this.name, namespace.join('.')]);
    return rows.map((r) => r.table_name);
  }

  /** Registers a new table; a CommitConflictError-kind error if it already exists. */
  async registerTable(id: TableIdentifier, metadataLocation: string): Promise<void> {
    if (!(await this.namespaceExists(id.namespace))) {
      throw new CassbergError('PreconditionFailed', `namespace ${id.namespace.join('.')} does not exist in catalog ${this.name}`);
    }
    try {
      await this.driver.execute(
        `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
         VALUES (?, ?, ?, ?, NULL, 'TABLE')`, [this.name, id.namespace.join('.'), id.name, metadataLocation]);
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new CassbergError('CommitConflict', `table ${id.namespace.join('.')}.${id.name} already exists`, { table: id.name });
      }
      throw err;
    }
  }

  /** Compare-and-swap of the metadata pointer: true when this call moved it from `expected`. */
  async swapMetadataLocation(id: TableIdentifier, expected: string, next: string): Promise<boolean> {
    const changed = await this.driver.execute(
      `UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
       WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?
       AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)`,
      [next, expected, this.name, id.namespace.join('.'), id.name, expected]);
    return changed === 1;
  }

  async dropTable(id: TableIdentifier): Promise<void> {
    await this.driver.execute('DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?',
      [this.name, id.namespace.join('.'), id.name]);
  }
}
