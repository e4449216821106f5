// The search attributes cassberg sets on its workflows. The dev stack registers them (temporal-dev.yml);
// on a remote cluster: `temporal operator search-attribute create --name CassbergCluster --type Keyword` etc.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CASSBERG_CLUSTER = defineSearchAttributeKey('CassbergCluster', SearchAttributeType.KEYWORD);
export const CASSBERG_TABLE = defineSearchAttributeKey('CassbergTable', SearchAttributeType.KEYWORD);
export const CASSBERG_CONNECTOR = defineSearchAttributeKey('CassbergConnector', SearchAttributeType.KEYWORD);
export const CASSBERG_OUTCOME = defineSearchAttributeKey('CassbergOutcome', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_NAMES = ['CassbergCluster', 'CassbergTable', 'CassbergConnector', 'CassbergOutcome'] as const;
