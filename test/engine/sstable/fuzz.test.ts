// Fuzz contract (style rule 15): real corpus sstables with flipped bytes, truncations and inserted garbage in
// Data.db (compressed, and decompressed so the row decoder itself sees the damage), Statistics.db and
// CompressionInfo.db either decode completely or fail with CorruptInputError / UnsupportedFormatError, never with
// another exception and never hanging; and good input still decodes afterwards. Seeded: failures reproduce.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CorruptInputError, UnsupportedFormatError } from '../../../engine/errors.ts';
import { forEachCqlRow } from '../../../engine/sstable/cql-rows.ts';
import { forEachRawPartition } from '../../../engine/sstable/raw-json.ts';
import { openSSTable } from '../../../engine/sstable/sstable-reader.ts';
import { createTableModel } from '../../../engine/sstable/table-model.ts';
import type { ObjectInfo, ObjectStore } from '../../../engine/storage/object-store.ts';
import { objectNotFound } from '../../../engine/storage/object-store.ts';

class MemoryStore implements ObjectStore {
  constructor(readonly files: Map<string, Uint8Array>) {}
  describe(key: string): string { return `mem:${key}`; }
  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    for (const [key, b] of this.files) if (key.startsWith(prefix)) yield { key, sizeInBytes: b.length };
  }
  async stat(key: string): Promise<ObjectInfo | undefined> {
    const b = this.files.get(key);
    return b && { key, sizeInBytes: b.length };
  }
  async size(key: string): Promise<number> { return this.bytes(key).length; }
  async read(key: string, start = 0, end?: number): Promise<Uint8Array> { return this.bytes(key).slice(start, end); }
  async put(key: string, bytes: Uint8Array): Promise<boolean> { this.files.set(key, bytes); return true; }
  async delete(key: string): Promise<void> { this.files.delete(key); }
  private bytes(key: string): Uint8Array {
    const b = this.files.get(key);
    if (!b) throw objectNotFound(this.describe(key), key);
    return b;
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CORPUS = '/work/shared/corpus';
const SOURCES = [
  'cassandra-legacy-sstables/oa/legacy_tables/legacy_oa_simple',
  'cassandra-legacy-sstables/ma/legacy_tables/legacy_ma_simple_counter_compact',
  'cassandra-legacy-sstables/da/legacy_tables/legacy_da_simple_counter',
  'cassandra-legacy-sstables/mc/legacy_tables/legacy_mc_inaccurate_min_max',
  'cassandra-legacy-sstables/na/legacy_tables/legacy_na_simple',
  'cassandra-special-sstables/negative-local-expiration-test/table3',
  'cassandra-special-sstables/negative-local-expiration-test/table4',
  'cassandra-special-sstables/negative-ldts-invalid-deletions-test/invalid_range_tombstone_compaction',
];

interface Sample { dataKey: string; files: Map<string, Uint8Array>; uncompressed: Map<string, Uint8Array> }

async function load(dir: string): Promise<Sample> {
  const files = new Map<string, Uint8Array>();
  for (const name of readdirSync(dir)) files.set(name, new Uint8Array(readFileSync(join(dir, name))));
  const dataKey = [...files.keys()].find((k) => k.endsWith('-Data.db'))!;
  // The same sstable with Data.db stored uncompressed: damage then reaches the row decoder past the CRC checks.
  const s = await openSSTable(new MemoryStore(files), dataKey);
  const raw = await s.data.read(0, s.data.uncompressedLength);
  const uncompressed = new Map([...files].filter(([k]) => !k.endsWith('CompressionInfo.db') && !k.endsWith('TOC.txt')));
  uncompressed.set(dataKey, raw);
  return { dataKey, files, uncompressed };
}

function mutate(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const kind = rnd();
  if (bytes.length === 0) return Uint8Array.from([Math.floor(rnd() * 256)]);
  if (kind < 0.55) { // flip 1..3 bytes
    const out = bytes.slice();
    const n = 1 + Math.floor(rnd() * 3);
    for (let i = 0; i < n; i++) out[Math.floor(rnd() * out.length)] ^= 1 + Math.floor(rnd() * 255);
    return out;
  }
  if (kind < 0.85) return bytes.slice(0, Math.floor(rnd() * bytes.length)); // truncate
  const at = Math.floor(rnd() * bytes.length); // insert garbage
  const junk = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256));
  const out = new Uint8Array(bytes.length + junk.length);
  out.set(bytes.subarray(0, at)); out.set(junk, at); out.set(bytes.subarray(at), at + junk.length);
  return out;
}

async function decodeAll(files: Map<string, Uint8Array>, dataKey: string): Promise<number> {
  const s = await openSSTable(new MemoryStore(files), dataKey);
  const model = createTableModel(s.header);
  let n = await forEachCqlRow(s.scanner({ windowBytes: 64 }), model, () => {}, { nowSec: 1700000000 });
  n += await forEachRawPartition(s.scanner(), model, () => {});
  const skipping = s.scanner({ windowBytes: 32 });
  while (await skipping.nextPartition()) n++; // skips by row sizes
  return n;
}

// FUZZ_SEED / FUZZ_CASES explore further locally; the default run is fixed.
const SEED = Number(process.env['FUZZ_SEED'] ?? 0x5eed);
const CASES = Number(process.env['FUZZ_CASES'] ?? 1200);

test(`${CASES} mutated sstables: typed errors or a full decode, never anything else`, async () => {
  const samples = await Promise.all(SOURCES.map((p) => load(join(CORPUS, p))));
  const rnd = mulberry32(SEED);
  const outcomes = { decoded: 0, corrupt: 0, unsupported: 0 };
  for (let i = 0; i < CASES; i++) {
    const sample = samples[i % samples.length]!;
    const pick = rnd();
    const base = pick < 0.6 ? sample.uncompressed : sample.files;
    const component = pick < 0.6 ? 'Data.db' : pick < 0.75 ? 'Data.db' : pick < 0.9 ? 'Statistics.db' : 'CompressionInfo.db';
    const key = [...base.keys()].find((k) => k.endsWith(`-${component}`))!;
    const files = new Map(base);
    files.set(key, mutate(base.get(key)!, rnd));
    try {
      await decodeAll(files, sample.dataKey);
      outcomes.decoded++;
    } catch (err) {
      if (err instanceof CorruptInputError) outcomes.corrupt++;
      else if (err instanceof UnsupportedFormatError) outcomes.unsupported++;
      else assert.fail(`case ${i} (${key}): ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  assert.ok(outcomes.corrupt > CASES / 4, JSON.stringify(outcomes));
  // The reader still decodes good input afterwards.
  for (const s of samples) assert.ok(await decodeAll(s.files, s.dataKey) > 0);
});
