/**
 * PostgreSQL DDL -> the neutral schema model (dialect 'postgres').
 *
 * Reads pg_dump-style scripts (plain format, schema and data) and the statements the
 * PostgreSQL connector assembles from pg_catalog, which use the same forms. Every statement
 * is either understood, consumed on purpose (session settings, ownership, privileges, data),
 * or returned as a ParseProblem saying why: nothing is dropped without a word.
 *
 * Facts the model has no field for are kept where the converter can report them:
 * `TableDef.options` of a PostgreSQL model holds `inherits`, `partitionOf` and `partitionBy`;
 * a column whose type is a domain keeps the domain's name as `nativeType` and gets the base
 * type as `type` and the domain's CHECKs as table checks.
 */
import { bareTypeName, pgTypeFromText } from '../../connectors/spi/postgres-type-text.js';
import type {
  CheckDef, ColumnDef, DefaultDef, ForeignKeyDef, IndexDef, IndexPart, ParseProblem, ParseResult, ReferentialAction,
  SchemaDef, SequenceDef, TableDef, TriggerDef, ViewDef,
} from '../model.js';
import { quoteIdentifier, significant, splitStatements, tokenize, type Token } from '../sql/tokenizer.js';
import { DdlSyntaxError, splitAtCommas, TokenCursor } from '../sql/token-cursor.js';

interface DomainDef {
  readonly base: string;
  readonly notNull: boolean;
  readonly default?: string;
  readonly checks: { name?: string; expression: string }[];
}

/** Per-table facts kept only while parsing. */
interface TableExtra {
  readonly schema: string;
  /** Qualified parents, for INHERITS / PARTITION OF. */
  readonly parents: { schema: string; name: string }[];
  /** Columns the table declared itself (the others come from its parents). */
  readonly ownColumns: Set<string>;
}

/**
 * Parses a script (a string, split at top-level `;`) or a list of statements (one an entry,
 * a trailing `;` allowed) into the neutral model.
 */
export function parsePostgresDdl(script: string | readonly string[]): ParseResult {
  const statements = typeof script === 'string' ? splitStatements(withoutDataBlocks(script), 'postgres') : script.map((s) => s.trim().replace(/;\s*$/, ''));
  const p = new PgParser();
  for (const stmt of statements) {
    if (!stmt.trim()) continue;
    try {
      p.statement(stmt);
    } catch (e) {
      if (!(e instanceof DdlSyntaxError)) throw e;
      p.problem(p.current || stmt, e.message);
    }
  }
  p.finish();
  return { model: { dialect: 'postgres', schemas: p.schemaList() }, problems: p.problems };
}

/**
 * Drops `COPY ... FROM stdin;` data blocks (up to their `\.` line) and psql meta-command
 * lines (`\connect`, `\restrict`): they are not SQL, and data rows would confuse the lexer.
 */
function withoutDataBlocks(script: string): string {
  const out: string[] = [];
  let inCopy = false;
  for (const line of script.split('\n')) {
    if (inCopy) {
      if (line.replace(/\r$/, '') === '\\.') inCopy = false;
      continue;
    }
    if (/^COPY\s.+\sFROM\s+stdin\s*;\s*$/i.test(line)) {
      inCopy = true;
      continue;
    }
    if (/^\\[a-z]+/.test(line)) continue;
    out.push(line);
  }
  return out.join('\n');
}

const columnStops = new Set(['NOT', 'NULL', 'DEFAULT', 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'REFERENCES', 'CHECK', 'GENERATED', 'COLLATE', 'DEFERRABLE', 'INITIALLY']);

class PgParser {
  readonly problems: ParseProblem[] = [];
  private readonly schemas = new Map<string, SchemaDef>();
  private currentSchema = 'public';
  private readonly enums = new Map<string, readonly string[]>();
  private readonly domains = new Map<string, DomainDef>();
  private readonly extras = new Map<TableDef, TableExtra>();
  private stmt = '';

  /** The statement being parsed, without its leading comments. */
  get current(): string {
    return this.stmt;
  }

  problem(statement: string, message: string): void {
    this.problems.push({ statement: statement.length > 400 ? `${statement.slice(0, 400)} ...` : statement, message });
  }

  schemaList(): SchemaDef[] {
    return [...this.schemas.values()];
  }

