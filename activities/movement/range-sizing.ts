// Bytes per planned piece from the SSTables' partition indexes (Index.db + Summary.db, or BTI Partitions.db), never
// Data.db: for each piece, the Data.db span of its partitions in every SSTable it reads, scaled from uncompressed to
// on-disk bytes by that SSTable's compression ratio. This replaces the width-proportional estimate, so a table whose
// bytes sit in a few token ranges gets splits of about equal bytes instead of equal widths. Falls back (and says
// why) when an index is missing or the work would be too large for a planning step.
import { splitRange, type TokenRange } from '../../engine/partitioner/token-range.ts';
import { findDataRanges, type PartitionIndex } from '../../engine/sstable/index/partition-index.ts';
import { openSSTable } from '../../engine/sstable/sstable-reader.ts';
import type { ObjectStore } from '../../engine/storage/object-store.ts';
import { openIndexOf } from './index-seek.ts';

export interface SizedPiece { range: TokenRange; bytes: number; dataKeys: string[] }

/** Index lookups a planning step may make (pieces × SSTables each reads). */
export const MAX_INDEX_LOOKUPS = 200_000;
/** Rounds of cutting pieces the index shows too large, and the piece count cutting stops at. */
const REFINE_ROUNDS = 3;
const MAX_PIECES = 20_000;

interface Sizer { index: PartitionIndex<bigint>; uncompressedLength: number; onDiskBytes: number }

/**
 * Sets each piece's `bytes` from the partition indexes; resolves to how the sizes were found. `onDiskBytes` gives
 * each Data.db's stored size (from the backup's manifest or listing). With `maxPieceBytes`, a piece the index shows
 * larger than that is cut into narrower pieces (sized again, a few rounds), so a hot token range does not end up as
 * one oversized split: equal-width cuts only know widths, the index knows where the bytes are.
 */
export async function sizePiecesByIndex(store: ObjectStore, pieces: SizedPiece[], onDiskBytes: Map<string, number>, maxPieceBytes = Infinity): Promise<string> {
  const lookups = pieces.reduce((n, p) => n + p.dataKeys.length, 0);
  if (lookups > MAX_INDEX_LOOKUPS) return `proportional to token width: ${lookups} index lookups exceed ${MAX_INDEX_LOOKUPS}`;
  const sizers = new Map<string, Sizer>();
  let current = '';
  const sized: number[] = [];
  let work: SizedPiece[] = [];
  try {
    for (const key of new Set(pieces.flatMap((p) => p.dataKeys))) {
      current = key;
      const sstable = await openSSTable(store, key);
      const index = await openIndexOf(store, key, sstable);
      if (!index) return `proportional to token width: ${store.describe(key)} has no usable partition index`;
      sizers.set(key, { index, uncompressedLength: sstable.data.uncompressedLength, onDiskBytes: onDiskBytes.get(key) ?? sstable.data.uncompressedLength });
    }
    for (const piece of pieces) sized.push(await indexBytes(piece, sizers, (key) => { current = key; }));
    work = pieces.map((p, i) => ({ ...p, bytes: sized[i]! }));
    for (let round = 0; round < REFINE_ROUNDS; round++) {
      const refined: SizedPiece[] = [];
      let cut = false;
      for (const piece of work) {
        const parts = Math.min(64, Math.ceil(piece.bytes / maxPieceBytes));
        if (parts < 2 || refined.length + work.length > MAX_PIECES) { refined.push(piece); continue; }
        cut = true;
        for (const range of splitRange(piece.range, parts)) {
          const narrower = { range, bytes: 0, dataKeys: piece.dataKeys };
          narrower.bytes = await indexBytes(narrower, sizers, (key) => { current = key; });
          refined.push(narrower);
        }
      }
      work = refined;
      if (!cut) break;
    }
  } catch (err) {
    // An unreadable index only costs sizing accuracy: keep the proportional bytes already on the pieces.
    return `proportional to token width: the partition index of ${store.describe(current)} is unreadable (${(err as Error).message})`;
  }
  pieces.splice(0, pieces.length, ...work);
  return 'partition indexes';
}

async function indexBytes(piece: SizedPiece, sizers: Map<string, Sizer>, reading: (key: string) => void): Promise<number> {
  let bytes = 0;
  for (const key of piece.dataKeys) {
    const s = sizers.get(key)!;
    if (s.uncompressedLength === 0) continue;
    reading(key);
    let span = 0;
    for (const r of await findDataRanges(s.index, piece.range, s.uncompressedLength)) span += r.end - r.start;
    bytes += (span * s.onDiskBytes) / s.uncompressedLength;
  }
  return Math.round(bytes);
}
