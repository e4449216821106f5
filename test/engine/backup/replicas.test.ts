import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeTopology, Verdict } from '../../../engine/backup/model.ts';
import { chooseReplicas, naturalReplicas, parseReplication } from '../../../engine/backup/replicas.ts';
import { TokenRing } from '../../../engine/backup/ring.ts';
import { BackupIncompleteError } from '../../../engine/errors.ts';

// ring order: a(0) e(50) b(100) f(150) c(200) d(300); dc1 has two racks, dc2 one
const nodes: NodeTopology[] = [
  { name: 'a', dc: 'dc1', rack: 'r1', tokens: [0n] },
  { name: 'b', dc: 'dc1', rack: 'r1', tokens: [100n] },
  { name: 'c', dc: 'dc1', rack: 'r2', tokens: [200n] },
  { name: 'd', dc: 'dc1', rack: 'r2', tokens: [300n] },
  { name: 'e', dc: 'dc2', rack: 'r1', tokens: [50n] },
  { name: 'f', dc: 'dc2', rack: 'r1', tokens: [150n] },
];
const ring = new TokenRing(nodes);
const nts = parseReplication({ class: 'org.apache.cassandra.locator.NetworkTopologyStrategy', dc1: '2', dc2: '2' });
const names = (ns: NodeTopology[]) => ns.map((n) => n.name).join('');
const all = (except: Record<string, Verdict> = {}) => new Map<string, Verdict>(nodes.map((n) => [n.name, except[n.name] ?? { status: 'complete', reasons: [] }]));

test('SimpleStrategy: the next distinct nodes clockwise', () => {
  const simple = parseReplication({ class: 'SimpleStrategy', replication_factor: '2' });
  assert.deepEqual(ring.ranges().map((r) => names(naturalReplicas(ring, simple, r.index))), ['ae', 'eb', 'bf', 'fc', 'cd', 'da']);
});

test('NetworkTopologyStrategy: distinct racks first, rack repeats only where a DC lacks racks', () => {
  // index 0: a(dc1 r1) e(dc2 r1) b skipped (rack r1 seen, no repeats allowed in dc1) f(dc2 repeat allowed) c(dc1 r2)
  assert.deepEqual(ring.ranges().map((r) => names(naturalReplicas(ring, nts, r.index))), ['aefc', 'ebfc', 'bfce', 'fcae', 'caef', 'daef']);
});

test('replication maps: short and long class names, bad factors rejected', () => {
  assert.deepEqual(parseReplication({ class: 'SimpleStrategy', replication_factor: '3' }), { class: 'SimpleStrategy', replicationFactor: 3 });
  assert.throws(() => parseReplication({ class: 'SimpleStrategy', replication_factor: 'x' }), /bad replication factor "x" for replication_factor/);
  assert.throws(() => parseReplication({ class: 'LocalStrategy' }), /unsupported replication class "LocalStrategy"/);
});

test('ONE reuses already chosen nodes; LOCAL_ONE stays in the local DC', () => {
  assert.deepEqual(chooseReplicas(ring, nts, 'ONE', all()).map((c) => names(c.chosen)), ['a', 'e', 'e', 'a', 'a', 'a']);
  assert.deepEqual(chooseReplicas(ring, nts, 'LOCAL_ONE', all(), { localDc: 'dc2' }).map((c) => names(c.chosen)), ['e', 'e', 'e', 'e', 'e', 'e']);
  assert.throws(() => chooseReplicas(ring, nts, 'LOCAL_ONE', all()), /LOCAL_ONE needs a local datacenter \(ring has dc1, dc2\)/);
});

test('QUORUM fails over from a damaged node; EACH_QUORUM and LOCAL_QUORUM in dc1 cannot', () => {
  const cDamaged = all({ c: { status: 'damaged', reasons: ['c: shop/t-1/nb-1-big-Data.db missing'] } });
  const quorum = chooseReplicas(ring, nts, 'QUORUM', cDamaged);
  assert.deepEqual(quorum.map((c) => names(c.chosen)), ['aef', 'ebf', 'bfe', 'fae', 'aef', 'aef']);
  assert.throws(
    () => chooseReplicas(ring, nts, 'LOCAL_QUORUM', cDamaged, { localDc: 'dc1' }),
    (err: unknown) => {
      assert.ok(err instanceof BackupIncompleteError);
      assert.deepEqual(err.reasons[0], 'range (300, 0]: LOCAL_QUORUM in dc1 needs 2 of [a, c], 1 usable (c: backup damaged: shop/t-1/nb-1-big-Data.db missing)');
      assert.equal(err.reasons.length, 5, 'every range whose dc1 replicas include c');
      return true;
    },
  );
  assert.throws(() => chooseReplicas(ring, nts, 'EACH_QUORUM', cDamaged), /EACH_QUORUM in dc1 needs 2 of \[a, c\], 1 usable/);
  assert.deepEqual(chooseReplicas(ring, nts, 'EACH_QUORUM', all()).map((c) => names(c.chosen)), ['aefc', 'ebfc', 'bfce', 'fcae', 'caef', 'daef']);
});

test('ALL needs every replica; a node absent from the verdicts has no backup', () => {
  const noF = all();
  noF.delete('f');
  assert.throws(() => chooseReplicas(ring, nts, 'ALL', noF), /ALL needs 4 of \[a, e, f, c\], 3 usable \(f: no node backup\)/);
  assert.deepEqual(chooseReplicas(ring, nts, 'ALL', all()).map((c) => names(c.chosen)), ['aefc', 'ebfc', 'bfce', 'fcae', 'caef', 'daef']);
});
