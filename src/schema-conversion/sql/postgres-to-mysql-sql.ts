/**
 * PostgreSQL SQL fragment -> MySQL/MariaDB (defaults, CHECKs, generated columns, index
 * expressions, view bodies).
 *
 * Token-based: the fragment is lexed, parentheses become a tree, and a few rewrites run on
 * each level (function calls, `::` casts, `||` chains); every token not rewritten keeps its
 * text, so spacing and comments survive. What the translator does not know it does not
 * guess: an unknown function (user-defined, or PostgreSQL-only), an operator or keyword
 * without a MySQL form makes the translation `ok: false`, with an issue naming it, and the
 * object needs manual work.
 *
 * Table references after FROM/JOIN are qualified with the target schema: MySQL resolves an
 * unqualified name in a view against the session's default database, not the view's.
 */
import { pgTypeFromText } from '../../connectors/spi/postgres-type-text.js';
import type { ConversionIssue } from '../model.js';
import { quoteIdentifier, quoteLiteral, tokenize, type Token } from './tokenizer.js';
import type { SqlTranslation, SqlTranslationContext } from './translation.js';

type Node =
  | { readonly t: 'tok'; readonly tok: Token }
  | { readonly t: 'group'; items: Node[] }
  /** Rewritten text; `literal` when it is one string literal (its value). */
  | { readonly t: 'raw'; readonly text: string; readonly literal?: string };

/** Functions PostgreSQL and MySQL both have, with the same meaning for the arguments views use. */
const sameFunctions = new Set([
  'ABS', 'ASCII', 'AVG', 'CEIL', 'CEILING', 'CHAR_LENGTH', 'CHARACTER_LENGTH', 'COALESCE', 'CONCAT', 'CONCAT_WS', 'COS', 'COUNT',
  'DEGREES', 'EXP', 'EXTRACT', 'FLOOR', 'GREATEST', 'LEAST', 'LEFT', 'LN', 'LOWER', 'LPAD', 'LTRIM', 'MAX', 'MD5', 'MIN', 'MOD',
  'NULLIF', 'PI', 'POSITION', 'POWER', 'RADIANS', 'REPEAT', 'REPLACE', 'REVERSE', 'RIGHT', 'ROUND', 'RPAD', 'RTRIM', 'SIGN', 'SIN',
  'SQRT', 'STDDEV_POP', 'STDDEV_SAMP', 'SUBSTR', 'SUBSTRING', 'SUM', 'TAN', 'TRIM', 'UPPER', 'VAR_POP', 'VAR_SAMP',
  'ROW_NUMBER', 'RANK', 'DENSE_RANK', 'LAG', 'LEAD', 'FIRST_VALUE', 'LAST_VALUE', 'NTILE', 'CUME_DIST', 'PERCENT_RANK',
]);

/** Functions with another name (same arguments) in MySQL. */
const renamedFunctions: Readonly<Record<string, string>> = {
  LENGTH: 'CHAR_LENGTH', // PostgreSQL counts characters, MySQL's LENGTH bytes
  RANDOM: 'RAND',
  LOG: 'LOG10', // PostgreSQL's one-argument log is base 10, MySQL's natural
  STDDEV: 'STDDEV_SAMP',
  VARIANCE: 'VAR_SAMP',
  TRUNC: 'TRUNCATE',
  STRPOS: 'LOCATE',
};

/** Words after which `(` is not a function call. */
const keywords = new Set([
  'ALL', 'AND', 'ANY', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'CROSS', 'DESC', 'DISTINCT', 'ELSE', 'END', 'EXCEPT', 'EXISTS',
  'FROM', 'FULL', 'GROUP', 'HAVING', 'ILIKE', 'IN', 'INNER', 'INTERSECT', 'IS', 'JOIN', 'LEFT', 'LIKE', 'LIMIT', 'NATURAL', 'NOT',
  'NULL', 'OFFSET', 'ON', 'OR', 'ORDER', 'OUTER', 'OVER', 'PARTITION', 'RIGHT', 'ROW', 'SELECT', 'SOME', 'THEN', 'UNION', 'USING',
  'VALUES', 'WHEN', 'WHERE', 'WITH', 'TRUE', 'FALSE', 'FILTER', 'WITHIN', 'LATERAL', 'ARRAY', 'INTERVAL', 'RECURSIVE',
]);

