/**
 * What a statement of the binlog does to tables: the DDL changes (ALTER/CREATE/DROP/RENAME
 * TABLE) and TRUNCATE that change capture reports. Pure: no connection, no catalog.
 *
 * The binlog holds each DDL statement as the client wrote it (DROP TABLE as the server
 * rewrites it, with a trailing comment; CREATE ... SELECT as a plain CREATE TABLE the server
 * generated, followed by the rows), and the database the session was in for unqualified
 * names. Statements are read as tokens rather than by regular expressions over the text, so a
 * comment, a string holding `--`, `#` or a comma, or a backquoted name cannot derail them;
 * executable comments (`/*!40005 TEMPORARY *\/`, MariaDB's `/*M!100100 ...*\/`) count as
 * text, as the server runs them.
 */
import type { DdlChange } from '../../spi/changes.js';
import type { TableRef } from '../../spi/data-types.js';

interface Token {
  /** word: bare identifier or keyword; ident: `backquoted`; string: '...' or "..." (an identifier under ANSI_QUOTES); symbol: one character. */
  readonly kind: 'word' | 'ident' | 'string' | 'symbol';
  readonly text: string;
  readonly quote?: string;
}

const wordRe = /[\w$\u0080-\uffff]+/y;
const executableRe = /\/\*M?!\d*/y;

/** The statement's tokens without comments; undefined when it does not scan (an unterminated quote or comment). */
function tokenize(sql: string): Token[] | undefined {
  const out: Token[] = [];
  const n = sql.length;
  let inExecutable = false;
  let i = 0;
  while (i < n) {
    const ch = sql[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v') {
      i++;
      continue;
    }
    if (ch === '/' && sql[i + 1] === '*') {
      executableRe.lastIndex = i;
      const exec = executableRe.exec(sql);
      if (exec) {
        inExecutable = true;
        i += exec[0].length;
        continue;
      }
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
      continue;
    }
    if (inExecutable && ch === '*' && sql[i + 1] === '/') {
      inExecutable = false;
      i += 2;
      continue;
    }
    // `--` starts a comment only when a space or control character follows (MySQL's rule).
    if (ch === '#' || (ch === '-' && sql[i + 1] === '-' && (i + 2 >= n || sql.charCodeAt(i + 2) <= 32))) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (ch === '`' || ch === "'" || ch === '"') {
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= n) return undefined;
        const c = sql[j]!;
        if (c === ch) {
          if (sql[j + 1] === ch) {
            text += ch;
            j += 2;
            continue;
          }
          break;
        }
        if (c === '\\' && ch !== '`' && j + 1 < n) {
          text += sql[j + 1];
          j += 2;
          continue;
        }
        text += c;
        j++;
      }
      out.push(ch === '`' ? { kind: 'ident', text } : { kind: 'string', text, quote: ch });
      i = j + 1;
      continue;
    }
    wordRe.lastIndex = i;
    const word = wordRe.exec(sql);
    if (word) {
      out.push({ kind: 'word', text: word[0] });
      i += word[0].length;
      continue;
    }
    out.push({ kind: 'symbol', text: ch });
    i++;
  }
  return out;
}

/** A cursor over a statement's tokens with the few moves its grammar needs. */
class Tokens {
  private i = 0;

  constructor(
    private readonly list: readonly Token[],
    private readonly database: string,
  ) {}

  get atEnd(): boolean {
    return this.list.slice(this.i).every((t) => t.kind === 'symbol' && t.text === ';');
  }

  /** The rest of the statement (not consumed). */
  rest(): readonly Token[] {
    return this.list.slice(this.i);
  }

  /** Consumes the next token when it is one of these keywords (bare, any case). */
  keyword(...words: string[]): boolean {
    const t = this.list[this.i];
    if (t?.kind !== 'word' || !words.includes(t.text.toUpperCase())) return false;
    this.i++;
    return true;
  }

  /** Consumes these keywords in a row, or nothing. */
  keywords(...words: string[]): boolean {
    const start = this.i;
    for (const w of words) {
      if (!this.keyword(w)) {
        this.i = start;
        return false;
      }
    }
    return true;
  }

