// ByteReader over hand-built bytes: every read asserts the value and the cursor position after it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorruptInputError } from '../../../engine/errors.ts';
import { ByteReader, vintExtraBytes } from '../../../engine/sstable/byte-reader.ts';

const reader = (bytes: number[], base = 0) => new ByteReader(Uint8Array.from(bytes), 'nb-1-big-Data.db', base);

test('fixed-width reads are big-endian', () => {
  const r = reader([
    0x01, 0x02, //             int16 258
    0xff, 0xff, 0xff, 0xfe, // int32 -2
    0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, // int64 2^40 + 5
    0x3f, 0xf0, 0, 0, 0, 0, 0, 0, // double 1.0
  ]);
  assert.equal(r.readInt16(), 258); assert.equal(r.pos, 2);
  assert.equal(r.readInt32(), -2); assert.equal(r.pos, 6);
  assert.equal(r.readInt64(), 2 ** 40 + 5); assert.equal(r.pos, 14);
  assert.equal(r.readFloat64(), 1); assert.equal(r.pos, 22);
  assert.equal(r.remaining, 0);
});

test('unsigned vints use the count of leading 1-bits as extra bytes', () => {
  assert.equal(vintExtraBytes(0x00), 0);
  assert.equal(vintExtraBytes(0x80), 1);
  assert.equal(vintExtraBytes(0xc2), 2);
  assert.equal(vintExtraBytes(0xff), 8);
  const r = reader([
    0x7f, //                   127 in one byte
    0x80, 0x80, //             128: 10|000000 10000000
    0xc2, 0xaf, 0x80, //       0x02af80 (reference 2.6.8: minTimestamp + 176000)
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 9 bytes: 2^64 - 1
  ]);
  assert.equal(r.readUnsignedVInt(), 127); assert.equal(r.pos, 1);
  assert.equal(r.readUnsignedVInt(), 128); assert.equal(r.pos, 3);
  assert.equal(r.readUnsignedVInt(), 0x02af80); assert.equal(r.pos, 6);
  assert.equal(r.readUnsignedVInt64(), 2n ** 64n - 1n); assert.equal(r.pos, 15);
});

test('readUnsignedVInt32 truncates a 9-byte vint to a Java int', () => {
  // -1 written as vint32 is 0xffffffffffffffff (sign-extended): 9 bytes
  const r = reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x05]);
  assert.equal(r.readUnsignedVInt32(), -1); assert.equal(r.pos, 9);
  assert.equal(r.readUnsignedVInt32(), 5); assert.equal(r.pos, 10);
});

test('signed vints are zig-zag encoded', () => {
  const r = reader([0x00, 0x01, 0x02, 0x03, 0x80, 0xff]);
  assert.equal(r.readVInt(), 0); assert.equal(r.readVInt(), -1);
  assert.equal(r.readVInt(), 1); assert.equal(r.readVInt(), -2);
  assert.equal(r.readVInt(), -128); // 0x80ff = 255 → zig-zag -128
  assert.equal(r.pos, 6);
});

test('readBytes returns a subarray and skip pairs advance', () => {
  const bytes = Uint8Array.from([0x03, 0x61, 0x62, 0x63, 0x00, 0x02, 0x78, 0x79, 0x81, 0x00]);
  const r = new ByteReader(bytes, 'f');
  const v = r.readWithVIntLength();
  assert.deepEqual([...v], [0x61, 0x62, 0x63]);
  assert.equal(v.buffer, bytes.buffer);
  assert.equal(r.pos, 4);
  r.skipWithShortLength(); assert.equal(r.pos, 8);
  r.skipUnsignedVInt(); assert.equal(r.pos, 10);
});

test('reading past the end fails with file and absolute offset', () => {
  const r = reader([0x00, 0x00, 0x01], 81920);
  r.readUint16();
  assert.throws(() => r.readInt32(), (err: unknown) => {
    assert.ok(err instanceof CorruptInputError);
    assert.equal(err.offset, 81922);
    assert.equal(err.message, 'nb-1-big-Data.db: int32 past end of data at offset 81922');
    return true;
  });
  assert.equal(r.hitEnd, true);
  const lengths = reader([0x85, 0x00]); // vint length 0x500 with nothing after it
  assert.throws(() => lengths.readWithVIntLength('cell value'), /cell value length 1280 exceeds the 0 bytes left at offset 2/);
});
