/**
 * Identifier limits of the target engines, checked on every target name the rules make, so
 * that a prefix that pushes a name past the limit fails at planning (naming the rule) rather
 * than as a DDL error, or worse, as PostgreSQL's silent truncation that can make two names one.
 */

/** PostgreSQL: NAMEDATALEN - 1 = 63 bytes. MySQL: 64 characters. */
export function identifierProblem(name: string, engine: 'postgres' | 'mysql'): string | undefined {
  if (name.length === 0) return 'is empty';
  if (engine === 'postgres') {
    const bytes = new TextEncoder().encode(name).length;
    return bytes > 63 ? `is ${bytes} bytes long; PostgreSQL identifiers hold at most 63 bytes` : undefined;
  }
  const chars = [...name].length;
  return chars > 64 ? `is ${chars} characters long; MySQL identifiers hold at most 64 characters` : undefined;
}

/**
 * The key two target names collide under: MySQL column names are case-insensitive, so `Id`
 * and `id` are the same column there; PostgreSQL (quoted identifiers) keeps them apart.
 */
export function columnKey(name: string, engine: 'postgres' | 'mysql'): string {
  return engine === 'mysql' ? name.toLowerCase() : name;
}