  private schema(name: string | undefined): SchemaDef {
    const n = name ?? this.currentSchema;
    let s = this.schemas.get(n);
    if (!s) {
      s = { name: n, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
      this.schemas.set(n, s);
    }
    return s;
  }

  private table(ref: { schema?: string; name: string }): TableDef {
    const s = this.schemas.get(ref.schema ?? this.currentSchema);
    const t = s?.tables.find((x) => x.name === ref.name);
    if (!t) throw new DdlSyntaxError(`table ${ref.schema ? `${ref.schema}.` : ''}${ref.name} is not defined before this statement`);
    return t;
  }

  statement(input: string): void {
    // Leading comments (pg_dump's "-- Name: ...; Type: ..." headers) are not part of the statement.
    const first = significant(tokenize(input, 'postgres'))[0];
    if (!first) return;
    const stmt = input.slice(first.start).trim();
    this.stmt = stmt;
    const c = new TokenCursor(significant(tokenize(stmt, 'postgres')), stmt);
    if (c.acceptWord('SET')) return this.set(c);
    if (c.isWord('SELECT')) return this.select(c);
    if (c.isWord('GRANT') || c.isWord('REVOKE')) return; // privileges: not schema objects
    if (c.isWord('COPY')) return; // data (the block itself was removed before splitting)
    if (c.isWord('BEGIN') || c.isWord('COMMIT') || c.isWord('START', 'TRANSACTION')) return;
    if (c.acceptWord('COMMENT', 'ON')) return this.comment(c);
    if (c.acceptWord('ALTER')) return this.alter(c);
    if (c.acceptWord('CREATE')) return this.create(c);
    throw new DdlSyntaxError(`${c.peek()?.text.toUpperCase()} statements are not schema definitions this converter reads`);
  }

  // ---------------------------------------------------------------------------------
  // Session settings

  private set(c: TokenCursor): void {
    c.acceptWord('SESSION') || c.acceptWord('LOCAL');
    if (!c.acceptWord('SEARCH_PATH')) return; // client_encoding, standard_conforming_strings ...: session only
    c.acceptPunct('=') || c.acceptWord('TO');
    const first = c.rest().find((t) => (t.kind === 'word' || t.kind === 'quoted-id' || t.kind === 'string') && t.value.toLowerCase() !== 'pg_catalog');
    if (first) this.currentSchema = first.kind === 'word' ? first.text.toLowerCase() : first.value;
  }

  private select(c: TokenCursor): void {
    const text = c.textOfTokens(c.rest());
    // pg_dump's set_config('search_path', '', false) and setval(...) of its data section.
    const m = /set_config\s*\(\s*'search_path'\s*,\s*'([^']*)'/i.exec(text);
    if (m) {
      const first = m[1]!.split(',').map((x) => x.trim()).find((x) => x && x !== 'pg_catalog');
      if (first) this.currentSchema = first.replace(/^"|"$/g, '');
      return;
    }
    if (/^SELECT\s+(pg_catalog\.)?(set_config|setval)\s*\(/i.test(text)) return;
    throw new DdlSyntaxError('a SELECT in a schema script is not a definition; it was not run');
  }

  // ---------------------------------------------------------------------------------
  // CREATE

  private create(c: TokenCursor): void {
    c.acceptWord('OR', 'REPLACE');
    c.acceptWord('GLOBAL') || c.acceptWord('LOCAL');
    const temp = c.acceptWord('TEMPORARY') || c.acceptWord('TEMP');
    c.acceptWord('UNLOGGED');
    if (c.acceptWord('SCHEMA')) {
      c.acceptWord('IF', 'NOT', 'EXISTS');
      if (c.isWord('AUTHORIZATION')) throw new DdlSyntaxError('CREATE SCHEMA AUTHORIZATION without a schema name is not supported: name the schema');
      this.schema(pgName(c));
      return;
    }
    if (c.acceptWord('TABLE')) {
      if (temp) throw new DdlSyntaxError('temporary tables are not part of a schema');
      return this.createTable(c);
    }
    if (c.acceptWord('UNIQUE', 'INDEX')) return this.createIndex(c, true);
    if (c.acceptWord('INDEX')) return this.createIndex(c, false);
    if (c.acceptWord('SEQUENCE')) return this.createSequence(c);
    if (c.acceptWord('TYPE')) return this.createType(c);
    if (c.acceptWord('DOMAIN')) return this.createDomain(c);
    if (c.acceptWord('RECURSIVE', 'VIEW')) throw new DdlSyntaxError('recursive views are not converted: rewrite the view with WITH RECURSIVE by hand');
    if (c.acceptWord('VIEW')) return this.createView(c);
    if (c.acceptWord('MATERIALIZED', 'VIEW')) {
      throw new DdlSyntaxError('materialized views are not converted: MySQL has none; create a table filled by a scheduled event, or a plain view');
    }
    if (c.acceptWord('FUNCTION')) return this.createRoutine(c, 'function');
    if (c.acceptWord('PROCEDURE')) return this.createRoutine(c, 'procedure');
    if (c.acceptWord('AGGREGATE')) return this.createRoutine(c, 'function');
    if (c.acceptWord('CONSTRAINT', 'TRIGGER') || c.acceptWord('TRIGGER')) return this.createTrigger(c);
    if (c.acceptWord('TRUSTED') || c.acceptWord('PROCEDURAL') || c.isWord('LANGUAGE')) return; // server languages: not schema objects
    if (c.acceptWord('EXTENSION')) {
      c.acceptWord('IF', 'NOT', 'EXISTS');
      throw new DdlSyntaxError(`extension ${pgName(c)} is not converted: objects that use its types or functions need manual work on the target`);
    }
    throw new DdlSyntaxError(`CREATE ${c.peek()?.text.toUpperCase() ?? ''} is not converted: there is no MySQL counterpart this converter knows`);
  }

  private createTable(c: TokenCursor): void {
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const ref = pgQualifiedName(c);
    const schema = this.schema(ref.schema);
    if (schema.tables.some((t) => t.name === ref.name)) throw new DdlSyntaxError(`table ${schema.name}.${ref.name} is defined twice`);
    const table: TableDef = { name: ref.name, columns: [], uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] };
    const extra: TableExtra = { schema: schema.name, parents: [], ownColumns: new Set() };
    const options: Record<string, string> = {};
    if (c.acceptWord('OF')) throw new DdlSyntaxError('typed tables (CREATE TABLE ... OF type) are not converted: declare the columns');
    if (c.acceptWord('PARTITION', 'OF')) {
      const parent = pgQualifiedName(c);
      extra.parents.push({ schema: parent.schema ?? schema.name, name: parent.name });
      options.partitionOf = `${parent.schema ?? schema.name}.${parent.name}`;
      if (c.isPunct('(')) this.tableElements(c.group(), table, extra, schema.name);
      const bound = c.until((t) => t.kind === 'word' && (t.value === 'PARTITION' || t.value === 'USING' || t.value === 'WITH' || t.value === 'TABLESPACE'));
      options.partitionBound = c.textOfTokens(bound);
      this.problem(this.stmt, `table ${schema.name}.${ref.name} is a partition of ${options.partitionOf} (${options.partitionBound}): kept as a table of its own with the parent's columns; partitioning is not converted`);
    } else {
      this.tableElements(c.group(), table, extra, schema.name);
    }
    while (!c.atEnd) {
      if (c.acceptWord('INHERITS')) {
        const parents = splitAtCommas(c.group()).map((ts) => pgQualifiedName(new TokenCursor(ts, this.stmt)));
        for (const p of parents) extra.parents.push({ schema: p.schema ?? schema.name, name: p.name });
        options.inherits = parents.map((p) => `${p.schema ?? schema.name}.${p.name}`).join(', ');
        this.problem(this.stmt, `table ${schema.name}.${ref.name} INHERITS (${options.inherits}): kept as a table of its own with the parent's columns copied; inheritance (the parent's queries seeing its rows) is not converted`);
      } else if (c.acceptWord('PARTITION', 'BY')) {
        const by = c.until((t) => t.kind === 'word' && (t.value === 'USING' || t.value === 'WITH' || t.value === 'TABLESPACE'));
        options.partitionBy = c.textOfTokens(by);
        this.problem(this.stmt, `table ${schema.name}.${ref.name} is partitioned (PARTITION BY ${options.partitionBy}): kept as one table; the partitioning is not converted`);
      } else if (c.acceptWord('USING') || c.acceptWord('TABLESPACE')) {
        pgName(c);
      } else if (c.acceptWord('WITH')) {
        if (c.isPunct('(')) c.group();
        else pgName(c);
      } else if (c.acceptWord('WITHOUT', 'OIDS')) {
        // the default
      } else if (c.acceptWord('ON', 'COMMIT')) {
        c.rest();
      } else throw new DdlSyntaxError(`unexpected ${c.describe()} after the table's columns`);
    }
    if (Object.keys(options).length) table.options = options;
    schema.tables.push(table);
    this.extras.set(table, extra);
  }

