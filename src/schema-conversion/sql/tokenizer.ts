/**
 * One SQL lexer for both dialects: parsers split and read statements with it, and the SQL
 * translators rewrite fragments token by token (keeping the text of every token they do not
 * touch, so formatting and comments survive a translation).
 */
import type { Dialect } from '../model.js';

export type TokenKind =
  | 'space'      // whitespace
  | 'comment'    // -- ..., # ... (MySQL), /* ... */
  | 'word'       // a bare identifier or keyword
  | 'quoted-id'  // `name` (MySQL) or "name" (PostgreSQL; also MySQL under ANSI_QUOTES)
  | 'string'     // '...', E'...', N'...', X'...', _utf8mb4'...', $tag$...$tag$
  | 'number'
  | 'param'      // ?, $1, @var, @@sysvar
  | 'op'         // operators: = <> != <= >= || :: -> ->> etc.
  | 'punct';     // ( ) , ; .

export interface Token {
  readonly kind: TokenKind;
  /** The token exactly as written. */
  readonly text: string;
  /** Offset of the token in the input. */
  readonly start: number;
  /**
   * For 'word': the text upper-cased (compare keywords with it). For 'quoted-id': the
   * identifier without quotes, escapes undone. For 'string': the value, escapes undone.
   */
  readonly value: string;
}

const multiCharOps = ['->>', '<=>', '::', '<>', '!=', '<=', '>=', '||', '&&', '->', ':=', '<<', '>>', '#>>', '#>', '@>', '<@', '~*', '!~*', '!~'];

export function tokenize(sql: string, dialect: Dialect): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  const push = (kind: TokenKind, start: number, end: number, value?: string) => {
    const text = sql.slice(start, end);
    out.push({ kind, text, start, value: value ?? (kind === 'word' ? text.toUpperCase() : text) });
    i = end;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < n && /\s/.test(sql[j]!)) j++;
      push('space', i, j);
    } else if ((c === '-' && next === '-') || (c === '#' && dialect === 'mysql')) {
      let j = sql.indexOf('\n', i);
      if (j < 0) j = n;
      push('comment', i, j);
    } else if (c === '/' && next === '*') {
      const j = sql.indexOf('*/', i + 2);
      push('comment', i, j < 0 ? n : j + 2);
    } else if (c === "'" ) {
      const [end, value] = readQuoted(sql, i, "'", dialect === 'mysql');
      push('string', i, end, value);
    } else if ((c === 'E' || c === 'e') && next === "'" && dialect === 'postgres') {
      const [end, value] = readQuoted(sql, i + 1, "'", true);
      push('string', i, end, value);
    } else if ((c === 'N' || c === 'n' || c === 'X' || c === 'x' || c === 'B' || c === 'b') && next === "'") {
      const [end, value] = readQuoted(sql, i + 1, "'", dialect === 'mysql');
      push('string', i, end, value);
    } else if (c === '_' && dialect === 'mysql' && /^_[a-z0-9]+'/i.test(sql.slice(i, i + 12))) {
      // Character set introducer: _utf8mb4'text'
      const q = sql.indexOf("'", i);
      const [end, value] = readQuoted(sql, q, "'", true);
      push('string', i, end, value);
    } else if (c === '`') {
      const [end, value] = readQuoted(sql, i, '`', false);
      push('quoted-id', i, end, value);
    } else if (c === '"') {
      // MySQL without ANSI_QUOTES reads "..." as a string; the dumps we parse (SHOW CREATE,
      // mysqldump) never use it for identifiers, so a string it is.
      const [end, value] = readQuoted(sql, i, '"', dialect === 'mysql');
      push(dialect === 'mysql' ? 'string' : 'quoted-id', i, end, value);
    } else if (c === '$' && dialect === 'postgres') {
      const m = /^\$([A-Za-z_][A-Za-z_0-9]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const close = sql.indexOf(tag, i + tag.length);
        const end = close < 0 ? n : close + tag.length;
        push('string', i, end, sql.slice(i + tag.length, close < 0 ? n : close));
      } else {
        let j = i + 1;
        while (j < n && /[0-9]/.test(sql[j]!)) j++;
        push('param', i, j);
      }
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) {
      const m = /^(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?\.?)/.exec(sql.slice(i));
      const len = m ? m[0].length : 1;
      // A number directly followed by letters is an identifier in MySQL (e.g. 1st_col).
      let j = i + len;
      if (/[A-Za-z_]/.test(sql[j] ?? '') && !/^0x/i.test(m?.[0] ?? '')) {
        while (j < n && /[A-Za-z0-9_$]/.test(sql[j]!)) j++;
        push('word', i, j);
      } else push('number', i, j);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j]!)) j++;
      push('word', i, j);
    } else if (c === '?' ) {
      push('param', i, i + 1);
    } else if (c === '@' && dialect === 'mysql') {
      let j = i + 1;
      if (sql[j] === '@') j++;
      while (j < n && /[A-Za-z0-9_$.]/.test(sql[j]!)) j++;
      push('param', i, j);
    } else if ('(),;.'.includes(c)) {
      push('punct', i, i + 1);
    } else {
      const op = multiCharOps.find((o) => sql.startsWith(o, i));
      push('op', i, i + (op ? op.length : 1));
    }
  }
  return out;
}

