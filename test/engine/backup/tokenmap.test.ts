import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTokenMap, parseTokenMap } from '../../../engine/backup/tokenmap.ts';
import { CorruptInputError } from '../../../engine/errors.ts';

test('tokens beyond 2^53 keep every digit (Medusa writes them as JSON numbers)', () => {
  const text = '{"node1.example.net": {"tokens": [-9187343239835811840, 1844674407370955161], "is_up": true, "rack": "r1", "dc": "dc1"},' +
    ' "node2": {"tokens": ["9223372036854775807"], "is_up": false}}';
  assert.deepEqual(parseTokenMap(text, 'tokenmap.json'), [
    { name: 'node1.example.net', dc: 'dc1', rack: 'r1', tokens: [-9187343239835811840n, 1844674407370955161n] },
    { name: 'node2', tokens: [9223372036854775807n] },
  ]);
});

test('format and parse round-trip', () => {
  const nodes = [{ name: 'n1', dc: 'dc1', rack: 'r1', tokens: [-9223372036854775808n, 7n] }];
  assert.match(formatTokenMap(nodes), /"tokens": \[-9223372036854775808, 7\]/);
  assert.deepEqual(parseTokenMap(formatTokenMap(nodes), 'x'), nodes);
});

test('bad token maps name the file', () => {
  assert.throws(() => parseTokenMap('[1]', 's3://b/p/tokenmap.json'), (e: unknown) => e instanceof CorruptInputError && e.message === 's3://b/p/tokenmap.json: tokenmap must be an object keyed by node name at offset 0');
  assert.throws(() => parseTokenMap('{"n": {"tokens": [1.5]}}', 'f'), /f: tokenmap entry "n" has a bad token "?1.5"?/);
  assert.throws(() => parseTokenMap('{"n": {}}', 'f'), /tokenmap entry "n" has no tokens array/);
  assert.throws(() => parseTokenMap('{', 'f'), /f: tokenmap is not JSON/);
});