  private tableElements(tokens: Token[], table: TableDef, extra: TableExtra, schema: string): void {
    for (const el of splitAtCommas(tokens)) {
      const c = new TokenCursor(el, this.stmt);
      if (c.isWord('CONSTRAINT') || c.isWord('PRIMARY') || c.isWord('UNIQUE') || c.isWord('FOREIGN') || c.isWord('CHECK') || c.isWord('EXCLUDE')) {
        this.tableConstraint(c, table, schema);
      } else if (c.isWord('LIKE')) {
        throw new DdlSyntaxError('CREATE TABLE ... (LIKE other) is not converted: list the columns');
      } else {
        const col = this.column(c, table, schema);
        table.columns.push(col);
        extra.ownColumns.add(col.name);
      }
    }
  }

  private column(c: TokenCursor, table: TableDef, schema: string): ColumnDef {
    const name = pgName(c);
    const typeTokens = c.until((t) => t.kind === 'word' && columnStops.has(t.value));
    if (!typeTokens.length) throw new DdlSyntaxError(`column ${name} has no type`);
    const nativeType = c.textOfTokens(typeTokens);
    const col: ColumnDef = { name, type: pgTypeFromText(nativeType), nativeType, nullable: true };
    let constraintName: string | undefined;
    while (!c.atEnd) {
      if (c.acceptWord('CONSTRAINT')) {
        constraintName = pgName(c);
        continue;
      }
      if (c.acceptWord('NOT', 'NULL')) col.nullable = false;
      else if (c.acceptWord('NULL')) col.nullable = true;
      else if (c.acceptWord('DEFAULT')) {
        const expr = this.expressionUntilConstraint(c);
        this.setDefault(col, expr, c);
      } else if (c.acceptWord('PRIMARY', 'KEY')) {
        this.skipIndexParameters(c);
        table.primaryKey = { ...(constraintName ? { name: constraintName } : {}), columns: [name] };
      } else if (c.acceptWord('UNIQUE')) {
        if (c.acceptWord('NULLS')) {
          c.acceptWord('NOT');
          c.expectWord('DISTINCT');
        }
        this.skipIndexParameters(c);
        table.uniqueKeys.push({ ...(constraintName ? { name: constraintName } : {}), columns: [name] });
      } else if (c.acceptWord('REFERENCES')) {
        table.foreignKeys.push(this.references(c, constraintName, [name], schema));
      } else if (c.acceptWord('CHECK')) {
        const expression = c.textOfTokens(c.group());
        c.acceptWord('NO', 'INHERIT');
        table.checks.push({ ...(constraintName ? { name: constraintName } : {}), expression });
      } else if (c.acceptWord('GENERATED')) {
        if (c.acceptWord('ALWAYS', 'AS', 'IDENTITY')) this.identity(c, col, 'always');
        else if (c.acceptWord('BY', 'DEFAULT', 'AS', 'IDENTITY')) this.identity(c, col, 'by-default');
        else {
          c.expectWord('ALWAYS', 'AS');
          const expression = c.textOfTokens(c.group());
          const stored = c.acceptWord('STORED');
          col.generated = { expression, stored };
        }
      } else if (c.acceptWord('COLLATE')) {
        const collation = pgQualifiedName(c).name;
        this.problem(this.stmt, `column ${table.name}.${name} COLLATE "${collation}": PostgreSQL collations are not converted; the target's default utf8mb4 collation applies`);
      } else if (c.acceptWord('DEFERRABLE') || c.acceptWord('NOT', 'DEFERRABLE') || c.acceptWord('INITIALLY', 'DEFERRED') || c.acceptWord('INITIALLY', 'IMMEDIATE')) {
        // constraint timing: MySQL checks immediately
      } else throw new DdlSyntaxError(`unexpected ${c.describe()} in the definition of column ${name}`);
      constraintName = undefined;
    }
    return col;
  }

  /** A DEFAULT expression: up to the next column constraint keyword at depth 0. */
  private expressionUntilConstraint(c: TokenCursor): Token[] {
    const start = c.i;
    return c.until((t, k) => {
      if (t.kind !== 'word' || k === start) return false;
      if (t.value === 'NOT') return c.tokens[k + 1]?.value === 'NULL' || c.tokens[k + 1]?.value === 'DEFERRABLE';
      return columnStops.has(t.value) && t.value !== 'DEFAULT';
    });
  }

  private skipIndexParameters(c: TokenCursor): void {
    for (;;) {
      if (c.acceptWord('USING', 'INDEX', 'TABLESPACE')) pgName(c);
      else if (c.acceptWord('INCLUDE') || c.acceptWord('WITH')) c.group();
      else if (c.acceptWord('DEFERRABLE') || c.acceptWord('NOT', 'DEFERRABLE') || c.acceptWord('INITIALLY', 'DEFERRED') || c.acceptWord('INITIALLY', 'IMMEDIATE')) continue;
      else return;
    }
  }

