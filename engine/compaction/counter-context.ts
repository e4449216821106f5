// Counter contexts, after apache/cassandra db/context/CounterContext.java (merge, compare, total).
//
// Layout: int16 n (its absolute value; negative means "local shards to be cleared"), n × int16 header elements,
// then shards of 32 bytes (16-byte counter id, int64 clock, int64 count) sorted by counter id. A header element
// `i + Short.MIN_VALUE` marks shard i as global, `i` as local; shards without a header element are remote.
//
// Merging two shards with the same counter id:
//   global + global = highest clock (equal clocks: highest count)   global + local/remote = the global one
//   local  + local  = sum clocks and counts                           local  + remote       = the local one
//   remote + remote = highest clock (legacy rule for negative clocks; equal clocks: highest count)

import { CorruptInputError } from '../errors.ts';

const HEADER_SIZE_LENGTH = 2;
const HEADER_ELT_LENGTH = 2;
const COUNTER_ID_LENGTH = 16;
const STEP_LENGTH = 32;
const SHORT_MIN = -32768;

export const SHARD_GLOBAL = 1;
export const SHARD_LOCAL = 2;
export const SHARD_REMOTE = 3;

/** Cursor over one context: which shard it is on and its kind, as in CounterContext.ContextState. */
class ContextState {
  view!: DataView;
  start = 0;
  end = 0;
  headerOffset = 0;
  headerEnd = 0;
  bodyOffset = 0;
  index = 0;
  kind = SHARD_REMOTE;

  wrap(bytes: Uint8Array, start: number, length: number): this {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (length < HEADER_SIZE_LENGTH) throw new CorruptInputError('counter context', start, `counter context of ${length} bytes`);
    const n = Math.abs(this.view.getInt16(start));
    this.start = start;
    this.end = start + length;
    this.headerOffset = start + HEADER_SIZE_LENGTH;
    this.headerEnd = this.headerOffset + n * HEADER_ELT_LENGTH;
    this.bodyOffset = this.headerEnd;
    if ((this.end - this.bodyOffset) % STEP_LENGTH !== 0 || this.bodyOffset > this.end) {
      throw new CorruptInputError('counter context', start, `invalid size ${length} for a counter context with ${n} header elements`);
    }
    this.index = 0;
    this.updateKind();
    return this;
  }

  private updateKind(): void {
    if (this.headerOffset >= this.headerEnd) { this.kind = SHARD_REMOTE; return; }
    const elt = this.view.getInt16(this.headerOffset);
    this.kind = elt === this.index + SHORT_MIN ? SHARD_GLOBAL : elt === this.index ? SHARD_LOCAL : SHARD_REMOTE;
  }

  hasRemaining(): boolean { return this.bodyOffset < this.end; }

  moveToNext(): void {
    this.bodyOffset += STEP_LENGTH;
    if (this.kind !== SHARD_REMOTE) this.headerOffset += HEADER_ELT_LENGTH;
    this.index++;
    this.updateKind();
  }

  clockHi(): number { return this.view.getInt32(this.bodyOffset + COUNTER_ID_LENGTH); }
  clockLo(): number { return this.view.getUint32(this.bodyOffset + COUNTER_ID_LENGTH + 4); }
  countHi(): number { return this.view.getInt32(this.bodyOffset + COUNTER_ID_LENGTH + 8); }
  countLo(): number { return this.view.getUint32(this.bodyOffset + COUNTER_ID_LENGTH + 12); }
  clock(): bigint { return this.view.getBigInt64(this.bodyOffset + COUNTER_ID_LENGTH); }
  count(): bigint { return this.view.getBigInt64(this.bodyOffset + COUNTER_ID_LENGTH + 8); }

  compareIdTo(other: ContextState): number {
    for (let i = 0; i < COUNTER_ID_LENGTH; i++) {
      const d = this.view.getUint8(this.bodyOffset + i) - other.view.getUint8(other.bodyOffset + i);
      if (d !== 0) return d;
    }
    return 0;
  }
}

/** Signed 64-bit comparison of two (hi int32, lo uint32) pairs. */
function compareInt64(aHi: number, aLo: number, bHi: number, bLo: number): number {
  return aHi !== bHi ? aHi - bHi : aLo - bLo;
}

const GREATER = 1;
const LESS = 2;
const EQUAL = 3;
const DISJOINT = 4;

/** CounterContext.compare: which of two shards with the same counter id overrides the other. */
function compareShards(l: ContextState, r: ContextState): number {
  if (l.kind === SHARD_GLOBAL || r.kind === SHARD_GLOBAL) {
    if (l.kind !== r.kind) return l.kind === SHARD_GLOBAL ? GREATER : LESS;
    return compareByClockThenCount(l, r, false);
  }
  if (l.kind === SHARD_LOCAL || r.kind === SHARD_LOCAL) {
    if (l.kind === r.kind) return DISJOINT;
    return l.kind === SHARD_LOCAL ? GREATER : LESS;
  }
  return compareByClockThenCount(l, r, true);
}