/** Words that end an operand of `||` (and of a cast's type name). */
const boundaryWords = new Set([
  'AND', 'AS', 'ASC', 'BETWEEN', 'BY', 'CASE', 'DESC', 'DISTINCT', 'ELSE', 'END', 'ESCAPE', 'FROM', 'GROUP', 'HAVING', 'ILIKE', 'IN',
  'IS', 'JOIN', 'LIKE', 'LIMIT', 'NOT', 'OFFSET', 'ON', 'OR', 'ORDER', 'SELECT', 'SIMILAR', 'THEN', 'UNION', 'USING', 'WHEN', 'WHERE',
  'SEPARATOR', 'INNER', 'LEFT', 'RIGHT', 'CROSS', 'FULL', 'OUTER', 'NULLS', 'FOR',
]);
const boundaryOps = new Set(['=', '<', '>', '<=', '>=', '<>', '!=', '<=>']);

/** Constructs with no MySQL form this translator writes. */
const unsupportedWords: Readonly<Record<string, string>> = {
  RETURNING: 'RETURNING has no MySQL equivalent',
  LATERAL: 'LATERAL joins are not supported by MariaDB (MySQL 8.0.14+ only)',
  FILTER: 'aggregate FILTER (WHERE ...) has no MySQL form; rewrite it with CASE inside the aggregate',
  ARRAY: 'PostgreSQL arrays have no MySQL equivalent',
  SIMILAR: 'SIMILAR TO has no MySQL form; rewrite it with REGEXP',
  INTERVAL: 'PostgreSQL interval literals differ from MySQL INTERVAL expressions',
  FETCH: 'FETCH FIRST is not supported by MySQL; use LIMIT',
};
const unsupportedOps: Readonly<Record<string, string>> = {
  '->': 'JSON operators differ between PostgreSQL and MySQL',
  '->>': 'JSON operators differ between PostgreSQL and MySQL',
  '#>': 'JSON path operators have no MySQL form',
  '#>>': 'JSON path operators have no MySQL form',
  '@>': 'containment operators have no MySQL form',
  '<@': 'containment operators have no MySQL form',
  '&&': 'the overlap operator has no MySQL form (and && is AND in MySQL)',
  '?': 'JSON key operators have no MySQL form',
  '!~': 'regular expression operators: rewrite with NOT REGEXP',
  '!~*': 'regular expression operators: rewrite with NOT REGEXP',
};

/** Translates one PostgreSQL fragment to MySQL. */
export function translatePostgresSql(sql: string, ctx: SqlTranslationContext): SqlTranslation {
  const tr = new Translator(ctx);
  const tree = buildTree(tokenize(sql, 'postgres'));
  const out = render(tr.level(tree, false)).trim();
  return { sql: out, ok: tr.ok, issues: tr.issues };
}

function buildTree(tokens: readonly Token[]): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  for (const tok of tokens) {
    const top = stack[stack.length - 1]!;
    if (tok.kind === 'punct' && tok.text === '(') {
      const g: Node = { t: 'group', items: [] };
      top.push(g);
      stack.push(g.items);
    } else if (tok.kind === 'punct' && tok.text === ')' && stack.length > 1) {
      stack.pop();
    } else top.push({ t: 'tok', tok });
  }
  return root;
}

function render(nodes: readonly Node[]): string {
  return nodes.map((n) => (n.t === 'tok' ? n.tok.text : n.t === 'raw' ? n.text : `(${render(n.items)})`)).join('');
}

const isSpace = (n: Node | undefined): boolean => n?.t === 'tok' && (n.tok.kind === 'space' || n.tok.kind === 'comment');
const word = (n: Node | undefined): string | undefined => (n?.t === 'tok' && n.tok.kind === 'word' ? n.tok.value : undefined);
const opText = (n: Node | undefined): string | undefined => (n?.t === 'tok' && (n.tok.kind === 'op' || n.tok.kind === 'punct') ? n.tok.text : undefined);

/** Index of the next non-space node after k (or nodes.length). */
function nextSig(nodes: readonly Node[], k: number): number {
  let j = k + 1;
  while (j < nodes.length && isSpace(nodes[j])) j++;
  return j;
}