  private setDefault(col: ColumnDef, tokens: Token[], c: TokenCursor): void {
    const seq = serialSequence(tokens);
    if (seq) {
      col.identity = { kind: 'serial', sequence: seq };
      delete col.default;
      return;
    }
    col.default = defaultOf(tokens, c.textOfTokens(tokens));
  }

  private identity(c: TokenCursor, col: ColumnDef, kind: 'always' | 'by-default'): void {
    let start: number | undefined;
    let increment: number | undefined;
    let sequence: string | undefined;
    if (c.isPunct('(')) {
      const o = new TokenCursor(c.group(), this.stmt);
      const opts = this.sequenceOptions(o);
      start = opts.start;
      increment = opts.increment;
      sequence = opts.sequenceName;
    }
    col.identity = { kind, ...(start !== undefined ? { start } : {}), ...(increment !== undefined ? { increment } : {}), ...(sequence ? { sequence } : {}) };
    col.nullable = false;
  }

  private references(c: TokenCursor, name: string | undefined, columns: string[], schema: string): ForeignKeyDef {
    const ref = pgQualifiedName(c);
    const refColumns = c.isPunct('(') ? this.nameList(c.group()) : [];
    let onDelete: ReferentialAction = 'NO ACTION';
    let onUpdate: ReferentialAction = 'NO ACTION';
    for (;;) {
      if (c.acceptWord('MATCH')) {
        const m = pgName(c);
        if (m !== 'simple') this.problem(this.stmt, `foreign key ${name ?? ''} MATCH ${m.toUpperCase()}: MySQL has only MATCH SIMPLE semantics`);
      } else if (c.acceptWord('ON', 'DELETE')) onDelete = action(c);
      else if (c.acceptWord('ON', 'UPDATE')) onUpdate = action(c);
      else if (c.acceptWord('DEFERRABLE') || c.acceptWord('NOT', 'DEFERRABLE') || c.acceptWord('INITIALLY', 'DEFERRED') || c.acceptWord('INITIALLY', 'IMMEDIATE')) continue;
      else if (c.acceptWord('NOT', 'VALID')) continue;
      else break;
    }
    return { ...(name ? { name } : {}), columns, refSchema: ref.schema ?? schema, refTable: ref.name, refColumns, onDelete, onUpdate };
  }

  private nameList(tokens: Token[]): string[] {
    return splitAtCommas(tokens).map((ts) => pgName(new TokenCursor(ts, this.stmt)));
  }

  private tableConstraint(c: TokenCursor, table: TableDef, schema: string): void {
    const name = c.acceptWord('CONSTRAINT') ? pgName(c) : undefined;
    const named = name ? { name } : {};
    if (c.acceptWord('PRIMARY', 'KEY')) {
      table.primaryKey = { ...named, columns: this.nameList(c.group()) };
      this.skipIndexParameters(c);
    } else if (c.acceptWord('UNIQUE')) {
      if (c.acceptWord('NULLS')) {
        c.acceptWord('NOT');
        c.expectWord('DISTINCT');
      }
      table.uniqueKeys.push({ ...named, columns: this.nameList(c.group()) });
      this.skipIndexParameters(c);
    } else if (c.acceptWord('FOREIGN', 'KEY')) {
      const columns = this.nameList(c.group());
      c.expectWord('REFERENCES');
      table.foreignKeys.push(this.references(c, name, columns, schema));
    } else if (c.acceptWord('CHECK')) {
      const expression = c.textOfTokens(c.group());
      c.acceptWord('NO', 'INHERIT');
      c.acceptWord('NOT', 'VALID');
      table.checks.push({ ...named, expression });
    } else if (c.isWord('EXCLUDE')) {
      throw new DdlSyntaxError(`exclusion constraint ${name ?? ''} on ${table.name} is not converted: MySQL has no exclusion constraints; enforce the rule in the application or a trigger`);
    } else throw new DdlSyntaxError(`unexpected ${c.describe()} in a constraint of table ${table.name}`);
    if (!c.atEnd) throw new DdlSyntaxError(`unexpected ${c.describe()} after constraint ${name ?? ''} of table ${table.name}`);
  }

  private createIndex(c: TokenCursor, unique: boolean): void {
    c.acceptWord('CONCURRENTLY');
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const name = c.isWord('ON') ? undefined : pgName(c);
    c.expectWord('ON');
    c.acceptWord('ONLY');
    const ref = pgQualifiedName(c);
    const table = this.table(ref);
    let method: IndexDef['method'] = 'btree';
    if (c.acceptWord('USING')) {
      const m = pgName(c);
      if (m === 'btree' || m === 'hash' || m === 'gin' || m === 'gist' || m === 'brin') method = m;
      else throw new DdlSyntaxError(`index ${name ?? ''} uses the ${m} access method, which this converter does not know`);
    }
    const parts = splitAtCommas(c.group()).map((ts) => this.indexPart(ts));
    let where: string | undefined;
    while (!c.atEnd) {
      if (c.acceptWord('INCLUDE')) {
        const cols = this.nameList(c.group());
        this.problem(this.stmt, `index ${name ?? ''} INCLUDE (${cols.join(', ')}): covering columns are not converted (MySQL has no INCLUDE); the index is kept without them`);
      } else if (c.acceptWord('NULLS')) {
        c.acceptWord('NOT');
        c.expectWord('DISTINCT');
      } else if (c.acceptWord('WITH')) c.group();
      else if (c.acceptWord('TABLESPACE')) pgName(c);
      else if (c.acceptWord('WHERE')) where = c.textOfTokens(c.rest());
      else throw new DdlSyntaxError(`unexpected ${c.describe()} in index ${name ?? ''}`);
    }
    const generated = name ?? `${table.name}_${parts.map((p) => p.column ?? 'expr').join('_')}_idx`;
    table.indexes.push({ name: generated, unique, method, parts, ...(where ? { where } : {}) });
  }

