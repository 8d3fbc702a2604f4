/**
 * Name patterns of object locators: `%` zero or more characters, `_` one character, `[_]` a
 * literal underscore, `[ab]` a set, `[a-d]` a range; case-sensitive. The same semantics as
 * src/engine/mapping/wildcard.ts (schema conversion may not import the engine: layer rule),
 * so a locator means the same thing in a task's table mappings and in a migration project.
 */

const cache = new Map<string, RegExp>();

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

function escapeInClass(ch: string): string {
  return /[\\^\]\[-]/.test(ch) ? `\\${ch}` : ch;
}

/** The anchored regular expression of a DMS name pattern. */
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
        // An unclosed bracket is an ordinary character.
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

/** True when the pattern holds a wildcard that can match more than one literal name. */
export function hasWildcard(pattern: string): boolean {
  return /[%_[]/.test(pattern);
}
