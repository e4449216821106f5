// The Decider: which connector moves this table, in which mode, and whether the legacy connector takes over when it
// fails. Reads the current rule version from the store on every call, so a rule change applies to the next job
// without restarting a worker.
//
// Order of evaluation:
// 1. The most specific matching rule wins: a rule that names a table (a pattern other than "*") beats one that
//    names a keyspace, which beats a cluster, which beats a cohort-only rule; among equals, the earlier rule in the
//    document wins. A rule matches when every selector it gives matches.
// 2. A job hint (`options.connector`) overrides the rules' connector (no canary); it must be a registered name.
// 3. A rule with canaryPercent < 100 applies only to tables whose stable bucket is inside the canary; the others
//    get the document's `default`.
// 4. When a table model is given, the chosen connector's data model must accept it; otherwise the table goes to
//    the default connector (if that accepts it) or the legacy connector, and the reason says why.
// 5. The legacy connector cannot shadow itself or fall back to itself: shadow becomes primary, fallback off.

import type { Decision, MovementJob } from '../../activities/contracts.ts';
import { CONNECTORS, LEGACY_CONNECTOR, findConnector, getConnector } from '../registry.ts';
import type { ConnectorEntry } from '../registry.ts';
import { canaryBucket, inCanary } from './canary.ts';
import { emptyRulesDocument, globMatches, refMatches } from './rules.ts';
import type { ConnectorMode, Rule, RulesDocument } from './rules.ts';
import type { RuleVersion } from './store.ts';
import type { TableModel } from './table-model.ts';

export interface DecideJob {
  cluster: string;
  keyspace: string;
  table: string;
  /** The table's CQL schema; without it the data-model check is skipped (and the decision says so). */
  model?: TableModel;
  hints?: { connector?: string; mode?: ConnectorMode };
}

/** The Decider's view of a DataMovement job: its source table and the connector/mode it asks for. */
export function decideJobOf(job: Pick<MovementJob, 'source' | 'options'>, model?: TableModel): DecideJob {
  const { connector, mode } = job.options ?? {};
  return {
    cluster: job.source.cluster,
    keyspace: job.source.keyspace,
    table: job.source.table,
    ...(model ? { model } : {}),
    hints: { ...(connector !== undefined ? { connector } : {}), ...(mode !== undefined ? { mode } : {}) },
  };
}

export type RuleLevel = 'table' | 'keyspace' | 'cluster' | 'cohort';

export interface ControllerDecision extends Decision {
  /** The rule that matched (null: no rule matched, the default applied). */
  matchedRule: { index: number; level: RuleLevel; description?: string } | null;
  canary: { percent: number; bucket: number; selected: boolean } | null;
  modelChecked: boolean;
}

const LEVEL_RANK: Record<RuleLevel, number> = { table: 4, keyspace: 3, cluster: 2, cohort: 1 };

const names = (p: string | undefined): boolean => p !== undefined && p !== '*';

export function ruleLevel(rule: Rule): RuleLevel {
  if (names(rule.table)) return 'table';
  if (names(rule.keyspace)) return 'keyspace';
  if (names(rule.cluster)) return 'cluster';
  return 'cohort';
}

function ruleMatches(doc: RulesDocument, rule: Rule, job: DecideJob): boolean {
  if (rule.cluster !== undefined && !globMatches(rule.cluster, job.cluster)) return false;
  if (rule.keyspace !== undefined && !globMatches(rule.keyspace, job.keyspace)) return false;
  if (rule.table !== undefined && !globMatches(rule.table, job.table)) return false;
  if (rule.cohort !== undefined && !(doc.cohorts[rule.cohort] ?? []).some((ref) => refMatches(ref, job))) return false;
  return true;
}

/** The winning rule for a table, or undefined when none matches. */
export function matchRule(doc: RulesDocument, job: DecideJob): { index: number; rule: Rule; level: RuleLevel } | undefined {
  let best: { index: number; rule: Rule; level: RuleLevel } | undefined;
  doc.rules.forEach((rule, index) => {
    if (!ruleMatches(doc, rule, job)) return;
    const level = ruleLevel(rule);
    if (!best || LEVEL_RANK[level] > LEVEL_RANK[best.level]) best = { index, rule, level };
  });
  return best;
}

interface Choice {
  connector: string;
  mode: ConnectorMode;
  fallback: boolean;
  why: string[];
}

function describeRule(index: number, rule: Rule, level: RuleLevel): string {
  const selectors = (['cluster', 'keyspace', 'table', 'cohort'] as const).filter((k) => rule[k] !== undefined).map((k) => `${k}=${rule[k]}`);
  return `rule ${index} (${level}: ${selectors.join(' ')}${rule.description ? ` "${rule.description}"` : ''})`;
}

