/**
 * Typed reads of rule documents (selection rules of metadata-model requests, a migration
 * project's transformation rules). Every problem is an InvalidParameterValueException whose
 * message names the request member, the rule (id and name) and the JSON member, says what was
 * found and what to write instead: a rules document can be long, and "invalid rules" alone
 * would leave the user searching.
 */
import { invalidParameter } from '../../common/errors.js';

/** How a JSON value is described in messages. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a, b or c" */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The closest of `choices` to a misspelt word, when it is close enough to be a typo. */
export function closest(word: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

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

/** Orders rule ids as numbers, so "10" comes after "9" (ids may exceed a double). */
export function compareRuleIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One JSON object of a rule (the rule itself, its object-locator, its data-type). */
export class RuleReader {
  constructor(
    readonly rule: RuleRef,
    readonly obj: Readonly<Record<string, unknown>>,
    /** Where this object sits in the rule: '' for the rule, 'object-locator' ... */
    readonly path: string,
  ) {}

  static of(rule: RuleRef, value: unknown, path: string): RuleReader {
    if (!isPlainObject(value)) failRule(rule, `'${path}' must be a JSON object, got ${describeJson(value)}`);
    return new RuleReader(rule, value, path);
  }

  fail(problem: string): never {
    return failRule(this.rule, problem);
  }

  where(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** Fails on the first member not in `allowed`, naming it and the member it probably meant. */
  onlyMembers(allowed: readonly string[], what: string): void {
    for (const key of Object.keys(this.obj)) {
      if (allowed.includes(key)) continue;
      const guess = closest(key, allowed);
      this.fail(
        `unknown member '${this.where(key)}'` + (guess ? ` (did you mean '${guess}'?)` : '') + `; ${what} takes ${allowed.map((a) => `'${a}'`).join(', ')}`,
      );
    }
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  forbid(key: string, why: string): void {
    if (this.has(key)) this.fail(`'${this.where(key)}' ${why}; remove it`);
  }

  optString(key: string, opts: { nonEmpty?: boolean } = {}): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string') this.fail(`'${this.where(key)}' must be a string, got ${describeJson(v)}`);
    if (opts.nonEmpty && v.length === 0) this.fail(`'${this.where(key)}' must not be empty`);
    return v;
  }

  string(key: string, opts: { nonEmpty?: boolean; hint?: string } = {}): string {
    const v = this.optString(key, opts);
    if (v === undefined) this.fail(`'${this.where(key)}' is missing${opts.hint ? `; ${opts.hint}` : ''}`);
    return v;
  }

  oneOf<T extends string>(key: string, choices: readonly T[], what: string, opts: { required?: boolean } = {}): T | undefined {
    const v = opts.required ? this.string(key, { hint: `use ${orList(choices)}` }) : this.optString(key);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) {
      const guess = closest(v, choices);
      this.fail(`${this.where(key)} '${v}' is not valid for ${what}; use ${orList(choices)}${guess ? ` (did you mean '${guess}'?)` : ''}`);
    }
    return v as T;
  }

  /** An integer written as a JSON number or a string of digits (DMS writes both). */
  optInt(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let n: number | undefined;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
    else if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) n = Number(v.trim());
    if (n === undefined || !Number.isSafeInteger(n)) {
      return this.fail(`'${this.where(key)}' must be an integer (a number or a string of digits such as "2"), got ${describeJson(v)}`);
    }
    if (opts.min !== undefined && n < opts.min) this.fail(`'${this.where(key)}' must be at least ${opts.min}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) this.fail(`'${this.where(key)}' must be at most ${opts.max}, got ${n}`);
    return n;
  }

  optObject(key: string): RuleReader | undefined {
    const v = this.raw(key);
    return v === undefined ? undefined : RuleReader.of(this.rule, v, this.where(key));
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
