/**
 * MySQL/MariaDB DDL -> the neutral schema model. Reads a whole script (split with
 * splitStatements, DELIMITER honoured) or the statements of a dump (SHOW CREATE TABLE / VIEW /
 * TRIGGER / PROCEDURE / FUNCTION output). Every statement is either understood, consumed as
 * harmless (SET, DROP, USE, LOCK TABLES ...) or reported as a ParseProblem: nothing is
 * dropped silently.
 */
import { canonicalMysqlTypeName, knownMysqlTypes, mysqlTypeText, neutralOfMysqlType, type MysqlTypeText } from '../../connectors/spi/mysql-type-text.js';
import type {
  CheckDef, ColumnDef, DefaultDef, ForeignKeyDef, IndexDef, IndexPart, KeyDef, ParseProblem, ParseResult,
  ReferentialAction, SchemaDef, TableDef,
} from '../model.js';
import { DdlSyntaxError, TokenCursor } from '../sql/token-cursor.js';
import { significant, splitStatements, tokenize } from '../sql/tokenizer.js';

export interface ParseMysqlOptions {
  /**
   * The schema (MySQL database) of objects that come before any CREATE DATABASE / USE.
   * Default `public`: a bare script lands in PostgreSQL's default schema when converted.
   */
  readonly defaultSchema?: string;
}

/** Parses MySQL/MariaDB DDL into a model of dialect 'mysql', with the statements it could not use. */
export function parseMysqlDdl(script: string | readonly string[], opts: ParseMysqlOptions = {}): ParseResult {
  const statements = typeof script === 'string'
    ? splitStatements(unwrapVersionedComments(script), 'mysql')
    : script.map((s) => unwrapVersionedComments(s).trim().replace(/;\s*$/, '')).filter((s) => s.length > 0);
  const p = new MysqlDdlParser(opts.defaultSchema ?? 'public');
  for (const stmt of statements) p.statement(stmt);
  return p.result();
}

/**
 * `/*!50001 CREATE VIEW ... *\/` is executed by MySQL (mysqldump writes views, triggers and
 * table options that way): keep the inside and drop the marker.
 */
function unwrapVersionedComments(sql: string): string {
  if (!sql.includes('/*!')) return sql;
  return tokenize(sql, 'mysql')
    .map((t) => (t.kind === 'comment' && t.text.startsWith('/*!') ? t.text.slice(3, -2).replace(/^\d{5,6}/, ' ') : t.text))
    .join('');
}

/** Statements that change nothing in the schema model (session settings, drops before creates, locks). */
const consumedLeading = new Set(['SET', 'DROP', 'LOCK', 'UNLOCK', 'START', 'COMMIT', 'BEGIN', 'ROLLBACK', 'FLUSH']);

const referentialActions: readonly ReferentialAction[] = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'];

class MysqlDdlParser {
  private readonly schemas = new Map<string, SchemaDef>();
  private readonly problems: ParseProblem[] = [];
  private current: string;

  constructor(defaultSchema: string) {
    this.current = defaultSchema;
  }

  result(): ParseResult {
    return { model: { dialect: 'mysql', schemas: [...this.schemas.values()] }, problems: this.problems };
  }

  statement(sql: string): void {
    const c = new TokenCursor(significant(tokenize(sql, 'mysql')), sql);
    try {
      this.dispatch(c, sql);
    } catch (e) {
      if (!(e instanceof DdlSyntaxError)) throw e;
      this.problem(sql, `${e.message}; the statement was not converted: check its syntax or recreate the object by hand`);
    }
  }

  private problem(sql: string, message: string): void {
    this.problems.push({ statement: sql, message });
  }

