// The Connector Controller's rule document: which connector moves which tables, in which mode, with or without the
// legacy fallback, for what share of the tables (canary). Validated with zod whenever it is written, and checked
// against the connector registry then: an unknown connector name is rejected with the rule index and field.
//
//   default:  { connector: legacy, mode: primary, fallback: true }      # tables no rule matches
//   cohorts:  { kv-wave-1: ["prod-kv.ngsegment.*", { cluster: "prod-kv", keyspace: "profile", table: "items" }] }
//   rules:
//     - description: KV namespaces of prod-kv
//       cluster: prod-kv          # glob patterns: * any run of characters, ? one character
//       keyspace: "*"
//       connector: key-value
//       mode: primary             # or shadow: the legacy output stays primary, this connector runs beside it
//       fallback: true            # run the legacy connector when this one fails
//       canaryPercent: 25         # share of matching tables, by a stable hash of cluster.keyspace.table
//
// A cohort member is "cluster.keyspace.table" (split at the last two dots: cluster names may contain dots) or an
// object; each part is a glob.

import { z } from 'zod';
import { InvalidConfigError } from '../../engine/errors.ts';
import { CONNECTORS, LEGACY_CONNECTOR, connectorNames, findConnector } from '../registry.ts';
import type { ConnectorEntry } from '../registry.ts';

const glob = z.string().min(1).max(256);
const mode = z.enum(['primary', 'shadow']);

const tableRef = z.strictObject({ cluster: glob.default('*'), keyspace: glob.default('*'), table: glob.default('*') });

const cohortMember = z.union([
  z.string().transform((s, ctx) => {
    const parts = s.split('.');
    if (parts.length < 3 || parts.some((p) => p === '')) {
      ctx.addIssue({ code: 'custom', message: `"${s}" is not cluster.keyspace.table` });
      return z.NEVER;
    }
    return { cluster: parts.slice(0, -2).join('.'), keyspace: parts.at(-2)!, table: parts.at(-1)! };
  }),
  tableRef,
], { error: 'expected "cluster.keyspace.table" or { cluster, keyspace, table } (glob parts)' });

const settings = {
  connector: z.string().min(1),
  mode: mode.default('primary'),
  fallback: z.boolean().default(true),
};

const rule = z.strictObject({
  description: z.string().max(500).optional(),
  cluster: glob.optional(),
  keyspace: glob.optional(),
  table: glob.optional(),
  cohort: z.string().min(1).optional(),
  ...settings,
  canaryPercent: z.number().min(0).max(100).default(100),
});

const documentShape = z.strictObject({
  default: z.strictObject(settings).default({ connector: LEGACY_CONNECTOR, mode: 'primary', fallback: true }),
  cohorts: z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'), z.array(cohortMember).min(1)).default({}),
  rules: z.array(rule).default([]),
});

export type RulesDocument = z.output<typeof documentShape>;
export type Rule = RulesDocument['rules'][number];
export type TableRef = z.output<typeof tableRef>;
export type ConnectorMode = z.output<typeof mode>;

type Issue = { path: PropertyKey[]; message: string };

/** Zod issues as `path: message`; an unknown key is reported at its own path (`rules[0].conector`). */
function fromZod(issues: readonly z.core.$ZodIssue[]): Issue[] {
  return issues.map((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys.length > 0
      ? { path: [...issue.path, issue.keys[0]!], message: `unknown field${issue.keys.length > 1 ? `s ${issue.keys.join(', ')}` : ''}` }
      : { path: issue.path, message: issue.message });
}

function checkSettings(path: PropertyKey[], s: { connector: string; mode: ConnectorMode }, registry: readonly ConnectorEntry[], issues: Issue[]): void {
  const entry = findConnector(s.connector, registry);
  if (!entry) {
    issues.push({ path: [...path, 'connector'], message: `unknown connector "${s.connector}" (registered: ${connectorNames(registry).join(', ')})` });
  } else if (entry.legacy && s.mode === 'shadow') {
    issues.push({ path: [...path, 'mode'], message: `shadow needs a new connector: the legacy connector ${s.connector} is what a shadow run compares against` });
  }
}

/** Checks that need the registry or the whole document: connector names, shadow targets, cohort names, selectors. */
function semanticIssues(doc: RulesDocument, registry: readonly ConnectorEntry[]): Issue[] {
  const issues: Issue[] = [];
  checkSettings(['default'], doc.default, registry, issues);
  doc.rules.forEach((r, i) => {
    checkSettings(['rules', i], r, registry, issues);
    if (r.cluster === undefined && r.keyspace === undefined && r.table === undefined && r.cohort === undefined) {
      issues.push({ path: ['rules', i], message: 'give at least one of cluster, keyspace, table, cohort (tables no rule matches use `default`)' });
    }
    if (r.cohort !== undefined && !(r.cohort in doc.cohorts)) {
      const known = Object.keys(doc.cohorts);
      issues.push({ path: ['rules', i, 'cohort'], message: `unknown cohort "${r.cohort}" (defined: ${known.length ? known.join(', ') : 'none'})` });
    }
  });
  return issues;
}

/** `rules[2].connector` from ['rules', 2, 'connector']. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(document)';
}

function fail(issues: readonly Issue[]): never {
  const field = formatPath(issues[0]!.path);
  const lines = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new InvalidConfigError(`controller rules: ${lines.join('; ')}`, { field, issues: issues.length });
}

/**
 * Validates a rule document (parsed JSON or YAML) and applies defaults. Throws InvalidConfigError whose message
 * lists every problem as `path: message` and whose context `field` is the first path, e.g. `rules[2].connector`.
 */
export function parseRulesDocument(input: unknown, registry: readonly ConnectorEntry[] = CONNECTORS): RulesDocument {
  const parsed = documentShape.safeParse(input ?? {});
  if (!parsed.success) fail(fromZod(parsed.error.issues));
  const issues = semanticIssues(parsed.data, registry);
  if (issues.length > 0) fail(issues);
  return parsed.data;
}

/** The document in force before anyone writes rules: every table goes to the legacy connector. */
export function emptyRulesDocument(): RulesDocument {
  return parseRulesDocument({});
}

const globCache = new Map<string, RegExp>();

/** Glob match over a whole name: `*` any run of characters (dots included), `?` one character; case-sensitive. */
export function globMatches(pattern: string, name: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 's');
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re.test(name);
}

export function refMatches(ref: TableRef, table: { cluster: string; keyspace: string; table: string }): boolean {
  return globMatches(ref.cluster, table.cluster) && globMatches(ref.keyspace, table.keyspace) && globMatches(ref.table, table.table);
}

/** A document read back from the store: the shape is checked, the registry is not (a rule may name a connector
 * that was unregistered since; the Decider then routes around it and says so). */
export function parseStoredDocument(input: unknown, where: string): RulesDocument {
  const parsed = documentShape.safeParse(input);
  if (!parsed.success) {
    const issue = fromZod(parsed.error.issues)[0]!;
    throw new InvalidConfigError(`controller rules ${where} in the store: ${formatPath(issue.path)}: ${issue.message}`, { field: formatPath(issue.path) });
  }
  return parsed.data;
}
