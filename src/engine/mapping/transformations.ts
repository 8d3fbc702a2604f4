/**
 * Transformation rules (user guide,
 * CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Transformations): reading
 * and validating them, and the name actions they apply. Object locators always name SOURCE
 * objects ("The schema-name, table-name, and expression parameters refer to objects in the
 * source database", the Expressions page), while the actions apply to the name as earlier
 * rules left it: so `convert-lowercase` on every table and `add-prefix` on one chain.
 */
import type { ColumnInfo, TableInfo } from '../../connectors/spi/index.js';
import { readDataType, typeMatches } from '../../mapping-rules/dms-data-types.js';
import { NAME_ACTIONS, NAME_VALUE_HINTS } from '../../mapping-rules/name-actions.js';
import { orList } from '../../mapping-rules/rule-json.js';
import { readTransformationLocator } from '../../mapping-rules/transformation-locator.js';
import { matchesPattern } from '../../mapping-rules/wildcard.js';
import type { JsonReader } from './json-reader.js';
import type { ObjectLocator, RuleBase, TransformationRule } from './plan-types.js';

const TARGETS = ['schema', 'table', 'column', 'table-tablespace', 'index-tablespace'] as const;
type Target = (typeof TARGETS)[number];

const ACTIONS_BY_TARGET: Readonly<Record<Target, readonly string[]>> = {
  schema: NAME_ACTIONS,
  table: [...NAME_ACTIONS, 'define-primary-key'],
  column: [...NAME_ACTIONS, 'remove-column', 'include-column', 'add-column', 'change-data-type'],
  // Oracle tablespaces: the guide shows only rename. Read and validated, then ignored (the
  // plan says so) since PostgreSQL and MySQL targets have no such thing to rename.
  'table-tablespace': ['rename'],
  'index-tablespace': ['rename'],
};

/** DMS actions OpenDMS knows but does not perform, and why: refused rather than ignored. */
const UNSUPPORTED: Readonly<Record<string, string>> = {
  'add-before-image-columns': 'it serves CDC to streaming targets (Kinesis, Kafka), which OpenDMS does not have',
  'data-masking-digits-mask': 'data masking is not implemented in OpenDMS yet',
  'data-masking-digits-randomize': 'data masking is not implemented in OpenDMS yet',
  'data-masking-hash-mask': 'data masking is not implemented in OpenDMS yet',
};

/** Which value members an action needs: v = value, o = old-value, e = expression allowed, d = data-type, k = primary-key-def. */
const NEEDS: Readonly<Record<string, { value?: 'required' | 'may-be-empty'; oldValue?: true; expression?: true; dataType?: true; pk?: true }>> = {
  rename: { value: 'required' },
  'add-prefix': { value: 'required' },
  'add-suffix': { value: 'required' },
  'remove-prefix': { value: 'required' },
  'remove-suffix': { value: 'required' },
  // An empty new prefix is a valid way to say "remove this prefix".
  'replace-prefix': { value: 'may-be-empty', oldValue: true },
  'replace-suffix': { value: 'may-be-empty', oldValue: true },
  'convert-lowercase': {},
  'convert-uppercase': {},
  'remove-column': {},
  'include-column': {},
  'add-column': { value: 'required', expression: true, dataType: true },
  'change-data-type': { dataType: true },
  'define-primary-key': { pk: true },
};

const VALUE_HINT: Readonly<Record<string, string>> = { ...NAME_VALUE_HINTS, 'add-column': 'the name of the new column' };

function readLocator(r: JsonReader, target: Target, action: string): ObjectLocator {
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a transformation rule names the ${target} it changes in its object-locator`);
  const what = `the object-locator of a ${target} transformation${action === 'add-column' ? ' (add-column names the new column in value)' : ''}`;
  switch (target) {
    case 'schema':
    case 'table':
      return readTransformationLocator(loc, what, target);
    case 'column':
      // add-column names a table: the new column's name is its value.
      return readTransformationLocator(loc, what, action === 'add-column' ? 'table' : 'column');
    case 'table-tablespace':
    case 'index-tablespace':
      loc.onlyMembers(['schema-name', 'table-name', `${target}-name`], what);
      loc.string(`${target}-name`, { nonEmpty: true });
      return { schemaName: loc.string('schema-name', { nonEmpty: true }), tableName: loc.string('table-name', { nonEmpty: true }) };
  }
}

function readPrimaryKeyDef(r: JsonReader): { name: string; columns: string[] } {
  const pk: JsonReader | undefined = r.optObject('primary-key-def');
  if (!pk) return r.fail(`'primary-key-def' is missing; define-primary-key needs {"name": "...", "columns": ["..."]}`);
  pk.onlyMembers(['name', 'origin', 'columns'], "'primary-key-def'");
  const name = pk.string('name', { nonEmpty: true, hint: 'the name of the key (constraint) on the target' });
  const origin = pk.oneOf('origin', ['primary-key', 'unique-index'] as const, 'primary-key-def.origin');
  if (origin === 'unique-index') pk.fail(`'primary-key-def.origin' 'unique-index' is not supported by OpenDMS yet; use origin primary-key (or leave it out)`);
  const cols = pk.optArray('columns');
  if (!cols || cols.length === 0) return pk.fail(`'primary-key-def.columns' ${cols ? 'is empty' : 'is missing'}; list the key's column names`);
  const columns = cols.map((c, i) => {
    if (typeof c !== 'string' || c.length === 0) return pk.fail(`'primary-key-def.columns[${i}]' must be a column name (a non-empty string)`);
    return c;
  });
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup !== undefined) pk.fail(`'primary-key-def.columns' lists column '${dup}' twice`);
  return { name, columns };
}

