/**
 * MySQL/MariaDB SQL fragment -> PostgreSQL: view bodies, CHECK, generated-column, DEFAULT
 * and index expressions. A token rewrite (no full grammar): every token it does not touch
 * keeps its text, identifiers go through the converter's naming rules, and MySQL-only
 * functions and operators are mapped. What it cannot map makes `ok` false with an issue
 * naming the construct, so the object is reported for manual work instead of failing on
 * the target.
 */
import type { ConversionIssue } from '../model.js';
import { quoteIdentifier, quoteLiteral, tokenize, type Token } from './tokenizer.js';
import type { SqlTranslation, SqlTranslationContext } from './translation.js';

/** Translates one MySQL fragment or SELECT to PostgreSQL. */
export function translateMysqlSql(sql: string, ctx: SqlTranslationContext): SqlTranslation {
  const t = new MysqlToPostgres(sql, ctx);
  const out = t.run();
  return { sql: out, ok: t.ok, issues: t.issues };
}

/** Words that are never identifiers in an expression or a query. */
const keywords = new Set([
  'SELECT', 'FROM', 'WHERE', 'GROUP', 'BY', 'ORDER', 'HAVING', 'LIMIT', 'OFFSET', 'AS', 'ON', 'JOIN', 'INNER', 'LEFT', 'RIGHT',
  'OUTER', 'CROSS', 'NATURAL', 'STRAIGHT_JOIN', 'USING', 'UNION', 'ALL', 'DISTINCT', 'DISTINCTROW', 'AND', 'OR', 'NOT', 'XOR',
  'IS', 'NULL', 'TRUE', 'FALSE', 'UNKNOWN', 'IN', 'EXISTS', 'BETWEEN', 'LIKE', 'ESCAPE', 'REGEXP', 'RLIKE', 'CASE', 'WHEN',
  'THEN', 'ELSE', 'END', 'ASC', 'DESC', 'INTERVAL', 'DIV', 'MOD', 'CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME',
  'LOCALTIME', 'LOCALTIMESTAMP', 'CURRENT_USER', 'BINARY', 'COLLATE', 'WITH', 'ROLLUP', 'SOME', 'ANY', 'OVER', 'PARTITION',
  'ROWS', 'RANGE', 'PRECEDING', 'FOLLOWING', 'UNBOUNDED', 'CURRENT', 'ROW', 'WINDOW', 'FOR', 'UPDATE', 'SHARE', 'LOCK',
  'MODE', 'SEPARATOR', 'INTO', 'VALUES', 'EXCEPT', 'INTERSECT', 'LATERAL', 'RECURSIVE', 'SOUNDS', 'MEMBER', 'OF', 'HIGH_PRIORITY',
  'SQL_CALC_FOUND_ROWS', 'SQL_NO_CACHE', 'SQL_CACHE', 'SQL_SMALL_RESULT', 'SQL_BIG_RESULT', 'SQL_BUFFER_RESULT', 'FORCE', 'IGNORE',
  'USE', 'INDEX', 'KEY',
]);

