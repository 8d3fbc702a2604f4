/**
 * ExtraConnectionAttributes: `name=value` pairs separated by semicolons, no white space around
 * the separators (the model's documentation). A value may itself contain `=` (e.g.
 * `afterConnectScript=SET session_replication_role='replica'`), so only the first `=` splits.
 */
import { invalidParameter } from '../../common/errors.js';

export function parseExtraConnectionAttributes(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const parts = text.split(';');
  // One trailing semicolon is allowed: DMS itself writes the attributes that way.
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (eq < 0 || name === '' || !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(name)) {
      throw invalidParameter(
        `ExtraConnectionAttributes '${text}' is not valid at '${part}': give name=value pairs separated by semicolons, with names of letters, digits, '_', '.' or '-' and no spaces around '=' or ';' (e.g. heartbeatEnable=true;heartbeatFrequency=5).`,
      );
    }
    if (out.has(name)) throw invalidParameter(`ExtraConnectionAttributes names '${name}' twice; give each attribute once.`);
    out.set(name, part.slice(eq + 1));
  }
  return out;
}

/** Checks the syntax and returns the text unchanged (DMS returns what was given). */
export function checkExtraConnectionAttributes(text: string): string {
  if (text === '') return text;
  parseExtraConnectionAttributes(text);
  return text;
}
