// Replays the recorded histories of real movements (test/workflows/histories/, made by histories/record.ts on the dev
// server: happy path, fallback, shadow mode, resumed split) against the current workflow code. A change that makes a
// workflow issue different commands for the same history fails here with a DeterminismViolationError, before it can
// break movements that are running. When the change is intended, re-record the histories.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker.ts';
import { historyFromJsonText, type HistoryEventJson } from './histories/history-json.ts';
import { SCENARIOS } from './histories/record.ts';

const DIR = fileURLToPath(new URL('./histories/', import.meta.url));

interface Recorded { workflowId: string; type: string; lastEvent: string; history: unknown }

function recorded(scenario: string): Recorded[] {
  return readdirSync(join(DIR, scenario)).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const text = readFileSync(join(DIR, scenario, f), 'utf8');
    const { events } = JSON.parse(text) as { events: HistoryEventJson[] };
    const started = events[0]?.workflowExecutionStartedEventAttributes as { workflowType?: { name?: string } } | undefined;
    return {
      workflowId: f.replace(/\.json$/, '').replace(/__/g, '/'), type: started?.workflowType?.name ?? '',
      lastEvent: events.at(-1)?.eventType ?? '', history: historyFromJsonText(text, f),
    };
  });
}

test('every scenario has its DataMovement, MoveData and MoveDataBatch histories, each closed', () => {
  for (const scenario of Object.keys(SCENARIOS)) {
    const histories = recorded(scenario);
    assert.deepEqual(histories.map((h) => h.type).sort(), ['DataMovement', 'MoveData', 'MoveDataBatch'], scenario);
    for (const h of histories) {
      // in the fallback scenario the raw children fail (injected) and DataMovement completes through legacy
      const closed = h.type !== 'DataMovement' && scenario === 'fallback' ? 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED' : 'EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED';
      assert.equal(h.lastEvent, closed, `${scenario}/${h.workflowId}`);
    }
  }
});

test('the recorded histories replay against the current workflow code without nondeterminism', async () => {
  const histories = Object.keys(SCENARIOS).flatMap(recorded).map(({ workflowId, history }) => ({ workflowId, history }));
  const failures: string[] = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, replayName: 'cassberg-replay' }, histories)) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${result.error.name}: ${result.error.message}`);
  }
  assert.equal(replayed, histories.length);
  assert.deepEqual(failures, []);
});

test('a workflow that changed shape fails the replay (the check is not vacuous)', async () => {
  const happy = recorded('happy').find((h) => h.type === 'DataMovement')!;
  const changed = fileURLToPath(new URL('./histories/changed-workflows.ts', import.meta.url));
  await assert.rejects(Worker.runReplayHistory({ workflowsPath: changed, replayName: 'cassberg-replay-changed' }, happy.history, happy.workflowId),
    (err: Error) => err.name === 'DeterminismViolationError');
});