  symbol(s: string): boolean {
    const t = this.list[this.i];
    if (t?.kind !== 'symbol' || t.text !== s) return false;
    this.i++;
    return true;
  }

  identifier(): string | undefined {
    const t = this.list[this.i];
    if (!t || !isIdentifier(t)) return undefined;
    this.i++;
    return t.text;
  }

  /** `[db.]name`, unqualified names in the statement's default database. */
  table(): TableRef | undefined {
    const first = this.identifier();
    if (first === undefined) return undefined;
    if (!this.symbol('.')) return { schema: this.database, name: first };
    const second = this.identifier();
    return second === undefined ? undefined : { schema: first, name: second };
  }

  /** MariaDB's lock wait options after a table name: `WAIT n` | `NOWAIT`. */
  skipWait(): void {
    if (this.keyword('NOWAIT')) return;
    const start = this.i;
    if (this.keyword('WAIT') && this.list[this.i]?.kind === 'word' && /^\d+$/.test(this.list[this.i]!.text)) this.i++;
    else this.i = start;
  }
}

function isIdentifier(t: Token): boolean {
  return t.kind === 'word' || t.kind === 'ident' || (t.kind === 'string' && t.quote === '"');
}

/**
 * A DDL change as the statement implies it. `existingRows` (creates only): the table may
 * already hold rows that the binlog has not shown as inserts into it (renamed into place;
 * CREATE TABLE IF NOT EXISTS of a table that was there), so whoever starts capturing it
 * copies its rows.
 */
export type SourceDdl = DdlChange & { readonly existingRows?: true };

/**
 * The DDL changes a binlog statement implies, in order; [] for any other statement:
 * - ALTER [ONLINE|OFFLINE] [IGNORE] TABLE [IF EXISTS] t ...: alter t; with a RENAME [TO|AS] t2
 *   clause, drop t + create t2 (an alter of t would only make its catalog be read when it is
 *   already gone; t2's catalog has the altered definition). RENAME COLUMN/INDEX/KEY: alter.
 * - CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t ... (also LIKE, ... SELECT): create t; OR
 *   REPLACE: drop t + create t (the old table and its rows are gone).
 * - DROP TABLE [IF EXISTS] a, b ...: drop each.
 * - RENAME TABLE a TO b, c TO d: drop a, create b, drop c, create d.
 * TEMPORARY tables are not tables of the database (and row-based logging leaves them out):
 * []. DROP DATABASE is [] as well (see droppedDatabase).
 * ALTERs that change rows without row events (TRUNCATE/EXCHANGE PARTITION, IMPORT
 * TABLESPACE) are reported as alters only: the rows they move are not captured.
 */
export function ddlOf(sql: string, defaultDatabase: string): SourceDdl[] {
  const tokens = tokenize(sql);
  if (!tokens) return [];
  const c = new Tokens(tokens, defaultDatabase);
  const statement = sql.trim();
  const change = (action: DdlChange['action'], table: TableRef, existingRows = false): SourceDdl => ({
    kind: 'ddl',
    action,
    table,
    statement,
    ...(existingRows ? { existingRows: true as const } : {}),
  });

  if (c.keyword('ALTER')) {
    c.keyword('ONLINE', 'OFFLINE');
    c.keyword('IGNORE');
    if (!c.keyword('TABLE')) return [];
    c.keywords('IF', 'EXISTS');
    const table = c.table();
    if (!table) return [];
    c.skipWait();
    const renamed = renamedBy(c.rest(), defaultDatabase);
    return renamed ? [change('drop', table), change('create', renamed, true)] : [change('alter', table)];
  }

  if (c.keyword('CREATE')) {
    const replace = c.keywords('OR', 'REPLACE');
    if (c.keyword('TEMPORARY')) return [];
    if (!c.keyword('TABLE')) return [];
    const ifNotExists = c.keywords('IF', 'NOT', 'EXISTS');
    const table = c.table();
    if (!table) return [];
    return replace ? [change('drop', table), change('create', table)] : [change('create', table, ifNotExists)];
  }

  if (c.keyword('DROP')) {
    if (c.keyword('TEMPORARY')) return [];
    if (!c.keyword('TABLE', 'TABLES')) return [];
    c.keywords('IF', 'EXISTS');
    const out: SourceDdl[] = [];
    do {
      const table = c.table();
      if (!table) return [];
      out.push(change('drop', table));
    } while (c.symbol(','));
    return out;
  }

  if (c.keyword('RENAME')) {
    if (!c.keyword('TABLE', 'TABLES')) return [];
    c.keywords('IF', 'EXISTS');
    const out: SourceDdl[] = [];
    do {
      const from = c.table();
      c.skipWait();
      if (!from || !c.keyword('TO')) return [];
      const to = c.table();
      if (!to) return [];
      out.push(change('drop', from), change('create', to, true));
    } while (c.symbol(','));
    return out;
  }
  return [];
}

