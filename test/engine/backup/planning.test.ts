import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterBackup, NodeBackup, NodeTopology } from '../../../engine/backup/model.ts';
import { estimateRangeBytes, planInput } from '../../../engine/backup/planning.ts';
import { chooseReplicas } from '../../../engine/backup/replicas.ts';
import { TokenRing } from '../../../engine/backup/ring.ts';

const Q = 1n << 62n; // a quarter of the ring
const nodes: NodeTopology[] = [
  { name: 'n1', dc: 'dc1', tokens: [-Q] },
  { name: 'n2', dc: 'dc1', tokens: [0n] },
  { name: 'n3', dc: 'dc1', tokens: [2n * Q - 1n] },
];

function nodeBackup(node: NodeTopology, dataBytes: number): NodeBackup {
  const sstable = (id: string, bytes: number) => ({
    prefix: `nb-${id}-big`,
    version: 'nb',
    id,
    format: 'big',
    components: [
      { name: 'Data.db', key: `${node.name}/nb-${id}-big-Data.db`, expectedSizeInBytes: bytes, storedSizeInBytes: bytes },
      { name: 'Index.db', key: `${node.name}/nb-${id}-big-Index.db`, storedSizeInBytes: 10 },
    ],
  });
  return {
    layout: 'medusa-full', backupName: 'b', node, keyPrefix: node.name, markerKey: 'm', markerPresent: true, tokenMap: nodes, problems: [],
    tables: [
      { keyspace: 'ks', table: 't', tableId: 'id-1', dirName: 't-1', isSystem: false, sstables: [sstable('1', dataBytes / 2), sstable('2', dataBytes / 2)] },
      { keyspace: 'ks', table: 'other', dirName: 'other', isSystem: false, sstables: [sstable('3', 999)] },
    ],
  };
}

const backup: ClusterBackup = { layout: 'medusa-full', name: 'b', root: '', expectedNodes: nodes, nodeBackups: [nodeBackup(nodes[0]!, 1000), nodeBackup(nodes[1]!, 2000), nodeBackup(nodes[2]!, 4000)] };

test('planInput: per node the table sstables with Data.db and total sizes', () => {
  const plan = planInput(backup, { keyspace: 'ks', table: 't' });
  assert.deepEqual(plan.map((p) => [p.node, p.sstables.map((s) => s.prefix), p.dataSizeInBytes, p.totalSizeInBytes]), [
    ['n1', ['nb-1-big', 'nb-2-big'], 1000, 1020],
    ['n2', ['nb-1-big', 'nb-2-big'], 2000, 2020],
    ['n3', ['nb-1-big', 'nb-2-big'], 4000, 4020],
  ]);
  assert.deepEqual(planInput(backup, { keyspace: 'ks', table: 't', tableId: 'other-id' }).map((p) => p.sstables.length), [0, 0, 0]);
});

test('estimateRangeBytes: RF 1 puts each node’s bytes on its own ranges', () => {
  const ring = new TokenRing(nodes);
  const complete = new Map(nodes.map((n) => [n.name, { status: 'complete' as const, reasons: [] }]));
  const choices = chooseReplicas(ring, { class: 'SimpleStrategy', replicationFactor: 1 }, 'ONE', complete);
  const est = estimateRangeBytes(planInput(backup, { keyspace: 'ks', table: 't' }), choices);
  assert.deepEqual(est.map((e) => [e.choice.chosen[0]!.name, e.dataSizeInBytes]), [['n1', 1000], ['n2', 2000], ['n3', 4000]]);
  // RF 2, widths Q+1, Q, 2Q-1: ONE picks n1, n2, then n1 again (already chosen); n1 replicates 3Q of the ring, so its
  // 1000 bytes split 1/3 : 2/3, n2 replicates 2Q+1 and gives half of its 2000; n3 is never read
  const rf2 = chooseReplicas(ring, { class: 'SimpleStrategy', replicationFactor: 2 }, 'ONE', complete);
  const est2 = estimateRangeBytes(planInput(backup, { keyspace: 'ks', table: 't' }), rf2);
  assert.deepEqual(est2.map((e) => [e.choice.chosen.map((n) => n.name).join(), e.dataSizeInBytes]), [['n1', 333], ['n2', 1000], ['n1', 667]]);
});
