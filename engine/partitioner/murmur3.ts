// Murmur3Partitioner tokens, after apache/cassandra utils/MurmurHash.java (hash3_x64_128, seed 0) and
// dht/Murmur3Partitioner.java. Two quirks of Cassandra's variant matter: the tail bytes (length % 16) are
// sign-extended Java bytes before they are shifted in, so keys whose tail holds bytes >= 0x80 hash differently from
// the reference MurmurHash3; and the token is the first 64-bit word h1, with Long.MIN_VALUE mapped to Long.MAX_VALUE.
//
// 64-bit arithmetic runs on pairs of 32-bit halves held in module state (no BigInt, no allocation in the loop);
// BigInt appears only when the finished words are returned.

export const MIN_TOKEN = -(1n << 63n);
export const MAX_TOKEN = (1n << 63n) - 1n;

// Multiplier constants as [hi, lo] 32-bit halves.
const C1_HI = 0x87c37b91, C1_LO = 0x114253d5;
const C2_HI = 0x4cf5ad43, C2_LO = 0x2745937f;
const F1_HI = 0xff51afd7, F1_LO = 0xed558ccd;
const F2_HI = 0xc4ceb9fe, F2_LO = 0x1a85ec53;

// Results of the 64-bit helpers below (hi and lo halves, unsigned 32-bit values).
let rHi = 0, rLo = 0;

/** (aHi:aLo * bHi:bLo) mod 2^64 into rHi:rLo, in 16-bit limbs so every partial product stays exact in a double. */
function mul64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const a48 = aHi >>> 16, a32 = aHi & 0xffff, a16 = aLo >>> 16, a00 = aLo & 0xffff;
  const b48 = bHi >>> 16, b32 = bHi & 0xffff, b16 = bLo >>> 16, b00 = bLo & 0xffff;
  let c00 = a00 * b00;
  let c16 = c00 >>> 16; c00 &= 0xffff;
  c16 += a16 * b00;
  let c32 = Math.floor(c16 / 0x10000); c16 &= 0xffff;
  c16 += a00 * b16; c32 += Math.floor(c16 / 0x10000); c16 &= 0xffff;
  c32 += a32 * b00;
  let c48 = Math.floor(c32 / 0x10000); c32 &= 0xffff;
  c32 += a16 * b16; c48 += Math.floor(c32 / 0x10000); c32 &= 0xffff;
  c32 += a00 * b32; c48 += Math.floor(c32 / 0x10000); c32 &= 0xffff;
  c48 = (c48 + a48 * b00 + a32 * b16 + a16 * b32 + a00 * b48) % 0x10000;
  rHi = ((c48 << 16) | c32) >>> 0;
  rLo = ((c16 << 16) | c00) >>> 0;
}

/** Rotate left by n (0 < n < 64) into rHi:rLo. */
function rotl64(hi: number, lo: number, n: number): void {
  if (n >= 32) { const t = hi; hi = lo; lo = t; n -= 32; }
  if (n === 0) { rHi = hi >>> 0; rLo = lo >>> 0; return; }
  rHi = ((hi << n) | (lo >>> (32 - n))) >>> 0;
  rLo = ((lo << n) | (hi >>> (32 - n))) >>> 0;
}

