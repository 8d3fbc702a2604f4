/**
 * A migration project's TransformationRules: the same JSON as the transformation rules of a
 * task's table mappings (rule-type "transformation", rule-target, object-locator with
 * wildcards, rule-action), limited to what changes a converted schema: names of schemas,
 * tables and columns (rename, case, prefixes, suffixes) and column types (change-data-type).
 * Locators name SOURCE objects; actions apply to the TARGET name as earlier rules (by rule-id)
 * left it, so `convert-lowercase` on everything and `add-prefix` on one table chain. Wildcards,
 * data types and name actions are the shared ones of src/mapping-rules/ (a task's too).
 */
import type { NeutralType } from '../connectors/spi/data-types.js';
import { type DataTypeSpec, readDataType, typeMatches } from '../mapping-rules/dms-data-types.js';
import { NAME_ACTIONS, NAME_VALUE_HINTS, type NameAction } from '../mapping-rules/name-actions.js';
import { compareRuleIds, orList } from '../mapping-rules/rule-json.js';
import { readTransformationLocator, type TransformationLocator } from '../mapping-rules/transformation-locator.js';
import { matchesPattern } from '../mapping-rules/wildcard.js';
import { readRulesDocument, type RuleReader } from './rules/rule-json.js';

export type TransformationTarget = 'schema' | 'table' | 'column';
export type TransformationAction = NameAction | 'change-data-type';

export interface TransformationRule {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly target: TransformationTarget;
  readonly action: TransformationAction;
  readonly locator: TransformationLocator;
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

function readLocator(r: RuleReader, target: TransformationTarget): TransformationLocator {
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a transformation rule names the ${target} it changes in its object-locator`);
  return readTransformationLocator(loc, `the object-locator of a ${target} transformation`, target);
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
      value = r.string('value', { nonEmpty: !mayBeEmpty, hint: `rule-action '${action}' needs ${NAME_VALUE_HINTS[action] ?? 'a value'} in 'value'` });
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
