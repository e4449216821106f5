// One error type with a kind, a message, key/value context and a retry flag (after iceberg-rust's error.rs).
// `name` is set on each prototype so the Temporal failure `type` stays stable for nonRetryableErrorTypes.

export type ErrorKind = 'DataInvalid' | 'FeatureUnsupported' | 'PreconditionFailed' | 'CommitConflict' | 'Unexpected';

export type ErrorContext = Record<string, string | number | bigint | boolean | undefined>;

export class CassbergError extends Error {
  readonly kind: ErrorKind;
  readonly context: ErrorContext;
  readonly retryable: boolean;

  constructor(kind: ErrorKind, message: string, context: ErrorContext = {}, opts: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.context = context;
    this.retryable = opts.retryable ?? false;
  }
}
CassbergError.prototype.name = 'CassbergError';

/** Bytes on disk or in a backup are not what the format says: names the file and the absolute offset. */
export class CorruptInputError extends CassbergError {
  constructor(readonly file: string, readonly offset: number, message: string, cause?: unknown) {
    super('DataInvalid', `${file}: ${message} at offset ${offset}`, { file, offset }, { cause });
  }
}
CorruptInputError.prototype.name = 'CorruptInputError';

/** A version, component, compressor or type name this build does not read. */
export class UnsupportedFormatError extends CassbergError {
  constructor(message: string, context: ErrorContext = {}) {
    super('FeatureUnsupported', message, context);
  }
}
UnsupportedFormatError.prototype.name = 'UnsupportedFormatError';

/** A backup misses files or nodes; carries every reason found. */
export class BackupIncompleteError extends CassbergError {
  constructor(message: string, readonly reasons: string[], context: ErrorContext = {}) {
    super('PreconditionFailed', reasons.length ? `${message}: ${reasons.join('; ')}` : message, context);
  }
}
BackupIncompleteError.prototype.name = 'BackupIncompleteError';

/** A config file, CLI flag or workflow input does not validate; names the field. */
export class InvalidConfigError extends CassbergError {
  constructor(message: string, context: ErrorContext = {}) {
    super('DataInvalid', message, context);
  }
}
InvalidConfigError.prototype.name = 'InvalidConfigError';

/** Another writer committed first; refresh and try again. */
export class CommitConflictError extends CassbergError {
  constructor(message: string, context: ErrorContext = {}) {
    super('CommitConflict', message, context, { retryable: true });
  }
}
CommitConflictError.prototype.name = 'CommitConflictError';

/** The commit may or may not have landed: files already written must never be deleted. */
export class CommitStateUnknownError extends CassbergError {
  constructor(message: string, cause?: unknown) {
    super('Unexpected', message, {}, { cause });
  }
}
CommitStateUnknownError.prototype.name = 'CommitStateUnknownError';

/** Error type names that no retry can fix; listed in activity retry policies. */
export const NON_RETRYABLE_ERROR_TYPES = [
  'CorruptInputError',
  'UnsupportedFormatError',
  'BackupIncompleteError',
  'InvalidConfigError',
] as const;
