/**
 * Selection rules of DMS Schema Conversion (user guide, "Selection rules in DMS Schema
 * Conversion"): the `SelectionRules` of metadata-model requests. A document is
 * `{"rules": [{"rule-type": "selection", "rule-id", "rule-name", "rule-action", "object-locator"}]}`.
 *
 * - The locator follows the tree: server-name (required; which data provider the rule is
 *   about), then schema-name, then either category-name (a folder: Tables, Views ...) or one
 *   object key (table-name, view-name, procedure-name, function-name, trigger-name,
 *   sequence-name, type-name), optionally with the category that holds it. A locator that
 *   stops at a level selects everything below it.
 * - `explicit` selects exactly the named object, names taken literally (no wildcards);
 *   `include` selects what its patterns match (`%` any run, `_` one character); `exclude`
 *   removes what its patterns match, whatever the other rules select.
 * - database-name is accepted and not used for matching: a MySQL or PostgreSQL data provider
 *   names one database, so the key (SQL Server, SAP ASE) has nothing to choose between.
 * - Server names compare case-insensitively (host names); other names case-sensitively.
 */
import type { SchemaModel } from './model.js';
import { CATEGORY_OF, emptySchema, filterSchema, LOCATOR_KEY_OF, type ModelObjectKind, type ModelObjectRef, OBJECT_KINDS, objectsOf } from './model-objects.js';
import { orList } from '../mapping-rules/rule-json.js';
import { matchesPattern } from '../mapping-rules/wildcard.js';
import { readRulesDocument, type RuleReader } from './rules/rule-json.js';

export type SelectionAction = 'include' | 'explicit' | 'exclude';

export interface SelectionLocator {
  readonly serverName: string;
  readonly databaseName?: string;
  readonly schemaName?: string;
  /** Canonical category name (Tables, Views, Functions, Procedures, Sequences, Triggers, Types) or a pattern. */
  readonly categoryName?: string;
  /** The object the locator names, when it goes below the category level. */
  readonly object?: { readonly kind: ModelObjectKind; readonly name: string };
}

export interface SelectionRule {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly action: SelectionAction;
  readonly locator: SelectionLocator;
}

export interface SelectionRules {
  readonly rules: readonly SelectionRule[];
}

const ACTIONS: readonly SelectionAction[] = ['explicit', 'include', 'exclude'];
const CATEGORIES = OBJECT_KINDS.map((k) => CATEGORY_OF[k]);
const OBJECT_KEYS = OBJECT_KINDS.map((k) => LOCATOR_KEY_OF[k]);
const LOCATOR_KEYS = ['server-name', 'database-name', 'schema-name', 'category-name', ...OBJECT_KEYS];

function readLocator(r: RuleReader, action: SelectionAction): SelectionLocator {
  const loc = r.optObject('object-locator');
  if (!loc) return r.fail(`'object-locator' is missing; a selection rule names what it selects, for example {"server-name": "db.example.com", "schema-name": "sales"}`);
  loc.onlyMembers(LOCATOR_KEYS, 'the object-locator of a selection rule');
  const name = (key: string): string | undefined => {
    const v = loc.optString(key, { nonEmpty: true });
    if (v !== undefined && action === 'explicit' && v.includes('%')) {
      loc.fail(`'${loc.where(key)}' '${v}' holds the wildcard '%', and rule-action explicit selects one object by its exact name; use rule-action include for a pattern`);
    }
    return v;
  };
  const serverName = name('server-name') ?? loc.fail(`'object-locator.server-name' is missing; it names the data provider's server (its ServerName) the rule is about`);
  const databaseName = name('database-name');
  const schemaName = name('schema-name');
  let categoryName = name('category-name');
  const objectKeys = OBJECT_KEYS.filter((k) => loc.has(k));
  if (objectKeys.length > 1) loc.fail(`the object-locator names ${orList(objectKeys.map((k) => `'${k}'`))}; a rule names one object kind, write one rule per kind`);
  const objectKey = objectKeys[0];
  if ((categoryName !== undefined || objectKey !== undefined) && schemaName === undefined) {
    loc.fail(`'object-locator.${objectKey ?? 'category-name'}' needs 'object-locator.schema-name' too: objects and categories live in a schema (use "%" with rule-action include for every schema)`);
  }
  if (categoryName !== undefined) {
    const canonical = CATEGORIES.find((c) => c.toLowerCase() === categoryName!.toLowerCase());
    if (canonical) categoryName = canonical;
    else if (action === 'explicit' || !CATEGORIES.some((c) => matchesPattern(categoryName!, c))) {
      loc.fail(`'object-locator.category-name' '${categoryName}' is not a category of a MySQL or PostgreSQL schema; use ${orList(CATEGORIES)}`);
    }
  }
  let object: SelectionLocator['object'];
  if (objectKey !== undefined) {
    const kind = OBJECT_KINDS.find((k) => LOCATOR_KEY_OF[k] === objectKey)!;
    if (categoryName !== undefined && !matchesPattern(categoryName, CATEGORY_OF[kind])) {
      loc.fail(`'object-locator.category-name' '${categoryName}' does not hold the '${objectKey}' it names (a ${kind} is in category ${CATEGORY_OF[kind]}); drop category-name or make it ${CATEGORY_OF[kind]}`);
    }
    object = { kind, name: name(objectKey)! };
  }
  return {
    serverName,
    ...(databaseName !== undefined ? { databaseName } : {}),
    ...(schemaName !== undefined ? { schemaName } : {}),
    ...(categoryName !== undefined ? { categoryName } : {}),
    ...(object ? { object } : {}),
  };
}

