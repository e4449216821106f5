// TOC.txt: one component name per line, arbitrary order (io/sstable/format/TOCComponent.java).

export const KNOWN_COMPONENTS = [
  'Data.db', 'CompressionInfo.db', 'Statistics.db', 'Filter.db', 'Digest.crc32', 'Digest.sha1', 'Digest.adler32',
  'CRC.db', 'TOC.txt', 'Index.db', 'Summary.db', 'Partitions.db', 'Rows.db',
] as const;

/** Component names listed in a TOC.txt, blank lines dropped, order kept. */
export function parseToc(text: string): string[] {
  return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line.length > 0);
}
