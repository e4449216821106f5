// Canary selection: a table is in a rule's canary when its stable bucket is below the rule's percentage. The
// bucket depends only on cluster.keyspace.table, so the same job gets the same answer every time, and raising a
// rule's percentage only adds tables (a table in the 10 % canary stays in the 20 % one).

import { createHash } from 'node:crypto';

/** Buckets per 100 %: percentages have two decimals of resolution. */
export const CANARY_BUCKETS = 10_000;

/** The table's bucket in [0, CANARY_BUCKETS): the first 4 bytes of SHA-256("cluster.keyspace.table"), big-endian. */
export function canaryBucket(table: { cluster: string; keyspace: string; table: string }): number {
  const digest = createHash('sha256').update(`${table.cluster}.${table.keyspace}.${table.table}`, 'utf8').digest();
  return digest.readUInt32BE(0) % CANARY_BUCKETS;
}

export function inCanary(bucket: number, percent: number): boolean {
  return bucket < Math.round(percent * (CANARY_BUCKETS / 100));
}
