// Every CQL type written by cassberg is read back by PyIceberg (the independent oracle) with the
// same values: through SqlCatalog on the same SQLite file, and through StaticTable from the
// metadata file. Also checks the Parquet field ids and that our column metrics equal the ones
// PyIceberg computes from the same Parquet footer.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTable } from '../../../engine/iceberg/commit.ts';
import { DataFileWriter, leafFieldIds } from '../../../engine/iceberg/parquet/data-file-writer.ts';
import { indexById } from '../../../engine/iceberg/spec/schema.ts';
import { commitSnapshot } from '../../../engine/iceberg/snapshot-producer.ts';
import { schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import type { DataFile } from '../../../engine/iceberg/spec/manifest.ts';
import { ALL_TYPES_COLUMNS, ALL_TYPES_OPTIONS, allTypesRow, arrowTable, expectedRows, tempWarehouse, type Warehouse } from './fixtures.ts';
import { pyicebergAvailable, READ_TABLE, runPython } from './pyiceberg-runner.ts';

const skip = pyicebergAvailable() ? false : 'PyIceberg venv not found';
const schema = schemaFromCassandraTable(ALL_TYPES_COLUMNS, ALL_TYPES_OPTIONS);
const rows = Array.from({ length: 7 }, (_, i) => allTypesRow(i));
const id = { namespace: ['ks'], name: 'all_types' };

describe('all CQL types round-trip through PyIceberg', { skip }, () => {
  let wh: Warehouse;
  let metadataLocation: string;
  let dataFiles: DataFile[];

  before(async () => {
    wh = await tempWarehouse();
    await wh.catalog.createNamespace(['ks']);
    const t = await createTable(wh, id, { tableUuid: '5f0c6b3e-1d2a-4c1b-9a57-0f3e2b1c4d5e', location: `${wh.url}/ks/all_types`, schema });
    const writer = new DataFileWriter({ io: wh.io, schema, spec: t.metadata.partitionSpecs[0]!, dataLocation: `${t.metadata.location}/data`, fileName: (i) => `${i}-rt.parquet`, rowGroupRows: 3 });
    await writer.write(arrowTable(schema, rows.slice(0, 4)));
    await writer.write(arrowTable(schema, rows.slice(4)));
    dataFiles = await writer.close();
    const res = await commitSnapshot(wh, id, { operation: 'append', commitId: 'rt-1', snapshotId: 4242n, dataFiles, schemaId: 0 });
    metadataLocation = res.table.metadataLocation;
  });
  after(async () => { await wh?.cleanup(); });

  it('reads identical rows through SqlCatalog on the same SQLite file', async () => {
    const out = await runPython<{ rows: unknown[]; schema: string }>(READ_TABLE, {
      catalog: 'cassberg', uri: `sqlite:///${wh.dbPath}`, warehouse: wh.url, table: 'ks.all_types', sortBy: 'id',
    });
    assert.deepStrictEqual(out.rows, expectedRows(schema, rows));
    assert.match(out.schema, /13: c_uuid: optional uuid/);
    assert.match(out.schema, /7: c_varint: optional decimal\(38, 0\)/);
  });

  it('reads identical rows through StaticTable from the metadata file', async () => {
    const out = await runPython<{ rows: unknown[] }>(READ_TABLE, { metadataLocation, sortBy: 'id' });
    assert.deepStrictEqual(out.rows, expectedRows(schema, rows));
  });

  it('writes a field id on every Parquet field, nested ones included', async () => {
    const out = await runPython<Array<{ ids: string[]; leaves: number }>>(`
import pyarrow as pa, pyarrow.parquet as pq
def walk(f, out):
    out.append(f.metadata.get(b'PARQUET:field_id', b'MISSING').decode() if f.metadata else 'MISSING')
    t = f.type
    if pa.types.is_struct(t): [walk(t.field(i), out) for i in range(t.num_fields)]
    elif pa.types.is_map(t): walk(t.key_field, out); walk(t.item_field, out)
    elif pa.types.is_list(t): walk(t.value_field, out)
res = []
for path in INPUT['paths']:
    ids = []
    for f in pq.read_schema(path[len('file://'):]): walk(f, ids)
    res.append({'ids': ids, 'leaves': len(pq.ParquetFile(path[len('file://'):]).schema)})
OUTPUT = res
`, { paths: dataFiles.map((f) => f.filePath) });
    const expected = [...indexById(schema).keys()].sort((a, b) => a - b).map(String);
    for (const file of out) {
      assert.deepStrictEqual([...file.ids].sort((a, b) => Number(a) - Number(b)), expected);
      assert.equal(file.leaves, leafFieldIds(schema).length, 'one Parquet leaf column per Iceberg leaf field');
    }
  });

  it('computes the same metrics PyIceberg derives from the Parquet footer', async () => {
    const out = await runPython<Array<Record<string, Record<string, unknown>>>>(`
import pyarrow.parquet as pq
from pyiceberg.io.pyarrow import data_file_statistics_from_parquet_metadata, compute_statistics_plan, parquet_path_to_id_mapping
from pyiceberg.table import StaticTable
t = StaticTable.from_metadata(INPUT['metadataLocation'])
res = []
for path in INPUT['paths']:
    md = pq.ParquetFile(path[len('file://'):]).metadata
    st = data_file_statistics_from_parquet_metadata(md, compute_statistics_plan(t.schema(), t.properties), parquet_path_to_id_mapping(t.schema())).to_serialized_dict()
    hx = lambda m: {str(k): v.hex() for k, v in m.items()}
    ints = lambda m: {str(k): v for k, v in m.items()}
    res.append({'column_sizes': ints(st['column_sizes']), 'value_counts': ints(st['value_counts']), 'null_value_counts': ints(st['null_value_counts']),
                'lower_bounds': hx(st['lower_bounds']), 'upper_bounds': hx(st['upper_bounds']), 'split_offsets': st['split_offsets']})
OUTPUT = res
`, { metadataLocation, paths: dataFiles.map((f) => f.filePath) });
    const hex = (m: Map<number, Uint8Array>): Record<string, string> => Object.fromEntries([...m].map(([k, v]) => [String(k), Buffer.from(v).toString('hex')]));
    const obj = (m: Map<number, number>): Record<string, number> => Object.fromEntries([...m].map(([k, v]) => [String(k), v]));
    const floatIds = new Set(schema.fields.filter((f) => f.type.kind === 'float' || f.type.kind === 'double').map((f) => f.id));
    const floatOf = (h: string): number => { const b = Buffer.from(h, 'hex'); return b.length === 4 ? b.readFloatLE(0) : b.readDoubleLE(0); };
    dataFiles.forEach((f, i) => {
      const py = out[i]!;
      assert.deepStrictEqual(obj(f.columnSizes), py.column_sizes);
      assert.deepStrictEqual(obj(f.valueCounts), py.value_counts);
      assert.deepStrictEqual(f.splitOffsets, py.split_offsets);
      // PyIceberg keeps null counts and bounds for every leaf; ours cover top-level primitives,
      // which must agree exactly (floats: PyIceberg takes Parquet min/max, NaN excluded by us).
      for (const [key, value] of Object.entries(obj(f.nullValueCounts))) assert.equal(py.null_value_counts[key], value, `null count of field ${key}`);
      // arrow-rs writes a float min of 0 as -0.0 (Parquet's safe convention); compare floats by value.
      const same = (key: string, a: string, b: unknown): boolean => (floatIds.has(Number(key)) ? floatOf(a) === floatOf(String(b)) : a === b);
      for (const [key, value] of Object.entries(hex(f.lowerBounds))) assert.ok(same(key, value, py.lower_bounds[key]), `lower bound of field ${key}: ${value} vs ${String(py.lower_bounds[key])}`);
      for (const [key, value] of Object.entries(hex(f.upperBounds))) assert.ok(same(key, value, py.upper_bounds[key]), `upper bound of field ${key}: ${value} vs ${String(py.upper_bounds[key])}`);
    });
  });
});
