/**
 * A migration project's TransformationRules: the same JSON as the transformation rules of a
 * task's table mappings (rule-type "transformation", rule-target, object-locator with
 * wildcards, rule-action), limited to what changes a converted schema: names of schemas,
 * tables and columns (rename, case, prefixes, suffixes) and column types (change-data-type).
 * Locators name SOURCE objects; actions apply to the TARGET name as earlier rules (by rule-id)
 * left it, so `convert-lowercase` on everything and `add-prefix` on one table chain. The
 * semantics and messages follow src/engine/mapping/transformations.ts.
 */
import type { NeutralType } from '../connectors/spi/data-types.js';
import { type DataTypeSpec, readDataType, typeMatches } from './rules/dms-data-types.js';
import { compareRuleIds, orList, readRulesDocument, type RuleReader } from './rules/rule-json.js';
import { matchesPattern } from './rules/wildcard.js';

export const NAME_ACTIONS = [
  'rename',
  'convert-lowercase',
  'convert-uppercase',
  'add-prefix',
  'remove-prefix',
  'replace-prefix',
  'add-suffix',
  'remove-suffix',
  'replace-suffix',
] as const;

export type TransformationTarget = 'schema' | 'table' | 'column';
export type TransformationAction = (typeof NAME_ACTIONS)[number] | 'change-data-type';

export interface TransformationRule {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly target: TransformationTarget;
  readonly action: TransformationAction;
  readonly locator: {
    readonly schemaName: string;
    readonly tableName?: string;
    /** Which objects a table or column rule reaches; all (tables and views) when absent. */
    readonly tableType?: 'table' | 'view' | 'all';
    readonly columnName?: string;
    /** A DMS type name: the rule reaches only columns of that type. */
    readonly dataType?: string;
  };
  readonly value?: string;
  readonly oldValue?: string;
  readonly dataType?: DataTypeSpec;
}

export interface TransformationRules {
  /** In rule-id order (the order actions apply in). */
  readonly rules: readonly TransformationRule[];
}

const TARGETS: readonly TransformationTarget[] = ['schema', 'table', 'column'];
const ACTIONS_BY_TARGET: Readonly<Record<TransformationTarget, readonly string[]>> = {
  schema: NAME_ACTIONS,
  table: NAME_ACTIONS,
  column: [...NAME_ACTIONS, 'change-data-type'],
};

/** Actions of table mappings that shape data, not a schema: refused with the reason. */
const TASK_ONLY: Readonly<Record<string, string>> = {
  'remove-column': 'it drops a column from the data a task loads; exclude the column in the target schema by hand instead',
  'include-column': 'it chooses the columns a task loads',
  'add-column': 'it adds a computed column to the data a task loads',
  'define-primary-key': 'it defines the key a task loads by',
  'add-before-image-columns': 'it serves CDC to streaming targets',
};

const VALUE_HINT: Readonly<Record<string, string>> = {
  rename: 'the new name',
  'add-prefix': 'the prefix to add',
  'add-suffix': 'the suffix to add',
  'remove-prefix': 'the prefix to remove',
  'remove-suffix': 'the suffix to remove',
  'replace-prefix': 'the new prefix',
  'replace-suffix': 'the new suffix',
};

