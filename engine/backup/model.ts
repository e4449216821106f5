// The normalized backup model every layout maps into (backup-layouts.md §6): a cluster backup groups node backups,
// a node backup holds tables, a table holds SSTables, an SSTable holds components. Tokens are bigint; every time
// carries the clock it came from.

export type LayoutKind = 'nodetool-snapshot' | 'medusa-full' | 'medusa-differential';

export type Clock = 'object-store' | 'node';

export interface Stamp {
  at: Date;
  clock: Clock;
  /** Object key or field the time was read from. */
  source: string;
}

export interface NodeTopology {
  /** The node's name in the layout: Medusa fqdn, or the `<node>` path segment of a snapshot upload. */
  name: string;
  dc?: string;
  rack?: string;
  tokens: bigint[];
}

export interface ComponentBackup {
  /** Component name as in TOC.txt: `Data.db`, `CompressionInfo.db`, `TOC.txt`, ... */
  name: string;
  key: string;
  /** From the backup's manifest; undefined when the layout records no sizes. */
  expectedSizeInBytes?: number;
  /** From the object listing; undefined when the object is missing. */
  storedSizeInBytes?: number;
  expectedChecksum?: { algo: 'md5-or-etag'; value: string };
  storedEtag?: string;
}

export interface SSTableBackup {
  /** File name prefix shared by the components, e.g. `nb-7-big` or `oa-3gbo_0pke_1u7kw2q0x9wxpehq7r-big`. */
  prefix: string;
  version: string;
  id: string;
  format: string;
  components: ComponentBackup[];
}

export interface TableBackup {
  keyspace: string;
  table: string;
  /** Dashed UUID from the `<table>-<32 hex>` folder name; undefined for pre-2.1 folders without it. */
  tableId?: string;
  /** The table folder as stored, e.g. `users-6f0c1b2a000011ef8000000000000001`. */
  dirName: string;
  isSystem: boolean;
  /** Per-table schema.cql key (snapshot layout); Medusa keeps one cluster schema per node instead. */
  schemaKey?: string;
  /** Per-table manifest.json key (snapshot layout). */
  manifestKey?: string;
  sstables: SSTableBackup[];
}

export interface NodeBackup {
  layout: LayoutKind;
  /** Backup name (Medusa) or snapshot tag. */
  backupName: string;
  node: NodeTopology;
  /** Key prefix of this node backup (e.g. `<prefix>/<fqdn>/<name>` or `<prefix>/<dc>/<node>`). */
  keyPrefix: string;
  /** Object whose presence says "this node backup finished"; `markerPresent` says whether it exists. */
  markerKey: string;
  markerPresent: boolean;
  started?: Stamp;
  finished?: Stamp;
  /** Earliest snapshot instant known for this node (table manifests' created_at, else started). */
  snapshotAt?: Stamp;
  /** Every node this node believed in the ring at backup time (its token map), by name. */
  tokenMap: NodeTopology[];
  /** Cluster-wide schema.cql with CREATE KEYSPACE statements (Medusa's meta/schema.cql; the optional node-level
   *  `snapshots/<tag>/schema.cql` of the snapshot layout). */
  schemaKey?: string;
  serverVersion?: string;
  tables: TableBackup[];
  /** Problems found while reading the layout's metadata (bad manifest, path traversal, unparsable file). */
  problems: string[];
}

export interface ClusterBackup {
  layout: LayoutKind;
  name: string;
  /** Store root the backup was discovered under. */
  root: string;
  nodeBackups: NodeBackup[];
  /** Union of the nodes' token maps: every node that must have a complete node backup. */
  expectedNodes: NodeTopology[];
  started?: Stamp;
  finished?: Stamp;
}

/** `in-progress`: a node backup started recently whose finish marker is not written yet (still uploading, or about to
 *  be abandoned — after CheckOptions.inProgressHours it counts as incomplete). Only `complete` backups are read. */
export type VerdictStatus = 'complete' | 'in-progress' | 'incomplete' | 'damaged';

export interface Verdict {
  status: VerdictStatus;
  /** Human-readable reasons, each prefixed with the node name: "node-3: nb-7-big-Data.db missing". */
  reasons: string[];
}

export const SYSTEM_KEYSPACES = new Set([
  'system',
  'system_schema',
  'system_auth',
  'system_distributed',
  'system_traces',
  'system_views',
  'system_virtual_schema',
  'system_cluster_metadata',
]);
