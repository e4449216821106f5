// Seeded random CQL workloads for the merge oracle: every mutation goes to the `truth` keyspace and to a random
// non-empty subset of the replica keyspaces r1 r2 r3, always with USING TIMESTAMP so all copies agree. Phases end
// with a flush, so each replica ends with several SSTables. Seeds share a table per shape: each seed writes only
// partitions whose key carries the seed. Known limits of simulating replicas with keyspaces on
// one node (real replicas receive the coordinator's one mutation): list appends go to exactly one replica (their
// cell paths are TimeUUIDs made by the receiving node), and counter increments go to every replica (a counter
// replica receives the leader's whole shard, not the increment).

import type { ColumnSpec } from '../../../../engine/compaction/table-layout.ts';

export const REPLICAS = ['r1', 'r2', 'r3'] as const;

export interface Mutation {
  /** CQL with `{ks}` where the keyspace goes. */
  cql: string;
  /** Replica keyspaces that get it (truth always does). */
  replicas: string[];
}

export interface Shape {
  name: string;
  /** CREATE TYPE statements (with `{ks}`), run before the table. */
  types: string[];
  /** CREATE TABLE with `{ks}` and `{t}`. */
  table: string;
  /** The table in the merge's terms; UDT names filled in per keyspace by the test. */
  columns: ColumnSpec[];
  counter: boolean;
  /** Simple columns whose writetime() is compared too. */
  writetime?: string[];
  /** One mutation of seed `seed` (its partitions only). */
  generate(rng: Rng, clock: Clock, seed: number): Mutation;
}

export type Rng = { int(n: number): number; chance(p: number): boolean; pick<T>(xs: readonly T[]): T };

export function createRng(seed: number): Rng {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
  };
}

/** Unique, mostly increasing write timestamps; now and then one from the past (late or reordered writes). */
export class Clock {
  private ts = 1_700_000_000_000_000;
  constructor(private readonly rng: Rng) {}
  next(): number {
    this.ts += 1 + this.rng.int(5);
    return this.rng.chance(0.15) ? this.ts - 1 - this.rng.int(200) * 7 : this.ts;
  }
}

function subset(rng: Rng): string[] {
  for (;;) {
    const s = REPLICAS.filter(() => rng.chance(0.5));
    if (s.length > 0) return s;
  }
}

/** USING clause: a TTL sometimes, either long (alive at query time) or 1 s (expired by then). */
function using(rng: Rng, ts: number, ttlAllowed = true): string {
  if (ttlAllowed && rng.chance(0.2)) return `USING TTL ${rng.chance(0.5) ? 1 : 86400} AND TIMESTAMP ${ts}`;
  return `USING TIMESTAMP ${ts}`;
}

const word = (rng: Rng) => rng.pick(['a', 'b', 'c', 'd', 'e', 'f']);
const text = (rng: Rng) => `'${rng.pick(['x', 'yy', 'zzz', 'hello', "it''s", 'é'])}${rng.int(100)}'`;

