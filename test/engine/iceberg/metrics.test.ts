// Column bounds of long strings and binaries (truncate(16), upper bound rounded up) and of
// decimals and timestamps agree with what PyIceberg computes from the same Parquet footer.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DataFileWriter } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { computeColumnMetrics } from '../../../engine/iceberg/parquet/metrics.ts';
import { toBytes } from '../../../engine/iceberg/spec/conversions.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { newTableMetadata } from '../../../engine/iceberg/spec/table-update.ts';
import { writeTableMetadata } from '../../../engine/iceberg/spec/table-metadata-serde.ts';
import { arrowTable, tempWarehouse, type Warehouse } from './fixtures.ts';
import { pyicebergAvailable, runPython } from './pyiceberg-runner.ts';

const schema = schemaFromCassandraTable([
  { name: 's', cqlType: 'text', kind: 'regular' },
  { name: 'b', cqlType: 'blob', kind: 'regular' },
  { name: 'd', cqlType: 'decimal', kind: 'regular' },
  { name: 't', cqlType: 'timestamp', kind: 'regular' },
], { decimal: { precision: 38, scale: 4 } });
const rows = [
  { s: 'abcdefghijklmnopqrstuvwxyz', b: new Uint8Array(20).fill(0x41), d: -5n, t: -1n },
  { s: 'zzzzzzzzzzzzzzz\u{10FFFF}\u{10FFFF}tail', b: Uint8Array.from([...new Array(15).fill(0x42), 0xff, 0xff, 1]), d: 10n ** 30n, t: 1_700_000_000_000_001n },
  { s: 'b', b: null, d: null, t: null },
];

