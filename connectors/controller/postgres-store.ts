// The rule store in PostgreSQL (pg), for deployments whose catalog lives there. Same table and statements as the
// SQLite store; a writer holds a table lock for its one INSERT, so two writers never race for a version.

import pg from 'pg';
import { RULES_TABLE, SQL, SqlControllerStore } from './store.ts';
import type { InsertParams, RuleRow, SqlStoreOptions } from './store.ts';

/** `?` placeholders → `$1, $2, …` (the statements in store.ts contain no `?` inside literals). */
export function toPostgresPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PostgresControllerStore extends SqlControllerStore {
  private constructor(private readonly pool: pg.Pool, options: SqlStoreOptions) {
    super(options);
  }

  /** Connects with a `postgres://…` URL (or libpq-style environment when omitted) and creates the table if missing. */
  static async open(connectionString: string | undefined, options: SqlStoreOptions = {}): Promise<PostgresControllerStore> {
    const pool = new pg.Pool({ connectionString, max: 2 });
    try {
      await pool.query(SQL.createTable);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresControllerStore(pool, options);
  }

  protected async select(sql: string, params: readonly unknown[]): Promise<RuleRow[]> {
    return (await this.pool.query<RuleRow>(toPostgresPlaceholders(sql), [...params])).rows;
  }

  /** Locks the table against other writers (readers go on) so MAX(version) + 1 is this writer's alone. */
  protected async insertNext(params: InsertParams): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${RULES_TABLE} IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await client.query<{ version: number }>(toPostgresPlaceholders(SQL.insertNext), params);
      await client.query('COMMIT');
      return Number(rows[0]!.version);
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