/** Reads and validates a transformation rule (its members other than the common ones). */
export function readTransformationRule(r: JsonReader, base: RuleBase): TransformationRule {
  const target = r.oneOf('rule-target', TARGETS, 'a transformation rule', { required: true }) as Target;
  const action = r.string('rule-action', { hint: `use one of ${orList(ACTIONS_BY_TARGET[target])}` });
  const unsupported = UNSUPPORTED[action];
  if (unsupported) r.fail(`rule-action '${action}' is not supported by OpenDMS: ${unsupported}`);
  if (!ACTIONS_BY_TARGET[target].includes(action)) {
    const elsewhere = TARGETS.filter((t) => ACTIONS_BY_TARGET[t].includes(action));
    r.oneOf('rule-action', ACTIONS_BY_TARGET[target], `rule-target ${target}${elsewhere.length ? ` (it is an action of rule-target ${orList(elsewhere)})` : ''}`, { required: true });
  }
  r.onlyMembers(['rule-type', 'rule-id', 'rule-name', 'rule-target', 'rule-action', 'object-locator', 'value', 'old-value', 'expression', 'data-type', 'primary-key-def'], 'a transformation rule');
  const objectLocator = readLocator(r, target, action);
  const needs = NEEDS[action] ?? {};
  const why = `has no meaning for rule-action '${action}'`;
  let value: string | undefined;
  if (needs.value) {
    value = r.string('value', { nonEmpty: needs.value === 'required', hint: `rule-action '${action}' needs ${VALUE_HINT[action] ?? 'a value'} in 'value'` });
  } else r.forbid('value', why);
  let oldValue: string | undefined;
  if (needs.oldValue) oldValue = r.string('old-value', { nonEmpty: true, hint: `rule-action '${action}' needs the ${action === 'replace-prefix' ? 'prefix' : 'suffix'} to replace in 'old-value'` });
  else r.forbid('old-value', why);
  const expression = needs.expression ? r.optString('expression', { nonEmpty: true }) : (r.forbid('expression', why), undefined);
  let dataType: TransformationRule['dataType'];
  if (needs.dataType) {
    const dt = r.optObject('data-type');
    if (!dt) r.fail(`'data-type' is missing; rule-action '${action}' needs one, for example {"type": "string", "length": 50}`);
    dataType = readDataType(dt);
  } else r.forbid('data-type', why);
  const primaryKeyDef = needs.pk ? readPrimaryKeyDef(r) : (r.forbid('primary-key-def', why), undefined);
  return {
    ...base,
    ruleType: 'transformation',
    ruleTarget: target,
    ruleAction: action,
    objectLocator,
    ...(value !== undefined ? { value } : {}),
    ...(oldValue !== undefined ? { oldValue } : {}),
    ...(expression !== undefined ? { expression } : {}),
    ...(dataType ? { dataType } : {}),
    ...(primaryKeyDef ? { primaryKeyDef } : {}),
  };
}

/** True for the actions that change a name (rename, case, prefix, suffix). */
export function isNameAction(rule: TransformationRule): boolean {
  return (NAME_ACTIONS as readonly string[]).includes(rule.ruleAction);
}

/** True when a rule's locator names the table (schema and table patterns, table-type default all). */
export function ruleMatchesTable(rule: TransformationRule, t: TableInfo): boolean {
  const loc = rule.objectLocator;
  if (!matchesPattern(loc.schemaName, t.schema)) return false;
  if (rule.ruleTarget === 'schema') return true;
  // table-type defaults to all here: a transformation should reach every object the
  // selection rules chose, views included (the docs are silent).
  const type = loc.tableType ?? 'all';
  return matchesPattern(loc.tableName ?? '%', t.name) && (type === 'all' || type === t.kind);
}

/** True when a column rule's locator names this column of a table it matches. */
export function ruleMatchesColumn(rule: TransformationRule, c: ColumnInfo): boolean {
  const loc = rule.objectLocator;
  if (loc.columnName === undefined || !matchesPattern(loc.columnName, c.name)) return false;
  return loc.dataType === undefined || typeMatches(loc.dataType, c.type);
}
