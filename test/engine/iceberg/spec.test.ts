// Pure spec modules: transforms (spec Appendix B vectors), single-value serialization, lossless
// JSON, table-metadata serde, CQL mapping, requirements, and the Avro manifest files.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAvroFile } from '../../../engine/iceberg/avro/container.ts';
import { readManifest, readManifestList, writeManifest, writeManifestList } from '../../../engine/iceberg/avro/manifest-writer.ts';
import { parseCqlType, schemaFromCassandraTable } from '../../../engine/iceberg/spec/cql-mapping.ts';
import { decimalFromBytes, decimalToBytes, fromBytes, toBytes, uuidToBytes } from '../../../engine/iceberg/spec/conversions.ts';
import { parseJson, stringifyJson } from '../../../engine/iceberg/spec/json.ts';
import { STATUS, type DataFile } from '../../../engine/iceberg/spec/manifest.ts';
import { murmur3x86_32 } from '../../../engine/iceberg/spec/murmur3.ts';
import { applyTransform, createPartitionSpec, partitionPath } from '../../../engine/iceberg/spec/partition-spec.ts';
import { readTableMetadata, writeTableMetadata } from '../../../engine/iceberg/spec/table-metadata-serde.ts';
import { applyUpdates, checkRequirements, newTableMetadata } from '../../../engine/iceberg/spec/table-update.ts';
import { CommitConflictError, UnsupportedFormatError } from '../../../engine/errors.ts';

const long = (v: bigint): Uint8Array => toBytes({ kind: 'long' }, v);

describe('bucket hashing (spec Appendix B test vectors)', () => {
  it('hashes ints, longs, dates and timestamps as 8-byte little-endian longs', () => {
    assert.equal(murmur3x86_32(long(34n)), 2017239379);
    assert.equal(murmur3x86_32(long(17486n)), -653330422); // 2017-11-16
    assert.equal(murmur3x86_32(long(1510871468000000n)), -2047944441); // 2017-11-16T22:31:08
  });
  it('hashes strings, uuids and decimals by their bytes', () => {
    assert.equal(murmur3x86_32(new TextEncoder().encode('iceberg')), 1210000089);
    assert.equal(murmur3x86_32(uuidToBytes('f79c3e09-677c-4bbd-a479-3f349cb785e7')), 1488055340);
    assert.equal(murmur3x86_32(decimalToBytes(1420n)), -500754589); // 14.20
  });
  it('bucket[N] masks the sign bit and takes the remainder', () => {
    assert.equal(applyTransform({ kind: 'bucket', numBuckets: 16 }, { kind: 'int' }, 34), 2017239379 % 16);
    assert.equal(applyTransform({ kind: 'bucket', numBuckets: 100 }, { kind: 'date' }, 17486), (-653330422 & 0x7fffffff) % 100);
  });
});

describe('other transforms', () => {
  it('truncates ints toward negative infinity and strings by code point', () => {
    assert.equal(applyTransform({ kind: 'truncate', width: 10 }, { kind: 'int' }, -1), -10);
    assert.equal(applyTransform({ kind: 'truncate', width: 10 }, { kind: 'long' }, 15n), 10n);
    assert.equal(applyTransform({ kind: 'truncate', width: 3 }, { kind: 'string' }, 'i😀eberg'), 'i😀e');
    assert.equal(applyTransform({ kind: 'truncate', width: 50 }, { kind: 'decimal', precision: 9, scale: 2 }, 1065n), 1050n);
  });
  it('maps timestamps to days, months, years and hours', () => {
    const ts = 1510871468000000n; // 2017-11-16T22:31:08Z
    assert.equal(applyTransform({ kind: 'day' }, { kind: 'timestamptz' }, ts), 17486);
    assert.equal(applyTransform({ kind: 'day' }, { kind: 'timestamptz' }, -1n), -1);
    assert.equal(applyTransform({ kind: 'month' }, { kind: 'timestamptz' }, ts), 47 * 12 + 10);
    assert.equal(applyTransform({ kind: 'year' }, { kind: 'date' }, 17486), 47);
    assert.equal(applyTransform({ kind: 'hour' }, { kind: 'timestamp' }, ts), 419686);
  });
  it('builds specs with field ids from 1000 and a partition path', () => {
    const schema = schemaFromCassandraTable([{ name: 'id', cqlType: 'uuid', kind: 'partition_key' }, { name: 'ts', cqlType: 'timestamp', kind: 'clustering' }]);
    const spec = createPartitionSpec(schema, [{ column: 'id', transform: 'bucket[8]' }, { column: 'ts', transform: 'day' }]);
    assert.deepStrictEqual(spec.fields.map((f) => [f.fieldId, f.name, f.sourceId]), [[1000, 'id_bucket', 1], [1001, 'ts_day', 2]]);
    assert.equal(partitionPath(spec, [3, 17486]), 'id_bucket=3/ts_day=2017-11-16');
  });
});