  private schema(name: string): SchemaDef {
    let s = this.schemas.get(name);
    if (!s) {
      s = { name, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
      this.schemas.set(name, s);
    }
    return s;
  }

  private dispatch(c: TokenCursor, sql: string): void {
    const first = c.peek();
    if (!first) return;
    if (first.kind === 'word' && consumedLeading.has(first.value)) return;
    if (c.acceptWord('USE')) {
      this.current = c.ident('a database name');
      return;
    }
    if (c.acceptWord('ALTER', 'TABLE')) return this.alterTable(c, sql);
    if (!c.acceptWord('CREATE')) {
      const what = /^(INSERT|REPLACE|UPDATE|DELETE|LOAD|CALL|SELECT)$/.test(first.value) ? 'a data statement, not part of the schema' : 'a statement schema conversion does not read';
      return this.problem(sql, `${first.text.toUpperCase()} is ${what}; it was skipped: run it on the target yourself if it is needed`);
    }
    c.acceptWord('OR', 'REPLACE');
    if (c.isAnyWord(['SCHEMA', 'DATABASE'])) {
      c.next();
      c.acceptWord('IF', 'NOT', 'EXISTS');
      this.schema(c.ident('a database name'));
      return;
    }
    c.acceptWord('TEMPORARY');
    if (c.acceptWord('TABLE')) return this.createTable(c, sql);
    if (c.isAnyWord(['UNIQUE', 'FULLTEXT', 'SPATIAL', 'INDEX'])) return this.createIndex(c, sql);
    // View, trigger and routine headers: ALGORITHM=, DEFINER=user@host, SQL SECURITY ..., AGGREGATE.
    this.skipHeader(c);
    if (c.acceptWord('VIEW')) return this.createView(c);
    if (c.acceptWord('TRIGGER')) return this.createTrigger(c, sql);
    if (c.isAnyWord(['PROCEDURE', 'FUNCTION'])) {
      const kind = c.next().value === 'PROCEDURE' ? 'procedure' : 'function';
      c.acceptWord('IF', 'NOT', 'EXISTS');
      const n = c.qualifiedName(`a ${kind} name`);
      this.schema(n.qualifier ?? this.current).routines.push({ name: n.name, kind, definition: sql });
      return;
    }
    const what = c.peek()?.text.toUpperCase() ?? '';
    this.problem(sql, `CREATE ${what} is not converted by OpenDMS (only databases, tables, indexes, views, triggers, procedures and functions are); recreate it on the target by hand`);
  }

  private skipHeader(c: TokenCursor): void {
    for (;;) {
      if (c.acceptWord('ALGORITHM')) {
        c.acceptPunct('=');
        c.next();
      } else if (c.acceptWord('DEFINER')) {
        c.acceptPunct('=');
        // user@host: `root`@`localhost`, 'root'@'%', CURRENT_USER, CURRENT_USER()
        c.next();
        if (c.isPunct('(')) c.balanced();
        while (c.peek()?.kind === 'param' || (c.peek()?.text.startsWith('@') ?? false)) {
          const t = c.next();
          if (t.text === '@') c.next();
        }
      } else if (c.acceptWord('SQL', 'SECURITY')) {
        c.next();
      } else if (c.acceptWord('AGGREGATE') || c.acceptWord('NONEDITIONABLE')) {
        // MariaDB aggregate functions: still a function
      } else return;
    }
  }

  // ---------------------------------------------------------------------------------------
  // CREATE TABLE

  private createTable(c: TokenCursor, sql: string): void {
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const n = c.qualifiedName('a table name');
    const schema = this.schema(n.qualifier ?? this.current);
    if (c.isWord('LIKE') || c.isWord('AS') || c.isWord('SELECT')) {
      return this.problem(sql, `CREATE TABLE ${n.name} ${c.peek()!.text.toUpperCase()} ... copies another table's structure or a query's result, which schema conversion cannot see; convert the table it copies, or write the table's DDL out`);
    }
    const [from, to] = c.balanced();
    const table: TableDef = { name: n.name, columns: [], uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] };
    const columnChecks: { column: string; check: CheckDef }[] = [];
    for (const [a, b] of c.splitTopLevel(from, to)) {
      this.definition(c.sub(a, b), table, sql, columnChecks);
    }
    this.tableOptions(c, table, sql);
    this.finishTable(table, columnChecks);
    if (schema.tables.some((t) => t.name === n.name)) {
      this.problem(sql, `table ${n.name} is created twice in ${schema.name}; the later definition wins`);
      schema.tables = schema.tables.filter((t) => t.name !== n.name);
    }
    schema.tables.push(table);
  }

