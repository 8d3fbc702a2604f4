/**
 * Typed reads of rule documents (selection rules of metadata-model requests, a migration
 * project's transformation rules). Every problem is an InvalidParameterValueException whose
 * message names the request member, the rule (id and name) and the JSON member, says what was
 * found and what to write instead: a rules document can be long, and "invalid rules" alone
 * would leave the user searching. The member reads are the shared ones of
 * src/mapping-rules/rule-json.ts (the same as a task's table mappings); only the error differs.
 */
import { invalidParameter } from '../../common/errors.js';
import { compareRuleIds, describeJson, isPlainObject, RuleObjectReader } from '../../mapping-rules/rule-json.js';

/** Who a message is about. */
export interface RuleRef {
  /** The request member holding the document: 'SelectionRules', 'TransformationRules'. */
  readonly member: string;
  readonly ruleId?: string;
  readonly ruleName?: string;
  /** Position in `rules`, before the id is known. */
  readonly index?: number;
}

export function ruleLabel(ref: RuleRef): string {
  if (ref.ruleId === undefined) return ref.index === undefined ? ref.member : `${ref.member} rules[${ref.index}] (no valid rule-id)`;
  return ref.ruleName === undefined ? `${ref.member} rule ${ref.ruleId}` : `${ref.member} rule ${ref.ruleId} (rule-name '${ref.ruleName}')`;
}

/** Throws InvalidParameterValueException: "<member> rule <id> (rule-name '<name>'): <problem>". */
export function failRule(ref: RuleRef, problem: string): never {
  throw invalidParameter(`${ruleLabel(ref)}: ${problem}`);
}

/** One JSON object of a rule (the rule itself, its object-locator, its data-type). */
export class RuleReader extends RuleObjectReader<RuleRef> {
  constructor(rule: RuleRef, obj: Readonly<Record<string, unknown>>, path: string) {
    super(rule, obj, path, (problem) => failRule(rule, problem));
  }
}

/**
 * Reads a `{"rules": [...]}` document and the common members of each rule (rule-type,
 * rule-id, rule-name), handing each rule's reader to `readRule`. Rule ids must be unique.
 */
export function readRulesDocument<T>(
  json: string,
  member: string,
  ruleType: string,
  readRule: (r: RuleReader) => T,
  opts: { allowEmpty: boolean; otherTypes?: Readonly<Record<string, string>> },
): T[] {
  const top: RuleRef = { member };
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch (err) {
    return failRule(top, `is not valid JSON (${err instanceof Error ? err.message : String(err)}); write {"rules": [ ... ]}`);
  }
  if (!isPlainObject(doc)) failRule(top, `must be a JSON object {"rules": [ ... ]}, got ${describeJson(doc)}`);
  for (const key of Object.keys(doc)) {
    if (key !== 'rules') failRule(top, `has an unknown member '${key}'; the document holds only 'rules'`);
  }
  const raw = doc['rules'];
  if (raw === undefined || raw === null) failRule(top, `has no 'rules'; write {"rules": [ ... ]} with at least one ${ruleType} rule`);
  if (!Array.isArray(raw)) failRule(top, `'rules' must be an array, got ${describeJson(raw)}`);
  if (raw.length === 0 && !opts.allowEmpty) failRule(top, `'rules' is empty; add at least one ${ruleType} rule (an operation with no rule has nothing to act on)`);
  const out: T[] = [];
  const ids = new Map<string, number>();
  for (const [index, value] of raw.entries()) {
    if (!isPlainObject(value)) failRule({ member, index }, `must be a JSON object (a rule), got ${describeJson(value)}`);
    const rawId = value['rule-id'];
    let ruleId: string | undefined;
    if (typeof rawId === 'string' && /^\d+$/.test(rawId)) ruleId = rawId;
    else if (typeof rawId === 'number' && Number.isSafeInteger(rawId) && rawId >= 0) ruleId = String(rawId);
    if (ruleId === undefined) {
      failRule({ member, index }, rawId === undefined || rawId === null
        ? `'rule-id' is missing; every rule needs a unique numeric id such as "1"`
        : `'rule-id' must be a number or a string of digits such as "1", got ${describeJson(rawId)}`);
    }
    const rawName = value['rule-name'];
    let ruleName: string | undefined;
    if (typeof rawName === 'number' && Number.isFinite(rawName)) ruleName = String(rawName);
    else if (typeof rawName === 'string' && rawName.length > 0) ruleName = rawName;
    else if (rawName !== undefined && rawName !== null) failRule({ member, ruleId }, `'rule-name' must be a non-empty string, got ${describeJson(rawName)}`);
    const ref: RuleRef = { member, ruleId, ruleName: ruleName ?? ruleId };
    const twin = [...ids.keys()].find((k) => compareRuleIds(k, ruleId) === 0);
    if (twin !== undefined) failRule(ref, `rule-id ${ruleId} is used by rules[${ids.get(twin)}] too; give every rule its own id`);
    ids.set(ruleId, index);
    const r = new RuleReader(ref, value, '');
    const type = r.string('rule-type', { hint: `use "${ruleType}"` });
    if (type !== ruleType) {
      const why = opts.otherTypes?.[type];
      r.fail(`rule-type '${type}' is not accepted here${why ? `: ${why}` : ''}; ${member} holds only rule-type '${ruleType}' rules`);
    }
    out.push(readRule(r));
  }
  return out;
}