describe('single-value serialization (spec Appendix D)', () => {
  it('encodes decimals as minimal two\'s-complement big-endian bytes', () => {
    const cases: Array<[bigint, number[]]> = [[0n, [0]], [127n, [0x7f]], [128n, [0x00, 0x80]], [-1n, [0xff]], [-128n, [0x80]], [-129n, [0xff, 0x7f]]];
    for (const [v, bytes] of cases) {
      assert.deepStrictEqual([...decimalToBytes(v)], bytes, String(v));
      assert.equal(decimalFromBytes(Uint8Array.from(bytes)), v);
    }
  });
  it('round-trips every primitive type', () => {
    const cases = [
      [{ kind: 'boolean' }, true, [1]], [{ kind: 'int' }, -2, [0xfe, 0xff, 0xff, 0xff]], [{ kind: 'date' }, 1, [1, 0, 0, 0]],
      [{ kind: 'long' }, 1n << 60n, [0, 0, 0, 0, 0, 0, 0, 0x10]], [{ kind: 'string' }, 'é', [0xc3, 0xa9]],
      [{ kind: 'float' }, 1, [0, 0, 0x80, 0x3f]], [{ kind: 'timestamptz' }, 1n, [1, 0, 0, 0, 0, 0, 0, 0]],
    ] as const;
    for (const [type, value, bytes] of cases) {
      assert.deepStrictEqual([...toBytes(type, value)], bytes, type.kind);
      assert.deepStrictEqual(fromBytes(type, Uint8Array.from(bytes)), value);
    }
  });
});

describe('lossless JSON', () => {
  it('keeps 63-bit integers exact both ways', () => {
    const text = '{"id":9223372036854775807,"small":42,"f":1.5,"s":"a\\"b","l":[true,null,-9007199254740993]}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v.id, 9223372036854775807n);
    assert.equal(v.small, 42);
    assert.deepStrictEqual(v.l, [true, null, -9007199254740993n]);
    assert.equal(stringifyJson(v), text);
  });
  it('reports the offset of malformed input', () => {
    assert.throws(() => parseJson('{"a": 1,}'), /json: expected object key at offset 8/);
  });
});

describe('table metadata', () => {
  const schema = schemaFromCassandraTable([{ name: 'id', cqlType: 'bigint', kind: 'partition_key' }, { name: 'm', cqlType: 'map<text, list<int>>', kind: 'regular' }]);
  const base = newTableMetadata({ tableUuid: '9d2f1c3e-0000-4000-8000-000000000001', location: 'file:///wh/t/', schema, nowMs: 1000 });
  const snapshot = { snapshotId: 9_100_000_000_000_000_001n, parentSnapshotId: null, sequenceNumber: 1, timestampMs: 2000, manifestList: 'file:///wh/t/metadata/snap.avro', summary: { operation: 'append' }, schemaId: 0 };

  it('assigns nested ids after top-level ids and tracks last-column-id', () => {
    assert.deepStrictEqual(schema.identifierFieldIds, [1]);
    assert.deepStrictEqual(schema.fields[1]!.type, { kind: 'map', keyId: 3, key: { kind: 'string' }, valueId: 4, valueRequired: true, value: { kind: 'list', elementId: 5, elementRequired: true, element: { kind: 'int' } } });
    assert.equal(base.lastColumnId, 5);
    assert.equal(base.lastPartitionId, 999);
    assert.equal(base.location, 'file:///wh/t');
  });
  it('round-trips through kebab-case JSON with 63-bit snapshot ids', () => {
    const md = applyUpdates(base, [{ action: 'add-snapshot', snapshot }, { action: 'set-snapshot-ref', refName: 'main', type: 'branch', snapshotId: snapshot.snapshotId }], 3000);
    const bytes = writeTableMetadata(md);
    const text = new TextDecoder().decode(bytes);
    assert.match(text, /"current-snapshot-id": 9100000000000000001/);
    assert.match(text, /"last-sequence-number": 1/);
    assert.deepStrictEqual(readTableMetadata(bytes), md);
  });
  it('checks requirements and names the failing one', () => {
    assert.throws(() => checkRequirements(base, [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: 5n }]),
      (e: unknown) => e instanceof CommitConflictError && /assert-ref-snapshot-id failed: ref main is at null, expected 5/.test(e.message));
    checkRequirements(base, [{ type: 'assert-ref-snapshot-id', ref: 'main', snapshotId: null }, { type: 'assert-table-uuid', uuid: base.tableUuid }]);
    assert.throws(() => checkRequirements(base, [{ type: 'assert-create' }]), /table already exists/);
  });
  it('rejects a snapshot whose sequence number does not advance', () => {
    const md = applyUpdates(base, [{ action: 'add-snapshot', snapshot }], 3000);
    assert.throws(() => applyUpdates(md, [{ action: 'add-snapshot', snapshot: { ...snapshot, snapshotId: 2n } }], 4000), /sequence number 1 older than last sequence number 1/);
  });
});