function compareByClockThenCount(l: ContextState, r: ContextState, legacyRemote: boolean): number {
  const lHi = l.clockHi(), lLo = l.clockLo(), rHi = r.clockHi(), rLo = r.clockLo();
  if (lHi === rHi && lLo === rLo) {
    const c = compareInt64(l.countHi(), l.countLo(), r.countHi(), r.countLo());
    return c > 0 ? GREATER : c === 0 ? EQUAL : LESS;
  }
  if (!legacyRemote) return compareInt64(lHi, lLo, rHi, rLo) > 0 ? GREATER : LESS;
  // remote shards: a negative clock marks a shard that was deleted (pre-2.1 semantics)
  const lNeg = lHi < 0, rPos = rHi > 0 || (rHi === 0 && rLo > 0);
  const lGeR = compareInt64(lHi, lLo, rHi, rLo) >= 0;
  const lLtR = compareInt64(lHi, lLo, rHi, rLo) < 0;
  return (!lNeg && rPos && lGeR) || (lNeg && (rPos || lLtR)) ? GREATER : LESS;
}

const left = new ContextState();
const right = new ContextState();

/** Upper bound of the merged size, for sizing the output buffer of mergeCounterContexts. */
export function mergedContextMaxLength(aLength: number, bLength: number): number {
  return aLength + bLength;
}

function copyShard(from: ContextState, out: DataView, bodyPos: number): void {
  for (let i = 0; i < STEP_LENGTH; i += 4) out.setUint32(bodyPos + i, from.view.getUint32(from.bodyOffset + i));
}

/**
 * CounterContext.merge of two contexts into `out` at `outStart` (which must have room for
 * mergedContextMaxLength bytes); returns the number of bytes written.
 */
export function mergeCounterContexts(a: Uint8Array, aStart: number, aLength: number,
                                     b: Uint8Array, bStart: number, bLength: number,
                                     out: Uint8Array, outStart: number): number {
  // first pass: how many shards and how many header elements the result has
  left.wrap(a, aStart, aLength);
  right.wrap(b, bStart, bLength);
  let shards = 0, headerElts = 0;
  while (left.hasRemaining() || right.hasRemaining()) {
    const cmp = !left.hasRemaining() ? 1 : !right.hasRemaining() ? -1 : left.compareIdTo(right);
    const kind = cmp === 0 ? mergedKind(left, right) : cmp < 0 ? left.kind : right.kind;
    if (kind !== SHARD_REMOTE) headerElts++;
    shards++;
    if (cmp <= 0) left.moveToNext();
    if (cmp >= 0) right.moveToNext();
  }
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt16(outStart, headerElts);
  let headerPos = outStart + HEADER_SIZE_LENGTH;
  let bodyPos = headerPos + headerElts * HEADER_ELT_LENGTH;
  const totalLength = bodyPos - outStart + shards * STEP_LENGTH;
  left.wrap(a, aStart, aLength);
  right.wrap(b, bStart, bLength);
  for (let index = 0; index < shards; index++) {
    const cmp = !left.hasRemaining() ? 1 : !right.hasRemaining() ? -1 : left.compareIdTo(right);
    let kind: number;
    if (cmp === 0) {
      const rel = compareShards(left, right);
      if (rel === DISJOINT) {
        copyShard(left, view, bodyPos);
        view.setBigInt64(bodyPos + COUNTER_ID_LENGTH, BigInt.asIntN(64, left.clock() + right.clock()));
        view.setBigInt64(bodyPos + COUNTER_ID_LENGTH + 8, BigInt.asIntN(64, left.count() + right.count()));
        kind = SHARD_LOCAL;
      } else {
        const winner = rel === GREATER ? left : right;
        copyShard(winner, view, bodyPos);
        kind = winner.kind;
      }
    } else {
      const from = cmp < 0 ? left : right;
      copyShard(from, view, bodyPos);
      kind = from.kind;
    }
    if (kind !== SHARD_REMOTE) {
      view.setInt16(headerPos, kind === SHARD_GLOBAL ? index + SHORT_MIN : index);
      headerPos += HEADER_ELT_LENGTH;
    }
    bodyPos += STEP_LENGTH;
    if (cmp <= 0) left.moveToNext();
    if (cmp >= 0) right.moveToNext();
  }
  return totalLength;
}

function mergedKind(l: ContextState, r: ContextState): number {
  const rel = compareShards(l, r);
  if (rel === DISJOINT) return SHARD_LOCAL;
  return rel === GREATER ? l.kind : r.kind;
}

/** CounterContext.total: the sum of every shard's count, which is the value a SELECT shows. */
export function counterContextTotal(bytes: Uint8Array, start: number, length: number): bigint {
  const state = left.wrap(bytes, start, length);
  let total = 0n;
  while (state.hasRemaining()) {
    total += state.count();
    state.moveToNext();
  }
  return BigInt.asIntN(64, total);
}
