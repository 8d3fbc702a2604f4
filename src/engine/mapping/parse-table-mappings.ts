/**
 * Validation of a whole TableMappings document, up front: the control plane calls it on
 * CreateReplicationTask / ModifyReplicationTask so that a bad rule is refused when it is
 * written, never discovered halfway through a load. Every message names the rule (id and
 * name), what is wrong and how to fix it.
 */
import { compareRuleIds, describeJson, isPlainObject, readInt } from '../../mapping-rules/rule-json.js';
import { JsonReader } from './json-reader.js';
import { failRule, MappingError, type RuleRef } from './mapping-error.js';
import type { MappingRule, RuleBase, TableMappings } from './plan-types.js';
import { readSelectionRule } from './selection.js';
import { readTableSettingsRule } from './table-settings.js';
import { readTransformationRule } from './transformations.js';

export { MappingError } from './mapping-error.js';

const RULE_TYPES = ['selection', 'transformation', 'table-settings'] as const;
/** Rule types of the guide that only other targets use: refused with the reason. */
const OTHER_RULE_TYPES: Readonly<Record<string, string>> = {
  'post-processing': 'it tags objects on Amazon S3 targets',
  'object-mapping': 'it maps tables to DynamoDB, Kinesis or Kafka targets',
};

/** rule-id: DMS's "unique numeric value", written as a number or a string of digits. */
function readRuleId(obj: Readonly<Record<string, unknown>>, index: number): string {
  const ref: RuleRef = { index };
  const raw = obj['rule-id'];
  if (raw === undefined || raw === null) failRule(ref, `'rule-id' is missing; every rule needs a unique numeric id such as "1"`);
  if (typeof raw === 'string' && /^\d+$/.test(raw)) return raw;
  return String(readInt(raw, 'rule-id', (problem) => failRule(ref, problem), { min: 0 }));
}

/** rule-name: any name; numbers are taken as written. Defaults to the rule id. */
function readRuleName(obj: Readonly<Record<string, unknown>>, ruleId: string): string {
  const raw = obj['rule-name'];
  if (raw === undefined || raw === null) return ruleId;
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string' || raw.length === 0) failRule({ ruleId }, `'rule-name' must be a non-empty string, got ${describeJson(raw)}`);
  return raw;
}

function readRule(value: unknown, index: number): MappingRule {
  if (!isPlainObject(value)) throw new MappingError(`rules[${index}] must be a JSON object (a rule), got ${describeJson(value)}`);
  const ruleId = readRuleId(value, index);
  const base: RuleBase = { ruleId, ruleName: readRuleName(value, ruleId) };
  const r = new JsonReader(base, value, '');
  const type = r.string('rule-type', { hint: 'use selection, transformation or table-settings' });
  const other = OTHER_RULE_TYPES[type];
  if (other) r.fail(`rule-type '${type}' is not supported by OpenDMS: ${other}, and OpenDMS targets are PostgreSQL and MySQL`);
  switch (r.oneOf('rule-type', RULE_TYPES, 'a rule', { required: true })) {
    case 'selection':
      return readSelectionRule(r, base);
    case 'transformation':
      return readTransformationRule(r, base);
    default:
      return readTableSettingsRule(r, base);
  }
}

/**
 * Parses and validates a TableMappings JSON document (`{"rules": [...]}`).
 * @throws MappingError naming the rule (id and rule-name), the problem and the fix.
 */
export function parseTableMappings(json: string): TableMappings {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    throw new MappingError(`TableMappings is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isPlainObject(doc)) throw new MappingError(`TableMappings must be a JSON object {"rules": [...]}, got ${describeJson(doc)}`);
  for (const key of Object.keys(doc)) {
    if (key !== 'rules') throw new MappingError(`TableMappings has an unknown member '${key}'; the document holds only 'rules'`);
  }
  const rawRules = doc['rules'];
  if (rawRules === undefined || rawRules === null) throw new MappingError(`TableMappings has no 'rules'; write {"rules": [ ... ]} with at least one selection rule`);
  if (!Array.isArray(rawRules)) throw new MappingError(`TableMappings 'rules' must be an array, got ${describeJson(rawRules)}`);

  const rules: MappingRule[] = [];
  for (const [i, raw] of rawRules.entries()) {
    const rule = readRule(raw, i);
    const twin = rules.find((r) => compareRuleIds(r.ruleId, rule.ruleId) === 0);
    if (twin) {
      failRule(rule, `rule-id ${rule.ruleId} is used twice (also by rule-name '${twin.ruleName}'); every rule needs its own rule-id`);
    }
    rules.push(rule);
  }
  if (!rules.some((r) => r.ruleType === 'selection' && r.ruleAction !== 'exclude')) {
    throw new MappingError(
      rules.some((r) => r.ruleType === 'selection')
        ? 'TableMappings has only exclude selection rules, so no table is selected; add an include (or explicit) selection rule'
        : 'TableMappings has no selection rule; add at least one, for example {"rule-type": "selection", "rule-id": "1", "rule-name": "1", "object-locator": {"schema-name": "%", "table-name": "%"}, "rule-action": "include"}',
    );
  }
  return { rules };
}