/** The new name an ALTER TABLE's clauses give the table (`RENAME [TO|AS|=] t2`), if any. */
function renamedBy(rest: readonly Token[], database: string): TableRef | undefined {
  let renamed: TableRef | undefined;
  for (const clause of topLevelClauses(rest)) {
    const c = new Tokens(clause, database);
    if (!c.keyword('RENAME')) continue;
    if (c.keyword('COLUMN', 'INDEX', 'KEY')) continue;
    if (!c.keyword('TO', 'AS')) c.symbol('=');
    renamed = c.table() ?? renamed;
  }
  return renamed;
}

/** Splits tokens at the commas outside parentheses. */
function topLevelClauses(tokens: readonly Token[]): Token[][] {
  const clauses: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'symbol') {
      if (t.text === '(') depth++;
      else if (t.text === ')') depth = Math.max(0, depth - 1);
      else if (t.text === ',' && depth === 0) {
        clauses.push([]);
        continue;
      }
    }
    clauses[clauses.length - 1]!.push(t);
  }
  return clauses;
}

/**
 * True for MySQL 8.0.21+'s atomic CREATE TABLE ... SELECT, logged as `CREATE TABLE t (...)
 * START TRANSACTION`: it opens the transaction its rows and XID then complete (there is no
 * BEGIN before it).
 */
export function startsTransaction(sql: string): boolean {
  const tokens = tokenize(sql);
  if (!tokens) return false;
  const words = tokens.filter((t) => !(t.kind === 'symbol' && t.text === ';'));
  const last = words.slice(-2);
  const isWord = (t: Token | undefined, w: string) => t?.kind === 'word' && t.text.toUpperCase() === w;
  return isWord(words[0], 'CREATE') && words.length > 2 && isWord(last[0], 'START') && isWord(last[1], 'TRANSACTION');
}

/** `TRUNCATE [TABLE] [db.]t` alone -> the table (the statement's default database when unqualified). */
export function truncatedTable(sql: string, database: string): TableRef | undefined {
  const tokens = tokenize(sql);
  if (!tokens) return undefined;
  const c = new Tokens(tokens, database);
  if (!c.keyword('TRUNCATE')) return undefined;
  c.keyword('TABLE');
  const table = c.table();
  c.skipWait();
  return table && c.atEnd ? table : undefined;
}

/** `DROP {DATABASE|SCHEMA} [IF EXISTS] db` -> db. */
export function droppedDatabase(sql: string): string | undefined {
  const tokens = tokenize(sql);
  if (!tokens) return undefined;
  const c = new Tokens(tokens, '');
  if (!c.keyword('DROP') || !c.keyword('DATABASE', 'SCHEMA')) return undefined;
  c.keywords('IF', 'EXISTS');
  return c.identifier();
}

/**
 * The identifiers a statement mentions (lower case), to tell whether it concerns a table;
 * undefined when it does not scan.
 */
export function identifiersOf(sql: string): Set<string> | undefined {
  const tokens = tokenize(sql);
  if (!tokens) return undefined;
  return new Set(tokens.filter(isIdentifier).map((t) => t.text.toLowerCase()));
}
