/**
 * Name patterns of object locators. The DMS user guide's wildcard table
 * (CHAP_Tasks.CustomizingTasks.TableMapping.SelectionTransformation.Wildcards) defines:
 * `%` zero or more characters, `_` a single character, `[_]` a literal underscore, `[ab]` a
 * set and `[a-d]` a range. Matching is case-sensitive (the transformations page: "Table names
 * and column names ... are case-sensitive"). One implementation for a task's table mappings
 * and a migration project's rules, so a locator means the same thing in both.
 *
 * Where DMS requires an exact name (filters, table-settings, explicit selection) only `%`
 * counts as a wildcard: names such as `order_items` are common and DMS accepts them there.
 */

const cache = new Map<string, RegExp>();

/** Escapes a character for a `u` regex outside a class (where only syntax characters may be escaped). */
function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Escapes a character inside a class, where `-` is special too. */
function escapeInClass(ch: string): string {
  return /[\\^\]\[-]/.test(ch) ? `\\${ch}` : ch;
}

/** The regular expression of a DMS name pattern (anchored, case-sensitive). */
export function patternRegex(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  const chars = [...pattern];
  let re = '';
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else if (ch === '[') {
      const close = chars.indexOf(']', i + 2);
      if (close < 0) {
        // An unclosed bracket is an ordinary character: nothing in the guide makes it an error.
        re += escapeRegex(ch);
        continue;
      }
      const set = chars.slice(i + 1, close);
      let cls = '';
      for (let k = 0; k < set.length; k++) {
        const a = set[k] as string;
        const b = set[k + 2];
        if (set[k + 1] === '-' && b !== undefined && a <= b) {
          cls += `${escapeInClass(a)}-${escapeInClass(b)}`;
          k += 2;
        } else cls += escapeInClass(a);
      }
      re += `[${cls}]`;
      i = close;
    } else re += escapeRegex(ch);
  }
  const compiled = new RegExp(`^${re}$`, 'u');
  cache.set(pattern, compiled);
  return compiled;
}

/** True when `name` matches the DMS name pattern. */
export function matchesPattern(pattern: string, name: string): boolean {
  return patternRegex(pattern).test(name);
}

/** True when the name holds `%`, the wildcard DMS refuses where it needs an exact name. */
export function hasPercent(name: string): boolean {
  return name.includes('%');
}

/**
 * True when the pattern is meant to name one object: no `%` and no `[` set. A lone `_` is a
 * wildcard to DMS but almost always a literal underscore in practice (`first_name`), so it
 * does not make a pattern "many" for the checks that refuse a rule naming a missing column.
 */
export function namesOne(pattern: string): boolean {
  return !/[%[]/.test(pattern);
}

/** True when the pattern holds any wildcard (`%`, `_` or a `[` set), so it may match other names than its own text. */
export function hasWildcard(pattern: string): boolean {
  return /[%_[]/.test(pattern);
}