function fromDefault(doc: RulesDocument, why: string): Choice {
  return { connector: doc.default.connector, mode: doc.default.mode, fallback: doc.default.fallback, why: [why] };
}

function choose(doc: RulesDocument, job: DecideJob, match: ReturnType<typeof matchRule>, registry: readonly ConnectorEntry[]): { choice: Choice; canary: ControllerDecision['canary'] } {
  const hinted = job.hints?.connector;
  if (hinted !== undefined) {
    getConnector(hinted, 'hints.connector', registry);
    const fallback = (match?.rule ?? doc.default).fallback;
    return { choice: { connector: hinted, mode: job.hints?.mode ?? 'primary', fallback, why: [`connector ${hinted} requested by the job`] }, canary: null };
  }
  if (!match) return { choice: fromDefault(doc, 'no rule matches: default'), canary: null };
  const { index, rule, level } = match;
  const described = describeRule(index, rule, level);
  if (rule.canaryPercent >= 100) {
    return { choice: { connector: rule.connector, mode: rule.mode, fallback: rule.fallback, why: [described] }, canary: null };
  }
  const bucket = canaryBucket(job);
  const selected = inCanary(bucket, rule.canaryPercent);
  const canary = { percent: rule.canaryPercent, bucket, selected };
  if (!selected) return { choice: fromDefault(doc, `${described}, but outside its ${rule.canaryPercent}% canary (bucket ${bucket}): default`), canary };
  return { choice: { connector: rule.connector, mode: rule.mode, fallback: rule.fallback, why: [`${described}, inside its ${rule.canaryPercent}% canary (bucket ${bucket})`] }, canary };
}

/** The registry's legacy connector: the fallback target and the last resort. */
function legacyName(registry: readonly ConnectorEntry[]): string {
  return registry.find((e) => e.legacy)?.name ?? LEGACY_CONNECTOR;
}

/** Replaces a connector whose data model rejects the table by the default connector or, failing that, legacy. */
function checkModel(doc: RulesDocument, choice: Choice, model: TableModel, registry: readonly ConnectorEntry[]): Choice {
  const rejection = (name: string): string | undefined => {
    const entry = findConnector(name, registry);
    if (!entry) return `connector ${name} is no longer registered`;
    const check = entry.model.check(model);
    return check.ok ? undefined : check.reason;
  };
  const reason = rejection(choice.connector);
  if (reason === undefined) return choice;
  const table = `${model.keyspace}.${model.table}`;
  const why = [...choice.why, `${choice.connector} does not accept ${table} (${reason})`];
  if (doc.default.connector !== choice.connector && rejection(doc.default.connector) === undefined) {
    return { ...fromDefault(doc, ''), why: [...why, `default ${doc.default.connector} instead`] };
  }
  const legacy = legacyName(registry);
  return { connector: legacy, mode: 'primary', fallback: false, why: [...why, `${legacy} instead`] };
}

/** The decision for one table under one rule document (pure; `decide` adds the store read). */
export function decideWith(job: DecideJob, doc: RulesDocument, ruleVersion: number, registry: readonly ConnectorEntry[] = CONNECTORS): ControllerDecision {
  const match = matchRule(doc, job);
  let { choice, canary } = choose(doc, job, match, registry);
  if (job.hints?.mode !== undefined && job.hints.connector === undefined && job.hints.mode !== choice.mode) {
    choice = { ...choice, mode: job.hints.mode, why: [...choice.why, `mode ${job.hints.mode} requested by the job`] };
  }
  if (job.model) choice = checkModel(doc, choice, job.model, registry);
  else choice = { ...choice, why: [...choice.why, 'data model not checked (no table model given)'] };
  const legacy = choice.connector === legacyName(registry);
  if (legacy && choice.mode === 'shadow') choice = { ...choice, mode: 'primary', why: [...choice.why, 'the legacy connector cannot shadow itself: primary'] };
  return {
    connector: choice.connector,
    mode: choice.mode,
    fallback: { enabled: choice.fallback && !legacy, connector: legacyName(registry) },
    ruleVersion,
    matchedRule: match ? { index: match.index, level: match.level, ...(match.rule.description ? { description: match.rule.description } : {}) } : null,
    canary,
    modelChecked: job.model !== undefined,
    reason: choice.why.filter(Boolean).join('; '),
  };
}

/** Reads the current rules from the store (every call: no caching) and decides. */
export async function decide(job: DecideJob, store: { current(): Promise<RuleVersion | undefined> }, registry: readonly ConnectorEntry[] = CONNECTORS): Promise<ControllerDecision> {
  const current = await store.current();
  return decideWith(job, current?.document ?? emptyRulesDocument(), current?.version ?? 0, registry);
}
