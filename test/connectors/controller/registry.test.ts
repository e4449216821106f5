import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONNECTORS, LEGACY_CONNECTOR, connectorNames, getConnector, loadConnector } from '../../../connectors/registry.ts';
import type { ConnectorEntry } from '../../../connectors/registry.ts';
import { ANY_TABLE } from '../../../connectors/controller/table-model.ts';
import { KV_TABLE, PLAIN_TABLE, TS_TABLE } from './fixtures/tables.ts';

test('the registry holds raw, key-value, time-series and one legacy connector', () => {
  assert.deepEqual(connectorNames(), ['raw', 'key-value', 'time-series', 'legacy']);
  assert.deepEqual(CONNECTORS.filter((c) => c.legacy).map((c) => c.name), [LEGACY_CONNECTOR]);
  assert.equal(new Set(CONNECTORS.map((c) => c.module)).size, CONNECTORS.length);
});

test('each entry accepts the tables of its data model', () => {
  const accepted = (table: typeof KV_TABLE) => CONNECTORS.filter((c) => c.model.check(table).ok).map((c) => c.name);
  assert.deepEqual(accepted(KV_TABLE), ['raw', 'key-value', 'legacy']);
  assert.deepEqual(accepted(TS_TABLE), ['raw', 'time-series', 'legacy']);
  assert.deepEqual(accepted(PLAIN_TABLE), ['raw', 'legacy']);
});

test('an unknown name is an InvalidConfigError naming the field and the registered names', () => {
  assert.throws(() => getConnector('kv', 'rules[3].connector'), {
    name: 'InvalidConfigError',
    message: 'rules[3].connector: unknown connector "kv" (registered: raw, key-value, time-series, legacy)',
  });
});

const fixtureEntry = (name: string, module: string): ConnectorEntry => ({ name, description: 'test', model: ANY_TABLE, legacy: false, module });

test('loadConnector imports the module and checks its export', async () => {
  const registry = [fixtureEntry('echo', '../test/connectors/controller/fixtures/echo-connector.ts')];
  const echo = await loadConnector('echo', registry);
  assert.equal(echo.name, 'echo');
  assert.deepEqual(echo.accepts(PLAIN_TABLE), { ok: true });
});

test('loadConnector rejects a module that exports another name, and a module that is not written yet', async () => {
  const wrongName = [fixtureEntry('mirror', '../test/connectors/controller/fixtures/echo-connector.ts')];
  await assert.rejects(loadConnector('mirror', wrongName), { name: 'UnsupportedFormatError', message: /echo-connector\.ts must export `connector` .* name "mirror"/ });
  const missing = [fixtureEntry('later', './not-written-yet.ts')];
  await assert.rejects(loadConnector('later', missing), { name: 'UnsupportedFormatError', message: /connector later is registered but its module .*connectors\/not-written-yet\.ts does not exist yet/ });
});
