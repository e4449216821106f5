// PostgreSQL driver for the SQL catalog (pg): the catalog's `?` placeholders become `$n`; a
// unique violation surfaces as SQLSTATE 23505, which the catalog maps to "already exists".

import pg from 'pg';
import type { SqlDriver } from './sql.ts';

function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres';
  private readonly pool: pg.Pool;

  constructor(config: pg.PoolConfig) {
    this.pool = new pg.Pool({ max: 4, ...config });
  }

  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const res = await this.pool.query(numberPlaceholders(sql), params);
    return res.rows as T[];
  }

  async execute(sql: string, params: unknown[]): Promise<number> {
    const res = await this.pool.query(numberPlaceholders(sql), params);
    return res.rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