/** pk int, ck int, a static, scalars, set, map and list. */
export const wideShape: Shape = {
  name: 'wide',
  types: [],
  table: `CREATE TABLE {ks}.{t} (pk int, ck int, s text static, v text, n int, tags set<text>, m map<text, int>, l list<int>,
          PRIMARY KEY (pk, ck)) WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'enabled': 'false'}`,
  columns: [
    { name: 'pk', type: 'Int32Type', kind: 'partition_key' },
    { name: 'ck', type: 'Int32Type', kind: 'clustering' },
    { name: 's', type: 'UTF8Type', kind: 'static' },
    { name: 'l', type: 'ListType(Int32Type)', kind: 'regular' },
    { name: 'm', type: 'MapType(UTF8Type,Int32Type)', kind: 'regular' },
    { name: 'n', type: 'Int32Type', kind: 'regular' },
    { name: 'tags', type: 'SetType(UTF8Type)', kind: 'regular' },
    { name: 'v', type: 'UTF8Type', kind: 'regular' },
  ],
  counter: false,
  writetime: ['s', 'n', 'v'],
  generate(rng, clock, seed) {
    const pk = seed * 10 + rng.int(4), ck = rng.int(6), ts = clock.next(), r = subset(rng);
    const where = `WHERE pk = ${pk} AND ck = ${ck}`;
    const op = rng.int(19);
    const m = (cql: string, replicas = r): Mutation => ({ cql, replicas });
    switch (op) {
      case 0: return m(`INSERT INTO {ks}.{t} (pk, ck, v, n) VALUES (${pk}, ${ck}, ${text(rng)}, ${rng.int(1000)}) ${using(rng, ts)}`);
      case 1: return m(`INSERT INTO {ks}.{t} (pk, ck, tags, m) VALUES (${pk}, ${ck}, {'${word(rng)}', '${word(rng)}'}, {'${word(rng)}': ${rng.int(9)}}) ${using(rng, ts)}`);
      case 2: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET v = ${rng.chance(0.2) ? 'null' : text(rng)} ${where}`);
      case 3: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET s = ${text(rng)} WHERE pk = ${pk}`);
      case 4: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET tags = tags + {'${word(rng)}'} ${where}`);
      case 5: return m(`UPDATE {ks}.{t} ${using(rng, ts, false)} SET tags = tags - {'${word(rng)}'} ${where}`);
      case 6: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET m['${word(rng)}'] = ${rng.int(9)} ${where}`);
      case 7: return m(`DELETE m['${word(rng)}'] FROM {ks}.{t} USING TIMESTAMP ${ts} ${where}`);
      case 8: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET l = l + [${rng.int(9)}] ${where}`, [rng.pick(REPLICAS)]);
      case 9: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} ${where}`);
      case 10: return m(`DELETE v, n FROM {ks}.{t} USING TIMESTAMP ${ts} ${where}`);
      case 11: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE pk = ${pk} AND ck ${rng.pick(['>', '>='])} ${ck} AND ck ${rng.pick(['<', '<='])} ${ck + rng.int(4)}`);
      case 12: return rng.chance(0.3) ? m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE pk = ${pk}`) : m(`DELETE s FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE pk = ${pk}`);
      case 13: return m(`INSERT INTO {ks}.{t} (pk, s) VALUES (${pk}, ${text(rng)}) ${using(rng, ts)}`);
      case 15: return m(rng.chance(0.5) ? `DELETE tags FROM {ks}.{t} USING TIMESTAMP ${ts} ${where}` : `UPDATE {ks}.{t} USING TIMESTAMP ${ts} SET m = null ${where}`);
      case 16: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET m = {'${word(rng)}': ${rng.int(9)}, 'z': 0} ${where}`);
      case 17: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET l = [${rng.int(9)}, ${rng.int(9)}] ${where}`, [rng.pick(REPLICAS)]);
      default: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET tags = {'${word(rng)}'}, n = ${rng.int(50)} ${where}`);
    }
  },
};

/** Composite partition key, a DESC clustering column, frozen tuple and frozen map. */
export const compositeShape: Shape = {
  name: 'composite',
  types: [],
  table: `CREATE TABLE {ks}.{t} (p1 text, p2 int, c1 int, c2 text, v bigint, f frozen<tuple<int, text>>, u frozen<map<int, text>>,
          PRIMARY KEY ((p1, p2), c1, c2)) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)
          AND compaction = {'class': 'SizeTieredCompactionStrategy', 'enabled': 'false'}`,
  columns: [
    { name: 'p1', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'p2', type: 'Int32Type', kind: 'partition_key' },
    { name: 'c1', type: 'ReversedType(Int32Type)', kind: 'clustering' },
    { name: 'c2', type: 'UTF8Type', kind: 'clustering' },
    { name: 'f', type: 'TupleType(Int32Type,UTF8Type)', kind: 'regular' },
    { name: 'u', type: 'FrozenType(MapType(Int32Type,UTF8Type))', kind: 'regular' },
    { name: 'v', type: 'LongType', kind: 'regular' },
  ],
  counter: false,
  writetime: ['f', 'u', 'v'],
  generate(rng, clock, seed) {
    const key = `p1 = '${rng.pick(['k', 'kk'])}${seed}' AND p2 = ${rng.int(3)}`;
    const c1 = rng.int(5), c2 = `'${word(rng)}'`, ts = clock.next(), r = subset(rng);
    const m = (cql: string): Mutation => ({ cql, replicas: r });
    switch (rng.int(8)) {
      case 0: case 1: {
        const [p1, p2] = key.replace(/p\d = /g, '').split(' AND ');
        return m(`INSERT INTO {ks}.{t} (p1, p2, c1, c2, v, f) VALUES (${p1}, ${p2}, ${c1}, ${c2}, ${rng.int(1e6) - 5e5}, (${rng.int(9)}, ${text(rng)})) ${using(rng, ts)}`);
      }
      case 2: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET u = {${rng.int(5)}: ${text(rng)}, 7: 'seven'} WHERE ${key} AND c1 = ${c1} AND c2 = ${c2}`);
      case 3: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET v = ${rng.int(100)} WHERE ${key} AND c1 = ${c1} AND c2 = ${c2}`);
      case 4: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE ${key} AND c1 = ${c1}`);
      case 5: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE ${key} AND c1 > ${c1} AND c1 <= ${c1 + 2}`);
      case 6: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE ${key} AND c1 = ${c1} AND c2 >= ${c2}`);
      default: return m(`DELETE f FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE ${key} AND c1 = ${c1} AND c2 = ${c2}`);
    }
  },
};

