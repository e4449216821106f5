// SSTable file names and version letters (io/sstable/Descriptor.java, SequenceBasedSSTableId.java,
// UUIDBasedSSTableId.java, format/big/BigFormat.java BigVersion, format/bti/BtiFormat.java BtiVersion).
// A 3.0+ component file is `<version>-<generation>-<format>-<Component>`, e.g. `nb-3gll_1kke_3qdyo2i4kzfpt3cqcy-big-Data.db`.

import { UnsupportedFormatError } from '../errors.ts';

export type SSTableFormatName = 'big' | 'bti';

export interface VersionFlags {
  version: string;
  format: SSTableFormatName;
  hasCommitLogLowerBound: boolean;
  hasCommitLogIntervals: boolean;
  hasLegacyMinMax: boolean;
  hasAccurateMinMax: boolean;
  hasOriginatingHostId: boolean;
  hasMaxCompressedLength: boolean;
  hasPendingRepair: boolean;
  hasIsTransient: boolean;
  hasMetadataChecksum: boolean;
  hasOldBfFormat: boolean;
  hasImprovedMinMax: boolean;
  hasPartitionLevelDeletionsPresenceMarker: boolean;
  hasKeyRange: boolean;
  /** 5.0 DeletionTime encoding (1-byte LIVE, markedForDeleteAt first) and unsigned 32-bit local deletion times. */
  hasUIntDeletionTime: boolean;
  hasTokenSpaceCoverage: boolean;
}

export interface Descriptor {
  /** Directory part of the path ('' when none). */
  directory: string;
  version: string;
  generation: string;
  format: SSTableFormatName;
  flags: VersionFlags;
  /** File name prefix shared by all components: `<version>-<generation>-<format>-`. */
  prefix: string;
}

export interface ComponentFile extends Descriptor {
  component: string;
}

const SEQUENCE_ID = /^[0-9]+$/;
const UUID_ID = /^[0-9a-z]{4}_[0-9a-z]{4}_[0-9a-z]{5}_?[0-9a-z]{13}$/;

/** Feature flags of a version (lexicographic comparisons as in BigVersion / BtiVersion). */
export function versionFlags(version: string, format: SSTableFormatName): VersionFlags {
  if (!/^[a-z]{2}$/.test(version)) throw new UnsupportedFormatError(`sstable version '${version}' is not two letters`, { version });
  if (format === 'big' && (version < 'ma' || version > 'oz')) {
    throw new UnsupportedFormatError(`big sstable version '${version}' is not readable (3.0+ 'ma'..'o*' only)`, { version });
  }
  if (format === 'bti' && (version < 'aa' || version > 'dz')) {
    throw new UnsupportedFormatError(`bti sstable version '${version}' is not readable`, { version });
  }
  const bti = format === 'bti';
  const ge = (v: string) => bti || version >= v;
  return {
    version,
    format,
    hasCommitLogLowerBound: ge('mb'),
    hasCommitLogIntervals: ge('mc'),
    hasLegacyMinMax: !bti && version < 'oa',
    hasAccurateMinMax: bti || (version >= 'md' && version < 'oa'),
    hasOriginatingHostId: bti || version >= 'nb' || (version >= 'me' && version < 'na'),
    hasMaxCompressedLength: ge('na'),
    hasPendingRepair: ge('na'),
    hasIsTransient: ge('na'),
    hasMetadataChecksum: ge('na'),
    hasOldBfFormat: !bti && version < 'na',
    hasImprovedMinMax: ge('nc'),
    hasPartitionLevelDeletionsPresenceMarker: ge('nc'),
    hasKeyRange: ge('nc'),
    hasUIntDeletionTime: ge('oa'),
    hasTokenSpaceCoverage: ge('oa'),
  };
}

/** Parses a component file name (with or without directories); throws UnsupportedFormatError for other names. */
export function parseComponentFileName(path: string): ComponentFile {
  const slash = path.lastIndexOf('/');
  const directory = slash >= 0 ? path.slice(0, slash) : '';
  const name = path.slice(slash + 1);
  const parts = name.split('-');
  if (parts.length !== 4) {
    throw new UnsupportedFormatError(`'${name}' is not a 3.0+ sstable component name <version>-<generation>-<format>-<Component>`, { file: path });
  }
  const [version, generation, format, component] = parts as [string, string, string, string];
  if (format !== 'big' && format !== 'bti') throw new UnsupportedFormatError(`unknown sstable format '${format}' in '${name}'`, { file: path });
  if (!SEQUENCE_ID.test(generation) && !UUID_ID.test(generation)) {
    throw new UnsupportedFormatError(`'${generation}' is neither a sequence nor a UUID sstable generation in '${name}'`, { file: path });
  }
  return {
    directory, version, generation, format, component,
    flags: versionFlags(version, format),
    prefix: `${version}-${generation}-${format}-`,
  };
}

/** Path of another component of the same sstable. */
export function componentPath(descriptor: Descriptor, component: string): string {
  const name = descriptor.prefix + component;
  return descriptor.directory ? `${descriptor.directory}/${name}` : name;
}