/** Reads a quoted run starting at `start` (the opening quote); doubled quotes escape, and backslashes when `backslash`. */
function readQuoted(sql: string, start: number, quote: string, backslash: boolean): [end: number, value: string] {
  let value = '';
  let j = start + 1;
  while (j < sql.length) {
    const ch = sql[j]!;
    if (backslash && ch === '\\' && j + 1 < sql.length) {
      const e = sql[j + 1]!;
      value += ({ n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', Z: '\x1a' } as Record<string, string>)[e] ?? e;
      j += 2;
    } else if (ch === quote) {
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
      } else return [j + 1, value];
    } else {
      value += ch;
      j++;
    }
  }
  return [sql.length, value];
}

/** The tokens without whitespace and comments: what parsers read. */
export function significant(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');
}

/**
 * Splits a script into statements at top-level `;`, honouring MySQL `DELIMITER` lines (as
 * mysqldump and the Sakila script use for triggers and routines). Returns each statement's
 * text without its terminator, trimmed; empty statements are dropped.
 */
export function splitStatements(script: string, dialect: Dialect): string[] {
  const out: string[] = [];
  let delimiter = ';';
  let rest = script;
  if (dialect === 'mysql') {
    // DELIMITER is a client command, one a line: handle it before lexing.
    const parts: string[] = [];
    let buf = '';
    for (const line of script.split('\n')) {
      const m = /^\s*DELIMITER\s+(\S+)\s*$/i.exec(line);
      if (m) {
        parts.push(...splitOn(buf, delimiter, dialect));
        buf = '';
        delimiter = m[1]!;
      } else buf += line + '\n';
    }
    parts.push(...splitOn(buf, delimiter, dialect));
    return parts;
  }
  rest = script;
  out.push(...splitOn(rest, ';', dialect));
  return out;
}

function splitOn(script: string, delimiter: string, dialect: Dialect): string[] {
  const out: string[] = [];
  const tokens = tokenize(script, dialect);
  let start = 0;
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') depth = Math.max(0, depth - 1);
    if (t.kind === 'comment' || t.kind === 'string' || t.kind === 'quoted-id') continue;
    if (depth === 0 && script.startsWith(delimiter, t.start) && (delimiter !== ';' || t.text === ';')) {
      const stmt = script.slice(start, t.start);
      if (hasContent(stmt, dialect)) out.push(stmt.trim());
      start = t.start + delimiter.length;
      // Skip the tokens the delimiter spans (a multi-character one like $$ or //).
      while (k + 1 < tokens.length && tokens[k + 1]!.start < start) k++;
    }
  }
  const tail = script.slice(start);
  if (hasContent(tail, dialect)) out.push(tail.trim());
  return out;
}

function hasContent(stmt: string, dialect: Dialect): boolean {
  return significant(tokenize(stmt, dialect)).length > 0;
}

