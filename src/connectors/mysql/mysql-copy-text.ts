/**
 * PostgreSQL COPY text made by MySQL/MariaDB itself: one SELECT expression a row that
 * formats every value the way the PostgreSQL writer would (postgres-values.ts encodeField of
 * what mysql-values.ts decodes), so a MySQL -> PostgreSQL load passes the server's bytes
 * straight into COPY: no JavaScript string per value, which is most of that path's CPU.
 *
 * Only column types whose COPY text is a plain function of the text protocol's form take
 * this path (copyTextFits); FLOAT needs JavaScript's shortest round-trip form, BIT its digit
 * string, spatial types their extended WKT: tables with those are read row by row.
 * Pure: no I/O.
 */
import type { ColumnInfo, NeutralType, Row, Value } from '../spi/data-types.js';

// Character constants as utf8mb4 strings: no backslash escapes in literals (NO_BACKSLASH_ESCAPES
// may be on), and the same charset as the converted column values they meet in REPLACE.
const bs = 'CHAR(92 USING utf8mb4)';
const tab = 'CHAR(9 USING utf8mb4)';
const lf = 'CHAR(10 USING utf8mb4)';
const cr = 'CHAR(13 USING utf8mb4)';

export function copyTextFits(t: NeutralType): boolean {
  switch (t.kind) {
    case 'boolean':
    case 'int':
    case 'decimal':
    case 'char':
    case 'varchar':
    case 'text':
    case 'json':
    case 'enum':
    case 'set':
    case 'uuid':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'year':
    case 'binary':
    case 'blob':
      return true;
    default:
      return false;
  }
}

/** COPY text's escapes of backslash, tab, newline and carriage return, in SQL. */
function escaped(utf8: string): string {
  return `REPLACE(REPLACE(REPLACE(REPLACE(${utf8}, ${bs}, CONCAT(${bs}, ${bs})), ${tab}, CONCAT(${bs}, 't')), ${lf}, CONCAT(${bs}, 'n')), ${cr}, CONCAT(${bs}, 'r'))`;
}

/** One value as a COPY field, NULL when the value is NULL. `e` is the column's SELECT expression (LOB limit applied). */
function fieldExpression(c: ColumnInfo, e: string): string {
  const t = c.type;
  switch (t.kind) {
    case 'boolean':
      // As mysql-values.ts: 0/1 are booleans, any other value stays its digits.
      return `CASE ${e} WHEN 1 THEN 't' WHEN 0 THEN 'f' ELSE CAST(${e} AS CHAR) END`;
    case 'int':
    case 'decimal':
    case 'year':
    case 'date':
    case 'time':
      return e;
    case 'timestamp':
      return t.withTimeZone ? `CONCAT(${e}, '+00')` : e;
    case 'binary':
    case 'blob':
      // bytea hex input, its backslash escaped for COPY: \\x...
      return `CONCAT(${bs}, ${bs}, 'x', HEX(${e}))`;
    default:
      // Converted to utf8mb4 first: a latin1 (or other) column must reach PostgreSQL as UTF-8,
      // as the text protocol's conversion to the connection charset does for read().
      return escaped(`CONVERT(${e} USING utf8mb4)`);
  }
}

/** The SELECT expression of one COPY line: fields separated by tabs, \N for NULL, ended by a newline. */
export function copyTextRowExpression(columns: readonly { readonly column: ColumnInfo; readonly select: string }[]): string {
  const fields = columns.map(({ column, select }) => `IFNULL(${fieldExpression(column, select)}, CONCAT(${bs}, 'N'))`);
  return `CONCAT(${fields.join(`, ${tab}, `)}, ${lf})`;
}

/** Whole COPY lines of copyTextRowExpression back into the rows read() would have given. */
export function decodeCopyText(text: Buffer, columns: readonly ColumnInfo[]): Row[] {
  const rows: Row[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf(10, start);
    if (end < 0) end = text.length;
    const fields = text.toString('utf8', start, end).split('\t');
    if (fields.length !== columns.length) throw new Error(`a COPY line has ${fields.length} fields for ${columns.length} columns`);
    rows.push(fields.map((f, i) => valueOf(f, columns[i]!.type)));
    start = end + 1;
  }
  return rows;
}

function valueOf(field: string, t: NeutralType): Value {
  if (field === '\\N') return null;
  const s = field.includes('\\') ? field.replace(/\\([\\tnr])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\')) : field;
  switch (t.kind) {
    case 'boolean':
      return s === 't' ? true : s === 'f' ? false : s;
    case 'binary':
    case 'blob':
      return Buffer.from(s.slice(2), 'hex');
    default:
      return s;
  }
}
