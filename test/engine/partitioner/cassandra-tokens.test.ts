// Murmur3 tokens as Cassandra computes them: 12,000 keys of six key shapes (composite included) written to a real
// Cassandra 5.0 node, and each `SELECT token(…)` compared with engine/partitioner's token of the serialized key.
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { toCompositeKey } from '../../../engine/partitioner/composite-key.ts';
import { murmur3Token } from '../../../engine/partitioner/murmur3.ts';
import { ensureCassandra, type CassandraNode } from '../../harness/cassandra.ts';

const KS = 'cassberg_tokens';
const PER_SHAPE = 2000;
let node: CassandraNode;

before(async () => {
  node = await ensureCassandra();
  await node.execute(`CREATE KEYSPACE IF NOT EXISTS ${KS} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
});
after(() => node?.close());

const int4 = (v: number) => { const b = Buffer.alloc(4); b.writeInt32BE(v); return b; };
const int8 = (v: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64BE(v); return b; };

/** A seeded sequence, so a mismatch reproduces with the same keys. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

interface Shape {
  table: string;
  columns: string;
  key: string;
  /** A parameter list for the INSERT and the key's serialized bytes. */
  make(i: number, r: () => number): { params: unknown[]; bytes: Uint8Array };
}

const SHAPES: Shape[] = [
  { table: 'k_int', columns: 'k int PRIMARY KEY', key: 'k', make: (i, r) => { const v = (r() | 0) ^ i; return { params: [v], bytes: int4(v) }; } },
  { table: 'k_bigint', columns: 'k bigint PRIMARY KEY', key: 'k', make: (_i, r) => { const v = BigInt.asIntN(64, (BigInt(r()) << 32n) | BigInt(r())); return { params: [v.toString()], bytes: int8(v) }; } },
  { table: 'k_text', columns: 'k text PRIMARY KEY', key: 'k', make: (i, r) => { const v = `key-${i}-${'é✓'.repeat(r() % 7)}-${r().toString(36)}`; return { params: [v], bytes: Buffer.from(v, 'utf8') }; } },
  { table: 'k_uuid', columns: 'k uuid PRIMARY KEY', key: 'k', make: () => { const v = randomUUID(); return { params: [v], bytes: Buffer.from(v.replace(/-/g, ''), 'hex') }; } },
  // blobs of every length 0..40 exercise the 16-byte blocks and the sign-extended tail bytes
  { table: 'k_blob', columns: 'k blob PRIMARY KEY', key: 'k', make: (i) => { const v = randomBytes(1 + (i % 40)); return { params: [v], bytes: v }; } },
  {
    table: 'k_composite', columns: 'a int, b text, PRIMARY KEY ((a, b))', key: 'a, b',
    make: (i, r) => { const a = r() | 0; const b = `part-${i}-${r() % 1000}`; return { params: [a, b], bytes: toCompositeKey([int4(a), Buffer.from(b)]) }; },
  },
];

for (const shape of SHAPES) {
  test(`token(${shape.key}) of ${PER_SHAPE} ${shape.table} keys equals murmur3Token`, async () => {
    await node.execute(`CREATE TABLE IF NOT EXISTS ${KS}.${shape.table} (${shape.columns})`);
    await node.execute(`TRUNCATE ${KS}.${shape.table}`);
    const r = seeded(shape.table.length * 7919);
    const expected = new Map<string, bigint>();
    const placeholders = shape.key.split(',').map(() => '?').join(', ');
    const insert = `INSERT INTO ${KS}.${shape.table} (${shape.key}) VALUES (${placeholders})`;
    const keys = Array.from({ length: PER_SHAPE }, (_, i) => shape.make(i, r));
    for (let i = 0; i < keys.length; i += 100) {
      await Promise.all(keys.slice(i, i + 100).map((k) => node.client.execute(insert, k.params, { prepare: true })));
    }
    for (const k of keys) expected.set(Buffer.from(k.bytes).toString('hex'), murmur3Token(k.bytes));
    let seen = 0;
    const result = await node.client.execute(`SELECT token(${shape.key}) AS t, ${shape.key} FROM ${KS}.${shape.table}`, [], { prepare: true, fetchSize: 10 * PER_SHAPE });
    for (const row of result.rows as unknown as Array<Record<string, { toString(): string } & Buffer>>) {
      const bytes = shape.table === 'k_composite'
        ? toCompositeKey([int4(Number(row.a)), Buffer.from(String(row.b))])
        : keyBytes(shape.table, row.k);
      const want = expected.get(Buffer.from(bytes).toString('hex'));
      assert.ok(want !== undefined, `${shape.table}: Cassandra returned a key we did not write`);
      assert.equal(BigInt(row.t.toString()), want, `${shape.table}: token of ${Buffer.from(bytes).toString('hex')}`);
      seen++;
    }
    assert.equal(seen, new Set(expected.keys()).size);
  });
}

function keyBytes(table: string, k: unknown): Uint8Array {
  switch (table) {
    case 'k_int': return int4(Number(k));
    case 'k_bigint': return int8(BigInt(String(k)));
    case 'k_text': return Buffer.from(String(k), 'utf8');
    case 'k_uuid': return Buffer.from(String(k).replace(/-/g, ''), 'hex');
    default: return k as Buffer;
  }
}
