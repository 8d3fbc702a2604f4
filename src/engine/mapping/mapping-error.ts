/**
 * The one error of the mapping layer, and how messages name a rule: every problem a user can
 * fix says which rule (id and name) holds it, because a TableMappings document can have
 * hundreds of rules and "invalid table mappings" alone would leave them searching.
 */

/** A TableMappings document that is not valid; the message names the rule id and the problem. */
export class MappingError extends Error {
  constructor(
    message: string,
    readonly ruleId?: string,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

/** Who a message is about: a rule by id and name, or (before its id is known) by position. */
export interface RuleRef {
  readonly ruleId?: string;
  readonly ruleName?: string;
  /** 0-based position in `rules`, for rules whose id is missing or unreadable. */
  readonly index?: number;
}

/** "rule 3 (rule-name 'r3')", or "rules[2] (no valid rule-id)" before the id is known. */
export function ruleLabel(ref: RuleRef): string {
  if (ref.ruleId === undefined) return `rules[${ref.index ?? '?'}] (no valid rule-id)`;
  return ref.ruleName === undefined ? `rule ${ref.ruleId}` : `rule ${ref.ruleId} (rule-name '${ref.ruleName}')`;
}

/** Throws a MappingError about one rule: "<label>: <problem>". */
export function failRule(ref: RuleRef, problem: string): never {
  throw new MappingError(`${ruleLabel(ref)}: ${problem}`, ref.ruleId);
}
