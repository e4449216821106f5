// Serialized form of a composite partition key (CompositeType, db/marshal/CompositeType.java): for each component
// a u16 big-endian length, the component bytes and one end-of-component byte (0 in a stored key). Single-component
// keys are stored bare (no CompositeType wrapping), so callers only use this for keys of two or more columns.

import { ByteReader } from '../sstable/byte-reader.ts';

const MAX_COMPONENT_LENGTH = 0xffff;

/** CompositeType bytes of the given components, as Cassandra stores and hashes a multi-column partition key. */
export function toCompositeKey(components: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of components) {
    if (c.length > MAX_COMPONENT_LENGTH) throw new RangeError(`composite key component of ${c.length} bytes exceeds ${MAX_COMPONENT_LENGTH}`);
    size += 3 + c.length;
  }
  const out = new Uint8Array(size);
  let pos = 0;
  for (const c of components) {
    out[pos] = c.length >>> 8;
    out[pos + 1] = c.length & 0xff;
    out.set(c, pos + 2);
    pos += 2 + c.length;
    out[pos++] = 0; // end-of-component
  }
  return out;
}

/** Components of a CompositeType key (subarrays of `key`); CorruptInputError names `file` and `base` + offset. */
export function fromCompositeKey(key: Uint8Array, file = 'partition key', base = 0): Uint8Array[] {
  const reader = new ByteReader(key, file, base);
  const out: Uint8Array[] = [];
  while (reader.remaining > 0) {
    const length = reader.readUint16();
    if (length > reader.remaining) reader.fail(`composite component length ${length} exceeds the ${reader.remaining} bytes left`, reader.pos - 2);
    out.push(reader.readBytes(length));
    const eoc = reader.readUint8();
    if (eoc !== 0) reader.fail(`end-of-component byte 0 expected, found ${eoc}`, reader.pos - 1);
  }
  return out;
}
