// Activity option presets, named by cost. Error types that no retry can fix are listed once here so
// every preset fails fast on corrupt data or an incomplete backup.
import type { ActivityOptions } from '@temporalio/workflow';

const NON_RETRYABLE = [
  'CorruptInputError',
  'UnsupportedFormatError',
  'BackupIncompleteError',
  'InvalidConfigError',
  'InjectedFailure',
  'PartitionTooLargeError',
];

/** Reads of metadata: backups, rules, plans. Seconds each. */
export const metadataActivity: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
};

/** One split: download, merge, write Parquet. Heartbeats its progress so a dead worker is noticed in a minute. */
export const compactionActivity: ActivityOptions = {
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '60s',
  retry: { initialInterval: '2s', maximumInterval: '1 minute', maximumAttempts: 5, nonRetryableErrorTypes: NON_RETRYABLE },
};

/** The Iceberg commit: idempotent by commit id, so retrying after an unknown outcome is safe. */
export const commitActivity: ActivityOptions = {
  startToCloseTimeout: '10 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10, nonRetryableErrorTypes: NON_RETRYABLE },
};

/** The legacy connector reads the whole table in one activity. */
export const legacyActivity: ActivityOptions = {
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5s', maximumInterval: '2 minutes', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE },
};
