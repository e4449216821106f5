// The two kinds of catalog commit.ts works with. A pointer catalog (the JDBC layout in sql.ts)
// stores only the current metadata location: the client writes each metadata file and swaps the
// pointer. A server-side catalog (REST, rest.ts) takes updates plus requirements, checks and
// applies them, and writes the metadata file itself: the client writes data files, manifests and
// manifest lists only.

import type { PartitionSpec } from '../spec/partition-spec.ts';
import type { Schema } from '../spec/schema.ts';
import type { TableMetadata } from '../spec/table-metadata.ts';
import type { TableChanges } from '../spec/table-update.ts';
import type { TableIdentifier } from './sql.ts';

export type { TableIdentifier };

/** Table metadata as a catalog returns it, with the location of the file it was read from. */
export interface CatalogTable { metadata: TableMetadata; metadataLocation: string }

export interface PointerCatalog {
  /** The current metadata location, or null when the table does not exist. */
  metadataLocation(id: TableIdentifier): Promise<string | null>;
  /** Registers a new table; a `CommitConflict`-kind error if it already exists. */
  registerTable(id: TableIdentifier, metadataLocation: string): Promise<void>;
  /** Compare-and-swap of the metadata pointer: true when this call moved it from `expected`. */
  swapMetadataLocation(id: TableIdentifier, expected: string, next: string): Promise<boolean>;
}

export interface CreateTableRequest {
  location: string;
  schema: Schema;
  spec: PartitionSpec;
  properties: Record<string, string>;
}

export interface ServerSideCatalog {
  /** Marks a catalog that writes metadata files itself on create and commit. */
  readonly writesMetadata: true;
  /** null when the table does not exist. */
  loadTable(id: TableIdentifier): Promise<CatalogTable | null>;
  /**
   * Creates a table; the server assigns the table UUID and may re-assign field ids, so callers
   * take schema and spec from the returned metadata. A `CommitConflict`-kind error if it exists.
   */
  createTable(id: TableIdentifier, request: CreateTableRequest): Promise<CatalogTable>;
  /**
   * Checks `changes.requirements` and applies `changes.updates` on the server. Throws
   * CommitConflictError when a requirement failed (refresh and retry) and CommitStateUnknownError
   * when the outcome is unknown (5xx, timeout, lost connection).
   */
  commitTable(id: TableIdentifier, changes: TableChanges): Promise<CatalogTable>;
}

export type Catalog = PointerCatalog | ServerSideCatalog;

export function writesMetadata(catalog: Catalog): catalog is ServerSideCatalog {
  return (catalog as Partial<ServerSideCatalog>).writesMetadata === true;
}
