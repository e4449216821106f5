// LZ4 block decompression into a caller-owned buffer (io/compress/LZ4Compressor.java writes a 4-byte little-endian
// uncompressed length, then one raw LZ4 block, not an LZ4 frame). Sequences: token (literal length high nibble,
// match length low nibble), extra length bytes of 255, literals, 2-byte little-endian offset, match copy.

/** Decodes src[start, end) into out[0, …); returns the bytes written, or -1 when the block is malformed. */
export function decompressLz4Block(src: Uint8Array, start: number, end: number, out: Uint8Array, outLimit: number): number {
  let s = start, o = 0;
  while (s < end) {
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let b = 255;
      while (b === 255) {
        if (s >= end) return -1;
        b = src[s++]!;
        literals += b;
      }
    }
    if (s + literals > end || o + literals > outLimit) return -1;
    if (literals < 32) for (let i = 0; i < literals; i++) out[o++] = src[s++]!;
    else { out.set(src.subarray(s, s + literals), o); s += literals; o += literals; }
    if (s === end) break; // the last sequence has literals only
    if (s + 2 > end) return -1;
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > o) return -1;
    let matchLength = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b = 255;
      while (b === 255) {
        if (s >= end) return -1;
        b = src[s++]!;
        matchLength += b;
      }
    }
    if (o + matchLength > outLimit) return -1;
    let m = o - offset;
    if (offset >= matchLength) { out.copyWithin(o, m, m + matchLength); o += matchLength; }
    else for (let i = 0; i < matchLength; i++) out[o++] = out[m++]!;
  }
  return o;
}