/**
 * Parses and validates a selection-rules document.
 * @param member the request member holding it, for messages ('SelectionRules').
 * @throws ApiError InvalidParameterValueException naming the member, the rule and the problem.
 */
export function parseSelectionRules(json: string, member: string): SelectionRules {
  const rules = readRulesDocument(json, member, 'selection', (r) => {
    r.onlyMembers(['rule-type', 'rule-id', 'rule-name', 'rule-action', 'object-locator', 'filters'], 'a selection rule');
    r.forbid('filters', 'filters row data in replication tasks and has no meaning for schema conversion');
    const action = r.oneOf('rule-action', ACTIONS, 'a selection rule', { required: true })!;
    return { ruleId: r.rule.ruleId!, ruleName: r.rule.ruleName!, action, locator: readLocator(r, action) };
  }, { allowEmpty: false });
  return { rules };
}

function nameMatches(action: SelectionAction, pattern: string, name: string): boolean {
  return action === 'explicit' ? pattern === name : matchesPattern(pattern, name);
}

/** True when the rule is about this server. */
export function ruleIsForServer(rule: SelectionRule, serverName: string): boolean {
  return nameMatches(rule.action, rule.locator.serverName.toLowerCase(), serverName.toLowerCase());
}

/** True when the rule's locator covers the object (ignoring the action's sign). */
function covers(rule: SelectionRule, serverName: string, ref: ModelObjectRef): boolean {
  const loc = rule.locator;
  if (!ruleIsForServer(rule, serverName)) return false;
  if (loc.schemaName === undefined) return true;
  if (!nameMatches(rule.action, loc.schemaName, ref.schema)) return false;
  if (loc.categoryName !== undefined && !matchesPattern(loc.categoryName, CATEGORY_OF[ref.kind])) return false;
  if (!loc.object) return true;
  if (loc.object.kind === ref.kind) return nameMatches(rule.action, loc.object.name, ref.name);
  // A table's triggers sit under it in the tree: selecting the table selects them.
  return loc.object.kind === 'table' && ref.kind === 'trigger' && ref.table !== undefined && loc.categoryName === undefined && nameMatches(rule.action, loc.object.name, ref.table);
}

/** True when the rule covers the whole schema (its locator stops at schema-name or above). */
function coversSchema(rule: SelectionRule, serverName: string, schema: string): boolean {
  const loc = rule.locator;
  if (!ruleIsForServer(rule, serverName) || loc.categoryName !== undefined || loc.object) return false;
  return loc.schemaName === undefined || nameMatches(rule.action, loc.schemaName, schema);
}

/** True when the rules select the object: some explicit/include rule covers it and no exclude rule does. */
export function selectsObject(rules: SelectionRules, serverName: string, ref: ModelObjectRef): boolean {
  let included = false;
  for (const rule of rules.rules) {
    if (!covers(rule, serverName, ref)) continue;
    if (rule.action === 'exclude') return false;
    included = true;
  }
  return included;
}

/** True when the rules select the schema itself (so it is kept even with no object in it). */
export function selectsSchema(rules: SelectionRules, serverName: string, schema: string): boolean {
  let included = false;
  for (const rule of rules.rules) {
    if (!coversSchema(rule, serverName, schema)) continue;
    if (rule.action === 'exclude') return false;
    included = true;
  }
  return included;
}

/**
 * The sub-model the rules select on server `serverName` (a copy: nothing is shared with the
 * input). A schema is kept when the rules select it as a whole or select any object in it.
 * Rules about another server select nothing.
 */
export function selectModel(model: SchemaModel, rules: SelectionRules, serverName: string): SchemaModel {
  const schemas = [];
  for (const schema of model.schemas) {
    const picked = filterSchema(schema, (ref) => selectsObject(rules, serverName, ref));
    const any = objectsOf(picked).length > 0;
    if (any) schemas.push(picked);
    else if (selectsSchema(rules, serverName, schema.name)) schemas.push(emptySchema(schema.name));
  }
  return { dialect: model.dialect, schemas };
}

/** The locator as DMS writes it (keys in the order of the DMS CLI examples). */
export function locatorJson(loc: SelectionLocator): Record<string, string> {
  return {
    'server-name': loc.serverName,
    ...(loc.databaseName !== undefined ? { 'database-name': loc.databaseName } : {}),
    ...(loc.schemaName !== undefined ? { 'schema-name': loc.schemaName } : {}),
    ...(loc.categoryName !== undefined ? { 'category-name': loc.categoryName } : {}),
    ...(loc.object ? { [LOCATOR_KEY_OF[loc.object.kind]]: loc.object.name } : {}),
  };
}

/** A selection-rules document as DMS writes it: `{"rules": [{"rule-type", "rule-id", "rule-name", "object-locator", "rule-action"}]}`. */
export function formatSelectionRules(rules: SelectionRules): string {
  return JSON.stringify({
    rules: rules.rules.map((r) => ({
      'rule-type': 'selection',
      'rule-id': r.ruleId,
      'rule-name': r.ruleName,
      'object-locator': locatorJson(r.locator),
      'rule-action': r.action,
    })),
  });
}