/** Functions PostgreSQL has with the same name and meaning. */
const sameFunctions = new Set([
  'COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'COALESCE', 'NULLIF', 'GREATEST', 'LEAST', 'CONCAT', 'CONCAT_WS', 'UPPER', 'LOWER',
  'SUBSTR', 'SUBSTRING', 'TRIM', 'LTRIM', 'RTRIM', 'REPLACE', 'LPAD', 'RPAD', 'REPEAT', 'REVERSE', 'LEFT', 'RIGHT', 'ROUND',
  'FLOOR', 'CEIL', 'CEILING', 'ABS', 'SIGN', 'MOD', 'POWER', 'SQRT', 'EXP', 'LN', 'LOG10', 'PI', 'SIN', 'COS', 'TAN', 'ASIN',
  'ACOS', 'ATAN', 'ATAN2', 'COT', 'DEGREES', 'RADIANS', 'MD5', 'ASCII', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'OCTET_LENGTH',
  'BIT_LENGTH', 'NOW', 'EXISTS', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'BIT_AND', 'BIT_OR',
  'ROW_NUMBER', 'RANK', 'DENSE_RANK', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'NTH_VALUE', 'NTILE', 'PERCENT_RANK',
  'CUME_DIST', 'POSITION', 'TO_BASE64', 'IN', 'SHA1', 'SHA2',
]);
/** Renamed one for one (same arguments). */
const renamedFunctions: Readonly<Record<string, string>> = {
  IFNULL: 'COALESCE', UCASE: 'upper', LCASE: 'lower', POW: 'power', RAND: 'random', TRUNCATE: 'trunc', LENGTH: 'octet_length',
  INSTR: 'strpos', SYSDATE: 'clock_timestamp', MID: 'substr', STD: 'stddev_pop',
};
const aggregates = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'GROUP_CONCAT', 'STD', 'STDDEV', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'VARIANCE', 'BIT_AND', 'BIT_OR', 'BIT_XOR', 'JSON_ARRAYAGG', 'JSON_OBJECTAGG', 'ANY_VALUE']);
const intervalUnits: Readonly<Record<string, string>> = {
  MICROSECOND: 'microseconds', SECOND: 'seconds', MINUTE: 'minutes', HOUR: 'hours', DAY: 'days', WEEK: 'weeks', MONTH: 'months', QUARTER: '3 months', YEAR: 'years',
};
const extractFields: Readonly<Record<string, string>> = { YEAR: 'year', MONTH: 'month', DAY: 'day', DAYOFMONTH: 'day', HOUR: 'hour', MINUTE: 'minute', SECOND: 'second', QUARTER: 'quarter', DAYOFYEAR: 'doy' };
/** Keywords after which a name is a table reference. */
const tableRefLeads = new Set(['FROM', 'JOIN', 'STRAIGHT_JOIN', 'INTO', 'UPDATE']);
/** Keywords that end a FROM list. */
const fromEnders = new Set(['WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'ON', 'USING', 'WINDOW', 'FOR', 'LOCK', 'INTO', 'EXCEPT', 'INTERSECT']);

interface TableRef {
  readonly schema: string;
  readonly table: string;
}

class MysqlToPostgres {
  ok = true;
  readonly issues: ConversionIssue[] = [];
  private readonly toks: Token[];
  /** Index of the next significant token after each token (or toks.length). */
  private readonly nextSig: number[];
  private readonly prevSig: number[];
  /** Matching parenthesis of every ( and ). */
  private readonly match = new Map<number, number>();
  /** Token indices that begin a table reference (after FROM/JOIN/, in a FROM list). */
  private readonly tableRefAt = new Set<number>();
  /** Table aliases (lower case) and the tables they stand for. */
  private readonly aliases = new Map<string, TableRef>();
  /** Tables named without an alias, by lower-case name. */
  private readonly bareTables = new Map<string, TableRef>();
  /** Token indices that are aliases (after a table reference or AS). */
  private readonly aliasAt = new Set<number>();
  /** Extra text to emit after a token (GROUP BY completion). */
  private readonly after = new Map<number, string>();
  private readonly issueCodes = new Set<string>();

  constructor(
    private readonly sql: string,
    private readonly ctx: SqlTranslationContext,
  ) {
    this.toks = tokenize(sql, 'mysql');
    const n = this.toks.length;
    this.nextSig = new Array<number>(n + 1).fill(n);
    this.prevSig = new Array<number>(n + 1).fill(-1);
    let next = n;
    for (let k = n - 1; k >= 0; k--) {
      this.nextSig[k] = next;
      if (this.isSig(k)) next = k;
    }
    let prev = -1;
    for (let k = 0; k < n; k++) {
      this.prevSig[k] = prev;
      if (this.isSig(k)) prev = k;
    }
    const stack: number[] = [];
    for (let k = 0; k < n; k++) {
      const t = this.toks[k]!;
      if (t.kind === 'punct' && t.text === '(') stack.push(k);
      else if (t.kind === 'punct' && t.text === ')') {
        const open = stack.pop();
        if (open !== undefined) {
          this.match.set(open, k);
          this.match.set(k, open);
        }
      }
    }
    this.scanTableRefs();
    this.completeGroupBy();
  }

  run(): string {
    return this.range(0, this.toks.length);
  }

  private isSig(k: number): boolean {
    const t = this.toks[k];
    return t !== undefined && t.kind !== 'space' && t.kind !== 'comment';
  }

  private word(k: number): string {
    const t = this.toks[k];
    return t?.kind === 'word' ? t.value : '';
  }

  private isPunct(k: number, p: string): boolean {
    const t = this.toks[k];
    return t !== undefined && (t.kind === 'punct' || t.kind === 'op') && t.text === p;
  }

  private issue(severity: ConversionIssue['severity'], code: string, message: string, action: string): void {
    if (severity === 'error') this.ok = false;
    const key = `${code}:${message}`;
    if (this.issueCodes.has(key)) return;
    this.issueCodes.add(key);
    this.issues.push({ severity, code, message, action });
  }

  private unsupported(construct: string, action = 'rewrite this expression for PostgreSQL by hand'): void {
    this.issue('error', 'sql-not-translated', `${construct} has no automatic PostgreSQL translation`, action);
  }

  /** Is token k an identifier (quoted, or a bare word that is not a keyword or a function name)? */
  private isIdent(k: number): boolean {
    const t = this.toks[k];
    if (!t) return false;
    if (t.kind === 'quoted-id') return true;
    if (t.kind !== 'word') return false;
    if (this.isPunct(this.prevSig[k]!, '.') || this.isPunct(this.nextSig[k]!, '.')) return true;
    if (keywords.has(t.value)) return false;
    if (this.isPunct(this.nextSig[k]!, '(')) return false;
    // DATE '2020-01-01', TIMESTAMP '...': typed literals
    if (['DATE', 'TIME', 'TIMESTAMP'].includes(t.value) && this.toks[this.nextSig[k]!]?.kind === 'string') return false;
    return true;
  }

  private identName(k: number): string {
    const t = this.toks[k]!;
    return t.kind === 'quoted-id' ? t.value : t.text;
  }

  // -------------------------------------------------------------------------------------
  // Structure: table references, aliases, GROUP BY

  private scanTableRefs(): void {
    /** Per parenthesis depth: inside a FROM list. */
    const inFrom: boolean[] = [false];
    let depth = 0;
    for (let k = 0; k < this.toks.length; k++) {
      if (!this.isSig(k)) continue;
      const t = this.toks[k]!;
      if (t.kind === 'punct' && t.text === '(') {
        depth++;
        inFrom[depth] = false;
        continue;
      }
      if (t.kind === 'punct' && t.text === ')') {
        depth = Math.max(0, depth - 1);
        continue;
      }
      const w = this.word(k);
      if (w === 'FROM' || w === 'JOIN' || w === 'STRAIGHT_JOIN') inFrom[depth] = true;
      else if (fromEnders.has(w)) inFrom[depth] = false;
      const lead = tableRefLeads.has(w) || (t.kind === 'punct' && t.text === ',' && inFrom[depth]);
      if (!lead) continue;
      // Nested joins come parenthesized in SHOW CREATE VIEW: FROM ((a x JOIN b y ON ...) JOIN c ...)
      let s = this.nextSig[k]!;
      while (this.isPunct(s, '(')) s = this.nextSig[s]!;
      if (!this.isIdent(s)) continue;
      // [schema.]table [AS] alias
      this.tableRefAt.add(s);
      let ref: TableRef = { schema: this.ctx.schema, table: this.identName(s) };
      let end = s;
      if (this.isPunct(this.nextSig[s]!, '.') && this.isIdent(this.nextSig[this.nextSig[s]!]!)) {
        end = this.nextSig[this.nextSig[s]!]!;
        ref = { schema: this.identName(s), table: this.identName(end) };
      }
      let a = this.nextSig[end]!;
      if (this.word(a) === 'AS') a = this.nextSig[a]!;
      if (this.isIdent(a) && !this.isPunct(this.nextSig[a]!, '.')) {
        this.aliasAt.add(a);
        this.aliases.set(this.identName(a).toLowerCase(), ref);
      } else this.bareTables.set(ref.table.toLowerCase(), ref);
    }
  }

  /**
   * MySQL (without ONLY_FULL_GROUP_BY, or with it when it can prove functional dependence
   * through joins) accepts selected columns that are not grouped; PostgreSQL only accepts
   * columns of tables whose primary key is grouped. Adding the missing qualified columns to
   * GROUP BY keeps the groups (they depend on what is grouped) and makes the query valid.
   */
  private completeGroupBy(): void {
    for (let k = 0; k < this.toks.length; k++) {
      if (this.word(k) !== 'SELECT') continue;
      const end = this.levelEnd(k);
      let groupAt = -1;
      let groupEnd = end;
      const refs: [number, number][] = [];
      // Walk the SELECT's own level: skip nested parentheses that hold a subquery or an aggregate.
      let clause = 'SELECT';
      for (let j = this.nextSig[k]!; j < end; j = this.nextSig[j]!) {
        const w = this.word(j);
        if (['FROM', 'WHERE', 'HAVING', 'LIMIT', 'WINDOW'].includes(w)) {
          if (clause === 'GROUP' && groupEnd === end) groupEnd = this.prevSig[j]! + 1;
          clause = w;
        } else if ((w === 'GROUP' || w === 'ORDER') && this.word(this.nextSig[j]!) === 'BY') {
          if (clause === 'GROUP' && groupEnd === end) groupEnd = this.prevSig[j]! + 1;
          clause = w;
          if (w === 'GROUP') groupAt = this.nextSig[j]!;
          j = this.nextSig[j]!;
          continue;
        } else if (w === 'WITH' && clause === 'GROUP') {
          groupEnd = this.prevSig[j]! + 1;
          clause = 'WITH';
        }
        if (this.word(j) !== '' && aggregates.has(this.word(j)) && this.isPunct(this.nextSig[j]!, '(')) {
          j = this.match.get(this.nextSig[j]!)!;
          continue;
        }
        if (this.isPunct(j, '(') && this.word(this.nextSig[j]!) === 'SELECT') {
          j = this.match.get(j) ?? j;
          continue;
        }
        if ((clause === 'SELECT' || clause === 'ORDER' || clause === 'GROUP') && this.isIdent(j) && this.isPunct(this.nextSig[j]!, '.') && !this.isPunct(this.prevSig[j]!, '.')) {
          const col = this.nextSig[this.nextSig[j]!]!;
          if (!this.isIdent(col) || this.isPunct(this.nextSig[col]!, '.')) continue;
          if (clause === 'GROUP') refs.push([-1 - j, col]);
          else refs.push([j, col]);
          j = col;
        }
      }
      if (groupAt < 0) continue;
      const key = (q: number, c: number) => `${this.identName(q).toLowerCase()}.${this.identName(c).toLowerCase()}`;
      const grouped = new Set(refs.filter(([q]) => q < 0).map(([q, c]) => key(-1 - q, c)));
      const missing: string[] = [];
      for (const [q, c] of refs) {
        if (q < 0) continue;
        const kk = key(q, c);
        if (grouped.has(kk)) continue;
        grouped.add(kk);
        missing.push(this.range(q, c + 1));
      }
      if (missing.length === 0) continue;
      const last = this.prevSig[groupEnd]!;
      this.after.set(last, (this.after.get(last) ?? '') + `, ${missing.join(', ')}`);
      this.issue('warning', 'group-by-completed', `GROUP BY extended with ${missing.join(', ')}: PostgreSQL requires every selected column to be grouped or aggregated`, 'check that these columns depend on the grouped ones (as MySQL assumed); otherwise the groups differ from MySQL\'s');
    }
  }

  /** The end (exclusive) of the query level a SELECT at k belongs to: its closing parenthesis, or the end. */
  private levelEnd(k: number): number {
    let depth = 0;
    for (let j = k; j < this.toks.length; j++) {
      const t = this.toks[j]!;
      if (t.kind === 'punct' && t.text === '(') depth++;
      else if (t.kind === 'punct' && t.text === ')') {
        if (depth === 0) return j;
        depth--;
      } else if (depth === 0 && t.kind === 'word' && t.value === 'UNION' && j > k) return j;
    }
    return this.toks.length;
  }

  // -------------------------------------------------------------------------------------
  // Emission

  /** Translates tokens [from, to). */
  private range(from: number, to: number): string {
    let out = '';
    for (let k = from; k < to; ) {
      const [text, next] = this.token(k, to);
      out += text;
      for (let j = k; j < next; j++) {
        const extra = this.after.get(j);
        if (extra !== undefined && j < to) out += extra;
      }
      k = next;
    }
    return out;
  }

  /** Emits the token at k (and whatever construct starts there); returns the text and the next index. */
  private token(k: number, to: number): [string, number] {
    const t = this.toks[k]!;
    switch (t.kind) {
      case 'space':
        return [t.text, k + 1];
      case 'comment':
        if (t.text.startsWith('#')) return [`--${t.text.slice(1)}`, k + 1];
        if (t.text.startsWith('/*!')) return [t.text.slice(3, -2).replace(/^\d{5,6}/, ' '), k + 1];
        return [t.text, k + 1];
      case 'string':
        return [this.stringLiteral(t), k + 1];
      case 'number':
        if (/^0x/i.test(t.text)) return [`'\\x${t.text.slice(2)}'::bytea`, k + 1];
        return [t.text, k + 1];
      case 'param':
        this.unsupported(`the variable ${t.text}`, 'replace the variable with a value or a PL/pgSQL variable');
        return [t.text, k + 1];
      case 'op':
        return this.operator(k);
      case 'punct':
        return [t.text, k + 1];
      case 'quoted-id':
        return this.identifier(k);
      case 'word':
        if (this.isIdent(k)) return this.identifier(k);
        return this.keyword(k, to);
    }
  }

  private stringLiteral(t: Token): string {
    if (/^x'/i.test(t.text)) return `'\\x${t.value}'::bytea`;
    if (/^b'/i.test(t.text)) return `B'${t.value}'`;
    if (t.value.includes('\0')) this.unsupported('a string with a NUL character', 'PostgreSQL text cannot hold NUL: use bytea');
    return quoteLiteral(t.value, 'postgres');
  }

  private operator(k: number): [string, number] {
    const t = this.toks[k]!;
    switch (t.text) {
      case '<=>':
        return ['IS NOT DISTINCT FROM', k + 1];
      case '||':
        // MySQL's || is OR (unless PIPES_AS_CONCAT, which SHOW CREATE would print as concat()).
        return ['OR', k + 1];
      case '&&':
        return ['AND', k + 1];
      case '!':
        return ['NOT ', k + 1];
      case ':=':
        this.unsupported('the assignment :=');
        return [t.text, k + 1];
      case '->':
      case '->>':
        this.unsupported(`the JSON operator ${t.text}`, 'rewrite the JSON path with PostgreSQL\'s jsonb operators (-> ->> #>)');
        return [t.text, k + 1];
      case '^':
        return ['#', k + 1];
    }
    return [t.text, k + 1];
  }

  /** An identifier, with its qualifiers: schema.table.column, qualifier.column, table, alias or column. */
  private identifier(k: number): [string, number] {
    const parts = [k];
    let end = k;
    while (this.isPunct(this.nextSig[end]!, '.')) {
      const n = this.nextSig[this.nextSig[end]!]!;
      if (this.isIdent(n) || this.isPunct(n, '*')) {
        parts.push(n);
        end = n;
      } else break;
    }
    const names = parts.map((p) => (this.isPunct(p, '*') ? '*' : this.identName(p)));
    const q = (s: string) => (s === '*' ? '*' : quoteIdentifier(s, 'postgres'));
    const schemaOut = (s: string) => q(this.ctx.schemaName(s));
    let text: string;
    if (this.tableRefAt.has(k)) {
      text = names.length >= 2
        ? `${schemaOut(names[0]!)}.${q(this.ctx.tableName(names[0]!, names[1]!))}`
        : `${schemaOut(this.ctx.schema)}.${q(this.ctx.tableName(this.ctx.schema, names[0]!))}`;
    } else if (this.aliasAt.has(k) || this.isAlias(k)) {
      text = q(names[0]!.toLowerCase());
    } else if (names.length === 1) {
      text = q(this.ctx.columnName(this.ctx.schema, undefined, names[0]!));
    } else if (names.length === 2) {
      const [qual, col] = names as [string, string];
      const alias = this.aliases.get(qual.toLowerCase());
      const table = alias ?? this.bareTables.get(qual.toLowerCase()) ?? { schema: this.ctx.schema, table: qual };
      const qualOut = alias ? q(qual.toLowerCase()) : q(this.ctx.tableName(table.schema, qual));
      text = `${qualOut}.${col === '*' ? '*' : q(this.ctx.columnName(table.schema, table.table, col))}`;
    } else {
      const [s, tb, col] = names as [string, string, string];
      text = `${schemaOut(s)}.${q(this.ctx.tableName(s, tb))}.${col === '*' ? '*' : q(this.ctx.columnName(s, tb, col))}`;
    }
    // Spacing between the parts (`a . b`) is dropped: the parts are rebuilt.
    return [text, end + 1];
  }

  /** A column alias: after AS, or right after an expression in a select list. */
  private isAlias(k: number): boolean {
    const p = this.prevSig[k]!;
    if (this.word(p) === 'AS') return true;
    const pt = this.toks[p];
    if (!pt || this.isPunct(this.nextSig[k]!, '.')) return false;
    // `expr alias`: the previous token ends an operand, and what follows the name ends the item.
    const endsOperand = pt.kind === 'string' || pt.kind === 'number' || this.isPunct(p, ')') || (this.isIdent(p) && !this.aliasAt.has(p));
    const nxt = this.nextSig[k]!;
    const endsItem = nxt >= this.toks.length || this.isPunct(nxt, ',') || this.isPunct(nxt, ')') || this.word(nxt) === 'FROM';
    return endsOperand && endsItem && !this.tableRefAt.has(k);
  }

  private keyword(k: number, to: number): [string, number] {
    const t = this.toks[k]!;
    const w = t.value;
    const open = this.nextSig[k]!;
    const niladic = ['CURRENT_TIMESTAMP', 'CURRENT_DATE', 'CURRENT_TIME', 'LOCALTIME', 'LOCALTIMESTAMP'].includes(w);
    if (this.isPunct(open, '(') && (!keywords.has(w) || niladic)) return this.functionCall(k, open);
    switch (w) {
      case 'LIMIT':
        return this.limit(k, to);
      case 'DIV':
        // PostgreSQL's / on two integers is MySQL's DIV (truncating); on decimals it is not.
        this.issue('warning', 'div-as-slash', 'DIV is translated as /, which divides integers the same way but keeps the fraction of decimals', 'if an operand is not an integer, write trunc(a / b)');
        return ['/', k + 1];
      case 'MOD':
        return ['%', k + 1];
      case 'XOR':
        this.unsupported('XOR', 'write (a) <> (b) for booleans');
        return [t.text, k + 1];
      case 'REGEXP':
      case 'RLIKE':
        return ['~*', k + 1];
      case 'NOT':
        if (['REGEXP', 'RLIKE'].includes(this.word(open))) return ['!~*', open + 1];
        return [t.text, k + 1];
      case 'BINARY':
        this.issue('warning', 'binary-cast-dropped', 'BINARY (compare as bytes) is dropped: PostgreSQL compares text case-sensitively already', 'none unless the comparison relied on byte order of a non-UTF-8 character set');
        return ['', this.nextSig[k]!];
      case 'INTERVAL':
        return this.interval(k, to);
      case 'SEPARATOR':
        this.unsupported('SEPARATOR outside GROUP_CONCAT');
        return [t.text, k + 1];
      case 'WITH':
        if (this.word(open) === 'ROLLUP') {
          this.unsupported('GROUP BY ... WITH ROLLUP', 'write GROUP BY ROLLUP (...) in PostgreSQL');
        }
        return [t.text, k + 1];
      case 'COLLATE': {
        // MySQL collation names do not exist in PostgreSQL: compare with the column's collation.
        const name = this.nextSig[k]!;
        this.issue('warning', 'collate-dropped', `COLLATE ${this.toks[name]?.text ?? ''} is dropped: PostgreSQL has no MySQL collations`, 'if the comparison must ignore case, use lower() or ILIKE, or a nondeterministic ICU collation');
        return ['', name + 1];
      }
      case 'STRAIGHT_JOIN':
        return ['JOIN', k + 1];
      case 'DISTINCTROW':
        return ['DISTINCT', k + 1];
      case 'SQL_CALC_FOUND_ROWS':
      case 'SQL_NO_CACHE':
      case 'SQL_CACHE':
      case 'SQL_SMALL_RESULT':
      case 'SQL_BIG_RESULT':
      case 'SQL_BUFFER_RESULT':
      case 'HIGH_PRIORITY':
        return ['', this.nextSig[k]!];
      case 'FORCE':
      case 'USE':
      case 'IGNORE':
        if (['INDEX', 'KEY'].includes(this.word(open))) {
          // Index hints: PostgreSQL's planner takes none. Drop `USE INDEX (...)`.
          let j = this.nextSig[open]!;
          if (this.word(j) === 'FOR') j = this.nextSig[this.nextSig[this.nextSig[j]!]!]!;
          if (this.isPunct(j, '(')) return ['', (this.match.get(j) ?? j) + 1];
        }
        return [t.text, k + 1];
    }
    return [t.text, k + 1];
  }

  /** `LIMIT n`, `LIMIT n OFFSET m`, `LIMIT m, n`. */
  private limit(k: number, to: number): [string, number] {
    const a = this.nextSig[k]!;
    const comma = this.nextSig[a]!;
    if (this.isPunct(comma, ',')) {
      const b = this.nextSig[comma]!;
      return [`LIMIT ${this.range(b, b + 1)} OFFSET ${this.range(a, a + 1)}`, Math.min(to, b + 1)];
    }
    return ['LIMIT', k + 1];
  }

  /** INTERVAL expr UNIT -> a PostgreSQL interval. */
  private interval(k: number, to: number): [string, number] {
    let j = this.nextSig[k]!;
    const start = j;
    // The expression runs until the unit word at the same depth.
    while (j < to && !(this.word(j) in intervalUnits && j !== start)) {
      if (this.isPunct(j, '(')) j = this.match.get(j) ?? j;
      j = this.nextSig[j]!;
    }
    const unitWord = this.word(j);
    const unit = intervalUnits[unitWord];
    if (!unit || j >= to) {
      const compound = this.toks[j]?.text ?? '';
      this.unsupported(`INTERVAL with unit ${compound}`, 'write a PostgreSQL interval such as interval \'1 day 2 hours\'');
      return [this.toks[k]!.text, k + 1];
    }
    const exprTok = this.toks[start]!;
    if (this.nextSig[start] === j && exprTok.kind === 'number') return [`interval '${exprTok.text} ${unit}'`, j + 1];
    if (this.nextSig[start] === j && exprTok.kind === 'string' && /^-?\d+(\.\d+)?$/.test(exprTok.value)) return [`interval '${exprTok.value} ${unit}'`, j + 1];
    const expr = this.range(start, this.prevSig[j]! + 1);
    return [`(${expr}) * interval '1 ${unit.replace(/^3 /, '')}'${unit.startsWith('3 ') ? ' * 3' : ''}`, j + 1];
  }

  /** The argument ranges of the call whose `(` is at open. */
  private args(open: number): [number, number][] {
    const close = this.match.get(open)!;
    const out: [number, number][] = [];
    let start = open + 1;
    for (let j = open + 1; j < close; j++) {
      if (this.isPunct(j, '(')) j = this.match.get(j) ?? j;
      else if (this.isPunct(j, ',')) {
        out.push([start, j]);
        start = j + 1;
      }
    }
    if (this.nextSig[open] !== close) out.push([start, close]);
    return out;
  }

  private argText(r: [number, number]): string {
    return this.range(r[0], r[1]).trim();
  }

  private functionCall(k: number, open: number): [string, number] {
    const name = this.toks[k]!.value;
    const close = this.match.get(open);
    if (close === undefined) {
      this.unsupported(`an unbalanced call of ${name}`);
      return [this.toks[k]!.text, k + 1];
    }
    const next = close + 1;
    const args = this.args(open);
    // Arguments are translated only by the cases that use them (GROUP_CONCAT and CAST read theirs themselves).
    const arg = (i: number): string => this.argText(args[i]!);
    const plain = () => `${this.toks[k]!.text.toLowerCase()}(${this.range(open + 1, close)})`;
    if (sameFunctions.has(name)) return [plain(), next];
    const renamed = renamedFunctions[name];
    if (renamed) {
      if (name === 'INSTR' || name === 'LENGTH' || name === 'IFNULL' || args.length > 0 || name === 'RAND' || name === 'SYSDATE') {
        if (name === 'RAND' && args.length > 0) this.unsupported('RAND(seed)', 'call setseed() before random()');
        return [`${renamed}(${name === 'RAND' ? '' : this.range(open + 1, close)})`, next];
      }
    }
    switch (name) {
      case 'IF':
        if (args.length !== 3) break;
        return [`CASE WHEN ${arg(0)} THEN ${arg(1)} ELSE ${arg(2)} END`, next];
      case 'GROUP_CONCAT':
        return [this.groupConcat(open, close), next];
      case 'CURRENT_TIMESTAMP':
      case 'LOCALTIMESTAMP':
      case 'LOCALTIME':
        return [args.length === 0 ? name : `${name}(${arg(0)})`, next];
      case 'CURDATE':
      case 'CURRENT_DATE':
        return ['CURRENT_DATE', next];
      case 'CURTIME':
      case 'CURRENT_TIME':
        return ['LOCALTIME', next];
      case 'UTC_TIMESTAMP':
        return ["(now() AT TIME ZONE 'UTC')", next];
      case 'UTC_DATE':
        return ["(now() AT TIME ZONE 'UTC')::date", next];
      case 'UUID':
        return ['gen_random_uuid()::text', next];
      case 'UNIX_TIMESTAMP':
        return [args.length === 0 ? 'floor(extract(epoch from now()))::bigint' : `floor(extract(epoch from ${arg(0)}))::bigint`, next];
      case 'FROM_UNIXTIME':
        if (args.length !== 1) break;
        return [`to_timestamp(${arg(0)})`, next];
      case 'LOCATE':
        if (args.length !== 2) break;
        return [`strpos(${arg(1)}, ${arg(0)})`, next];
      case 'DATEDIFF':
        if (args.length !== 2) break;
        return [`((${arg(0)})::date - (${arg(1)})::date)`, next];
      case 'DATE':
        if (args.length !== 1) break;
        return [`(${arg(0)})::date`, next];
      case 'TIME':
        if (args.length !== 1) break;
        return [`(${arg(0)})::time`, next];
      case 'DATE_ADD':
      case 'ADDDATE':
      case 'DATE_SUB':
      case 'SUBDATE':
        if (args.length !== 2 || this.word(this.nextSig[args[1]![0] - 1]!) !== 'INTERVAL') break;
        return [`(${arg(0)} ${name === 'DATE_ADD' || name === 'ADDDATE' ? '+' : '-'} ${arg(1)})`, next];
      case 'DAYOFWEEK':
        if (args.length !== 1) break;
        return [`(extract(dow from ${arg(0)})::integer + 1)`, next];
      case 'LOG2':
        if (args.length !== 1) break;
        return [`log(2, ${arg(0)})`, next];
      case 'LOG':
        return [args.length === 1 ? `ln(${arg(0)})` : `log(${args.map((r) => this.argText(r)).join(', ')})`, next];
      case 'CAST':
        return this.cast(open, close, next);
      case 'CONVERT': {
        const using = this.findWord(open + 1, close, 'USING');
        if (using >= 0) return [`(${this.range(open + 1, using).trim()})`, next];
        if (args.length === 2) {
          const type = this.castType(args[1]![0], args[1]![1]);
          if (type) return [`CAST(${arg(0)} AS ${type})`, next];
        }
        break;
      }
      case 'JSON_VALID':
        this.unsupported('json_valid()', 'PostgreSQL json/jsonb columns validate their values: drop the check, or use a json column');
        return [plain(), next];
      default:
        if (name in extractFields && args.length === 1) return [`extract(${extractFields[name]} from ${arg(0)})::integer`, next];
    }
    this.unsupported(`the function ${name}()`, `rewrite ${name}() with PostgreSQL functions`);
    return [plain(), next];
  }

  private findWord(from: number, to: number, w: string): number {
    for (let j = from; j < to; j++) {
      if (this.isPunct(j, '(')) j = this.match.get(j) ?? j;
      else if (this.word(j) === w) return j;
    }
    return -1;
  }

  private cast(open: number, close: number, next: number): [string, number] {
    const as = this.findWord(open + 1, close, 'AS');
    if (as < 0) {
      this.unsupported('CAST without AS');
      return [this.range(open - 1, close + 1), next];
    }
    const type = this.castType(this.nextSig[as]!, close);
    const expr = this.range(open + 1, as).trim();
    if (!type) {
      this.unsupported(`CAST to ${this.sql.slice(this.toks[this.nextSig[as]!]!.start, this.toks[close]!.start).trim()}`);
      return [`CAST(${expr} AS ${this.range(this.nextSig[as]!, close).trim()})`, next];
    }
    return [`CAST(${expr} AS ${type})`, next];
  }

  /** A MySQL CAST target type as PostgreSQL spells it. */
  private castType(from: number, to: number): string | undefined {
    const text = this.sql.slice(this.toks[from]!.start, this.toks[to - 1]!.start + this.toks[to - 1]!.text.length).trim().toUpperCase().replace(/\s+/g, ' ');
    const m = /^([A-Z ]+?)\s*(\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?(?: CHARACTER SET \w+)?$/.exec(text);
    if (!m) return undefined;
    const [, base, , p, s] = m;
    switch (base) {
      case 'CHAR':
      case 'NCHAR':
        return p ? `character varying(${p})` : 'text';
      case 'SIGNED':
      case 'SIGNED INTEGER':
      case 'SIGNED INT':
      case 'UNSIGNED':
      case 'UNSIGNED INTEGER':
      case 'UNSIGNED INT':
        return 'bigint';
      case 'DECIMAL':
        return p ? `numeric(${p}${s ? `,${s}` : ''})` : 'numeric';
      case 'DATE':
        return 'date';
      case 'DATETIME':
        return p ? `timestamp(${p})` : 'timestamp';
      case 'TIME':
        return p ? `time(${p})` : 'time';
      case 'BINARY':
        return 'bytea';
      case 'JSON':
        return 'jsonb';
      case 'DOUBLE':
      case 'REAL':
        return 'double precision';
      case 'FLOAT':
        return 'real';
    }
    return undefined;
  }

  /** GROUP_CONCAT([DISTINCT] x [, y ...] [ORDER BY ...] [SEPARATOR s]) -> string_agg. */
  private groupConcat(open: number, close: number): string {
    let from = this.nextSig[open]!;
    let distinct = false;
    if (this.word(from) === 'DISTINCT') {
      distinct = true;
      from = this.nextSig[from]!;
    }
    let sepAt = this.findWord(from, close, 'SEPARATOR');
    let orderAt = -1;
    for (let j = from; j < (sepAt >= 0 ? sepAt : close); j++) {
      if (this.isPunct(j, '(')) j = this.match.get(j) ?? j;
      else if (this.word(j) === 'ORDER' && this.word(this.nextSig[j]!) === 'BY') {
        orderAt = j;
        break;
      }
    }
    const exprEnd = orderAt >= 0 ? orderAt : sepAt >= 0 ? sepAt : close;
    const parts: string[] = [];
    let start = from;
    for (let j = from; j < exprEnd; j++) {
      if (this.isPunct(j, '(')) j = this.match.get(j) ?? j;
      else if (this.isPunct(j, ',')) {
        parts.push(this.range(start, j).trim());
        start = j + 1;
      }
    }
    parts.push(this.range(start, exprEnd).trim());
    const value = parts.length === 1 ? parts[0]! : `concat(${parts.join(', ')})`;
    const arg = `(${value})::text`;
    let sep = "','";
    if (sepAt >= 0) {
      sep = this.range(this.nextSig[sepAt]!, close).trim();
    } else sepAt = close;
    let order = '';
    if (orderAt >= 0) {
      const orderText = this.range(this.nextSig[this.nextSig[orderAt]!]!, sepAt).trim();
      if (distinct) {
        // PostgreSQL: with DISTINCT, ORDER BY may only use the aggregated value.
        const desc = /\bDESC\s*$/i.test(orderText);
        const same = orderText.replace(/\s+(ASC|DESC)\s*$/i, '') === value;
        order = ` ORDER BY ${arg}${desc ? ' DESC' : ''}`;
        if (!same) {
          this.issue('warning', 'group-concat-order', `GROUP_CONCAT(DISTINCT ... ORDER BY ${orderText}) is ordered by the aggregated value instead: PostgreSQL's DISTINCT aggregates can only be ordered by their argument`, 'check that the order of the concatenated values is acceptable');
        }
      } else order = ` ORDER BY ${orderText}`;
    }
    return `string_agg(${distinct ? 'DISTINCT ' : ''}${arg}, ${sep}${order})`;
  }
}
