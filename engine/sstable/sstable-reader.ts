// Opens one sstable from any ObjectStore (local directory, S3): TOC.txt, Statistics.db, CompressionInfo.db (or CRC.db
// for uncompressed Data.db, checked chunk by chunk as it is read) and the Data.db stream, in the order of "how to read
// a whole sstable" (reference 2.1). Decoding stays in the component modules; this file only fetches bytes.

import { UnsupportedFormatError } from '../errors.ts';
import type { ObjectStore } from '../storage/object-store.ts';
import { RangeReader } from '../storage/range-reader.ts';
import { openDataFile } from './chunk-reader.ts';
import type { DataFile, DataFileOptions } from './chunk-reader.ts';
import { parseCompressionInfo } from './compression-info.ts';
import type { CompressionInfo } from './compression-info.ts';
import { componentPath, parseComponentFileName } from './descriptor.ts';
import { parseCrcDb } from './digest.ts';
import type { Descriptor } from './descriptor.ts';
import { PartitionScanner } from './partition-scanner.ts';
import type { ScannerOptions } from './partition-scanner.ts';
import type { SerializationHeader } from './serialization-header.ts';
import { parseStatistics } from './statistics.ts';
import type { Statistics } from './statistics.ts';
import { parseToc } from './toc.ts';

export interface SSTable {
  descriptor: Descriptor;
  /** Components listed in TOC.txt (null when the sstable has none). */
  toc: string[] | null;
  statistics: Statistics;
  header: SerializationHeader;
  partitioner: string;
  compression: CompressionInfo | null;
  data: DataFile;
  /** Data.db size as stored (compressed). */
  dataFileSize: number;
  scanner(options?: ScannerOptions): PartitionScanner;
}

/**
 * The same sstable read with a corrected header (e.g. fixFrozenHeaderTypes, trap 13): its scanner decodes with it
 * too, so every reader of the returned object agrees on the column types.
 */
export function withHeader(sstable: SSTable, header: SerializationHeader): SSTable {
  return { ...sstable, header, scanner: (options) => sstable.scanner({ ...options, header }) };
}

async function exists(store: ObjectStore, key: string): Promise<boolean> {
  return (await store.stat(key)) !== undefined;
}

/** Opens the sstable whose Data.db has key `dataKey` in `store`. */
export async function openSSTable(store: ObjectStore, dataKey: string, options: DataFileOptions = {}): Promise<SSTable> {
  const descriptor = parseComponentFileName(dataKey);
  const key = (component: string) => componentPath(descriptor, component);
  let toc: string[] | null = null;
  if (await exists(store, key('TOC.txt'))) toc = parseToc(new TextDecoder().decode(await store.read(key('TOC.txt'))));
  const statsKey = key('Statistics.db');
  const statistics = parseStatistics(await store.read(statsKey), store.describe(statsKey), descriptor.flags);
  if (!statistics.header) throw new UnsupportedFormatError(`${store.describe(statsKey)} has no serialization header`, { file: statsKey });
  const compressionKey = key('CompressionInfo.db');
  const hasCompression = toc ? toc.includes('CompressionInfo.db') : await exists(store, compressionKey);
  const compression = hasCompression
    ? parseCompressionInfo(await store.read(compressionKey), store.describe(compressionKey), descriptor.flags)
    : null;
  const source = new RangeReader(store, key('Data.db'));
  const crcKey = key('CRC.db');
  const checked = compression === null && !options.chunkCrcs && (toc ? toc.includes('CRC.db') : await exists(store, crcKey));
  const chunkCrcs = checked ? { ...parseCrcDb(await store.read(crcKey), store.describe(crcKey)), file: store.describe(crcKey) } : options.chunkCrcs;
  const data = await openDataFile(source, compression, { ...options, ...(chunkCrcs ? { chunkCrcs } : {}) });
  const header = statistics.header;
  return {
    descriptor, toc, statistics, header, compression, data,
    partitioner: statistics.validation?.partitioner ?? 'unknown',
    dataFileSize: await source.size(),
    scanner: (scannerOptions) => new PartitionScanner(data, header, descriptor.flags, scannerOptions),
  };
}