function add64(aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  rLo = lo >>> 0;
  rHi = (aHi + bHi + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** fmix64 into rHi:rLo. */
function fmix64(hi: number, lo: number): void {
  lo = (lo ^ (hi >>> 1)) >>> 0; // k ^= k >>> 33
  mul64(hi, lo, F1_HI, F1_LO); hi = rHi; lo = rLo;
  lo = (lo ^ (hi >>> 1)) >>> 0;
  mul64(hi, lo, F2_HI, F2_LO); hi = rHi; lo = rLo;
  rLo = (lo ^ (hi >>> 1)) >>> 0;
  rHi = hi;
}

/** Little-endian 32-bit word at key[i..i+4). */
function le32(key: Uint8Array, i: number): number {
  return (key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24)) >>> 0;
}

// The four words of the last hash: h1 and h2, each as hi/lo halves.
const words = new Uint32Array(4);

/** k1 mixing step: k1 *= C1; k1 = rotl(k1, 31); k1 *= C2; result in rHi:rLo. */
function mixK1(hi: number, lo: number): void {
  mul64(hi, lo, C1_HI, C1_LO); rotl64(rHi, rLo, 31); mul64(rHi, rLo, C2_HI, C2_LO);
}

/** k2 mixing step: k2 *= C2; k2 = rotl(k2, 33); k2 *= C1; result in rHi:rLo. */
function mixK2(hi: number, lo: number): void {
  mul64(hi, lo, C2_HI, C2_LO); rotl64(rHi, rLo, 33); mul64(rHi, rLo, C1_HI, C1_LO);
}

/**
 * Tail word from bytes [from, to) of the key, each byte sign-extended to 64 bits before it is shifted to
 * (i - from) * 8 and XORed in (MurmurHash.java's `(long) key.get(...)`); result in rHi:rLo.
 */
function tailWord(key: Uint8Array, from: number, to: number): void {
  let hi = 0, lo = 0;
  for (let i = to - 1; i >= from; i--) {
    const b = key[i]!;
    const shift = (i - from) * 8;
    const ext = b >= 0x80 ? 0xffffffff : 0; // the sign extension fills every bit above the byte
    if (shift < 32) {
      lo ^= (b << shift) | (shift === 24 ? 0 : (ext << (shift + 8)));
      hi ^= ext;
    } else {
      hi ^= (b << (shift - 32)) | (shift === 56 ? 0 : (ext << (shift - 24)));
    }
  }
  rHi = hi >>> 0; rLo = lo >>> 0;
}

/** Cassandra's MurmurHash.hash3_x64_128(key, 0, key.length, 0) into `words` (h1 hi, h1 lo, h2 hi, h2 lo). */
function hash3x64x128(key: Uint8Array): void {
  const length = key.length;
  const nblocks = length >>> 4;
  let h1Hi = 0, h1Lo = 0, h2Hi = 0, h2Lo = 0;
  for (let b = 0; b < nblocks; b++) {
    const i = b << 4;
    mixK1(le32(key, i + 4), le32(key, i));
    h1Hi = (h1Hi ^ rHi) >>> 0; h1Lo = (h1Lo ^ rLo) >>> 0;
    rotl64(h1Hi, h1Lo, 27); add64(rHi, rLo, h2Hi, h2Lo);
    mul64(rHi, rLo, 0, 5); add64(rHi, rLo, 0, 0x52dce729); h1Hi = rHi; h1Lo = rLo;
    mixK2(le32(key, i + 12), le32(key, i + 8));
    h2Hi = (h2Hi ^ rHi) >>> 0; h2Lo = (h2Lo ^ rLo) >>> 0;
    rotl64(h2Hi, h2Lo, 31); add64(rHi, rLo, h1Hi, h1Lo);
    mul64(rHi, rLo, 0, 5); add64(rHi, rLo, 0, 0x38495ab5); h2Hi = rHi; h2Lo = rLo;
  }
  const tail = nblocks << 4;
  const rest = length & 15;
  if (rest > 8) {
    tailWord(key, tail + 8, tail + rest); mixK2(rHi, rLo);
    h2Hi = (h2Hi ^ rHi) >>> 0; h2Lo = (h2Lo ^ rLo) >>> 0;
  }
  if (rest > 0) {
    tailWord(key, tail, tail + Math.min(rest, 8)); mixK1(rHi, rLo);
    h1Hi = (h1Hi ^ rHi) >>> 0; h1Lo = (h1Lo ^ rLo) >>> 0;
  }
  // h ^= length (a Java int, so only the low word changes for any real key length)
  h1Lo = (h1Lo ^ length) >>> 0; h2Lo = (h2Lo ^ length) >>> 0;
  add64(h1Hi, h1Lo, h2Hi, h2Lo); h1Hi = rHi; h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo); h2Hi = rHi; h2Lo = rLo;
  fmix64(h1Hi, h1Lo); h1Hi = rHi; h1Lo = rLo;
  fmix64(h2Hi, h2Lo); h2Hi = rHi; h2Lo = rLo;
  add64(h1Hi, h1Lo, h2Hi, h2Lo); h1Hi = rHi; h1Lo = rLo;
  add64(h2Hi, h2Lo, h1Hi, h1Lo); h2Hi = rHi; h2Lo = rLo;
  words[0] = h1Hi; words[1] = h1Lo; words[2] = h2Hi; words[3] = h2Lo;
}

function toSigned64(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
}

/** Both 64-bit words of Cassandra's hash3_x64_128 (seed 0) as signed Java longs: [h1, h2]. */
export function murmur3Hash128(key: Uint8Array): [bigint, bigint] {
  hash3x64x128(key);
  return [toSigned64(words[0]!, words[1]!), toSigned64(words[2]!, words[3]!)];
}

/**
 * Writes the token of `key` into out[at] (high 32 bits, signed) and out[at + 1] (low 32 bits, unsigned as int32
 * bits) without creating a BigInt; the pair orders like the token when compared high word signed, low unsigned.
 */
export function writeMurmur3TokenHalves(key: Uint8Array, out: Int32Array, at: number): void {
  hash3x64x128(key);
  let hi = words[0]!, lo = words[1]!;
  if (hi === 0x80000000 && lo === 0) { hi = 0x7fffffff; lo = 0xffffffff; } // Long.MIN_VALUE → Long.MAX_VALUE
  out[at] = hi | 0;
  out[at + 1] = lo | 0;
}

/** Murmur3Partitioner token of a partition key's serialized bytes (CompositeType bytes when composite). */
export function murmur3Token(key: Uint8Array): bigint {
  hash3x64x128(key);
  const token = toSigned64(words[0]!, words[1]!);
  return token === MIN_TOKEN ? MAX_TOKEN : token;
}

/**
 * Low byte of the second hash word: the "filter hash lower bits" that BTI Partitions.db stores next to each
 * partition's position (DecoratedKey.filterHashLowerBits).
 */
export function murmur3FilterHashByte(key: Uint8Array): number {
  hash3x64x128(key);
  return words[3]! & 0xff;
}