  private indexPart(tokens: Token[]): IndexPart {
    // Trailing options: [COLLATE x] [opclass] [ASC|DESC] [NULLS FIRST|LAST].
    let end = tokens.length;
    let descending = false;
    const at = (k: number) => tokens[k];
    if (at(end - 2)?.value === 'NULLS' && (at(end - 1)?.value === 'FIRST' || at(end - 1)?.value === 'LAST')) end -= 2;
    if (at(end - 1)?.value === 'DESC') {
      descending = true;
      end--;
    } else if (at(end - 1)?.value === 'ASC') end--;
    let body = tokens.slice(0, end);
    const c = new TokenCursor(body, this.stmt);
    const desc = descending ? { descending: true } : {};
    if (body.length >= 1 && (body[0]!.kind === 'word' || body[0]!.kind === 'quoted-id') && !(body[1]?.kind === 'punct' && body[1].text === '(')) {
      const column = pgName(c);
      // What follows a plain column is a COLLATE clause or an operator class: neither changes which rows match.
      return { column, ...desc };
    }
    if (body[0]?.kind === 'punct' && body[0].text === '(') {
      const inner = c.group();
      body = inner;
    } else {
      // A function call, possibly followed by an operator class.
      const call = c.until(() => false);
      body = call;
      const last = body[body.length - 1];
      if (last && last.kind === 'word' && body.length > 1 && body[body.length - 2]?.text === ')') body = body.slice(0, -1);
    }
    return { expression: c.textOfTokens(body), ...desc };
  }

  private createSequence(c: TokenCursor): void {
    c.acceptWord('IF', 'NOT', 'EXISTS');
    const ref = pgQualifiedName(c);
    const schema = this.schema(ref.schema);
    const opts = this.sequenceOptions(c);
    const seq: SequenceDef = { name: ref.name };
    if (opts.start !== undefined) seq.start = opts.start;
    if (opts.increment !== undefined) seq.increment = opts.increment;
    if (opts.minValue !== undefined) seq.minValue = opts.minValue;
    if (opts.maxValue !== undefined) seq.maxValue = opts.maxValue;
    if (opts.cycle) seq.cycle = true;
    if (opts.ownedBy) seq.ownedBy = opts.ownedBy;
    schema.sequences.push(seq);
  }

  private sequenceOptions(c: TokenCursor): { start?: number; increment?: number; minValue?: number; maxValue?: number; cycle?: boolean; ownedBy?: { table: string; column: string }; sequenceName?: string } {
    const o: ReturnType<PgParser['sequenceOptions']> = {};
    const num = (): number => {
      const neg = c.acceptPunct('-');
      const t = c.peek();
      if (t?.kind !== 'number') throw new DdlSyntaxError(`expected a number but found ${c.describe()}`);
      c.i++;
      return neg ? -Number(t.text) : Number(t.text);
    };
    while (!c.atEnd) {
      if (c.acceptWord('AS')) pgName(c);
      else if (c.acceptWord('INCREMENT')) {
        c.acceptWord('BY');
        o.increment = num();
      } else if (c.acceptWord('START')) {
        c.acceptWord('WITH');
        o.start = num();
      } else if (c.acceptWord('MINVALUE')) o.minValue = num();
      else if (c.acceptWord('MAXVALUE')) o.maxValue = num();
      else if (c.acceptWord('NO', 'MINVALUE') || c.acceptWord('NO', 'MAXVALUE') || c.acceptWord('NO', 'CYCLE')) continue;
      else if (c.acceptWord('CACHE')) num();
      else if (c.acceptWord('CYCLE')) o.cycle = true;
      else if (c.acceptWord('SEQUENCE', 'NAME')) o.sequenceName = pgQualifiedName(c).name;
      else if (c.acceptWord('OWNED', 'BY')) {
        if (c.acceptWord('NONE')) continue;
        const parts = [pgName(c)];
        while (c.acceptPunct('.')) parts.push(pgName(c));
        const column = parts[parts.length - 1]!;
        const table = parts[parts.length - 2];
        if (!table) throw new DdlSyntaxError('OWNED BY needs table.column');
        o.ownedBy = { table, column };
      } else if (c.acceptWord('RESTART')) {
        c.acceptWord('WITH');
        if (c.peek()?.kind === 'number') num();
      } else throw new DdlSyntaxError(`unexpected ${c.describe()} in sequence options`);
    }
    return o;
  }

  private createType(c: TokenCursor): void {
    const ref = pgQualifiedName(c);
    if (!c.acceptWord('AS', 'ENUM')) {
      throw new DdlSyntaxError(`type ${ref.name} is not an enum: composite, range and base types are not converted; replace its uses by hand`);
    }
    const values = splitAtCommas(c.group()).map((ts) => {
      const t = ts[0];
      if (ts.length !== 1 || t?.kind !== 'string') throw new DdlSyntaxError(`enum ${ref.name} has a label that is not a string`);
      return t.value;
    });
    this.schema(ref.schema).enumTypes.push({ name: ref.name, values });
    this.enums.set(ref.name, values);
  }

  private createDomain(c: TokenCursor): void {
    const ref = pgQualifiedName(c);
    c.acceptWord('AS');
    const base = c.textOfTokens(c.until((t) => t.kind === 'word' && ['COLLATE', 'DEFAULT', 'CONSTRAINT', 'NOT', 'NULL', 'CHECK'].includes(t.value)));
    const checks: DomainDef['checks'] = [];
    let notNull = false;
    let dflt: string | undefined;
    let name: string | undefined;
    while (!c.atEnd) {
      if (c.acceptWord('CONSTRAINT')) {
        name = pgName(c);
        continue;
      }
      if (c.acceptWord('NOT', 'NULL')) notNull = true;
      else if (c.acceptWord('NULL')) notNull = false;
      else if (c.acceptWord('COLLATE')) pgQualifiedName(c);
      else if (c.acceptWord('DEFAULT')) dflt = c.textOfTokens(c.until((t) => t.kind === 'word' && ['CONSTRAINT', 'NOT', 'NULL', 'CHECK'].includes(t.value)));
      else if (c.acceptWord('CHECK')) checks.push({ ...(name ? { name } : {}), expression: c.textOfTokens(c.group()) });
      else throw new DdlSyntaxError(`unexpected ${c.describe()} in domain ${ref.name}`);
      name = undefined;
    }
    this.schema(ref.schema);
    this.domains.set(ref.name, { base, notNull, checks, ...(dflt !== undefined ? { default: dflt } : {}) });
  }