function prevSig(nodes: readonly Node[], k: number): number {
  let j = k - 1;
  while (j >= 0 && isSpace(nodes[j])) j--;
  return j;
}

function trimNodes(nodes: readonly Node[]): Node[] {
  let a = 0;
  let b = nodes.length;
  while (a < b && isSpace(nodes[a])) a++;
  while (b > a && isSpace(nodes[b - 1])) b--;
  return nodes.slice(a, b);
}

/** Splits at depth-0 commas (nodes are one level: groups are already nested). */
function splitCommas(nodes: readonly Node[]): Node[][] {
  const out: Node[][] = [[]];
  for (const n of nodes) {
    if (opText(n) === ',') out.push([]);
    else out[out.length - 1]!.push(n);
  }
  return out;
}

/** The string value when the nodes are one string literal (parentheses allowed). */
function literalOf(nodes: readonly Node[]): string | undefined {
  const t = trimNodes(nodes);
  if (t.length !== 1) return undefined;
  const n = t[0]!;
  if (n.t === 'raw') return n.literal;
  if (n.t === 'group') return literalOf(n.items);
  return n.tok.kind === 'string' ? n.tok.value : undefined;
}

class Translator {
  ok = true;
  readonly issues: ConversionIssue[] = [];
  private readonly reported = new Set<string>();

  constructor(private readonly ctx: SqlTranslationContext) {}

  fail(code: string, message: string, action: string): void {
    this.ok = false;
    this.note('error', code, message, action);
  }

  note(severity: ConversionIssue['severity'], code: string, message: string, action: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.issues.push({ severity, code, message, action });
  }

  /** Rewrites one level; `tableFirst`: the level starts with a table reference (a parenthesized join). */
  level(input: readonly Node[], tableFirst: boolean): Node[] {
    // Children first, knowing whether they start a FROM item.
    let nodes: Node[] = input.map((n, k) => {
      if (n.t !== 'group') return n;
      const before = word(input[prevSig(input, k)]);
      const inner = trimNodes(n.items);
      const startsSelect = word(inner[0]) === 'SELECT' || word(inner[0]) === 'WITH';
      const fromItem = (before === 'FROM' || before === 'JOIN' || (tableFirst && prevSig(input, k) < 0)) && !startsSelect;
      return { t: 'group', items: this.level(n.items, fromItem) };
    });
    nodes = this.tokens(nodes, tableFirst);
    nodes = this.calls(nodes);
    nodes = this.casts(nodes);
    nodes = this.concats(nodes);
    nodes = this.offsets(nodes);
    return nodes;
  }

