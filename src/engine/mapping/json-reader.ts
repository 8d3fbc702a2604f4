/**
 * The engine's reader of one JSON object inside a table-mappings rule: the shared rule reader
 * (src/mapping-rules/rule-json.ts) whose failures are MappingErrors naming the rule.
 */
import { objectAt, RuleObjectReader } from '../../mapping-rules/rule-json.js';
import { failRule, type RuleRef } from './mapping-error.js';

/** One JSON object of a rule (the rule itself, its object-locator, a filter ...). */
export class JsonReader extends RuleObjectReader<RuleRef> {
  constructor(rule: RuleRef, obj: Readonly<Record<string, unknown>>, path: string) {
    super(rule, obj, path, (problem) => failRule(rule, problem));
  }

  /** Reads `value` as an object (or fails naming `path`). */
  static of(rule: RuleRef, value: unknown, path: string): JsonReader {
    return new JsonReader(rule, objectAt(value, path, (problem) => failRule(rule, problem)), path);
  }
}
