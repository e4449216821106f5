// The registry loads each connector module written here under its registered name, and each accepts its model.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { loadConnector } from '../../connectors/registry.ts';
import type { TableModel } from '../../connectors/registry.ts';
import { KV_TABLE, PLAIN_TABLE, TS_TABLE } from './controller/fixtures/tables.ts';

const cases: Array<[string, TableModel, TableModel]> = [
  ['raw', PLAIN_TABLE, { keyspace: 'k', table: 't', columns: [{ name: 'c', type: 'int', kind: 'regular' }] }],
  ['key-value', KV_TABLE, PLAIN_TABLE],
  ['time-series', TS_TABLE, KV_TABLE],
];

for (const [name, good, bad] of cases) {
  it(`${name} loads through the registry and routes on its model`, async () => {
    const connector = await loadConnector(name);
    assert.equal(connector.name, name);
    assert.deepEqual(connector.accepts(good), { ok: true });
    assert.equal(connector.accepts(bad).ok, false);
    const schema = connector.outputSchema(good, { referenceTimeSec: 0, writetime: false });
    assert.ok(schema.fields.length > 0 && schema.identifierFieldIds.length > 0);
  });
}