  /** Token-level rewrites: quoting, strings, operators, keywords, table references. */
  private tokens(nodes: Node[], tableFirst: boolean): Node[] {
    const out: Node[] = [];
    let expectTable = tableFirst;
    let inFrom = tableFirst;
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (n.t !== 'tok') {
        if (n.t === 'group') expectTable = false;
        out.push(n);
        continue;
      }
      const tok = n.tok;
      const next = nodes[nextSig(nodes, k)];
      if (tok.kind === 'word') {
        const v = tok.value;
        if (v === 'FROM' || v === 'JOIN') {
          expectTable = true;
          inFrom = true;
          out.push(n);
          continue;
        }
        if (['WHERE', 'GROUP', 'ORDER', 'HAVING', 'LIMIT', 'UNION', 'ON', 'USING', 'WINDOW', 'OFFSET', 'EXCEPT', 'INTERSECT'].includes(v)) inFrom = false;
        if (v === 'ILIKE') {
          out.push({ t: 'raw', text: 'LIKE' });
          this.note('warning', 'ilike', 'ILIKE became LIKE: MySQL compares case-insensitively under the default _ci collations, case-sensitively under binary or _cs ones', 'check the collation of the compared columns');
          continue;
        }
        if (unsupportedWords[v]) {
          this.fail('unsupported-construct', `${v}: ${unsupportedWords[v]}`, 'rewrite this part by hand');
        }
        if (v === 'DISTINCT' && word(next) === 'ON') this.fail('distinct-on', 'DISTINCT ON has no MySQL equivalent', 'rewrite it with a window function (ROW_NUMBER) or GROUP BY');
        if ((v === 'NULLS' && (word(next) === 'FIRST' || word(next) === 'LAST'))) {
          this.fail('nulls-ordering', 'NULLS FIRST/LAST has no MySQL form', 'order by (column IS NULL) first, then by the column');
        }
        if (v === 'AT' && word(next) === 'TIME') this.fail('at-time-zone', 'AT TIME ZONE has no MySQL form', 'use CONVERT_TZ() with loaded time zone tables');
        if (expectTable && !keywords.has(v) && opText(next) !== '(') {
          expectTable = false;
          k = this.tableRef(nodes, k, out);
          continue;
        }
        expectTable = false;
        const mapped = !keywords.has(v) && next?.t !== 'group' ? this.columnName(nodes, k, tok.text.toLowerCase()) : tok.text.toLowerCase();
        out.push(mapped === tok.text.toLowerCase() ? n : { t: 'raw', text: quoteIdentifier(mapped, 'mysql') });
        continue;
      }
      if (tok.kind === 'quoted-id') {
        if (expectTable && opText(next) !== '(') {
          expectTable = false;
          k = this.tableRef(nodes, k, out);
          continue;
        }
        expectTable = false;
        // A quoted function name ("substring"(...)) is the function: MySQL reads `name`(...) as a stored function.
        if (next?.t === 'group') out.push({ t: 'tok', tok: { ...tok, kind: 'word', text: tok.value, value: tok.value.toUpperCase() } });
        else out.push({ t: 'raw', text: quoteIdentifier(this.columnName(nodes, k, tok.value), 'mysql') });
        continue;
      }
      if (tok.kind === 'string') {
        out.push({ t: 'raw', text: quoteLiteral(tok.value, 'mysql'), literal: tok.value });
        continue;
      }
      if (tok.kind === 'param') {
        this.fail('parameter', `parameter ${tok.text} has no meaning outside a function body`, 'rewrite the fragment without parameters');
        out.push(n);
        continue;
      }
      if (tok.kind === 'op') {
        if (unsupportedOps[tok.text]) this.fail('unsupported-operator', `operator ${tok.text}: ${unsupportedOps[tok.text]}`, 'rewrite this part by hand');
        if (tok.text === '~' || tok.text === '~*') {
          out.push({ t: 'raw', text: 'REGEXP' });
          this.note('warning', 'regexp', `${tok.text} became REGEXP: MySQL's regular expressions follow the column's collation for case`, 'check the pattern and the collation');
          continue;
        }
        if (tok.text === '~~') {
          out.push({ t: 'raw', text: 'LIKE' });
          continue;
        }
      }
      if (opText(n) === ',' && inFrom) expectTable = true;
      else if (tok.kind !== 'space' && tok.kind !== 'comment') expectTable = false;
      out.push(n);
    }
    return out;
  }

  /** A column (or alias: the naming rules leave names they do not know alone); qualifiers before a dot stay. */
  private columnName(nodes: readonly Node[], k: number, name: string): string {
    if (opText(nodes[nextSig(nodes, k)]) === '.') return name;
    return this.ctx.columnName(this.ctx.schema, undefined, name);
  }

  /** A table reference at nodes[k] ([schema.]name), qualified with the target schema; returns the last index consumed. */
  private tableRef(nodes: readonly Node[], k: number, out: Node[]): number {
    const nameOf = (n: Node | undefined): string | undefined =>
      n?.t === 'tok' ? (n.tok.kind === 'word' ? n.tok.text.toLowerCase() : n.tok.kind === 'quoted-id' ? n.tok.value : undefined) : undefined;
    const first = nameOf(nodes[k])!;
    const dot = nextSig(nodes, k);
    let schema = this.ctx.schema;
    let table = first;
    let last = k;
    if (opText(nodes[dot]) === '.') {
      const second = nextSig(nodes, dot);
      const name = nameOf(nodes[second]);
      if (name !== undefined) {
        schema = first;
        table = name;
        last = second;
      }
    }
    const target = `${quoteIdentifier(this.ctx.schemaName(schema), 'mysql')}.${quoteIdentifier(this.ctx.tableName(schema, table), 'mysql')}`;
    out.push({ t: 'raw', text: target });
    return last;
  }

  /** Function calls: name(args). */
  private calls(input: Node[]): Node[] {
    // pg_catalog.upper(...) is upper(...).
    const nodes = input.filter((n, k) => !(word(n) === 'PG_CATALOG' && opText(input[k + 1]) === '.') && !(opText(n) === '.' && word(input[k - 1]) === 'PG_CATALOG'));
    const out: Node[] = [];
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      const g = nodes[k + 1];
      const name = word(n);
      // A call qualified with a schema: a user-defined function.
      if (name && opText(nodes[k + 1]) === '.' && word(nodes[k + 2]) && nodes[k + 3]?.t === 'group') {
        this.fail('unknown-function', `function ${render(nodes.slice(k, k + 3))}() is a user-defined function`, 'create the function on the target by hand, or rewrite the expression');
        out.push(n, nodes[k + 1]!, nodes[k + 2]!, nodes[k + 3]!);
        k += 3;
        continue;
      }
      // Not a call: a keyword before a group, a qualified name, or a type after :: (varchar(10)).
      if (!name || g?.t !== 'group' || keywords.has(name) || (k > 0 && opText(nodes[k - 1]) === '.') || opText(nodes[prevSig(nodes, k)]) === '::') {
        out.push(n);
        continue;
      }
      const text = n.t === 'tok' ? n.tok.text : name;
      const args = g.items;
      k++;
      if (name === 'NOW' || name === 'TRANSACTION_TIMESTAMP' || name === 'STATEMENT_TIMESTAMP') {
        out.push({ t: 'raw', text: 'CURRENT_TIMESTAMP' });
        continue;
      }
      if (name === 'CLOCK_TIMESTAMP') {
        out.push({ t: 'raw', text: 'SYSDATE(6)' });
        continue;
      }
      if (name === 'CAST') {
        out.push(this.castCall(args));
        continue;
      }
      if (name === 'STRING_AGG') {
        out.push(this.stringAgg(args));
        continue;
      }
      if (name === 'DATE_PART') {
        const parts = splitCommas(args);
        const field = literalOf(parts[0] ?? []);
        if (parts.length === 2 && field && /^(year|month|day|hour|minute|second|week|quarter|microsecond)$/i.test(field)) {
          out.push({ t: 'raw', text: `EXTRACT(${field.toUpperCase()} FROM ${render(trimNodes(parts[1]!))})` });
        } else {
          this.fail('unknown-function', `date_part(${render(args)}) has no MySQL equivalent for that field`, 'rewrite it with EXTRACT or the MySQL date functions');
          out.push(n, g);
        }
        continue;
      }
      if (sameFunctions.has(name)) {
        out.push(n, g);
        continue;
      }
      const renamed = renamedFunctions[name];
      if (renamed) {
        if (name === 'TRUNC' && splitCommas(args).length === 1) out.push({ t: 'raw', text: `TRUNCATE(${render(args)}, 0)` });
        else out.push({ t: 'raw', text: renamed }, g);
        continue;
      }
      this.fail('unknown-function', `function ${text}() has no known MySQL equivalent (a PostgreSQL-only or user-defined function)`, 'create an equivalent function on the target by hand, or rewrite the expression');
      out.push(n, g);
    }
    return out;
  }

  private castCall(args: Node[]): Node {
    let asAt = -1;
    args.forEach((n, k) => {
      if (word(n) === 'AS') asAt = k;
    });
    if (asAt < 0) {
      this.fail('cast', `CAST(${render(args)}) has no AS type`, 'rewrite the cast');
      return { t: 'raw', text: `CAST(${render(args)})` };
    }
    return this.cast(args.slice(0, asAt), render(args.slice(asAt + 1)).trim());
  }

  /** string_agg(x, sep [ORDER BY ...]) -> GROUP_CONCAT(x [ORDER BY ...] SEPARATOR sep). */
  private stringAgg(args: Node[]): Node {
    const parts = splitCommas(args);
    if (parts.length !== 2) {
      this.fail('string-agg', `string_agg(${render(args)}) needs two arguments`, 'rewrite it with GROUP_CONCAT');
      return { t: 'raw', text: `GROUP_CONCAT(${render(args)})` };
    }
    const second = parts[1]!;
    const orderAt = second.findIndex((n) => word(n) === 'ORDER');
    const sepNodes = orderAt >= 0 ? second.slice(0, orderAt) : second;
    const order = orderAt >= 0 ? ` ${render(trimNodes(second.slice(orderAt)))}` : '';
    const sep = literalOf(sepNodes);
    if (sep === undefined) {
      this.fail('string-agg', `string_agg's separator ${render(sepNodes).trim()} is not a literal: MySQL's GROUP_CONCAT SEPARATOR must be one`, 'use a literal separator');
    }
    const first = render(trimNodes(parts[0]!));
    return { t: 'raw', text: `GROUP_CONCAT(${first}${order} SEPARATOR ${sep !== undefined ? quoteLiteral(sep, 'mysql') : render(trimNodes(sepNodes))})` };
  }

  /** `x::type` -> CAST(x AS type), literals kept as literals where the cast only names their type. */
  private casts(nodes: Node[]): Node[] {
    for (let k = 0; k < nodes.length; k++) {
      if (opText(nodes[k]) !== '::') continue;
      // The operand: the primary just before (a group with its function name, or a dotted name, or a single token).
      let a = prevSig(nodes, k);
      if (a < 0) continue;
      if (nodes[a]!.t === 'group' && word(nodes[a - 1]) && !keywords.has(word(nodes[a - 1])!)) a--;
      while (a >= 2 && opText(nodes[a - 1]) === '.' && (nodes[a - 2]?.t === 'tok' || nodes[a - 2]?.t === 'raw')) a -= 2;
      // The type: words (several for `character varying`, `timestamp without time zone`), a group, [].
      let b = nextSig(nodes, k);
      const typeStart = b;
      let end = b;
      const typeWords = new Set(['VARYING', 'PRECISION', 'WITHOUT', 'WITH', 'TIME', 'ZONE']);
      let first = true;
      while (b < nodes.length) {
        const w = word(nodes[b]);
        const q = nodes[b]?.t === 'tok' && (nodes[b] as { tok: Token }).tok.kind === 'quoted-id';
        if ((w && (first || typeWords.has(w))) || (q && first)) {
          end = b;
          first = false;
        } else if (!first && nodes[b]?.t === 'group') end = b;
        else if (!first && (opText(nodes[b]) === '[' || opText(nodes[b]) === ']' || opText(nodes[b]) === '.')) {
          end = b;
          if (opText(nodes[b]) === '.') first = true;
        } else break;
        b = nextSig(nodes, b);
      }
      const typeText = render(nodes.slice(typeStart, end + 1)).trim();
      const replaced = this.cast(nodes.slice(a, prevSig(nodes, k) + 1), typeText);
      nodes = [...nodes.slice(0, a), replaced, ...nodes.slice(end + 1)];
      k = a;
    }
    return nodes;
  }

  private cast(operand: readonly Node[], typeText: string): Node {
    const x = render(trimNodes(operand));
    const lit = literalOf(operand);
    const t = pgTypeFromText(typeText);
    const fail = (why: string): Node => {
      this.fail('cast', `cast to ${typeText}: ${why}`, 'rewrite the cast by hand');
      return { t: 'raw', text: `CAST(${x} AS ${typeText})` };
    };
    if (lit !== undefined && lit.toLowerCase() === 'now') {
      if (t.kind === 'date') return { t: 'raw', text: 'CURRENT_DATE' };
      if (t.kind === 'timestamp') return { t: 'raw', text: 'CURRENT_TIMESTAMP' };
    }
    switch (t.kind) {
      case 'text':
      case 'varchar':
      case 'char':
      case 'uuid':
      case 'enum':
        if (lit !== undefined) return { t: 'raw', text: quoteLiteral(lit, 'mysql'), literal: lit };
        return { t: 'raw', text: t.kind === 'char' || (t.kind === 'varchar' && t.length !== undefined) ? `CAST(${x} AS CHAR(${t.length}))` : `CAST(${x} AS CHAR)` };
      case 'int':
        return { t: 'raw', text: `CAST(${x} AS SIGNED)` };
      case 'decimal':
        return { t: 'raw', text: `CAST(${x} AS DECIMAL(${t.precision ?? 65},${t.precision === undefined ? 30 : (t.scale ?? 0)}))` };
      case 'float':
        return { t: 'raw', text: `(${x} + 0E0)` };
      case 'date':
        return { t: 'raw', text: `CAST(${x} AS DATE)` };
      case 'time':
        return { t: 'raw', text: `CAST(${x} AS TIME(${Math.min(t.precision ?? 6, 6)}))` };
      case 'timestamp':
        if (t.withTimeZone) this.note('warning', 'timestamptz-cast', `cast to ${typeText} became DATETIME: MySQL keeps no time zone`, 'check that the values are in the zone the target expects');
        return { t: 'raw', text: `CAST(${x} AS DATETIME(${Math.min(t.precision ?? 6, 6)}))` };
      case 'boolean':
        if (lit !== undefined && /^(t|true|y|yes|on|1)$/i.test(lit.trim())) return { t: 'raw', text: 'TRUE' };
        if (lit !== undefined && /^(f|false|n|no|off|0)$/i.test(lit.trim())) return { t: 'raw', text: 'FALSE' };
        return { t: 'raw', text: `(${x} <> 0)` };
      case 'json':
        if (lit !== undefined) return { t: 'raw', text: quoteLiteral(lit, 'mysql'), literal: lit };
        return fail('MariaDB has no JSON cast');
      case 'native':
        if (lit !== undefined && !/^(regclass|regtype|interval|oid)$/.test(t.type)) {
          // A user type (enum or domain) or a PostgreSQL type of the literal: the literal itself.
          this.note('info', 'cast-dropped', `cast of '${lit}' to ${typeText} dropped: MySQL takes the literal as it is`, 'none');
          return { t: 'raw', text: quoteLiteral(lit, 'mysql'), literal: lit };
        }
        return fail(`${t.type} has no MySQL equivalent`);
      default:
        return fail(`no MySQL cast for ${t.kind}`);
    }
  }

  /** a || b || c -> CONCAT(a, b, c). */
  private concats(nodes: Node[]): Node[] {
    const isBoundary = (n: Node): boolean => {
      const w = word(n);
      if (w && boundaryWords.has(w)) return true;
      const o = opText(n);
      return o === ',' || o === ';' || (o !== undefined && boundaryOps.has(o));
    };
    for (;;) {
      const first = nodes.findIndex((n) => opText(n) === '||');
      if (first < 0) return nodes;
      let start = first;
      while (start > 0 && !isBoundary(nodes[start - 1]!)) start--;
      let end = first + 1;
      while (end < nodes.length && !isBoundary(nodes[end]!)) end++;
      // nodes[start, end) is the chain: split at ||.
      const operands: Node[][] = [[]];
      for (const n of nodes.slice(start, end)) {
        if (opText(n) === '||') operands.push([]);
        else operands[operands.length - 1]!.push(n);
      }
      const lead = nodes.slice(start, end).findIndex((n) => !isSpace(n));
      const leading = nodes.slice(start, start + Math.max(lead, 0));
      let trailEnd = end;
      while (trailEnd > start && isSpace(nodes[trailEnd - 1])) trailEnd--;
      const trailing = nodes.slice(trailEnd, end);
      const parts = operands.map((o) => render(trimNodes(o)));
      if (parts.some((p) => p === '')) {
        this.fail('concat', '|| without an operand', 'rewrite the concatenation');
        return nodes;
      }
      const concat: Node = { t: 'raw', text: `CONCAT(${parts.join(', ')})` };
      nodes = [...nodes.slice(0, start), ...leading, concat, ...trailing, ...nodes.slice(end)];
    }
  }

  /** OFFSET without LIMIT: MySQL needs a LIMIT before OFFSET. */
  private offsets(nodes: Node[]): Node[] {
    const offset = nodes.findIndex((n) => word(n) === 'OFFSET');
    if (offset < 0 || nodes.some((n) => word(n) === 'LIMIT')) return nodes;
    return [...nodes.slice(0, offset), { t: 'raw', text: 'LIMIT 18446744073709551615 ' }, ...nodes.slice(offset)];
  }
}