  private createView(c: TokenCursor): void {
    const ref = pgQualifiedName(c);
    const columns = c.isPunct('(') ? this.nameList(c.group()) : undefined;
    if (c.acceptWord('WITH')) c.group();
    c.expectWord('AS');
    let body = c.rest();
    let checkOption: ViewDef['checkOption'];
    const n = body.length;
    if (n >= 3 && body[n - 2]?.value === 'CHECK' && body[n - 1]?.value === 'OPTION') {
      const k = body[n - 3]?.value === 'WITH' ? n - 3 : n - 4;
      checkOption = body[n - 3]?.value === 'LOCAL' ? 'LOCAL' : 'CASCADED';
      body = body.slice(0, k);
    }
    const view: ViewDef = { name: ref.name, query: c.textOfTokens(body) };
    if (columns) view.columns = columns;
    if (checkOption) view.checkOption = checkOption;
    this.schema(ref.schema).views.push(view);
  }

  private createRoutine(c: TokenCursor, kind: 'function' | 'procedure'): void {
    const ref = pgQualifiedName(c);
    this.schema(ref.schema).routines.push({ name: ref.name, kind, definition: this.stmt });
  }

  private createTrigger(c: TokenCursor): void {
    const name = pgName(c);
    let timing: TriggerDef['timing'];
    if (c.acceptWord('BEFORE')) timing = 'BEFORE';
    else if (c.acceptWord('AFTER')) timing = 'AFTER';
    else if (c.acceptWord('INSTEAD', 'OF')) timing = 'INSTEAD OF';
    else throw new DdlSyntaxError(`trigger ${name}: expected BEFORE, AFTER or INSTEAD OF but found ${c.describe()}`);
    const events: TriggerDef['events'] = [];
    while (!c.atEnd && !c.isWord('ON')) {
      const t = c.peek()!;
      if (t.value === 'INSERT' || t.value === 'UPDATE' || t.value === 'DELETE' || t.value === 'TRUNCATE') events.push(t.value);
      c.i++;
    }
    c.expectWord('ON');
    const table = pgQualifiedName(c);
    this.schema(table.schema).triggers.push({ name, table: table.name, timing, events, definition: this.stmt });
  }

  // ---------------------------------------------------------------------------------
  // ALTER

  private alter(c: TokenCursor): void {
    if (c.acceptWord('TABLE')) return this.alterTable(c);
    if (c.acceptWord('SEQUENCE')) {
      c.acceptWord('IF', 'EXISTS');
      const ref = pgQualifiedName(c);
      if (c.isWord('OWNER', 'TO')) return;
      const seq = this.schema(ref.schema).sequences.find((s) => s.name === ref.name);
      if (!seq) throw new DdlSyntaxError(`sequence ${ref.name} is not defined before this statement`);
      const opts = this.sequenceOptions(c);
      if (opts.ownedBy) seq.ownedBy = opts.ownedBy;
      if (opts.start !== undefined) seq.start = opts.start;
      if (opts.increment !== undefined) seq.increment = opts.increment;
      return;
    }
    // ALTER FUNCTION/TYPE/DOMAIN/VIEW/SCHEMA/LANGUAGE ... OWNER TO: ownership is not part of the conversion.
    const rest = c.rest();
    const text = c.textOfTokens(rest);
    if (/\bOWNER\s+TO\b/i.test(text) && rest.length >= 4) return;
    if (/^DEFAULT\s+PRIVILEGES\b/i.test(text)) return;
    throw new DdlSyntaxError(`ALTER ${text.split(/\s+/)[0]?.toUpperCase() ?? ''} ... is not converted`);
  }

  private alterTable(c: TokenCursor): void {
    c.acceptWord('IF', 'EXISTS');
    c.acceptWord('ONLY');
    const ref = pgQualifiedName(c);
    if (c.isWord('OWNER', 'TO')) return;
    const table = this.table(ref);
    const schema = ref.schema ?? this.currentSchema;
    for (const action of splitAtCommas(c.rest())) {
      const a = new TokenCursor(action, this.stmt);
      if (a.acceptWord('ADD')) {
        if (a.isWord('CONSTRAINT') || a.isWord('PRIMARY') || a.isWord('UNIQUE') || a.isWord('FOREIGN') || a.isWord('CHECK') || a.isWord('EXCLUDE')) {
          // NOT VALID (the constraint holds for new rows only) is dropped: MySQL checks all rows, which is stricter.
          const trimmed = action[action.length - 1]?.value === 'VALID' && action[action.length - 2]?.value === 'NOT' ? action.slice(1, -2) : action.slice(1);
          this.tableConstraint(new TokenCursor(trimmed, this.stmt), table, schema);
          continue;
        }
        a.acceptWord('COLUMN');
        a.acceptWord('IF', 'NOT', 'EXISTS');
        table.columns.push(this.column(a, table, schema));
        this.extras.get(table)?.ownColumns.add(table.columns[table.columns.length - 1]!.name);
      } else if (a.acceptWord('ALTER')) {
        a.acceptWord('COLUMN');
        const colName = pgName(a);
        const col = table.columns.find((x) => x.name === colName);
        if (!col) throw new DdlSyntaxError(`column ${table.name}.${colName} is not defined`);
        if (a.acceptWord('SET', 'DEFAULT')) this.setDefault(col, a.rest(), a);
        else if (a.acceptWord('DROP', 'DEFAULT')) delete col.default;
        else if (a.acceptWord('SET', 'NOT', 'NULL')) col.nullable = false;
        else if (a.acceptWord('DROP', 'NOT', 'NULL')) col.nullable = true;
        else if (a.acceptWord('ADD', 'GENERATED')) {
          if (a.acceptWord('ALWAYS', 'AS', 'IDENTITY')) this.identity(a, col, 'always');
          else {
            a.expectWord('BY', 'DEFAULT', 'AS', 'IDENTITY');
            this.identity(a, col, 'by-default');
          }
        } else if (a.acceptWord('SET', 'STATISTICS') || a.acceptWord('SET', 'STORAGE') || a.acceptWord('SET', 'COMPRESSION')) a.rest();
        else throw new DdlSyntaxError(`ALTER COLUMN ${colName} ${a.describe()} is not converted`);
      } else if (a.acceptWord('CLUSTER', 'ON') || a.acceptWord('REPLICA', 'IDENTITY') || a.acceptWord('SET', 'WITHOUT', 'CLUSTER')) {
        a.rest(); // physical and replication settings of PostgreSQL only
      } else if (a.isWord('ATTACH', 'PARTITION')) {
        throw new DdlSyntaxError(`ATTACH PARTITION on ${table.name} is not converted: partitioning is not converted; the partition stays a table of its own`);
      } else throw new DdlSyntaxError(`ALTER TABLE ${table.name} ${a.describe()} is not converted`);
    }
  }

