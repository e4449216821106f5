// Fan-out writer for partitioned tables: rows are routed by their partition tuple to one rolling
// DataFileWriter per partition. Runs of consecutive rows with the same tuple are handed over as
// zero-copy slices, so input sorted or clustered by partition costs nothing extra.

import type { Table } from 'apache-arrow';
import type { DataFile } from '../spec/manifest.ts';
import { applyTransform, partitionPath } from '../spec/partition-spec.ts';
import { primitiveFieldType } from '../spec/schema.ts';
import { bindToSchema } from './arrow-schema.ts';
import { DataFileWriter, partitionKey, type DataFileWriterOptions } from './data-file-writer.ts';
import { valueAt } from './metrics.ts';

export interface PartitionedWriterOptions extends Omit<DataFileWriterOptions, 'fileName'> {
  /**
   * Name of the i-th file of a partition; `partitionOrdinal` numbers partitions in order of first
   * appearance (deterministic for the same input), so names stay unique even where two tuples
   * share a path (a null and the string "null").
   */
  fileName: (index: number, partitionPath: string, partitionOrdinal: number) => string;
}

export class PartitionedDataFileWriter {
  private readonly writers = new Map<string, DataFileWriter>();

  constructor(private readonly opts: PartitionedWriterOptions) {}

  async write(table: Table): Promise<void> {
    const bound = bindToSchema(table, this.opts.schema);
    const { keys, paths } = this.partitionKeys(bound);
    let start = 0;
    for (let i = 1; i <= keys.length; i++) {
      if (i === keys.length || keys[i] !== keys[start]) {
        await this.writerFor(keys[start]!, paths.get(keys[start]!)!).write(bound.slice(start, i));
        start = i;
      }
    }
  }

  /** Closes every partition's writer; descriptors ordered by partition key, then file. */
  async close(): Promise<DataFile[]> {
    const out: DataFile[] = [];
    for (const key of [...this.writers.keys()].sort()) out.push(...(await this.writers.get(key)!.close()));
    return out;
  }

  /** Every location written so far (for cleanup after a failed commit). */
  get written(): string[] {
    return [...this.writers.values()].flatMap((w) => w.written);
  }

  private writerFor(key: string, path: string): DataFileWriter {
    let w = this.writers.get(key);
    if (!w) {
      const ordinal = this.writers.size;
      w = new DataFileWriter({ ...this.opts, fileName: (i) => this.opts.fileName(i, path, ordinal) });
      this.writers.set(key, w);
    }
    return w;
  }

  /** A key per row that tells null from the string "null", and the partition path per key. */
  private partitionKeys(table: Table): { keys: string[]; paths: Map<string, string> } {
    const { schema, spec } = this.opts;
    const n = table.numRows;
    if (spec.fields.length === 0) return { keys: new Array<string>(n).fill(''), paths: new Map([['', '']]) };
    const tuples = Array.from({ length: n }, () => new Array<ReturnType<typeof valueAt>>(spec.fields.length));
    spec.fields.forEach((pf, k) => {
      const source = primitiveFieldType(schema, pf.sourceId);
      const col = schema.fields.findIndex((f) => f.id === pf.sourceId);
      let row = 0;
      for (const d of table.getChildAt(col)!.data) {
        for (let i = 0; i < d.length; i++) tuples[row++]![k] = applyTransform(pf.transform, source, valueAt(d, source, i));
      }
    });
    const paths = new Map<string, string>();
    const keys = tuples.map((t) => {
      const key = partitionKey(t);
      if (!paths.has(key)) paths.set(key, partitionPath(spec, t));
      return key;
    });
    return { keys, paths };
  }
}
