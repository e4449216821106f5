// The table as the merge and the batch writer see it: columns in CQL schema order (partition key, clustering,
// static, regular), each with its AbstractType, whether it is multi-cell, and its drop time. Cells in a RowBuffer
// name columns by their index here.

import { InvalidConfigError } from '../errors.ts';
import type { ModelColumn } from '../sstable/table-model.ts';
import { parseCassandraType, typeToString, unreversed } from '../sstable/type-parser.ts';
import type { CassandraType } from '../sstable/type-parser.ts';
import { createCellPathComparator, createValueComparator } from './value-comparator.ts';
import type { ValueComparator } from './value-comparator.ts';

export type ColumnKind = 'partition_key' | 'clustering' | 'static' | 'regular';

export interface ColumnSpec {
  name: string;
  /** AbstractType string as in the serialization header, e.g. "SetType(Int32Type)" or "ReversedType(LongType)". */
  type: string;
  kind: ColumnKind;
  /** Microsecond timestamp of a DROP of a column with this name (re-added later): older cells are ignored. */
  droppedAtMicros?: number;
}

export interface ColumnLayout {
  readonly index: number;
  readonly name: string;
  readonly kind: ColumnKind;
  readonly type: CassandraType;
  /** Non-frozen collection or UDT: cells carry paths and the column may have a complex deletion. */
  readonly isComplex: boolean;
  readonly isCounter: boolean;
  /** Values compare with this (clustering order; ReversedType already applied). */
  readonly comparator: ValueComparator;
  /** Complex columns: order of cell paths. */
  readonly pathComparator: ValueComparator;
  /** Cells with timestamp <= this are ignored (-Infinity when never dropped). */
  readonly droppedAtMicros: number;
}

export interface TableLayout {
  readonly columns: readonly ColumnLayout[];
  readonly partitionKeyCount: number;
  readonly clusteringCount: number;
  /** Indexes of static columns and of regular columns. */
  readonly staticColumns: Int32Array;
  readonly regularColumns: Int32Array;
  readonly hasCounters: boolean;
}

/** A top-level type is multi-cell when it is a collection or UDT not wrapped in FrozenType (tuples never are). */
export function isMultiCell(type: CassandraType): boolean {
  return type.multiCell;
}

const KIND_ORDER: Record<ColumnKind, number> = { partition_key: 0, clustering: 1, static: 2, regular: 3 };

export function createTableLayout(specs: readonly ColumnSpec[]): TableLayout {
  for (let i = 1; i < specs.length; i++) {
    if (KIND_ORDER[specs[i]!.kind] < KIND_ORDER[specs[i - 1]!.kind]) {
      throw new InvalidConfigError(`column ${specs[i]!.name} (${specs[i]!.kind}) is out of schema order`, { column: specs[i]!.name });
    }
  }
  const columns = specs.map((spec, index): ColumnLayout => {
    const type = parseCassandraType(spec.type);
    const multi = (spec.kind === 'static' || spec.kind === 'regular') && isMultiCell(type);
    return {
      index,
      name: spec.name,
      kind: spec.kind,
      type,
      isComplex: multi,
      isCounter: type.name === 'CounterColumnType',
      comparator: createValueComparator(type),
      pathComparator: multi ? createCellPathComparator(type) : createValueComparator(type),
      droppedAtMicros: spec.droppedAtMicros ?? -Infinity,
    };
  });
  const of = (kind: ColumnKind) => Int32Array.from(columns.filter((c) => c.kind === kind).map((c) => c.index));
  return {
    columns,
    partitionKeyCount: columns.filter((c) => c.kind === 'partition_key').length,
    clusteringCount: columns.filter((c) => c.kind === 'clustering').length,
    staticColumns: of('static'),
    regularColumns: of('regular'),
    hasCounters: columns.some((c) => c.isCounter),
  };
}

const MULTI_CELL_CAPABLE = /^(ListType|SetType|MapType|UserType)$/;

/** The AbstractType text a ColumnSpec carries: headers leave top-level frozenness implicit, the layout needs
 *  FrozenType around a frozen collection or UDT (inside ReversedType for a clustering column). */
export function layoutType(type: CassandraType): string {
  const text = typeToString(type);
  const inner = unreversed(type);
  if (!MULTI_CELL_CAPABLE.test(inner.name) || inner.multiCell) return text;
  return type.name === 'ReversedType' ? `ReversedType(FrozenType(${typeToString(inner)}))` : `FrozenType(${text})`;
}

/** The layout's view of a reader's table-model column (engine/sstable/table-model.ts). */
export function columnSpecOf(c: ModelColumn): ColumnSpec {
  return {
    name: c.name, type: layoutType(c.type), kind: c.kind,
    ...(Number.isFinite(c.droppedAtMicros) ? { droppedAtMicros: c.droppedAtMicros } : {}),
  };
}