describe('column metrics', () => {
  it('truncates string bounds to 16 code points and rounds the upper bound up', () => {
    const m = computeColumnMetrics(arrowTable(schema, rows), schema);
    assert.equal(new TextDecoder().decode(m.lowerBounds.get(1)), 'abcdefghijklmnop');
    // the 16th code point of the max is U+10FFFF, which cannot grow: the 15th is incremented
    assert.equal(new TextDecoder().decode(m.upperBounds.get(1)), 'zzzzzzzzzzzzzz{');
    // binary: 16th byte 0xff cannot grow, so the 15th is incremented and the rest cut (Java's truncateBinaryMax)
    assert.deepStrictEqual([...m.upperBounds.get(2)!], [...new Array<number>(14).fill(0x42), 0x43]);
    assert.deepStrictEqual(m.nullValueCounts, new Map([[1, 0], [2, 1], [3, 1], [4, 1]]));
  });

  it('bounds, null and NaN counts of random multi-batch columns equal a sort of the values', () => {
    // the scans read Arrow buffers in place (64-bit values as two words, strings as byte ranges): compare them with
    // the plainest reference — sort the non-null values — over negatives, ±0, NaN, extremes and several batches
    const mixed = schemaFromCassandraTable([
      { name: 'i', cqlType: 'int', kind: 'regular' }, { name: 'l', cqlType: 'bigint', kind: 'regular' },
      { name: 'f', cqlType: 'float', kind: 'regular' }, { name: 'x', cqlType: 'double', kind: 'regular' },
      { name: 's', cqlType: 'text', kind: 'regular' }, { name: 'b', cqlType: 'blob', kind: 'regular' },
    ]);
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const longs = [-(2n ** 63n), 2n ** 63n - 1n, -1n, 0n, 1n, 2n ** 32n, -(2n ** 32n) + 1n, 4294967295n, -4294967296n];
    const doubles = [0, -0, NaN, -1.5, 1e300, -1e300, 3.25, Number.MIN_VALUE];
    for (let round = 0; round < 20; round++) {
      const batches = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => arrowTable(mixed, Array.from({ length: Math.floor(rand() * 40) }, () => ({
        i: rand() < 0.2 ? null : Math.floor(rand() * 2 ** 32) - 2 ** 31,
        l: rand() < 0.2 ? null : rand() < 0.5 ? pick(longs) : BigInt(Math.floor(rand() * 2 ** 53)) * (rand() < 0.5 ? -1n : 1n) * 4099n,
        f: rand() < 0.2 ? null : Math.fround(pick(doubles)),
        x: rand() < 0.2 ? null : rand() < 0.5 ? pick(doubles) : (rand() - 0.5) * 1e6,
        s: rand() < 0.2 ? null : pick(['', 'a', 'ab', 'b', 'é', '\u{10FFFF}', 'zz']) + (rand() < 0.5 ? String(Math.floor(rand() * 100)) : ''),
        b: rand() < 0.2 ? null : Uint8Array.from({ length: Math.floor(rand() * 4) }, () => pick([0, 1, 0x7f, 0x80, 0xff])),
      }))));
      const table = batches[0]!.concat(...batches.slice(1));
      const m = computeColumnMetrics(table, mixed);
      mixed.fields.forEach((field, col) => {
        const values = Array.from(table.getChildAt(col)!) as unknown[];
        const live = [...values].filter((v) => v !== null && !(typeof v === 'number' && Number.isNaN(v)));
        assert.equal(m.nullValueCounts.get(field.id), values.filter((v) => v === null).length, `${field.name} nulls`);
        if (field.name === 'f' || field.name === 'x') assert.equal(m.nanValueCounts.get(field.id), values.filter((v) => typeof v === 'number' && Number.isNaN(v)).length);
        const type = field.type as Parameters<typeof toBytes>[0];
        const order = (a: unknown, b: unknown): number => {
          if (typeof a === 'number' && typeof b === 'number') return a === b ? Number(Object.is(b, -0)) - Number(Object.is(a, -0)) : a - b;
          if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
          const [x, y] = typeof a === 'string' ? [Buffer.from(a as string), Buffer.from(b as string)] : [Buffer.from(a as Uint8Array), Buffer.from(b as Uint8Array)];
          return Buffer.compare(x, y);
        };
        const sorted = live.sort(order);
        const hex = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString('hex') : undefined);
        if (sorted.length === 0) return assert.equal(m.lowerBounds.get(field.id), undefined, `${field.name}: no bounds without values`);
        const bytes = (v: unknown) => (typeof v === 'string' ? new TextEncoder().encode(v) : field.name === 'b' ? (v as Uint8Array) : toBytes(type, v as never));
        if (field.name === 's' || field.name === 'b') {
          // truncation to 16 keeps these short values whole
          assert.equal(hex(m.lowerBounds.get(field.id)), hex(bytes(sorted[0])), `${field.name} lower`);
          assert.equal(hex(m.upperBounds.get(field.id)), hex(bytes(sorted.at(-1))), `${field.name} upper`);
        } else {
          assert.equal(hex(m.lowerBounds.get(field.id)), hex(toBytes(type, sorted[0] as never)), `${field.name} lower (round ${round})`);
          assert.equal(hex(m.upperBounds.get(field.id)), hex(toBytes(type, sorted.at(-1) as never)), `${field.name} upper (round ${round})`);
        }
      });
    }
  });

  describe('against PyIceberg', { skip: pyicebergAvailable() ? false : 'PyIceberg venv not found' }, () => {
    let wh: Warehouse;
    before(async () => { wh = await tempWarehouse(); });
    after(async () => { await wh?.cleanup(); });

    it('produces the same bounds PyIceberg derives from the footer', async () => {
      const writer = new DataFileWriter({ io: wh.io, schema, spec: { specId: 0, fields: [] }, dataLocation: `${wh.url}/m`, fileName: () => 'm.parquet' });
      await writer.write(arrowTable(schema, rows));
      const [file] = await writer.close();
      const mdLocation = `${pathToFileURL(wh.dir).href}/m.metadata.json`;
      await wh.io.write(mdLocation, writeTableMetadata(newTableMetadata({ tableUuid: '11111111-2222-4333-8444-555555555555', location: `${wh.url}/m`, schema, nowMs: 0 })));
      const py = await runPython<{ lower: Record<string, string>; upper: Record<string, string> }>(`
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import data_file_statistics_from_parquet_metadata, compute_statistics_plan, parquet_path_to_id_mapping
from pyiceberg.table import StaticTable
t = StaticTable.from_metadata(INPUT['md'])
st = data_file_statistics_from_parquet_metadata(pq.ParquetFile(INPUT['path'][len('file://'):]).metadata, compute_statistics_plan(t.schema(), t.properties), parquet_path_to_id_mapping(t.schema())).to_serialized_dict()
OUTPUT = {'lower': {str(k): v.hex() for k, v in st['lower_bounds'].items()}, 'upper': {str(k): v.hex() for k, v in st['upper_bounds'].items()}}
`, { md: mdLocation, path: file!.filePath });
      const hex = (m: Map<number, Uint8Array>): Record<string, string> => Object.fromEntries([...m].map(([k, v]) => [String(k), Buffer.from(v).toString('hex')]));
      assert.deepStrictEqual(hex(file!.lowerBounds), py.lower);
      // After incrementing the last growable code point / byte, PyIceberg keeps what follows it
      // (zz…{ + U+10FFFF, 42…43ff); Java's truncateStringMax/truncateBinaryMax and we cut it. Both
      // bound the column; ours is the tighter prefix, so string and binary are compared by that.
      const ours = hex(file!.upperBounds);
      for (const key of ['1', '2']) {
        assert.ok(py.upper[key]!.startsWith(ours[key]!) && ours[key]!.length < py.upper[key]!.length, `upper bound ${key}: ${ours[key]} vs ${py.upper[key]}`);
      }
      assert.deepStrictEqual([ours['3'], ours['4']], [py.upper['3'], py.upper['4']]);
    });
  });
});
