// The token ring of a backup's topology: every node's tokens sorted, and the ranges (previous token, token] each
// token owns. The range ending at the smallest token wraps around from the largest one (Murmur3: signed 64 bit).

import { InvalidConfigError } from '../errors.ts';
import type { TokenRange } from '../partitioner/token-range.ts';
import type { NodeTopology } from './model.ts';

export { MIN_TOKEN } from '../partitioner/murmur3.ts';
export { RING_SIZE, rangeContains, rangeWidth, type TokenRange } from '../partitioner/token-range.ts';

export interface RingToken {
  token: bigint;
  node: NodeTopology;
}

/** A range between two adjacent ring tokens; for the wrapping range startExclusive is the largest ring token. */
export interface RingRange extends TokenRange {
  /** Index of `endInclusive` (whose owner is the primary replica) in the ring's sorted tokens. */
  index: number;
}

export class TokenRing {
  readonly tokens: RingToken[];
  readonly nodes: NodeTopology[];

  constructor(nodes: NodeTopology[]) {
    this.nodes = nodes;
    const seen = new Map<bigint, string>();
    const tokens: RingToken[] = [];
    for (const node of nodes) {
      for (const token of node.tokens) {
        const other = seen.get(token);
        if (other !== undefined) {
          throw new InvalidConfigError(`token ${token} is owned by both ${other} and ${node.name}`, { token: String(token) });
        }
        seen.set(token, node.name);
        tokens.push({ token, node });
      }
    }
    if (tokens.length === 0) throw new InvalidConfigError('token ring is empty: no node has tokens');
    this.tokens = tokens.sort((a, b) => (a.token < b.token ? -1 : a.token > b.token ? 1 : 0));
  }

  ranges(): RingRange[] {
    const n = this.tokens.length;
    return this.tokens.map((t, i) => ({ startExclusive: this.tokens[(i - 1 + n) % n]!.token, endInclusive: t.token, index: i }));
  }

  /** Index of the first ring token >= `token` (wrapping to 0): the end of the range that contains `token`. */
  indexOf(token: bigint): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.tokens[mid]!.token < token) lo = mid + 1;
      else hi = mid;
    }
    return lo === this.tokens.length ? 0 : lo;
  }

  /** The range that contains `token`. */
  rangeOf(token: bigint): RingRange {
    const i = this.indexOf(token);
    const n = this.tokens.length;
    return { startExclusive: this.tokens[(i - 1 + n) % n]!.token, endInclusive: this.tokens[i]!.token, index: i };
  }

  /** Nodes of the ring per DC (nodes without a DC are in dc ''). */
  datacenters(): Map<string, NodeTopology[]> {
    const out = new Map<string, NodeTopology[]>();
    for (const n of this.nodes) {
      const dc = n.dc ?? '';
      const list = out.get(dc);
      if (list) list.push(n);
      else out.set(dc, [n]);
    }
    return out;
  }
}