/** Quotes an identifier for the dialect, only when needed (lower-case PostgreSQL names and plain MySQL names stay bare). */
export function quoteIdentifier(name: string, dialect: Dialect): string {
  if (dialect === 'postgres') {
    return /^[a-z_][a-z0-9_$]*$/.test(name) && !pgReserved.has(name.toUpperCase()) ? name : `"${name.replace(/"/g, '""')}"`;
  }
  return /^[A-Za-z_][A-Za-z0-9_$]*$/.test(name) && !mysqlReserved.has(name.toUpperCase()) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/** A string literal for the dialect. */
export function quoteLiteral(value: string, dialect: Dialect): string {
  if (dialect === 'mysql') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  return `'${value.replace(/'/g, "''")}'`;
}

// Reserved words that must be quoted as identifiers (the subset that real schemas hit).
const pgReserved = new Set(['ALL', 'ANALYSE', 'ANALYZE', 'AND', 'ANY', 'ARRAY', 'AS', 'ASC', 'ASYMMETRIC', 'BOTH', 'CASE', 'CAST', 'CHECK', 'COLLATE', 'COLUMN', 'CONSTRAINT', 'CREATE', 'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_ROLE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEFAULT', 'DEFERRABLE', 'DESC', 'DISTINCT', 'DO', 'ELSE', 'END', 'EXCEPT', 'FALSE', 'FETCH', 'FOR', 'FOREIGN', 'FROM', 'GRANT', 'GROUP', 'HAVING', 'IN', 'INITIALLY', 'INTERSECT', 'INTO', 'LATERAL', 'LEADING', 'LIMIT', 'LOCALTIME', 'LOCALTIMESTAMP', 'NOT', 'NULL', 'OFFSET', 'ON', 'ONLY', 'OR', 'ORDER', 'PLACING', 'PRIMARY', 'REFERENCES', 'RETURNING', 'SELECT', 'SESSION_USER', 'SOME', 'SYMMETRIC', 'TABLE', 'THEN', 'TO', 'TRAILING', 'TRUE', 'UNION', 'UNIQUE', 'USER', 'USING', 'VARIADIC', 'WHEN', 'WHERE', 'WINDOW', 'WITH']);
const mysqlReserved = new Set(['ADD', 'ALL', 'ALTER', 'ANALYZE', 'AND', 'AS', 'ASC', 'BEFORE', 'BETWEEN', 'BIGINT', 'BINARY', 'BLOB', 'BOTH', 'BY', 'CALL', 'CASCADE', 'CASE', 'CHANGE', 'CHAR', 'CHARACTER', 'CHECK', 'COLLATE', 'COLUMN', 'CONDITION', 'CONSTRAINT', 'CONTINUE', 'CONVERT', 'CREATE', 'CROSS', 'CURRENT_DATE', 'CURRENT_TIME', 'CURRENT_TIMESTAMP', 'CURRENT_USER', 'CURSOR', 'DATABASE', 'DATABASES', 'DEC', 'DECIMAL', 'DECLARE', 'DEFAULT', 'DELETE', 'DESC', 'DESCRIBE', 'DISTINCT', 'DIV', 'DOUBLE', 'DROP', 'EACH', 'ELSE', 'ELSEIF', 'ENCLOSED', 'ESCAPED', 'EXISTS', 'EXIT', 'EXPLAIN', 'FALSE', 'FETCH', 'FLOAT', 'FOR', 'FORCE', 'FOREIGN', 'FROM', 'FULLTEXT', 'GRANT', 'GROUP', 'HAVING', 'IF', 'IGNORE', 'IN', 'INDEX', 'INNER', 'INSERT', 'INT', 'INTEGER', 'INTERVAL', 'INTO', 'IS', 'JOIN', 'KEY', 'KEYS', 'KILL', 'LEADING', 'LEAVE', 'LEFT', 'LIKE', 'LIMIT', 'LINES', 'LOAD', 'LOCK', 'LONG', 'LOOP', 'MATCH', 'MOD', 'NATURAL', 'NOT', 'NULL', 'NUMERIC', 'ON', 'OPTION', 'OR', 'ORDER', 'OUT', 'OUTER', 'PRECISION', 'PRIMARY', 'PROCEDURE', 'RANGE', 'READ', 'REAL', 'REFERENCES', 'REGEXP', 'RELEASE', 'RENAME', 'REPEAT', 'REPLACE', 'REQUIRE', 'RESTRICT', 'RETURN', 'REVOKE', 'RIGHT', 'RLIKE', 'SCHEMA', 'SCHEMAS', 'SELECT', 'SET', 'SHOW', 'SMALLINT', 'SPATIAL', 'SQL', 'TABLE', 'THEN', 'TO', 'TRAILING', 'TRIGGER', 'TRUE', 'UNION', 'UNIQUE', 'UNLOCK', 'UNSIGNED', 'UPDATE', 'USAGE', 'USE', 'USING', 'VALUES', 'VARCHAR', 'WHEN', 'WHERE', 'WHILE', 'WITH', 'WRITE', 'XOR', 'YEAR_MONTH', 'ZEROFILL', 'RANK', 'ROWS', 'ROW', 'GROUPS', 'WINDOW', 'OVER', 'LAG', 'LEAD']);
