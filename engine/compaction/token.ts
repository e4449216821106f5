// Partition order as DecoratedKey.compareTo: Murmur3 by signed token then key bytes, ByteOrdered by key bytes.
// The token itself comes from engine/partitioner (one Murmur3 for the whole engine). Runs once per partition.

import { UnsupportedFormatError } from '../errors.ts';
import { compareBytes } from './reconcile.ts';

export { murmur3Token } from '../partitioner/murmur3.ts';
export { rangeContains as tokenInRange, type TokenRange } from '../partitioner/token-range.ts';

export type PartitionerName = 'Murmur3Partitioner' | 'ByteOrderedPartitioner';

/** Accepts the class name with or without the org.apache.cassandra.dht. prefix. */
export function toPartitionerName(name: string): PartitionerName {
  const short = name.replace(/^org\.apache\.cassandra\.dht\./, '');
  if (short === 'Murmur3Partitioner' || short === 'ByteOrderedPartitioner') return short;
  throw new UnsupportedFormatError(`partitioner ${name} is not supported`, { partitioner: name });
}

/**
 * Orders partitions as DecoratedKey.compareTo does: Murmur3 by signed token then key bytes; ByteOrdered by key bytes
 * (the token is the key). `aToken`/`bToken` are only read for Murmur3.
 */
export function comparePartitions(partitioner: PartitionerName, aToken: bigint, aKey: Uint8Array, bToken: bigint, bKey: Uint8Array): number {
  if (partitioner === 'Murmur3Partitioner' && aToken !== bToken) return aToken < bToken ? -1 : 1;
  return compareBytes(aKey, 0, aKey.length, bKey, 0, bKey.length);
}