describe('CQL type parsing', () => {
  it('parses nested and quoted types', () => {
    assert.deepStrictEqual(parseCqlType('map<text, frozen<list<"MyUdt">>>'), { name: 'map', args: [{ name: 'text', args: [] }, { name: 'frozen', args: [{ name: 'list', args: [{ name: 'MyUdt', args: [] }] }] }] });
    assert.deepStrictEqual(parseCqlType('vector<float, 3>').args.map((a) => a.name), ['float', '3']);
  });
  it('rejects unknown types by name', () => {
    assert.throws(() => schemaFromCassandraTable([{ name: 'x', cqlType: 'frozen<nope>', kind: 'regular' }]), (e: unknown) => e instanceof UnsupportedFormatError && /cql type "nope" is not supported/.test(e.message));
  });
  it('maps strings for varint/decimal/uuid when asked', () => {
    const s = schemaFromCassandraTable([{ name: 'a', cqlType: 'varint', kind: 'regular' }, { name: 'b', cqlType: 'decimal', kind: 'regular' }, { name: 'c', cqlType: 'timeuuid', kind: 'regular' }], { varint: 'string', decimal: 'string', uuid: 'string' });
    assert.deepStrictEqual(s.fields.map((f) => f.type.kind), ['string', 'string', 'string']);
  });
});

describe('Avro manifests', () => {
  const schema = schemaFromCassandraTable([{ name: 'id', cqlType: 'int', kind: 'partition_key' }, { name: 'day', cqlType: 'date', kind: 'regular' }]);
  const spec = createPartitionSpec(schema, [{ column: 'id', transform: 'bucket[4]' }, { column: 'day', transform: 'identity' }], 0);
  const file = (i: number): DataFile => ({
    content: 0, filePath: `file:///wh/t/data/${i}.parquet`, fileFormat: 'PARQUET', specId: 0, partition: [i, i === 1 ? null : 19000 + i],
    recordCount: 10 * i, fileSizeInBytes: 1000 + i, columnSizes: new Map([[1, 5]]), valueCounts: new Map([[1, 10]]), nullValueCounts: new Map([[1, 0]]),
    nanValueCounts: new Map(), lowerBounds: new Map([[1, toBytes({ kind: 'int' }, 0)]]), upperBounds: new Map([[1, toBytes({ kind: 'int' }, 9)]]), splitOffsets: [4], sortOrderId: null,
  });
  const entries = [0, 1, 2].map((i) => ({ status: i === 2 ? STATUS.DELETED : STATUS.ADDED, snapshotId: 77n, sequenceNumber: i === 2 ? 3 : null, fileSequenceNumber: i === 2 ? 3 : null, dataFile: file(i) }));

  it('writes the schema with field ids and the manifest metadata keys into the header', () => {
    const { bytes, manifest } = writeManifest({ path: 'file:///wh/t/metadata/m0.avro', schema, spec, snapshotId: 77n, entries });
    const { metadata, schema: avroSchema } = readAvroFile(bytes);
    assert.equal(metadata['format-version'], '2');
    assert.equal(metadata.content, 'data');
    assert.equal(metadata['partition-spec'], '[{"name":"id_bucket","transform":"bucket[4]","source-id":1,"field-id":1000},{"name":"day","transform":"identity","source-id":2,"field-id":1001}]');
    const fields = (avroSchema as { fields: Array<{ name: string; 'field-id': number }> }).fields;
    assert.deepStrictEqual(fields.map((f) => [f.name, f['field-id']]), [['status', 0], ['snapshot_id', 1], ['sequence_number', 3], ['file_sequence_number', 4], ['data_file', 2]]);
    assert.deepStrictEqual([manifest.addedFilesCount, manifest.deletedFilesCount, manifest.addedRowsCount, manifest.deletedRowsCount, manifest.manifestLength], [2, 1, 10, 20, bytes.length]);
    assert.deepStrictEqual(manifest.partitions.map((p) => [p.containsNull, p.lowerBound && [...p.lowerBound]]), [[false, [0, 0, 0, 0]], [true, [0x38, 0x4a, 0, 0]]]);
  });

  it('reads entries back, inheriting sequence numbers of ADDED entries from the manifest list', () => {
    const { bytes, manifest } = writeManifest({ path: 'file:///wh/t/metadata/m0.avro', schema, spec, snapshotId: 77n, entries });
    const list = writeManifestList({ path: 'file:///wh/t/metadata/snap.avro', snapshotId: 77n, parentSnapshotId: null, sequenceNumber: 5, manifests: [manifest] });
    const [m] = readManifestList(list);
    assert.deepStrictEqual([m!.sequenceNumber, m!.minSequenceNumber, m!.addedSnapshotId], [5, 3, 77n]);
    const back = readManifest(bytes, m!, spec, schema);
    assert.deepStrictEqual(back.map((e) => [e.status, e.sequenceNumber, e.fileSequenceNumber]), [[1, 5, 5], [1, 5, 5], [2, 3, 3]]);
    assert.deepStrictEqual(back.map((e) => e.dataFile), entries.map((e) => e.dataFile));
  });
});