  // ---------------------------------------------------------------------------------
  // COMMENT ON

  private comment(c: TokenCursor): void {
    const kind = c.peek()?.value;
    if (kind === 'COLUMN') {
      c.i++;
      const parts = [pgName(c)];
      while (c.acceptPunct('.')) parts.push(pgName(c));
      const column = parts.pop()!;
      const tableName = parts.pop();
      if (!tableName) throw new DdlSyntaxError('COMMENT ON COLUMN needs table.column');
      const text = commentText(c);
      const rel = this.relation({ ...(parts.length ? { schema: parts[parts.length - 1]! } : {}), name: tableName });
      if ('uniqueKeys' in rel) {
        const col = rel.columns.find((x) => x.name === column);
        if (!col) throw new DdlSyntaxError(`column ${tableName}.${column} is not defined`);
        if (text === undefined) delete col.comment;
        else col.comment = text;
        return;
      }
      throw new DdlSyntaxError(`comments on view columns (${tableName}.${column}) are not kept: MySQL views have no column comments`);
    }
    if (kind === 'TABLE' || kind === 'VIEW') {
      c.i++;
      const rel = this.relation(pgQualifiedName(c));
      const text = commentText(c);
      if (text === undefined) delete rel.comment;
      else rel.comment = text;
      return;
    }
    if (kind === 'INDEX') {
      c.i++;
      const ref = pgQualifiedName(c);
      const text = commentText(c);
      const idx = this.schema(ref.schema).tables.flatMap((t) => t.indexes).find((i) => i.name === ref.name);
      if (!idx) throw new DdlSyntaxError(`index ${ref.name} is not defined before its comment`);
      if (text === undefined) delete idx.comment;
      else idx.comment = text;
      return;
    }
    if (kind === 'EXTENSION') return;
    throw new DdlSyntaxError(`COMMENT ON ${kind ?? ''} is not kept: the model holds comments of tables, columns, views and indexes only`);
  }

  private relation(ref: { schema?: string; name: string }): TableDef | ViewDef {
    const s = this.schemas.get(ref.schema ?? this.currentSchema);
    const r = s?.tables.find((t) => t.name === ref.name) ?? s?.views.find((v) => v.name === ref.name);
    if (!r) throw new DdlSyntaxError(`${ref.name} is not defined before its comment`);
    return r;
  }

  // ---------------------------------------------------------------------------------
  // After the last statement: what needs the whole script

  finish(): void {
    // 1. Types: enums and domains, whatever order the script declared them in.
    for (const s of this.schemas.values()) {
      for (const t of s.tables) {
        for (const col of t.columns) this.resolveType(t, col);
      }
    }
    // 2. Inherited columns, parents first (a parent is always declared before its children).
    for (const s of this.schemas.values()) {
      for (const t of s.tables) {
        const extra = this.extras.get(t);
        if (!extra?.parents.length) continue;
        const inherited: ColumnDef[] = [];
        for (const pref of extra.parents) {
          const parent = this.schemas.get(pref.schema)?.tables.find((x) => x.name === pref.name);
          if (!parent) {
            this.problem(`CREATE TABLE ${t.name}`, `parent table ${pref.schema}.${pref.name} of ${t.name} is not defined: its columns are missing`);
            continue;
          }
          for (const pc of parent.columns) {
            if (inherited.some((x) => x.name === pc.name)) continue;
            const own = t.columns.find((x) => x.name === pc.name);
            inherited.push(own ? { ...structuredClone(pc), ...own, nullable: own.nullable && pc.nullable } : structuredClone(pc));
          }
        }
        t.columns = [...inherited, ...t.columns.filter((x) => !inherited.some((i) => i.name === x.name))];
      }
    }
    // 3. Serial sequences: the one column (declared by its own table) whose default takes from it owns it.
    for (const s of this.schemas.values()) {
      for (const seq of s.sequences) {
        const users = s.tables.flatMap((t) => t.columns.filter((col) => col.identity?.kind === 'serial' && col.identity.sequence === seq.name && this.extras.get(t)?.ownColumns.has(col.name)).map((col) => ({ t, col })));
        if (!seq.ownedBy && users.length === 1) seq.ownedBy = { table: users[0]!.t.name, column: users[0]!.col.name };
        for (const t of s.tables) {
          for (const col of t.columns) {
            if (col.identity?.kind === 'serial' && col.identity.sequence === seq.name) {
              col.identity = { kind: 'serial', sequence: seq.name, ...(seq.start !== undefined ? { start: seq.start } : {}), ...(seq.increment !== undefined ? { increment: seq.increment } : {}) };
              col.nullable = false;
            }
          }
        }
      }
    }
  }

  private resolveType(t: TableDef, col: ColumnDef): void {
    const bare = bareTypeName(col.nativeType);
    const domain = this.domains.get(bare);
    if (domain && !/\[\]$/.test(col.nativeType)) {
      col.type = pgTypeFromText(domain.base, { enums: this.enums });
      if (domain.notNull) col.nullable = false;
      if (domain.default !== undefined && !col.default && !col.identity) {
        const toks = significant(tokenize(domain.default, 'postgres'));
        col.default = defaultOf(toks, domain.default);
      }
      for (const ck of domain.checks) {
        const expression = replaceValue(ck.expression, col.name);
        const check: CheckDef = { name: `${t.name}_${col.name}_${ck.name ?? 'check'}`, expression };
        t.checks.push(check);
      }
      return;
    }
    col.type = pgTypeFromText(col.nativeType, { enums: this.enums });
  }
}

