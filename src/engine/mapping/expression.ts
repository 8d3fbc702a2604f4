/**
 * The column references of an add-column `expression`: SQLite syntax where `$name` is a
 * source column (the Expressions page of the user guide). Only the references are read here,
 * so a rule naming a missing column fails when the plan is built rather than on the first
 * row; evaluating the expression is the loader's business.
 */

/**
 * DMS's header and metadata names (`$AR_H_...`, `$AR_M_...`): not source columns, so they
 * are never checked against the table.
 */
export function isDmsMetadataName(name: string): boolean {
  return /^AR_[HM]_/.test(name);
}

/** The distinct `$name` references of an expression, skipping string literals and quoted identifiers. */
export function expressionReferences(expr: string): string[] {
  const found: string[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === "'" || ch === '"' || ch === '`') {
      // A quote doubled inside the literal escapes it, SQLite's rule for all three quotes.
      let j = i + 1;
      while (j < expr.length) {
        if (expr[j] === ch) {
          if (expr[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      i = j + 1;
    } else if (ch === '$') {
      const m = /^[\p{L}\p{N}_]+/u.exec(expr.slice(i + 1));
      if (m && !found.includes(m[0])) found.push(m[0]);
      i += 1 + (m ? m[0].length : 0);
    } else i++;
  }
  return found;
}