function readLocator(r: RuleReader, target: TransformationTarget): TransformationRule['locator'] {
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a transformation rule names the ${target} it changes in its object-locator`);
  const what = `the object-locator of a ${target} transformation`;
  if (target === 'schema') {
    loc.onlyMembers(['schema-name'], what);
    return { schemaName: loc.string('schema-name', { nonEmpty: true, hint: "use '%' for every schema" }) };
  }
  const allowed = ['schema-name', 'table-name', 'table-type'];
  if (target === 'column') allowed.push('column-name', 'data-type');
  loc.onlyMembers(allowed, what);
  const schemaName = loc.string('schema-name', { nonEmpty: true, hint: "use '%' for every schema" });
  const tableName = loc.string('table-name', { nonEmpty: true, hint: "use '%' for every table" });
  const tableType = loc.oneOf('table-type', ['table', 'view', 'all'] as const, 'table-type');
  const columnName = target === 'column' ? loc.string('column-name', { nonEmpty: true, hint: "use '%' for every column" }) : undefined;
  const dataType = target === 'column' ? loc.optString('data-type', { nonEmpty: true }) : undefined;
  return {
    schemaName,
    tableName,
    ...(tableType ? { tableType } : {}),
    ...(columnName !== undefined ? { columnName } : {}),
    ...(dataType !== undefined ? { dataType } : {}),
  };
}

function readRule(r: RuleReader): TransformationRule {
  const rawTarget = r.string('rule-target', { hint: `use ${orList(TARGETS)}` });
  if (rawTarget === 'table-tablespace' || rawTarget === 'index-tablespace') r.fail(`rule-target '${rawTarget}' renames Oracle tablespaces; PostgreSQL and MySQL targets have none to rename`);
  const target = r.oneOf('rule-target', TARGETS, 'a transformation rule of a migration project', { required: true })!;
  const action = r.string('rule-action', { hint: `use one of ${orList(ACTIONS_BY_TARGET[target])}` });
  const taskOnly = TASK_ONLY[action];
  if (taskOnly) r.fail(`rule-action '${action}' belongs to a replication task's table mappings (${taskOnly}), not to schema conversion; use it in the task's TableMappings`);
  if (!ACTIONS_BY_TARGET[target].includes(action)) {
    const elsewhere = TARGETS.filter((t) => ACTIONS_BY_TARGET[t].includes(action));
    r.oneOf('rule-action', ACTIONS_BY_TARGET[target], `rule-target ${target}${elsewhere.length ? ` (it is an action of rule-target ${orList(elsewhere)})` : ''}`, { required: true });
  }
  r.onlyMembers(['rule-type', 'rule-id', 'rule-name', 'rule-target', 'rule-action', 'object-locator', 'value', 'old-value', 'data-type'], 'a transformation rule');
  const locator = readLocator(r, target);
  const why = `has no meaning for rule-action '${action}'`;
  let value: string | undefined;
  let oldValue: string | undefined;
  let dataType: DataTypeSpec | undefined;
  if (action === 'change-data-type') {
    r.forbid('value', why);
    r.forbid('old-value', why);
    const dt = r.optObject('data-type');
    if (!dt) r.fail(`'data-type' is missing; rule-action 'change-data-type' needs one, for example {"type": "string", "length": 50}`);
    dataType = readDataType(dt);
  } else {
    r.forbid('data-type', why);
    if (action === 'convert-lowercase' || action === 'convert-uppercase') r.forbid('value', why);
    else {
      // An empty new prefix or suffix is a valid way to say "remove this prefix".
      const mayBeEmpty = action === 'replace-prefix' || action === 'replace-suffix';
      value = r.string('value', { nonEmpty: !mayBeEmpty, hint: `rule-action '${action}' needs ${VALUE_HINT[action] ?? 'a value'} in 'value'` });
    }
    if (action === 'replace-prefix' || action === 'replace-suffix') {
      oldValue = r.string('old-value', { nonEmpty: true, hint: `rule-action '${action}' needs the ${action === 'replace-prefix' ? 'prefix' : 'suffix'} to replace in 'old-value'` });
    } else r.forbid('old-value', why);
  }
  return {
    ruleId: r.rule.ruleId!,
    ruleName: r.rule.ruleName!,
    target,
    action: action as TransformationAction,
    locator,
    ...(value !== undefined ? { value } : {}),
    ...(oldValue !== undefined ? { oldValue } : {}),
    ...(dataType ? { dataType } : {}),
  };
}

/**
 * Parses and validates a TransformationRules document (`{"rules": [...]}`; an empty list is
 * allowed: a project without transformations).
 * @param member the member holding it, for messages ('TransformationRules').
 * @throws ApiError InvalidParameterValueException naming the member, the rule and the problem.
 */
export function parseTransformationRules(json: string, member: string): TransformationRules {
  const rules = readRulesDocument(json, member, 'transformation', readRule, {
    allowEmpty: true,
    otherTypes: {
      selection: 'selection rules travel with each metadata-model request (its SelectionRules)',
      'table-settings': 'table settings belong to a replication task',
    },
  });
  return { rules: [...rules].sort((a, b) => compareRuleIds(a.ruleId, b.ruleId)) };
}

/** The name after one name action. */
export function applyNameAction(rule: TransformationRule, name: string): string {
  const v = rule.value ?? '';
  const old = rule.oldValue ?? '';
  switch (rule.action) {
    case 'rename':
      return v;
    case 'convert-lowercase':
      return name.toLowerCase();
    case 'convert-uppercase':
      return name.toUpperCase();
    case 'add-prefix':
      return v + name;
    case 'add-suffix':
      return name + v;
    case 'remove-prefix':
      return name.startsWith(v) ? name.slice(v.length) : name;
    case 'remove-suffix':
      return name.endsWith(v) ? name.slice(0, name.length - v.length) : name;
    case 'replace-prefix':
      return name.startsWith(old) ? v + name.slice(old.length) : name;
    case 'replace-suffix':
      return name.endsWith(old) ? name.slice(0, name.length - old.length) + v : name;
    default:
      return name;
  }
}

/** True when the rule reaches this source schema. */
export function ruleMatchesSchema(rule: TransformationRule, schema: string): boolean {
  return matchesPattern(rule.locator.schemaName, schema);
}

/** True when a table or column rule reaches this source table or view. */
export function ruleMatchesTable(rule: TransformationRule, schema: string, table: string, kind: 'table' | 'view'): boolean {
  const type = rule.locator.tableType ?? 'all';
  return ruleMatchesSchema(rule, schema) && matchesPattern(rule.locator.tableName ?? '%', table) && (type === 'all' || type === kind);
}

/** True when a column rule reaches this source column (its table already matched). */
export function ruleMatchesColumn(rule: TransformationRule, column: string, type: NeutralType): boolean {
  const loc = rule.locator;
  if (loc.columnName === undefined || !matchesPattern(loc.columnName, column)) return false;
  return loc.dataType === undefined || typeMatches(loc.dataType, type);
}
