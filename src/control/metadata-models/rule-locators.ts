/**
 * The few things this module reads from (already validated) selection rules itself: which
 * schemas an import must read from the database, the schema a statement model is placed
 * under, and which statement models a selection takes. Which objects of a model a selection
 * holds is selectModel's (src/schema-conversion).
 */
import type { SelectionRule, SelectionRules } from '../../schema-conversion/index.js';

/** `%` any run of characters, `_` one character; case-sensitive like object names in selectModel. */
function like(pattern: string, name: string, literal: boolean): boolean {
  if (literal) return pattern === name;
  const body = [...pattern].map((c) => (c === '%' ? '[\\s\\S]*' : c === '_' ? '[\\s\\S]' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'u').test(name);
}

const forServer = (r: SelectionRule, server: string): boolean => like(r.locator.serverName.toLowerCase(), server.toLowerCase(), r.action === 'explicit');

const namesSchema = (r: SelectionRule, schema: string): boolean =>
  r.locator.schemaName === undefined || like(r.locator.schemaName, schema, r.action === 'explicit');

/** The schemas of `available` that some include/explicit rule for this server may select objects of. */
export function schemasNamed(rules: SelectionRules, server: string, available: readonly string[]): string[] {
  const including = rules.rules.filter((r) => r.action !== 'exclude' && forServer(r, server));
  const excluding = rules.rules.filter((r) => r.action === 'exclude' && forServer(r, server) && !r.locator.categoryName && !r.locator.object);
  return available.filter((s) => including.some((r) => namesSchema(r, s)) && !excluding.some((r) => namesSchema(r, s)));
}

/** The one schema the rules of a StartMetadataModelCreation place the statement under, or why not. */
export function creationSchema(rules: SelectionRules): { readonly schema: string; readonly server: string } | { readonly error: string } {
  const including = rules.rules.filter((r) => r.action !== 'exclude');
  const rule = including[0];
  if (including.length !== 1 || rule?.locator.schemaName === undefined || rule.locator.categoryName !== undefined || rule.locator.object) {
    return { error: "SelectionRules of StartMetadataModelCreation must hold exactly one include or explicit rule whose object-locator stops at 'schema-name': the schema the statement is placed under." };
  }
  return { schema: rule.locator.schemaName, server: rule.locator.serverName };
}

/**
 * Does the selection take the statement models of `schema`? Statement models sit directly
 * under their schema, so a rule takes them when it selects the schema as a whole (its
 * locator stops at schema-name); an exclude rule of that form wins.
 */
export function selectsStatements(rules: SelectionRules, server: string, schema: string): boolean {
  const whole = (r: SelectionRule): boolean => forServer(r, server) && namesSchema(r, schema) && !r.locator.categoryName && !r.locator.object;
  return rules.rules.some((r) => r.action !== 'exclude' && whole(r)) && !rules.rules.some((r) => r.action === 'exclude' && whole(r));
}
