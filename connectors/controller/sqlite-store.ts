// The rule store in SQLite (better-sqlite3), by default in the catalog database file (`.cassberg/catalog.db`), so a
// local deployment keeps its catalog and its routing rules together. WAL and a busy timeout let the CLI write rules
// while a worker reads them.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { SQL, SqlControllerStore } from './store.ts';
import type { InsertParams, RuleRow, SqlStoreOptions } from './store.ts';

export class SqliteControllerStore extends SqlControllerStore {
  private readonly db: Database.Database;

  private constructor(db: Database.Database, options: SqlStoreOptions) {
    super(options);
    this.db = db;
  }

  /** Opens (creating the file, its directory and the rules table if missing) the store at `path`. */
  static open(path: string, options: SqlStoreOptions = {}): SqliteControllerStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 10000');
      db.exec(SQL.createTable);
    } catch (err) {
      db.close();
      throw err;
    }
    return new SqliteControllerStore(db, options);
  }

  protected async select(sql: string, params: readonly unknown[]): Promise<RuleRow[]> {
    return this.db.prepare(sql).all(...params) as RuleRow[];
  }

  protected async insertNext(params: InsertParams): Promise<number> {
    const row = this.db.prepare(SQL.insertNext).get(...params) as { version: number };
    return row.version;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
