// Avro object container files (Avro spec "Object Container Files"), written by hand so the
// schema JSON lands in the header verbatim (field-id, element-id, logicalType: map) and longs
// are BigInt-safe. avsc encodes the records and the header; we frame the blocks.

import { CassbergError } from '../../errors.ts';
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import avro from 'avsc';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]);

/** Avro long as bigint on read; accepts bigint or safe-integer numbers on write. */
const BIG_LONG = avro.types.LongType.__with({
  fromBuffer: (b: Buffer) => b.readBigInt64LE(),
  toBuffer: (v: bigint | number) => { const b = Buffer.alloc(8); b.writeBigInt64LE(BigInt(v)); return b; },
  fromJSON: (v: unknown) => BigInt(v as number),
  toJSON: (v: bigint) => Number(v),
  isValid: (v: unknown) => typeof v === 'bigint' || Number.isSafeInteger(v),
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

const HEADER = avro.Type.forSchema({
  type: 'record', name: 'org.apache.avro.file.Header', fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const LONG = avro.Type.forSchema('long');

export function avroType(schema: unknown): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, { registry: { long: BIG_LONG } as unknown as Record<string, avro.Type> });
}

export interface AvroWriteOptions { codec?: 'null' | 'deflate'; metadata: Record<string, string>; blockRecords?: number }

/**
 * Encodes records into one container file. The sync marker derives from `name` so a retried
 * write of the same logical file produces the same bytes.
 */
export function writeAvroFile(name: string, schema: unknown, records: unknown[], opts: AvroWriteOptions): Uint8Array {
  const type = avroType(schema);
  const codec = opts.codec ?? 'deflate';
  const sync = createHash('md5').update(name).digest();
  const meta: Record<string, Buffer> = { 'avro.schema': Buffer.from(JSON.stringify(schema)), 'avro.codec': Buffer.from(codec) };
  for (const [k, v] of Object.entries(opts.metadata)) meta[k] = Buffer.from(v);
  const parts: Buffer[] = [HEADER.toBuffer({ magic: MAGIC, meta, sync })];
  const per = opts.blockRecords ?? 1000;
  for (let i = 0; i < records.length; i += per) {
    const chunk = records.slice(i, i + per);
    const raw = Buffer.concat(chunk.map((r) => {
      const err: string[] = [];
      if (!type.isValid(r, { errorHook: (path) => err.push(path.join('.')) })) {
        throw new CassbergError('DataInvalid', `avro: record does not match schema ${String((schema as { name?: string }).name)} at ${err.join(', ')}`);
      }
      return type.toBuffer(r);
    }));
    const body = codec === 'deflate' ? deflateRawSync(raw) : raw;
    parts.push(LONG.toBuffer(chunk.length), LONG.toBuffer(body.length), body, sync);
  }
  return new Uint8Array(Buffer.concat(parts));
}

export interface AvroFile { schema: unknown; metadata: Record<string, string>; records: unknown[] }

export function readAvroFile(bytes: Uint8Array, name = 'avro file'): AvroFile {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = HEADER.decode(b, 0) as { value: { magic: Buffer; meta: Record<string, Buffer>; sync: Buffer }; offset: number };
  if (head.offset < 0 || !head.value.magic.equals(MAGIC)) throw new CassbergError('DataInvalid', `avro: ${name} has no valid header`);
  const metadata = Object.fromEntries(Object.entries(head.value.meta).map(([k, v]) => [k, v.toString()]));
  const schema = JSON.parse(metadata['avro.schema'] ?? 'null');
  const type = avroType(schema);
  const codec = metadata['avro.codec'] ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') throw new CassbergError('DataInvalid', `avro: ${name} uses unsupported codec ${codec}`);
  const records: unknown[] = [];
  let pos = head.offset;
  while (pos < b.length) {
    const count = LONG.decode(b, pos) as { value: number; offset: number };
    const size = LONG.decode(b, count.offset) as { value: number; offset: number };
    const end = size.offset + size.value;
    if (count.offset < 0 || size.offset < 0 || end + 16 > b.length) throw new CassbergError('DataInvalid', `avro: ${name} block truncated at offset ${pos}`);
    const body = codec === 'deflate' ? inflateRawSync(b.subarray(size.offset, end)) : b.subarray(size.offset, end);
    let at = 0;
    for (let i = 0; i < count.value; i++) {
      const r = type.decode(body, at) as { value: unknown; offset: number };
      if (r.offset < 0) throw new CassbergError('DataInvalid', `avro: ${name} record ${i} truncated in block at offset ${pos}`);
      records.push(r.value);
      at = r.offset;
    }
    pos = end + 16;
  }
  return { schema, metadata, records };
}