/** A name as PostgreSQL reads it: unquoted names fold to lower case, quoted ones are kept. */
function pgName(c: TokenCursor): string {
  const quoted = c.peek()?.kind === 'quoted-id';
  const name = c.ident();
  return quoted ? name : name.toLowerCase();
}

/** `[schema.]name`; a `database.schema.name` drops the database part. */
function pgQualifiedName(c: TokenCursor): { schema?: string; name: string } {
  const first = pgName(c);
  if (c.acceptPunct('.')) {
    const second = pgName(c);
    if (c.acceptPunct('.')) return { schema: second, name: pgName(c) };
    return { schema: first, name: second };
  }
  return { name: first };
}

function action(c: TokenCursor): ReferentialAction {
  if (c.acceptWord('NO', 'ACTION')) return 'NO ACTION';
  if (c.acceptWord('RESTRICT')) return 'RESTRICT';
  if (c.acceptWord('CASCADE')) return 'CASCADE';
  if (c.acceptWord('SET', 'NULL')) {
    if (c.isPunct('(')) throw new DdlSyntaxError('ON DELETE SET NULL (columns) is not converted: MySQL sets every column of the key');
    return 'SET NULL';
  }
  if (c.acceptWord('SET', 'DEFAULT')) return 'SET DEFAULT';
  throw new DdlSyntaxError(`unknown referential action ${c.describe()}`);
}

function commentText(c: TokenCursor): string | undefined {
  c.expectWord('IS');
  const t = c.peek();
  if (t?.kind === 'word' && t.value === 'NULL') return undefined;
  if (t?.kind !== 'string') throw new DdlSyntaxError('expected the comment text');
  return t.value;
}

/** `nextval('seq'::regclass)` -> the sequence's bare name. */
function serialSequence(tokens: readonly Token[]): string | undefined {
  let sig = stripParens(tokens);
  if (sig[0]?.value === 'PG_CATALOG' && sig[1]?.text === '.') sig = sig.slice(2);
  if (sig[0]?.kind !== 'word' || sig[0].value !== 'NEXTVAL' || sig[1]?.text !== '(') return undefined;
  const str = sig[2];
  if (str?.kind !== 'string') return undefined;
  if (!str) return undefined;
  const c = new TokenCursor(significant(tokenize(str.value, 'postgres')), str.value);
  try {
    return pgQualifiedName(c).name;
  } catch {
    return undefined;
  }
}

function stripParens(tokens: readonly Token[]): Token[] {
  let t = [...tokens];
  while (t.length >= 2 && t[0]!.text === '(' && t[t.length - 1]!.text === ')' && balancedInside(t)) t = t.slice(1, -1);
  return t;
}

function balancedInside(t: readonly Token[]): boolean {
  let depth = 0;
  for (let k = 0; k < t.length; k++) {
    const x = t[k]!;
    if (x.text === '(' && x.kind === 'punct') depth++;
    else if (x.text === ')' && x.kind === 'punct') depth--;
    if (depth === 0 && k < t.length - 1) return false;
  }
  return true;
}

/** A DEFAULT clause -> DefaultDef: literals (casts dropped), NULL, the current time, or an expression kept as text. */
export function defaultOf(tokens: readonly Token[], text: string): DefaultDef {
  let t = stripParens(tokens);
  // Drop trailing casts: 'G'::mpaa_rating, 'x'::character varying, NULL::integer.
  const cast = t.findIndex((x) => x.kind === 'op' && x.text === '::');
  const head = cast >= 0 ? stripParens(t.slice(0, cast)) : t;
  const castIsPlain = cast >= 0 && !t.slice(cast).some((x, k) => k > 0 && x.kind === 'op' && x.text !== '::' && x.text !== '[' && x.text !== ']');
  if (cast < 0 || castIsPlain) {
    if (head.length === 1 && head[0]!.kind === 'word' && head[0]!.value === 'NULL') return { kind: 'null' };
    if (head.length === 1 && head[0]!.kind === 'string') {
      const v = head[0]!.value;
      if (cast >= 0 && /^'?now'?$/i.test(v) && /timestamp|date/i.test(t.slice(cast).map((x) => x.text).join(' '))) return { kind: 'expression', sql: text };
      return { kind: 'literal', value: v, quoted: true };
    }
    if (head.length === 1 && head[0]!.kind === 'number') return { kind: 'literal', value: head[0]!.text, quoted: false };
    if (head.length === 2 && head[0]!.text === '-' && head[1]!.kind === 'number') return { kind: 'literal', value: `-${head[1]!.text}`, quoted: false };
    if (head.length === 1 && head[0]!.kind === 'word' && (head[0]!.value === 'TRUE' || head[0]!.value === 'FALSE')) return { kind: 'literal', value: head[0]!.value.toLowerCase(), quoted: false };
  }
  t = stripParens(tokens);
  const v = t.map((x) => x.value).join(' ');
  const now = /^(NOW \( \)|CURRENT_TIMESTAMP|TRANSACTION_TIMESTAMP \( \)|LOCALTIMESTAMP|STATEMENT_TIMESTAMP \( \)|CLOCK_TIMESTAMP \( \))$/.exec(v);
  if (now) return { kind: 'current-timestamp' };
  const p = /^(CURRENT_TIMESTAMP|LOCALTIMESTAMP) \( (\d+) \)$/.exec(t.map((x) => x.text.toUpperCase()).join(' '));
  if (p) return { kind: 'current-timestamp', precision: Number(p[2]) };
  return { kind: 'expression', sql: text };
}

/** A domain CHECK with VALUE replaced by the column. */
function replaceValue(expression: string, column: string): string {
  const toks = tokenize(expression, 'postgres');
  return toks.map((t) => (t.kind === 'word' && t.value === 'VALUE' ? quoteIdentifier(column, 'postgres') : t.text)).join('');
}