/** Single-row partitions with timestamp, blob, double, uuid and a non-frozen and a frozen UDT. */
export const udtShape: Shape = {
  name: 'udt',
  types: [`CREATE TYPE IF NOT EXISTS {ks}.addr (street text, zip int)`],
  table: `CREATE TABLE {ks}.{t} (pk text PRIMARY KEY, v text, at timestamp, b blob, d double, id uuid, a addr, fa frozen<addr>)
          WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'enabled': 'false'}`,
  columns: [
    { name: 'pk', type: 'UTF8Type', kind: 'partition_key' },
    { name: 'at', type: 'TimestampType', kind: 'regular' },
    { name: 'b', type: 'BytesType', kind: 'regular' },
    { name: 'd', type: 'DoubleType', kind: 'regular' },
    { name: 'fa', type: 'FrozenType(UserType({ks},61646472,737472656574:UTF8Type,7a6970:Int32Type))', kind: 'regular' },
    { name: 'id', type: 'UUIDType', kind: 'regular' },
    { name: 'v', type: 'UTF8Type', kind: 'regular' },
    { name: 'a', type: 'UserType({ks},61646472,737472656574:UTF8Type,7a6970:Int32Type)', kind: 'regular' },
  ],
  counter: false,
  generate(rng, clock, seed) {
    const pk = `'s${seed}p${rng.int(6)}'`, ts = clock.next(), r = subset(rng);
    const m = (cql: string): Mutation => ({ cql, replicas: r });
    switch (rng.int(8)) {
      case 0: return m(`INSERT INTO {ks}.{t} (pk, v, at, b, d, id) VALUES (${pk}, ${text(rng)}, ${1600000000000 + rng.int(1e9)}, 0x${rng.int(65536).toString(16).padStart(4, '0')}, ${rng.int(1000) / 8}, ${rng.pick(['0b5b3b43-4c1b-4b87-9d64-2c0b3f8e6f11', '5d2f8a0e-1c9d-11ee-be56-0242ac120002'])}) ${using(rng, ts)}`);
      case 1: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET a = {street: ${text(rng)}, zip: ${rng.int(99999)}} WHERE pk = ${pk}`);
      case 2: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET a.zip = ${rng.int(99999)} WHERE pk = ${pk}`);
      case 3: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET a.street = ${rng.chance(0.3) ? 'null' : text(rng)} WHERE pk = ${pk}`);
      case 4: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET fa = {street: ${text(rng)}, zip: ${rng.int(9)}} WHERE pk = ${pk}`);
      case 5: return m(`DELETE a FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE pk = ${pk}`);
      case 6: return m(`DELETE FROM {ks}.{t} USING TIMESTAMP ${ts} WHERE pk = ${pk}`);
      default: return m(`UPDATE {ks}.{t} ${using(rng, ts)} SET d = ${rng.int(100) - 50}.5, v = ${text(rng)} WHERE pk = ${pk}`);
    }
  },
};

/** Counters: increments go to every replica; deletes to a subset, and a deleted counter is never incremented again. */
export function counterShape(): Shape {
  const deleted = new Set<string>();
  // one instance serves every seed: keys carry the seed, so the deleted set never mixes them up
  return {
    name: 'counter',
    types: [],
    table: `CREATE TABLE {ks}.{t} (pk int, ck int, c1 counter, c2 counter, PRIMARY KEY (pk, ck))
            WITH compaction = {'class': 'SizeTieredCompactionStrategy', 'enabled': 'false'}`,
    columns: [
      { name: 'pk', type: 'Int32Type', kind: 'partition_key' },
      { name: 'ck', type: 'Int32Type', kind: 'clustering' },
      { name: 'c1', type: 'CounterColumnType', kind: 'regular' },
      { name: 'c2', type: 'CounterColumnType', kind: 'regular' },
    ],
    counter: true,
    generate(rng, _clock, seed) {
      const pk = seed * 10 + rng.int(3), ck = rng.int(4), key = `${pk}/${ck}`;
      if (!deleted.has(key) && rng.chance(0.9)) {
        const col = rng.pick(['c1', 'c2']);
        return { cql: `UPDATE {ks}.{t} SET ${col} = ${col} + ${rng.int(20) - 5} WHERE pk = ${pk} AND ck = ${ck}`, replicas: [...REPLICAS] };
      }
      deleted.add(key);
      return { cql: `DELETE FROM {ks}.{t} WHERE pk = ${pk} AND ck = ${ck}`, replicas: subset(rng) };
    },
  };
}
