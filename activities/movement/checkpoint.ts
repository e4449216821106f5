// Split checkpoints, so a retried compactSplit resumes instead of starting over. At a token-range boundary the split
// closes the data files written so far and lists them in a small JSON beside its result
// (`split-<i>.checkpoint-<rangesDone>.json`, one object per checkpoint, never overwritten); every heartbeat after
// that carries a reference to it. A retried attempt finds the reference in its heartbeat details, keeps the listed
// files, skips the finished ranges, and numbers its new files after the kept ones, so the final list names each file
// exactly once. Files of an attempt after its last checkpoint get the same names again and are overwritten.
import type { DataFile } from '../../engine/iceberg/spec/manifest.ts';
import { CassbergError } from '../../engine/errors.ts';
import type { FileIO } from '../../engine/iceberg/io.ts';
import type { Table } from 'apache-arrow';
import { logger } from '../../observability/logger.ts';
import { dataFileFromJson, dataFileToJson, readJson, writeJson } from './warehouse.ts';

/** What a heartbeat carries: a reference to the checkpoint object, not the descriptors (payloads stay small). */
export interface SplitCheckpoint {
  rangesDone: number;
  rows: number;
  files: number;
  location: string;
}

/** Where an attempt starts: ranges already done, their rows and their closed files. */
export interface ResumePoint {
  rangesDone: number;
  rows: number;
  files: DataFile[];
}

export const FRESH_START: ResumePoint = { rangesDone: 0, rows: 0, files: [] };

/** Default spacing of checkpoints, in planned Data.db bytes: each checkpoint closes files, so not at every range. */
export const DEFAULT_CHECKPOINT_BYTES = 64 << 20;

export function checkpointLocation(resultLocation: string, rangesDone: number): string {
  return `${resultLocation.replace(/\.json$/, '')}.checkpoint-${rangesDone}.json`;
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** The checkpoint reference in an activity's heartbeat details (compactSplit heartbeats SplitProgress), if any. */
export function checkpointOfHeartbeat(details: unknown): SplitCheckpoint | undefined {
  const cp = (details as { checkpoint?: Partial<SplitCheckpoint> } | null | undefined)?.checkpoint;
  if (!cp || !isCount(cp.rangesDone) || !isCount(cp.rows) || !isCount(cp.files) || typeof cp.location !== 'string') return undefined;
  return { rangesDone: cp.rangesDone, rows: cp.rows, files: cp.files, location: cp.location };
}

interface CheckpointJson {
  rangesDone: number;
  rows: number;
  files: Record<string, unknown>[];
}

/** Reads the files of a checkpoint; throws when the listing disagrees with the heartbeat's reference. */
export async function readCheckpoint(io: FileIO, cp: SplitCheckpoint, ranges: number): Promise<ResumePoint> {
  const json = await readJson<CheckpointJson>(io, cp.location);
  const fail = (what: string): never => {
    throw new CassbergError('DataInvalid', `split checkpoint ${cp.location}: ${what}`, { file: cp.location });
  };
  if (json.rangesDone !== cp.rangesDone || json.rows !== cp.rows) fail(`holds ranges ${json.rangesDone}/rows ${json.rows}, the heartbeat says ${cp.rangesDone}/${cp.rows}`);
  if (!Array.isArray(json.files) || json.files.length !== cp.files) fail(`lists ${json.files?.length} files, the heartbeat says ${cp.files}`);
  if (cp.rangesDone > ranges) fail(`${cp.rangesDone} ranges done but the split has ${ranges}`);
  return { rangesDone: cp.rangesDone, rows: cp.rows, files: json.files.map(dataFileFromJson) };
}

/** Where an attempt starts. A checkpoint that cannot be read means starting over, which is always correct (only
 *  the files this attempt lists are committed), so it is logged, not fatal. */
export async function resumePointOf(io: FileIO, cp: SplitCheckpoint | undefined, ranges: number): Promise<ResumePoint> {
  if (!cp) return FRESH_START;
  try {
    return await readCheckpoint(io, cp, ranges);
  } catch (err) {
    logger.warn({ checkpoint: cp.location, err: (err as Error).message }, 'split checkpoint unreadable: the split starts over');
    return FRESH_START;
  }
}

/** After range `rangeIndex`: due once the planned bytes since the last checkpoint reach `everyBytes`; never after the last range. */
export function checkpointDue(split: { bytes: number; ranges: readonly unknown[] }, rangeIndex: number, lastRangesDone: number, everyBytes: number): boolean {
  const n = split.ranges.length;
  if (rangeIndex + 1 >= n) return false;
  return (split.bytes * (rangeIndex + 1 - lastRangesDone)) / n >= everyBytes;
}

export interface FileSink {
  write(table: Table): Promise<void>;
  close(): Promise<DataFile[]>;
}

/**
 * A split's data file writer that can close what it has at a checkpoint and go on. `open(firstFile)` makes the sink
 * for the files numbered from `firstFile`, so names continue across checkpoints and attempts.
 */
export class CheckpointedWriter {
  private readonly kept: DataFile[];
  private sink: FileSink;
  /** The newest checkpoint (the resumed one until this attempt writes its own): heartbeats always carry it. */
  last: SplitCheckpoint | undefined;

  constructor(private readonly io: FileIO, private readonly resultLocation: string, readonly resumed: ResumePoint,
    private readonly open: (firstFile: number) => FileSink, resumedFrom?: SplitCheckpoint) {
    this.kept = [...resumed.files];
    this.sink = open(this.kept.length);
    this.last = resumed.rangesDone > 0 ? resumedFrom : undefined;
  }

  write(table: Table): Promise<void> {
    return this.sink.write(table);
  }

  async checkpoint(rangesDone: number, rows: number): Promise<SplitCheckpoint> {
    this.kept.push(...(await this.sink.close()));
    const location = checkpointLocation(this.resultLocation, rangesDone);
    await writeJson(this.io, location, { rangesDone, rows, files: this.kept.map(dataFileToJson) } satisfies CheckpointJson);
    this.sink = this.open(this.kept.length);
    this.last = { rangesDone, rows, files: this.kept.length, location };
    return this.last;
  }

  /** Every file of the split: the kept ones, then the last sink's. */
  async close(): Promise<DataFile[]> {
    return [...this.kept, ...(await this.sink.close())];
  }
}
