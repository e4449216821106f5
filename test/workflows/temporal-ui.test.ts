// What a user sees in the Temporal Web UI after a movement, checked the way a person would: the dev server's own UI
// (started with the CLI's --ui-port) loaded in headless Chromium. The workflow list filtered by cassberg's search
// attributes finds the movement, and its page shows the readable memo, the search attributes and a history whose
// events are named after the steps (decide, MoveData, planSplits, commitMovement).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { DataMovementInput, MovementOutcome } from '../../activities/contracts.ts';
import { launchChromium } from '../harness/chromium.ts';
import {
  KEYSPACE, startProcessStack, TABLE, uploadFixtureBackup, type ProcessStack,
} from './movement-setup.ts';

const TASK_QUEUE = 'temporal-ui';
const WORKFLOW_ID = 'ui-movement-1';

let ps: ProcessStack;
let browser: Browser;
let outcome: MovementOutcome;
let shots: string;

before(async () => {
  ps = await startProcessStack(TASK_QUEUE, { ui: true });
  const backup = await uploadFixtureBackup(ps.stack, 'prod-ui', 2);
  const client = ps.client;
  const input: DataMovementInput = {
    source: { backupUrl: backup.backupUrl, cluster: 'prod-ui', keyspace: KEYSPACE, table: TABLE },
    destination: { namespace: 'analytics', table: 'ui_movement' },
    options: { referenceTime: backup.referenceTime, connector: 'raw' },
  };
  outcome = await client.workflow.execute('DataMovement', { taskQueue: TASK_QUEUE, workflowId: WORKFLOW_ID, args: [input] });
  browser = await launchChromium();
  shots = mkdtempSync(join(tmpdir(), 'cassberg-temporal-ui-'));
});

after(async () => {
  await browser?.close();
  await ps?.close();
  if (shots) rmSync(shots, { recursive: true, force: true });
});

const ui = (path: string) => `http://127.0.0.1:${ps.temporal.uiPort}/namespaces/${ps.temporal.namespace}${path}`;

/** Waits until the page's visible text contains every string (the UI renders after its API calls return). */
async function waitForText(page: Page, texts: string[], what: string): Promise<string> {
  let body = '';
  for (let i = 0; i < 120; i++) {
    body = await page.locator('body').innerText().catch(() => '');
    if (texts.every((t) => body.includes(t))) return body;
    await page.waitForTimeout(500);
  }
  await page.screenshot({ path: join(shots, `${what}.png`), fullPage: true });
  throw new Error(`${what}: the UI never showed ${texts.filter((t) => !body.includes(t)).join(', ')}; it showed:\n${body.slice(0, 3000)}`);
}

test('the movement finished with the raw connector', () => {
  assert.equal(outcome.connector, 'raw');
  assert.equal(outcome.fallbackTaken, false);
  assert.ok(outcome.rows > 0);
});

test('the Temporal UI workflow list finds the movement by cassberg search attributes', async () => {
  const page = await browser.newPage();
  const query = encodeURIComponent(`CassbergTable="${KEYSPACE}.${TABLE}" AND CassbergOutcome="success" AND CassbergConnector="raw"`);
  await page.goto(ui(`/workflows?query=${query}`));
  await waitForText(page, [WORKFLOW_ID, 'DataMovement'], 'workflow-list');
  // the child MoveData workflow carries no table attribute, so the filtered list names only the movement itself
  const body = await page.locator('body').innerText();
  assert.ok(!body.includes(`${WORKFLOW_ID}/move-raw`), 'the query filters on the movement\'s own attributes');
  await page.close();
});

test('the MoveData child\'s page names each split activity by its summary', async () => {
  const page = await browser.newPage();
  await page.goto(ui(`/workflows/${encodeURIComponent(`${WORKFLOW_ID}/move-raw`)}`));
  await waitForText(page, ['MoveData', 'Completed', `token-range splits of ${KEYSPACE}.${TABLE}`, 'one Iceberg commit of'], 'move-data-history');
  await page.close();
});

test('the movement page shows the memo summary, the search attributes and a history named after the steps', async () => {
  const page = await browser.newPage();
  await page.goto(ui(`/workflows/${encodeURIComponent(WORKFLOW_ID)}`));
  // the page opens on the event history, newest first
  await waitForText(page, ['DataMovement', 'Completed', 'prepareJob', 'decide', 'MoveData', 'Child Workflow Execution Completed'], 'workflow-history');
  // activities and children carry one-line summaries the history shows beside their type
  await waitForText(page, [`Connector Controller: which connector moves ${KEYSPACE}.${TABLE}`, `raw: ${KEYSPACE}.${TABLE} → analytics.ui_movement`], 'workflow-summaries');
  // "Search Attributes" and "Memo" are collapsed sections above the history
  await page.getByText('Search Attributes', { exact: true }).first().click();
  const attributes = await waitForText(page, ['CassbergTable', `${KEYSPACE}.${TABLE}`, 'CassbergOutcome', 'CassbergConnector'], 'workflow-attributes');
  assert.ok(attributes.includes('success'), 'the outcome attribute reads success');
  await page.getByText('Memo', { exact: true }).first().click();
  const memo = await waitForText(page, ['"summary"', `${outcome.rows} rows in`], 'workflow-memo');
  assert.match(memo, /raw \(primary, rules v\d+\)/, 'the memo explains the decision');
  await page.close();
});
