import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CassbergError } from '../../../engine/errors.ts';
import {
  cassbergV1Decoder, crc32, createValueMetadata, encodeValueMetadata, jsonDecoder,
} from '../../../connectors/key-value/value-metadata.ts';

const decode = (bytes: Uint8Array, length = bytes.length) => {
  const out = createValueMetadata();
  cassbergV1Decoder.decode(bytes, 0, length, out);
  return { ...out, version: Buffer.from(out.version).toString('hex') };
};

describe('value_metadata cassberg-v1', () => {
  it('reads a chunked record byte by byte', () => {
    const bytes = Uint8Array.of(
      0xc1, // format
      0x06, // flags: chunked | crc32
      0x04, // codec zstd
      0, 0, 0, 3, // chunk count 3
      0, 0, 0, 1, 0, 0, 0, 2, // total length 2^32 + 2
      0, 2, 0xab, 0xcd, // version: 2 bytes
      0xde, 0xad, 0xbe, 0xef, // crc32
    );
    assert.deepEqual(decode(bytes), {
      expired: false, chunked: true, chunkCount: 3, totalLength: 4_294_967_298, codec: 4, hasCrc32: true, crc32: 0xdeadbeef, version: 'abcd',
    });
    assert.deepEqual(encodeValueMetadata({ chunks: 3, length: 4_294_967_298, version: Uint8Array.of(0xab, 0xcd), codec: 'zstd', crc32: 0xdeadbeef }), bytes);
  });

  it('reads empty and null metadata as inline and live, and the expired flag', () => {
    assert.equal(decode(new Uint8Array(0)).expired, false);
    assert.equal(decode(new Uint8Array(0), -1).chunked, false);
    assert.deepEqual(decode(Uint8Array.of(0xc1, 0x01, 0x00)), { ...decode(new Uint8Array(0)), expired: true });
  });

  it('rejects malformed records with the reason', () => {
    assert.throws(() => decode(Uint8Array.of(0x7b, 0x7d, 0x00)), /value_metadata: unknown format byte 0x7b/);
    assert.throws(() => decode(Uint8Array.of(0xc1, 0x02, 0x00, 0, 0, 0, 1)), /chunk descriptor truncated/);
    assert.throws(() => decode(Uint8Array.of(0xc1, 0x02, 0x00, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 9, 1)), /version of 9 bytes exceeds the 18-byte record/);
    assert.throws(() => decode(Uint8Array.of(0xc1, 0x00, 0x00, 0x00)), /1 trailing bytes/);
    assert.throws(() => decode(encodeValueMetadata({ chunks: 0, length: 0 })), /chunked item with 0 chunks/);
  });

  it('on arbitrary bytes throws only DataInvalid errors and still decodes good input afterwards', () => {
    let s = 7;
    const rnd = () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s >>> 8; };
    let thrown = 0;
    for (let n = 0; n < 3000; n++) {
      const bytes = Uint8Array.from({ length: rnd() % 40 }, () => rnd() & 0xff);
      if (bytes.length > 0 && n % 2 === 0) bytes[0] = 0xc1;
      try { decode(bytes); } catch (err) {
        thrown++;
        assert.ok(err instanceof CassbergError && err.kind === 'DataInvalid', String(err));
      }
    }
    assert.ok(thrown > 1000 && thrown < 3000, `${thrown} thrown`);
    assert.equal(decode(encodeValueMetadata({ chunks: 2, length: 5, version: Uint8Array.of(1) })).chunkCount, 2);
  });

  it('crc32 is zlib\'s and continues across chunks', () => {
    const data = new TextEncoder().encode('123456789');
    assert.equal(crc32(data), 0xcbf43926);
    assert.equal(crc32(data, 4, 5, crc32(data, 0, 4)), 0xcbf43926);
  });
});

describe('value_metadata json', () => {
  it('reads the documented fields', () => {
    const out = createValueMetadata();
    const doc = new TextEncoder().encode('{"chunks":2,"length":10,"version":"0a0b","codec":"lz4","crc32":7}');
    jsonDecoder.decode(doc, 0, doc.length, out);
    assert.deepEqual({ ...out, version: [...out.version] }, {
      expired: false, chunked: true, chunkCount: 2, totalLength: 10, codec: 2, hasCrc32: true, crc32: 7, version: [10, 11],
    });
    const bad = new TextEncoder().encode('{"codec":"brotli"}');
    assert.throws(() => jsonDecoder.decode(bad, 0, bad.length, out), /unknown codec brotli/);
  });
});
