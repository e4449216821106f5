// The worker-thread side of compactSplit: the ThreadPool in activities/movement.ts loads this module, and each
// task it receives is one split (activities/movement/split-work.ts), with progress messages for heartbeats.
import { serveThreadTasks } from './thread-task.ts';
import { runSplit, type SplitProgress, type SplitTask, type SplitWorkResult } from './movement/split-work.ts';

serveThreadTasks<SplitTask, SplitWorkResult, SplitProgress>(runSplit);