  private finishTable(table: TableDef, columnChecks: { column: string; check: CheckDef }[]): void {
    for (const { check } of columnChecks) table.checks.push(check);
    // MariaDB's JSON is LONGTEXT + CHECK (json_valid(col)): the connector reads it as JSON text, so do we.
    for (const check of table.checks) {
      const m = /^\s*json_valid\s*\(\s*`?([^`()]+)`?\s*\)\s*$/i.exec(check.expression);
      const col = m ? table.columns.find((x) => x.name === m[1]) : undefined;
      if (col && col.type.kind === 'text') col.type = { kind: 'json', binary: false };
    }
    const start = table.options?.['AUTO_INCREMENT'];
    if (start !== undefined) {
      for (const col of table.columns) if (col.identity) col.identity = { ...col.identity, start: Number(start) };
    }
    // MySQL names unnamed keys after their first column (with _2, _3 ... when taken), and unnamed FKs <table>_ibfk_<n>.
    const taken = new Set<string>([...table.uniqueKeys.map((k) => k.name), ...table.indexes.map((i) => i.name)].filter((x): x is string => !!x));
    const nameOf = (first: string): string => {
      let name = first;
      for (let k = 2; taken.has(name); k++) name = `${first}_${k}`;
      taken.add(name);
      return name;
    };
    for (const k of table.uniqueKeys) if (!k.name) k.name = nameOf(k.columns[0] ?? 'key');
    for (const ix of table.indexes) if (!ix.name) ix.name = nameOf(ix.parts[0]?.column ?? 'functional_index');
    let fkNo = 0;
    for (const fk of table.foreignKeys) if (!fk.name) fk.name = `${table.name}_ibfk_${++fkNo}`;
  }

  private tableOptions(c: TokenCursor, table: TableDef, sql: string): void {
    const options: Record<string, string> = {};
    while (!c.atEnd) {
      if (c.acceptPunct(',')) continue;
      if (c.isWord('PARTITION', 'BY')) {
        this.problem(sql, `the partitioning of table ${table.name} is not converted; the table is created unpartitioned: partition it on the target by hand if you need to`);
        break;
      }
      c.acceptWord('DEFAULT');
      let key: string;
      if (c.acceptWord('CHARACTER', 'SET')) key = 'CHARSET';
      else {
        const t = c.next();
        if (t.kind !== 'word') throw new DdlSyntaxError(`expected a table option but found "${t.text}"`);
        key = t.value;
      }
      c.acceptPunct('=');
      const v = c.next();
      options[key] = v.kind === 'string' || v.kind === 'quoted-id' ? v.value : v.text;
    }
    if (Object.keys(options).length > 0) table.options = options;
    if (options['COMMENT'] !== undefined) table.comment = options['COMMENT'];
  }

  /** One entry of CREATE TABLE's list (or of ALTER TABLE ... ADD). */
  private definition(c: TokenCursor, table: TableDef, sql: string, columnChecks: { column: string; check: CheckDef }[]): void {
    let constraintName: string | undefined;
    if (c.acceptWord('CONSTRAINT')) {
      if (!c.isAnyWord(['PRIMARY', 'UNIQUE', 'FOREIGN', 'CHECK'])) constraintName = c.ident('a constraint name');
    }
    if (c.acceptWord('PRIMARY', 'KEY')) {
      this.skipIndexType(c);
      table.primaryKey = { columns: this.keyColumns(c, table, sql, 'primary key') };
      return;
    }
    if (c.acceptWord('UNIQUE')) {
      if (!c.acceptWord('KEY')) c.acceptWord('INDEX');
      const name = this.optionalIndexName(c) ?? constraintName;
      this.skipIndexType(c);
      const parts = this.indexParts(c);
      const comment = this.indexOptions(c);
      if (parts.every((p) => p.column !== undefined && p.prefixLength === undefined && !p.descending)) {
        table.uniqueKeys.push({ ...(name ? { name } : {}), columns: parts.map((p) => p.column!) });
      } else {
        // Prefix, DESC or functional parts: an index, not a plain constraint.
        table.indexes.push({ name: name ?? '', unique: true, method: 'btree', parts, ...(comment ? { comment } : {}) });
      }
      return;
    }
    if (c.isAnyWord(['KEY', 'INDEX', 'FULLTEXT', 'SPATIAL'])) {
      const lead = c.next().value;
      const method: IndexDef['method'] = lead === 'FULLTEXT' ? 'fulltext' : lead === 'SPATIAL' ? 'spatial' : 'btree';
      if (method !== 'btree' && !c.acceptWord('KEY')) c.acceptWord('INDEX');
      const name = this.optionalIndexName(c);
      const using = this.skipIndexType(c);
      const parts = this.indexParts(c);
      const comment = this.indexOptions(c);
      table.indexes.push({ name: name ?? '', unique: false, method: using === 'HASH' && method === 'btree' ? 'hash' : method, parts, ...(comment ? { comment } : {}) });
      return;
    }
    if (c.acceptWord('FOREIGN', 'KEY')) {
      const name = this.optionalIndexName(c) ?? constraintName;
      const fk = this.foreignKey(c, name);
      table.foreignKeys.push(fk);
      return;
    }
    if (c.acceptWord('CHECK')) {
      const [a, b] = c.balanced();
      this.enforced(c, sql, constraintName ?? table.name);
      table.checks.push({ ...(constraintName ? { name: constraintName } : {}), expression: c.textOf(a, b) });
      return;
    }
    if (c.isWord('PERIOD', 'FOR')) {
      this.problem(sql, `the PERIOD FOR of table ${table.name} (system versioning) is not converted; rebuild it on the target by hand`);
      return;
    }
    if (constraintName !== undefined) throw new DdlSyntaxError(`expected PRIMARY KEY, UNIQUE, FOREIGN KEY or CHECK after CONSTRAINT ${constraintName}`);
    table.columns.push(this.column(c, table, sql, columnChecks));
  }

  private enforced(c: TokenCursor, sql: string, name: string): void {
    if (c.acceptWord('NOT', 'ENFORCED')) this.problem(sql, `CHECK ${name} is NOT ENFORCED in MySQL; it is converted as an enforced constraint: remove it on the target if its rows may break it`);
    else c.acceptWord('ENFORCED');
  }

  private optionalIndexName(c: TokenCursor): string | undefined {
    if (c.isPunct('(') || c.isWord('USING')) return undefined;
    return c.ident('an index name');
  }

  private skipIndexType(c: TokenCursor): string | undefined {
    if (c.acceptWord('USING')) return c.next().value;
    return undefined;
  }

  /** Index options after the parts; returns the COMMENT when there is one. */
  private indexOptions(c: TokenCursor): string | undefined {
    let comment: string | undefined;
    while (!c.atEnd) {
      if (c.acceptWord('USING')) c.next();
      else if (c.acceptWord('COMMENT')) comment = c.next().value;
      else if (c.acceptWord('KEY_BLOCK_SIZE')) {
        c.acceptPunct('=');
        c.next();
      } else if (c.acceptWord('WITH', 'PARSER')) c.next();
      else if (c.acceptWord('VISIBLE') || c.acceptWord('INVISIBLE') || c.acceptWord('IGNORED') || c.acceptWord('NOT', 'IGNORED')) {
        // visibility does not exist in PostgreSQL; the index is created visible
      } else if (c.acceptWord('CLUSTERING')) {
        c.acceptPunct('=');
        c.next();
      } else throw new DdlSyntaxError(`unexpected ${c.describe()} after an index definition`);
    }
    return comment;
  }

  private indexParts(c: TokenCursor): IndexPart[] {
    const [from, to] = c.balanced();
    return c.splitTopLevel(from, to).map(([a, b]) => {
      const p = c.sub(a, b);
      let part: { column?: string; expression?: string; prefixLength?: number; descending?: boolean };
      if (p.isPunct('(')) {
        const [x, y] = p.balanced();
        part = { expression: p.textOf(x, y) };
      } else {
        part = { column: p.ident('a column name') };
        if (p.isPunct('(')) {
          const [x, y] = p.balanced();
          part.prefixLength = Number(p.textOf(x, y));
        }
      }
      if (p.acceptWord('DESC')) part.descending = true;
      else p.acceptWord('ASC');
      if (!p.atEnd) throw new DdlSyntaxError(`unexpected ${p.describe()} in an index part`);
      return part;
    });
  }

  private keyColumns(c: TokenCursor, table: TableDef, sql: string, what: string): string[] {
    const parts = this.indexParts(c);
    this.indexOptions(c);
    return parts.map((p) => {
      if (p.column === undefined) throw new DdlSyntaxError(`the ${what} of ${table.name} has an expression part, which a key cannot have`);
      if (p.prefixLength !== undefined) this.problem(sql, `the ${what} of ${table.name} uses a prefix of ${p.column} (${p.prefixLength}); the key is converted on the whole column`);
      return p.column;
    });
  }

  private foreignKey(c: TokenCursor, name: string | undefined): ForeignKeyDef {
    const [a, b] = c.balanced();
    const columns = c.splitTopLevel(a, b).map(([x, y]) => c.sub(x, y).ident('a column name'));
    c.expectWord('REFERENCES');
    const ref = c.qualifiedName('a referenced table');
    const [ra, rb] = c.balanced();
    const refColumns = c.splitTopLevel(ra, rb).map(([x, y]) => c.sub(x, y).ident('a column name'));
    let onDelete: ReferentialAction = 'NO ACTION';
    let onUpdate: ReferentialAction = 'NO ACTION';
    while (!c.atEnd) {
      if (c.acceptWord('MATCH')) c.next();
      else if (c.acceptWord('ON', 'DELETE')) onDelete = this.action(c);
      else if (c.acceptWord('ON', 'UPDATE')) onUpdate = this.action(c);
      else throw new DdlSyntaxError(`unexpected ${c.describe()} in a foreign key`);
    }
    return { ...(name ? { name } : {}), columns, refSchema: ref.qualifier ?? this.current, refTable: ref.name, refColumns, onDelete, onUpdate };
  }

  private action(c: TokenCursor): ReferentialAction {
    for (const a of referentialActions) if (c.acceptWord(...a.split(' '))) return a;
    throw new DdlSyntaxError(`expected a referential action (${referentialActions.join(', ')}) but found ${c.describe()}`);
  }

  // ---------------------------------------------------------------------------------------
  // Columns

  private column(c: TokenCursor, table: TableDef, sql: string, columnChecks: { column: string; check: CheckDef }[]): ColumnDef {
    const name = c.ident('a column name');
    const typeText = this.columnType(c, name);
    const col: ColumnDef = { name, type: { kind: 'text' }, nativeType: '', nullable: true };
    let explicitNull = false;
    let jsonCheck = false;
    if (typeText.base === 'serial') {
      // SERIAL = BIGINT UNSIGNED NOT NULL AUTO_INCREMENT UNIQUE
      col.nullable = false;
      col.identity = { kind: 'auto-increment' };
      table.uniqueKeys.push({ columns: [name] });
    }
    while (!c.atEnd) {
      if (c.acceptWord('NOT', 'NULL')) col.nullable = false;
      else if (c.acceptWord('NULL')) explicitNull = true;
      else if (c.acceptWord('DEFAULT')) {
        if (c.acceptWord('VALUE')) throw new DdlSyntaxError('unexpected DEFAULT VALUE');
        col.default = this.defaultValue(c);
      } else if (c.acceptWord('ON', 'UPDATE')) {
        const d = this.defaultValue(c);
        if (d.kind !== 'current-timestamp') throw new DdlSyntaxError(`ON UPDATE of column ${name} must be CURRENT_TIMESTAMP`);
        col.onUpdateCurrentTimestamp = true;
      } else if (c.acceptWord('AUTO_INCREMENT')) col.identity = { kind: 'auto-increment' };
      else if (c.acceptWord('SERIAL', 'DEFAULT', 'VALUE')) {
        col.nullable = false;
        col.identity = { kind: 'auto-increment' };
        table.uniqueKeys.push({ columns: [name] });
      } else if (c.acceptWord('PRIMARY', 'KEY') || c.acceptWord('KEY')) {
        table.primaryKey = { columns: [name] };
        col.nullable = false;
      } else if (c.acceptWord('UNIQUE')) {
        c.acceptWord('KEY');
        table.uniqueKeys.push({ columns: [name] });
      } else if (c.acceptWord('COMMENT')) col.comment = c.next().value;
      else if (c.acceptWord('COLLATE')) col.collation = c.ident('a collation');
      else if (c.acceptWord('CHARACTER', 'SET') || c.acceptWord('CHARSET')) col.charset = c.ident('a character set');
      else if (c.acceptWord('GENERATED', 'ALWAYS', 'AS') || c.acceptWord('AS')) {
        const [a, b] = c.balanced();
        col.generated = { expression: c.textOf(a, b), stored: false };
      } else if (c.acceptWord('STORED') || c.acceptWord('PERSISTENT')) {
        if (col.generated) col.generated = { ...col.generated, stored: true };
      } else if (c.acceptWord('VIRTUAL')) {
        // the default for generated columns
      } else if (c.acceptWord('CONSTRAINT')) {
        // a named column CHECK: CONSTRAINT name CHECK (...)
        const cname = c.isWord('CHECK') ? undefined : c.ident('a constraint name');
        c.expectWord('CHECK');
        const [a, b] = c.balanced();
        this.enforced(c, sql, cname ?? name);
        columnChecks.push({ column: name, check: { ...(cname ? { name: cname } : {}), expression: c.textOf(a, b) } });
      } else if (c.acceptWord('CHECK')) {
        const [a, b] = c.balanced();
        const expression = c.textOf(a, b);
        this.enforced(c, sql, name);
        if (/^\s*json_valid\s*\(/i.test(expression)) jsonCheck = true;
        columnChecks.push({ column: name, check: { expression } });
      } else if (c.acceptWord('REFERENCES')) {
        c.qualifiedName('a referenced table');
        if (c.isPunct('(')) c.balanced();
        while (c.acceptWord('ON')) {
          c.next();
          this.action(c);
        }
        this.problem(sql, `the column-level REFERENCES on ${table.name}.${name} is ignored by MySQL itself (no foreign key exists), so it is not converted; declare a FOREIGN KEY if you want one`);
      } else if (c.acceptWord('INVISIBLE') || c.acceptWord('VISIBLE')) {
        // invisible columns do not exist in PostgreSQL: created visible
      } else if (c.acceptWord('COLUMN_FORMAT') || c.acceptWord('STORAGE') || c.acceptWord('SRID')) c.next();
      else if (c.acceptWord('WITH', 'SYSTEM', 'VERSIONING') || c.acceptWord('WITHOUT', 'SYSTEM', 'VERSIONING')) {
        // MariaDB system versioning: not converted (the table's PERIOD is reported)
      } else throw new DdlSyntaxError(`unexpected ${c.describe()} in the definition of column ${name}`);
    }
    if (explicitNull && !col.nullable) throw new DdlSyntaxError(`column ${name} is both NULL and NOT NULL`);
    col.nativeType = mysqlTypeText(typeText);
    col.type = neutralOfMysqlType(typeText, jsonCheck);
    return col;
  }

  private columnType(c: TokenCursor, column: string): MysqlTypeText {
    const t = c.next();
    if (t.kind !== 'word') throw new DdlSyntaxError(`expected the type of column ${column} but found "${t.text}"`);
    let name = t.value;
    // Multi-word type names.
    const two = (w: string) => c.isWord(w) && (name += ` ${c.next().value}`);
    if (name === 'DOUBLE') two('PRECISION');
    else if (name === 'NATIONAL') {
      c.isAnyWord(['CHAR', 'CHARACTER', 'VARCHAR']) && (name += ` ${c.next().value}`);
      two('VARYING');
    } else if (name === 'CHARACTER' || name === 'CHAR' || name === 'NCHAR') two('VARYING');
    else if (name === 'LONG') c.isAnyWord(['VARCHAR', 'VARBINARY']) && (name += ` ${c.next().value}`);
    const base = canonicalMysqlTypeName(name);
    if (!knownMysqlTypes.has(base)) throw new DdlSyntaxError(`unknown type ${name} for column ${column}`);
    const args: string[] = [];
    if (c.isPunct('(')) {
      const [a, b] = c.balanced();
      for (const [x, y] of c.splitTopLevel(a, b)) {
        const tok = c.tokens[x]!;
        args.push(tok.kind === 'string' ? tok.value : c.textOf(x, y));
      }
    }
    let unsigned = false;
    let zerofill = false;
    for (;;) {
      if (c.acceptWord('UNSIGNED')) unsigned = true;
      else if (c.acceptWord('SIGNED')) unsigned = false;
      else if (c.acceptWord('ZEROFILL')) {
        zerofill = true;
        unsigned = true;
      } else if (c.acceptWord('BINARY') || c.acceptWord('ASCII') || c.acceptWord('UNICODE') || c.acceptWord('BYTE')) {
        // character attributes: a collation choice, not part of the neutral type
      } else break;
    }
    return { base, args, unsigned, zerofill };
  }

  private defaultValue(c: TokenCursor): DefaultDef {
    const t = c.next();
    if (t.kind === 'word') {
      if (t.value === 'NULL') return { kind: 'null' };
      if (t.value === 'TRUE' || t.value === 'FALSE') return { kind: 'literal', value: t.value.toLowerCase(), quoted: false };
      if (['CURRENT_TIMESTAMP', 'NOW', 'LOCALTIME', 'LOCALTIMESTAMP'].includes(t.value)) {
        let precision: number | undefined;
        if (c.isPunct('(')) {
          const [a, b] = c.balanced();
          if (b > a) precision = Number(c.textOf(a, b));
        }
        return precision ? { kind: 'current-timestamp', precision } : { kind: 'current-timestamp' };
      }
      if (c.isPunct('(')) {
        // A function call default (MariaDB prints expression defaults without parentheses).
        const start = c.i - 1;
        c.balanced();
        return { kind: 'expression', sql: c.textOf(start, c.i) };
      }
      throw new DdlSyntaxError(`unexpected DEFAULT ${t.text}`);
    }
    if (t.kind === 'string') {
      // b'101' and x'ff' are bit and hex literals: keep them as expressions.
      if (/^[bx]'/i.test(t.text)) return { kind: 'expression', sql: t.text };
      return { kind: 'literal', value: t.value, quoted: true };
    }
    if (t.kind === 'number') return /^0x/i.test(t.text) ? { kind: 'expression', sql: t.text } : { kind: 'literal', value: t.text, quoted: false };
    if (t.kind === 'op' && (t.text === '-' || t.text === '+') && c.peek()?.kind === 'number') {
      const n = c.next();
      return { kind: 'literal', value: t.text === '-' ? `-${n.text}` : n.text, quoted: false };
    }
    if (t.kind === 'punct' && t.text === '(') {
      c.i--;
      const [a, b] = c.balanced();
      return { kind: 'expression', sql: c.textOf(a, b) };
    }
    throw new DdlSyntaxError(`unexpected DEFAULT ${t.text}`);
  }

  // ---------------------------------------------------------------------------------------
  // Other statements

  private alterTable(c: TokenCursor, sql: string): void {
    const n = c.qualifiedName('a table name');
    const schema = this.schema(n.qualifier ?? this.current);
    const table = schema.tables.find((t) => t.name === n.name);
    if (!table) return this.problem(sql, `ALTER TABLE ${n.name}: the table is not defined earlier in the script; define it before altering it`);
    const rest = c.splitTopLevel(c.i, c.tokens.length);
    const columnChecks: { column: string; check: CheckDef }[] = [];
    for (const [a, b] of rest) {
      const part = c.sub(a, b);
      if (!part.acceptWord('ADD')) {
        this.problem(sql, `ALTER TABLE ${n.name} ${part.describe()}: only ADD of keys, indexes, constraints and columns is read; apply the rest on the target by hand`);
        continue;
      }
      part.acceptWord('COLUMN');
      this.definition(part, table, sql, columnChecks);
    }
    for (const { check } of columnChecks) table.checks.push(check);
    this.finishTable(table, []);
  }

  private createIndex(c: TokenCursor, sql: string): void {
    let method: IndexDef['method'] = 'btree';
    let unique = false;
    if (c.acceptWord('UNIQUE')) unique = true;
    else if (c.acceptWord('FULLTEXT')) method = 'fulltext';
    else if (c.acceptWord('SPATIAL')) method = 'spatial';
    c.expectWord('INDEX');
    const name = c.ident('an index name');
    if (c.acceptWord('USING') && c.next().value === 'HASH') method = 'hash';
    c.expectWord('ON');
    const n = c.qualifiedName('a table name');
    const table = this.schema(n.qualifier ?? this.current).tables.find((t) => t.name === n.name);
    if (!table) return this.problem(sql, `CREATE INDEX ${name}: table ${n.name} is not defined earlier in the script; define the table first`);
    const parts = this.indexParts(c);
    const comment = this.indexOptions(c);
    if (unique && parts.every((p) => p.column !== undefined && p.prefixLength === undefined && !p.descending)) {
      table.uniqueKeys.push({ name, columns: parts.map((p) => p.column!) } satisfies KeyDef);
    } else table.indexes.push({ name, unique, method, parts, ...(comment ? { comment } : {}) });
  }

  private createView(c: TokenCursor): void {
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const n = c.qualifiedName('a view name');
    let columns: string[] | undefined;
    if (c.isPunct('(')) {
      const [a, b] = c.balanced();
      columns = c.splitTopLevel(a, b).map(([x, y]) => c.sub(x, y).ident('a column name'));
    }
    c.expectWord('AS');
    const start = c.i;
    let end = c.tokens.length;
    let checkOption: 'LOCAL' | 'CASCADED' | undefined;
    const toks = c.tokens;
    const w = (k: number) => (toks[k]?.kind === 'word' ? toks[k]!.value : '');
    if (w(end - 2) === 'CHECK' && w(end - 1) === 'OPTION') {
      const lvl = w(end - 3);
      if (lvl === 'LOCAL' || lvl === 'CASCADED') {
        checkOption = lvl;
        end -= 4;
      } else {
        checkOption = 'CASCADED';
        end -= 3;
      }
    }
    if (start >= end) throw new DdlSyntaxError(`view ${n.name} has no query`);
    const query = c.textOf(start, end);
    const schema = this.schema(n.qualifier ?? this.current);
    schema.views = schema.views.filter((v) => v.name !== n.name);
    schema.views.push({ name: n.name, ...(columns ? { columns } : {}), query, ...(checkOption ? { checkOption } : {}) });
  }

  private createTrigger(c: TokenCursor, sql: string): void {
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const n = c.qualifiedName('a trigger name');
    const timing = c.next().value;
    if (timing !== 'BEFORE' && timing !== 'AFTER') throw new DdlSyntaxError(`trigger ${n.name}: expected BEFORE or AFTER`);
    const events: ('INSERT' | 'UPDATE' | 'DELETE')[] = [];
    for (;;) {
      const e = c.next().value;
      if (e !== 'INSERT' && e !== 'UPDATE' && e !== 'DELETE') throw new DdlSyntaxError(`trigger ${n.name}: expected INSERT, UPDATE or DELETE`);
      events.push(e);
      if (!c.acceptWord('OR')) break;
    }
    c.expectWord('ON');
    const t = c.qualifiedName('a table name');
    this.schema(n.qualifier ?? t.qualifier ?? this.current).triggers.push({ name: n.name, table: t.name, timing, events, definition: sql });
  }
}
