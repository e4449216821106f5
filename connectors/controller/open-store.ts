// Opens the rule store named by a location: a `postgres://` / `postgresql://` URL, or a SQLite file path.

import { PostgresControllerStore } from './postgres-store.ts';
import { SqliteControllerStore } from './sqlite-store.ts';
import type { ControllerStore, SqlStoreOptions } from './store.ts';

export const DEFAULT_CONTROLLER_DB = '.cassberg/catalog.db';

export async function openControllerStore(location: string, options: SqlStoreOptions = {}): Promise<ControllerStore> {
  if (/^postgres(ql)?:\/\//.test(location)) return PostgresControllerStore.open(location, options);
  return SqliteControllerStore.open(location, options);
}
