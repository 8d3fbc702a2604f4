/**
 * Selection rules: which source tables and views a task loads (user guide,
 * CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Selections).
 *
 * - `include` selects the tables (or views, or both: `table-type`, default table) whose
 *   schema and name match its patterns; its filters restrict the rows.
 * - `exclude` removes matching objects from what include rules selected, whatever the rule
 *   order. Its table-type defaults to `all`: OpenDMS's choice, so that an exclude naming an
 *   object always removes it, even a view that an include with table-type all selected.
 * - `explicit` selects exactly the named object: no wildcards, a view as well as a table
 *   (table-type defaults to all). It is the most specific rule, so it also wins over an
 *   exclude (the docs are silent; naming one object exactly is read as the user's intent).
 */
import type { ColumnFilter, TableInfo } from '../../connectors/spi/index.js';
import { hasPercent, matchesPattern } from '../../mapping-rules/wildcard.js';
import { readFilters } from './filters.js';
import type { JsonReader } from './json-reader.js';
import { failRule, ruleLabel } from './mapping-error.js';
import type { ObjectLocator, RuleBase, SelectionRule } from './plan-types.js';

const TABLE_TYPES = ['table', 'view', 'all'] as const;
const ACTIONS = ['include', 'exclude', 'explicit'] as const;
/** DMS's limit for load-order (a positive 32-bit integer). */
const MAX_LOAD_ORDER = 2147483647;

/** Reads and validates a selection rule (its members other than the common ones). */
export function readSelectionRule(r: JsonReader, base: RuleBase): SelectionRule {
  r.onlyMembers(['rule-type', 'rule-id', 'rule-name', 'rule-action', 'object-locator', 'load-order', 'filters'], 'a selection rule');
  const action = r.oneOf('rule-action', ACTIONS, 'a selection rule', { required: true }) as SelectionRule['ruleAction'];
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a selection rule needs {"schema-name": ..., "table-name": ...}`);
  loc.onlyMembers(['schema-name', 'table-name', 'table-type'], 'the object-locator of a selection rule');
  const schemaName = loc.string('schema-name', { nonEmpty: true, hint: "use '%' for every schema" });
  const tableName = loc.string('table-name', { nonEmpty: true, hint: "use '%' for every table" });
  const tableType = loc.oneOf('table-type', TABLE_TYPES, 'table-type');
  if (action === 'explicit' && (hasPercent(schemaName) || hasPercent(tableName))) {
    r.fail(`an explicit selection rule names exactly one object, but object-locator has the wildcard '%' (schema-name '${schemaName}', table-name '${tableName}'); use rule-action include for patterns`);
  }
  const loadOrder = r.optInt('load-order', { min: 0, max: MAX_LOAD_ORDER }) ?? 0;
  const rawFilters = r.optArray('filters') ?? [];
  if (rawFilters.length > 0) {
    if (action !== 'include') r.fail(`filters are only applied by include rules, but this rule's rule-action is '${action}'; move the filters to an include rule or remove them`);
    if (hasPercent(tableName) || hasPercent(schemaName)) {
      r.fail(`filters need an exact schema and table name, but object-locator has the wildcard '%' (schema-name '${schemaName}', table-name '${tableName}'); write one include rule with the filters per table`);
    }
  }
  const objectLocator: ObjectLocator = { schemaName, tableName, ...(tableType ? { tableType } : {}) };
  return { ...base, ruleType: 'selection', ruleAction: action, objectLocator, loadOrder, filters: readFilters(base, rawFilters) };
}

function typeOk(tableType: ObjectLocator['tableType'], fallback: 'table' | 'all', kind: TableInfo['kind']): boolean {
  const t = tableType ?? fallback;
  return t === 'all' || t === kind;
}

/** True when the selection rule matches the table, by the rules of its action. */
export function selectionMatches(rule: SelectionRule, t: TableInfo): boolean {
  const loc = rule.objectLocator;
  if (rule.ruleAction === 'explicit') {
    return loc.schemaName === t.schema && loc.tableName === t.name && typeOk(loc.tableType, 'all', t.kind);
  }
  const fallback = rule.ruleAction === 'exclude' ? 'all' : 'table';
  return matchesPattern(loc.schemaName, t.schema) && matchesPattern(loc.tableName ?? '%', t.name) && typeOk(loc.tableType, fallback, t.kind);
}

/** A source table the selection rules keep. */
export interface SelectedTable {
  readonly table: TableInfo;
  /** The highest load-order of the rules that selected it. */
  readonly loadOrder: number;
  /** Filters of every include rule that selected it (AND together). */
  readonly filters: readonly ColumnFilter[];
  readonly ruleIds: readonly string[];
}

function describeLocator(rule: SelectionRule): string {
  const loc = rule.objectLocator;
  const fallback = rule.ruleAction === 'include' ? 'table' : 'all';
  return `schema-name '${loc.schemaName}', table-name '${loc.tableName ?? '%'}', table-type ${loc.tableType ?? fallback}`;
}

/**
 * The tables the selection rules keep, in catalog order, and notes for rules that select
 * nothing. Fails (naming the rule) when a filter tests a column the table does not have.
 */
export function selectTables(rules: readonly SelectionRule[], catalog: readonly TableInfo[]): { selected: SelectedTable[]; notes: string[] } {
  const matched = new Map<SelectionRule, number>();
  const kept = new Map<SelectionRule, number>();
  const selected: SelectedTable[] = [];
  for (const t of catalog) {
    const hits = rules.filter((r) => selectionMatches(r, t));
    for (const r of hits) matched.set(r, (matched.get(r) ?? 0) + 1);
    const explicit = hits.filter((r) => r.ruleAction === 'explicit');
    const excluded = hits.some((r) => r.ruleAction === 'exclude');
    const include = excluded ? [] : hits.filter((r) => r.ruleAction === 'include');
    const by = [...explicit, ...include];
    if (by.length === 0) continue;
    for (const r of by) kept.set(r, (kept.get(r) ?? 0) + 1);
    const filters = include.flatMap((r) => r.filters);
    for (const r of include) {
      for (const f of r.filters) {
        if (!t.columns.some((c) => c.name === f.column)) {
          failRule(r, `filter column '${f.column}' does not exist in ${t.schema}.${t.name}; its columns are ${t.columns.map((c) => c.name).join(', ')} (names are case-sensitive)`);
        }
      }
    }
    selected.push({ table: t, loadOrder: Math.max(...by.map((r) => r.loadOrder)), filters, ruleIds: by.map((r) => r.ruleId) });
  }
  const notes: string[] = [];
  for (const r of rules) {
    const n = matched.get(r) ?? 0;
    if (n === 0) notes.push(`selection ${ruleLabel(r)} matched no table (${describeLocator(r)})`);
    else if (r.ruleAction !== 'exclude' && !kept.has(r)) notes.push(`selection ${ruleLabel(r)} matched ${n} table(s), all removed by exclude rules`);
  }
  return { selected, notes };
}
