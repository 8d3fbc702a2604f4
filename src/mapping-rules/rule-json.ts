/**
 * Typed reads of the members of one JSON object inside a DMS rule (table mappings of a task,
 * selection and transformation rules of a migration project), with messages that say where
 * the member is ("object-locator.table-name"), what was found and what is expected. DMS
 * writes numbers as strings ("load-order": "2"), and the console writes absent options as
 * null ("value": null), so integers accept both forms and null reads as absent.
 *
 * The reader does not know which error a problem becomes: the engine throws a MappingError,
 * schema conversion an InvalidParameterValueException. Each passes its `fail`, which turns
 * the problem into its own error naming the rule.
 */

/** Turns a problem ("'value' is missing") into the caller's error about one rule, and throws it. */
export type FailRule = (problem: string) => never;

/** How a JSON value is described in messages: `string "x"`, `number 5`, `null`, `an array`. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** True for a JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Edit distance, to suggest the member a typo meant. */
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

/** The closest of `choices` to a misspelt `word`, when it is close enough to be a typo. */
export function closest(word: string, choices: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of choices) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) [best, bestD] = [c, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}

/** "a, b or c" */
export function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/**
 * Orders rule ids as numbers (DMS rule ids are numeric strings, possibly longer than a
 * double holds exactly), so "10" comes after "9".
 */
export function compareRuleIds(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `value` as a JSON object, or a failure naming `path`. */
export function objectAt(value: unknown, path: string, fail: FailRule): Record<string, unknown> {
  if (!isPlainObject(value)) fail(`'${path}' must be a JSON object, got ${describeJson(value)}`);
  return value;
}

/** An integer from a number or a digit string (DMS writes both), within bounds. */
export function readInt(v: unknown, where: string, fail: FailRule, opts: { min?: number; max?: number } = {}): number {
  let n: number | undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) n = v;
  else if (typeof v === 'string' && /^[+-]?\d+$/.test(v.trim())) n = Number(v.trim());
  if (n === undefined || !Number.isSafeInteger(n)) {
    return fail(`'${where}' must be an integer (a number or a string of digits such as "2"), got ${describeJson(v)}`);
  }
  if (opts.min !== undefined && n < opts.min) fail(`'${where}' must be at least ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) fail(`'${where}' must be at most ${opts.max}, got ${n}`);
  return n;
}

/**
 * A value that DMS writes as a string but users often write as a number (filter values,
 * range boundaries): kept as its canonical string.
 */
export function readScalarString(v: unknown, where: string, fail: FailRule): string {
  if (typeof v === 'string') return v;
  // A number prints in exponent form past 1e21 (and loses digits past 2^53): ask for a string then.
  if (typeof v === 'number' && Number.isFinite(v) && !/e/i.test(String(v)) && (!Number.isInteger(v) || Number.isSafeInteger(v))) return String(v);
  return fail(`'${where}' must be a string (or a number that JSON holds exactly), got ${describeJson(v)}; write it as a string such as "100"`);
}

/**
 * One JSON object of a rule (the rule itself, its object-locator, a filter, a data-type).
 * `Ref` is the caller's description of the rule, kept for the caller (ids, names); every
 * failure goes through `onFail`, which already knows the rule.
 */
export class RuleObjectReader<Ref> {
  constructor(
    readonly rule: Ref,
    readonly obj: Readonly<Record<string, unknown>>,
    /** Where this object sits in the rule: '' for the rule, 'object-locator', 'filters[0]'. */
    readonly path: string,
    private readonly onFail: FailRule,
  ) {}

  fail(problem: string): never {
    return this.onFail(problem);
  }

  /** The full name of a member for messages. */
  where(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** Fails on the first member not in `allowed`, naming it (and the member it probably meant). */
  onlyMembers(allowed: readonly string[], what: string): void {
    for (const key of Object.keys(this.obj)) {
      if (allowed.includes(key)) continue;
      const guess = closest(key, allowed);
      this.fail(
        `unknown member '${this.where(key)}'` +
          (guess ? ` (did you mean '${guess}'?)` : '') +
          `; ${what} takes ${allowed.map((a) => `'${a}'`).join(', ')}`,
      );
    }
  }

  /** True when the member is there and not null. */
  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  raw(key: string): unknown {
    const v = this.obj[key];
    return v === null ? undefined : v;
  }

  /** Fails when a member that has no meaning here is set (null counts as not set). */
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

  /** A string member that must be one of `choices`. */
  oneOf<T extends string>(key: string, choices: readonly T[], what: string, opts: { required?: boolean } = {}): T | undefined {
    const v = opts.required ? this.string(key, { hint: `use ${orList(choices)}` }) : this.optString(key);
    if (v === undefined) return undefined;
    if (!(choices as readonly string[]).includes(v)) {
      const guess = closest(v, choices);
      this.fail(`${this.where(key)} '${v}' is not valid for ${what}; use ${orList(choices)}${guess ? ` (did you mean '${guess}'?)` : ''}`);
    }
    return v as T;
  }

  /** An integer, written as a JSON number or as a string of digits (DMS writes both). */
  optInt(key: string, opts: { min?: number; max?: number } = {}): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    return readInt(v, this.where(key), this.onFail, opts);
  }

  /** A member that must be an object, read with the same rule and failure. */
  optObject(key: string): RuleObjectReader<Ref> | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const path = this.where(key);
    return new RuleObjectReader(this.rule, objectAt(v, path, this.onFail), path, this.onFail);
  }

  optArray(key: string): readonly unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(`'${this.where(key)}' must be an array, got ${describeJson(v)}`);
    return v;
  }
}
