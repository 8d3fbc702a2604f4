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
import type {
  CheckDef, ColumnDef, DefaultDef, ForeignKeyDef, IndexDef, IndexPart, ParseProblem, ParseResult, ReferentialAction,
  SchemaDef, SequenceDef, TableDef, TriggerDef, ViewDef,
} from '../model.js';
import { quoteIdentifier, significant, splitStatements, tokenize, type Token } from '../sql/tokenizer.js';
import { bareTypeName, pgTypeFromText } from './postgres-type-text.js';
import { ParseFailure, splitAtCommas, TokenCursor } from './token-cursor.js';

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
      if (!(e instanceof ParseFailure)) throw e;
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
    if (!t) throw new ParseFailure(`table ${ref.schema ? `${ref.schema}.` : ''}${ref.name} is not defined before this statement`);
    return t;
  }

  statement(input: string): void {
    // Leading comments (pg_dump's "-- Name: ...; Type: ..." headers) are not part of the statement.
    const first = significant(tokenize(input, 'postgres'))[0];
    if (!first) return;
    const stmt = input.slice(first.start).trim();
    this.stmt = stmt;
    const c = new TokenCursor(significant(tokenize(stmt, 'postgres')), stmt);
    if (c.accept('SET')) return this.set(c);
    if (c.isWord('SELECT')) return this.select(c);
    if (c.isWord('GRANT') || c.isWord('REVOKE')) return; // privileges: not schema objects
    if (c.isWord('COPY')) return; // data (the block itself was removed before splitting)
    if (c.isWord('BEGIN') || c.isWord('COMMIT') || c.isWord('START', 'TRANSACTION')) return;
    if (c.accept('COMMENT', 'ON')) return this.comment(c);
    if (c.accept('ALTER')) return this.alter(c);
    if (c.accept('CREATE')) return this.create(c);
    throw new ParseFailure(`${c.peek()?.text.toUpperCase()} statements are not schema definitions this converter reads`);
  }

  // ---------------------------------------------------------------------------------
  // Session settings

  private set(c: TokenCursor): void {
    c.accept('SESSION') || c.accept('LOCAL');
    if (!c.accept('SEARCH_PATH')) return; // client_encoding, standard_conforming_strings ...: session only
    c.acceptPunct('=') || c.accept('TO');
    const first = c.rest().find((t) => (t.kind === 'word' || t.kind === 'quoted-id' || t.kind === 'string') && t.value.toLowerCase() !== 'pg_catalog');
    if (first) this.currentSchema = first.kind === 'word' ? first.text.toLowerCase() : first.value;
  }

  private select(c: TokenCursor): void {
    const text = c.text(c.rest());
    // pg_dump's set_config('search_path', '', false) and setval(...) of its data section.
    const m = /set_config\s*\(\s*'search_path'\s*,\s*'([^']*)'/i.exec(text);
    if (m) {
      const first = m[1]!.split(',').map((x) => x.trim()).find((x) => x && x !== 'pg_catalog');
      if (first) this.currentSchema = first.replace(/^"|"$/g, '');
      return;
    }
    if (/^SELECT\s+(pg_catalog\.)?(set_config|setval)\s*\(/i.test(text)) return;
    throw new ParseFailure('a SELECT in a schema script is not a definition; it was not run');
  }

  // ---------------------------------------------------------------------------------
  // CREATE

  private create(c: TokenCursor): void {
    c.accept('OR', 'REPLACE');
    c.accept('GLOBAL') || c.accept('LOCAL');
    const temp = c.accept('TEMPORARY') || c.accept('TEMP');
    c.accept('UNLOGGED');
    if (c.accept('SCHEMA')) {
      c.accept('IF', 'NOT', 'EXISTS');
      if (c.isWord('AUTHORIZATION')) throw new ParseFailure('CREATE SCHEMA AUTHORIZATION without a schema name is not supported: name the schema');
      this.schema(c.name());
      return;
    }
    if (c.accept('TABLE')) {
      if (temp) throw new ParseFailure('temporary tables are not part of a schema');
      return this.createTable(c);
    }
    if (c.accept('UNIQUE', 'INDEX')) return this.createIndex(c, true);
    if (c.accept('INDEX')) return this.createIndex(c, false);
    if (c.accept('SEQUENCE')) return this.createSequence(c);
    if (c.accept('TYPE')) return this.createType(c);
    if (c.accept('DOMAIN')) return this.createDomain(c);
    if (c.accept('RECURSIVE', 'VIEW')) throw new ParseFailure('recursive views are not converted: rewrite the view with WITH RECURSIVE by hand');
    if (c.accept('VIEW')) return this.createView(c);
    if (c.accept('MATERIALIZED', 'VIEW')) {
      throw new ParseFailure('materialized views are not converted: MySQL has none; create a table filled by a scheduled event, or a plain view');
    }
    if (c.accept('FUNCTION')) return this.createRoutine(c, 'function');
    if (c.accept('PROCEDURE')) return this.createRoutine(c, 'procedure');
    if (c.accept('AGGREGATE')) return this.createRoutine(c, 'function');
    if (c.accept('CONSTRAINT', 'TRIGGER') || c.accept('TRIGGER')) return this.createTrigger(c);
    if (c.accept('TRUSTED') || c.accept('PROCEDURAL') || c.isWord('LANGUAGE')) return; // server languages: not schema objects
    if (c.accept('EXTENSION')) {
      c.accept('IF', 'NOT', 'EXISTS');
      throw new ParseFailure(`extension ${c.name()} is not converted: objects that use its types or functions need manual work on the target`);
    }
    throw new ParseFailure(`CREATE ${c.peek()?.text.toUpperCase() ?? ''} is not converted: there is no MySQL counterpart this converter knows`);
  }

  private createTable(c: TokenCursor): void {
    c.accept('IF', 'NOT', 'EXISTS');
    const ref = c.qualifiedName();
    const schema = this.schema(ref.schema);
    if (schema.tables.some((t) => t.name === ref.name)) throw new ParseFailure(`table ${schema.name}.${ref.name} is defined twice`);
    const table: TableDef = { name: ref.name, columns: [], uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] };
    const extra: TableExtra = { schema: schema.name, parents: [], ownColumns: new Set() };
    const options: Record<string, string> = {};
    if (c.accept('OF')) throw new ParseFailure('typed tables (CREATE TABLE ... OF type) are not converted: declare the columns');
    if (c.accept('PARTITION', 'OF')) {
      const parent = c.qualifiedName();
      extra.parents.push({ schema: parent.schema ?? schema.name, name: parent.name });
      options.partitionOf = `${parent.schema ?? schema.name}.${parent.name}`;
      if (c.isPunct('(')) this.tableElements(c.group(), table, extra, schema.name);
      const bound = c.until((t) => t.kind === 'word' && (t.value === 'PARTITION' || t.value === 'USING' || t.value === 'WITH' || t.value === 'TABLESPACE'));
      options.partitionBound = c.text(bound);
      this.problem(this.stmt, `table ${schema.name}.${ref.name} is a partition of ${options.partitionOf} (${options.partitionBound}): kept as a table of its own with the parent's columns; partitioning is not converted`);
    } else {
      this.tableElements(c.group(), table, extra, schema.name);
    }
    while (!c.atEnd) {
      if (c.accept('INHERITS')) {
        const parents = splitAtCommas(c.group()).map((ts) => new TokenCursor(ts, this.stmt).qualifiedName());
        for (const p of parents) extra.parents.push({ schema: p.schema ?? schema.name, name: p.name });
        options.inherits = parents.map((p) => `${p.schema ?? schema.name}.${p.name}`).join(', ');
        this.problem(this.stmt, `table ${schema.name}.${ref.name} INHERITS (${options.inherits}): kept as a table of its own with the parent's columns copied; inheritance (the parent's queries seeing its rows) is not converted`);
      } else if (c.accept('PARTITION', 'BY')) {
        const by = c.until((t) => t.kind === 'word' && (t.value === 'USING' || t.value === 'WITH' || t.value === 'TABLESPACE'));
        options.partitionBy = c.text(by);
        this.problem(this.stmt, `table ${schema.name}.${ref.name} is partitioned (PARTITION BY ${options.partitionBy}): kept as one table; the partitioning is not converted`);
      } else if (c.accept('USING') || c.accept('TABLESPACE')) {
        c.name();
      } else if (c.accept('WITH')) {
        if (c.isPunct('(')) c.group();
        else c.name();
      } else if (c.accept('WITHOUT', 'OIDS')) {
        // the default
      } else if (c.accept('ON', 'COMMIT')) {
        c.rest();
      } else throw new ParseFailure(`unexpected ${c.describeNext()} after the table's columns`);
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
        throw new ParseFailure('CREATE TABLE ... (LIKE other) is not converted: list the columns');
      } else {
        const col = this.column(c, table, schema);
        table.columns.push(col);
        extra.ownColumns.add(col.name);
      }
    }
  }

  private column(c: TokenCursor, table: TableDef, schema: string): ColumnDef {
    const name = c.name();
    const typeTokens = c.until((t) => t.kind === 'word' && columnStops.has(t.value));
    if (!typeTokens.length) throw new ParseFailure(`column ${name} has no type`);
    const nativeType = c.text(typeTokens);
    const col: ColumnDef = { name, type: pgTypeFromText(nativeType), nativeType, nullable: true };
    let constraintName: string | undefined;
    while (!c.atEnd) {
      if (c.accept('CONSTRAINT')) {
        constraintName = c.name();
        continue;
      }
      if (c.accept('NOT', 'NULL')) col.nullable = false;
      else if (c.accept('NULL')) col.nullable = true;
      else if (c.accept('DEFAULT')) {
        const expr = this.expressionUntilConstraint(c);
        this.setDefault(col, expr, c);
      } else if (c.accept('PRIMARY', 'KEY')) {
        this.skipIndexParameters(c);
        table.primaryKey = { ...(constraintName ? { name: constraintName } : {}), columns: [name] };
      } else if (c.accept('UNIQUE')) {
        if (c.accept('NULLS')) {
          c.accept('NOT');
          c.expect('DISTINCT');
        }
        this.skipIndexParameters(c);
        table.uniqueKeys.push({ ...(constraintName ? { name: constraintName } : {}), columns: [name] });
      } else if (c.accept('REFERENCES')) {
        table.foreignKeys.push(this.references(c, constraintName, [name], schema));
      } else if (c.accept('CHECK')) {
        const expression = c.text(c.group());
        c.accept('NO', 'INHERIT');
        table.checks.push({ ...(constraintName ? { name: constraintName } : {}), expression });
      } else if (c.accept('GENERATED')) {
        if (c.accept('ALWAYS', 'AS', 'IDENTITY')) this.identity(c, col, 'always');
        else if (c.accept('BY', 'DEFAULT', 'AS', 'IDENTITY')) this.identity(c, col, 'by-default');
        else {
          c.expect('ALWAYS', 'AS');
          const expression = c.text(c.group());
          const stored = c.accept('STORED');
          col.generated = { expression, stored };
        }
      } else if (c.accept('COLLATE')) {
        const collation = c.qualifiedName().name;
        this.problem(this.stmt, `column ${table.name}.${name} COLLATE "${collation}": PostgreSQL collations are not converted; the target's default utf8mb4 collation applies`);
      } else if (c.accept('DEFERRABLE') || c.accept('NOT', 'DEFERRABLE') || c.accept('INITIALLY', 'DEFERRED') || c.accept('INITIALLY', 'IMMEDIATE')) {
        // constraint timing: MySQL checks immediately
      } else throw new ParseFailure(`unexpected ${c.describeNext()} in the definition of column ${name}`);
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
      if (c.accept('USING', 'INDEX', 'TABLESPACE')) c.name();
      else if (c.accept('INCLUDE') || c.accept('WITH')) c.group();
      else if (c.accept('DEFERRABLE') || c.accept('NOT', 'DEFERRABLE') || c.accept('INITIALLY', 'DEFERRED') || c.accept('INITIALLY', 'IMMEDIATE')) continue;
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
    col.default = defaultOf(tokens, c.text(tokens));
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
    const ref = c.qualifiedName();
    const refColumns = c.isPunct('(') ? this.nameList(c.group()) : [];
    let onDelete: ReferentialAction = 'NO ACTION';
    let onUpdate: ReferentialAction = 'NO ACTION';
    for (;;) {
      if (c.accept('MATCH')) {
        const m = c.name();
        if (m !== 'simple') this.problem(this.stmt, `foreign key ${name ?? ''} MATCH ${m.toUpperCase()}: MySQL has only MATCH SIMPLE semantics`);
      } else if (c.accept('ON', 'DELETE')) onDelete = action(c);
      else if (c.accept('ON', 'UPDATE')) onUpdate = action(c);
      else if (c.accept('DEFERRABLE') || c.accept('NOT', 'DEFERRABLE') || c.accept('INITIALLY', 'DEFERRED') || c.accept('INITIALLY', 'IMMEDIATE')) continue;
      else if (c.accept('NOT', 'VALID')) continue;
      else break;
    }
    return { ...(name ? { name } : {}), columns, refSchema: ref.schema ?? schema, refTable: ref.name, refColumns, onDelete, onUpdate };
  }

  private nameList(tokens: Token[]): string[] {
    return splitAtCommas(tokens).map((ts) => new TokenCursor(ts, this.stmt).name());
  }

  private tableConstraint(c: TokenCursor, table: TableDef, schema: string): void {
    const name = c.accept('CONSTRAINT') ? c.name() : undefined;
    const named = name ? { name } : {};
    if (c.accept('PRIMARY', 'KEY')) {
      table.primaryKey = { ...named, columns: this.nameList(c.group()) };
      this.skipIndexParameters(c);
    } else if (c.accept('UNIQUE')) {
      if (c.accept('NULLS')) {
        c.accept('NOT');
        c.expect('DISTINCT');
      }
      table.uniqueKeys.push({ ...named, columns: this.nameList(c.group()) });
      this.skipIndexParameters(c);
    } else if (c.accept('FOREIGN', 'KEY')) {
      const columns = this.nameList(c.group());
      c.expect('REFERENCES');
      table.foreignKeys.push(this.references(c, name, columns, schema));
    } else if (c.accept('CHECK')) {
      const expression = c.text(c.group());
      c.accept('NO', 'INHERIT');
      c.accept('NOT', 'VALID');
      table.checks.push({ ...named, expression });
    } else if (c.isWord('EXCLUDE')) {
      throw new ParseFailure(`exclusion constraint ${name ?? ''} on ${table.name} is not converted: MySQL has no exclusion constraints; enforce the rule in the application or a trigger`);
    } else throw new ParseFailure(`unexpected ${c.describeNext()} in a constraint of table ${table.name}`);
    if (!c.atEnd) throw new ParseFailure(`unexpected ${c.describeNext()} after constraint ${name ?? ''} of table ${table.name}`);
  }

  private createIndex(c: TokenCursor, unique: boolean): void {
    c.accept('CONCURRENTLY');
    c.accept('IF', 'NOT', 'EXISTS');
    const name = c.isWord('ON') ? undefined : c.name();
    c.expect('ON');
    c.accept('ONLY');
    const ref = c.qualifiedName();
    const table = this.table(ref);
    let method: IndexDef['method'] = 'btree';
    if (c.accept('USING')) {
      const m = c.name();
      if (m === 'btree' || m === 'hash' || m === 'gin' || m === 'gist' || m === 'brin') method = m;
      else throw new ParseFailure(`index ${name ?? ''} uses the ${m} access method, which this converter does not know`);
    }
    const parts = splitAtCommas(c.group()).map((ts) => this.indexPart(ts));
    let where: string | undefined;
    while (!c.atEnd) {
      if (c.accept('INCLUDE')) {
        const cols = this.nameList(c.group());
        this.problem(this.stmt, `index ${name ?? ''} INCLUDE (${cols.join(', ')}): covering columns are not converted (MySQL has no INCLUDE); the index is kept without them`);
      } else if (c.accept('NULLS')) {
        c.accept('NOT');
        c.expect('DISTINCT');
      } else if (c.accept('WITH')) c.group();
      else if (c.accept('TABLESPACE')) c.name();
      else if (c.accept('WHERE')) where = c.text(c.rest());
      else throw new ParseFailure(`unexpected ${c.describeNext()} in index ${name ?? ''}`);
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
      const column = c.name();
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
    return { expression: c.text(body), ...desc };
  }

  private createSequence(c: TokenCursor): void {
    c.accept('IF', 'NOT', 'EXISTS');
    const ref = c.qualifiedName();
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
      if (t?.kind !== 'number') throw new ParseFailure(`expected a number but found ${c.describeNext()}`);
      c.i++;
      return neg ? -Number(t.text) : Number(t.text);
    };
    while (!c.atEnd) {
      if (c.accept('AS')) c.name();
      else if (c.accept('INCREMENT')) {
        c.accept('BY');
        o.increment = num();
      } else if (c.accept('START')) {
        c.accept('WITH');
        o.start = num();
      } else if (c.accept('MINVALUE')) o.minValue = num();
      else if (c.accept('MAXVALUE')) o.maxValue = num();
      else if (c.accept('NO', 'MINVALUE') || c.accept('NO', 'MAXVALUE') || c.accept('NO', 'CYCLE')) continue;
      else if (c.accept('CACHE')) num();
      else if (c.accept('CYCLE')) o.cycle = true;
      else if (c.accept('SEQUENCE', 'NAME')) o.sequenceName = c.qualifiedName().name;
      else if (c.accept('OWNED', 'BY')) {
        if (c.accept('NONE')) continue;
        const parts = [c.name()];
        while (c.acceptPunct('.')) parts.push(c.name());
        const column = parts[parts.length - 1]!;
        const table = parts[parts.length - 2];
        if (!table) throw new ParseFailure('OWNED BY needs table.column');
        o.ownedBy = { table, column };
      } else if (c.accept('RESTART')) {
        c.accept('WITH');
        if (c.peek()?.kind === 'number') num();
      } else throw new ParseFailure(`unexpected ${c.describeNext()} in sequence options`);
    }
    return o;
  }

  private createType(c: TokenCursor): void {
    const ref = c.qualifiedName();
    if (!c.accept('AS', 'ENUM')) {
      throw new ParseFailure(`type ${ref.name} is not an enum: composite, range and base types are not converted; replace its uses by hand`);
    }
    const values = splitAtCommas(c.group()).map((ts) => {
      const t = ts[0];
      if (ts.length !== 1 || t?.kind !== 'string') throw new ParseFailure(`enum ${ref.name} has a label that is not a string`);
      return t.value;
    });
    this.schema(ref.schema).enumTypes.push({ name: ref.name, values });
    this.enums.set(ref.name, values);
  }

  private createDomain(c: TokenCursor): void {
    const ref = c.qualifiedName();
    c.accept('AS');
    const base = c.text(c.until((t) => t.kind === 'word' && ['COLLATE', 'DEFAULT', 'CONSTRAINT', 'NOT', 'NULL', 'CHECK'].includes(t.value)));
    const checks: DomainDef['checks'] = [];
    let notNull = false;
    let dflt: string | undefined;
    let name: string | undefined;
    while (!c.atEnd) {
      if (c.accept('CONSTRAINT')) {
        name = c.name();
        continue;
      }
      if (c.accept('NOT', 'NULL')) notNull = true;
      else if (c.accept('NULL')) notNull = false;
      else if (c.accept('COLLATE')) c.qualifiedName();
      else if (c.accept('DEFAULT')) dflt = c.text(c.until((t) => t.kind === 'word' && ['CONSTRAINT', 'NOT', 'NULL', 'CHECK'].includes(t.value)));
      else if (c.accept('CHECK')) checks.push({ ...(name ? { name } : {}), expression: c.text(c.group()) });
      else throw new ParseFailure(`unexpected ${c.describeNext()} in domain ${ref.name}`);
      name = undefined;
    }
    this.schema(ref.schema);
    this.domains.set(ref.name, { base, notNull, checks, ...(dflt !== undefined ? { default: dflt } : {}) });
  }

  private createView(c: TokenCursor): void {
    const ref = c.qualifiedName();
    const columns = c.isPunct('(') ? this.nameList(c.group()) : undefined;
    if (c.accept('WITH')) c.group();
    c.expect('AS');
    let body = c.rest();
    let checkOption: ViewDef['checkOption'];
    const n = body.length;
    if (n >= 3 && body[n - 2]?.value === 'CHECK' && body[n - 1]?.value === 'OPTION') {
      const k = body[n - 3]?.value === 'WITH' ? n - 3 : n - 4;
      checkOption = body[n - 3]?.value === 'LOCAL' ? 'LOCAL' : 'CASCADED';
      body = body.slice(0, k);
    }
    const view: ViewDef = { name: ref.name, query: c.text(body) };
    if (columns) view.columns = columns;
    if (checkOption) view.checkOption = checkOption;
    this.schema(ref.schema).views.push(view);
  }

  private createRoutine(c: TokenCursor, kind: 'function' | 'procedure'): void {
    const ref = c.qualifiedName();
    this.schema(ref.schema).routines.push({ name: ref.name, kind, definition: this.stmt });
  }

  private createTrigger(c: TokenCursor): void {
    const name = c.name();
    let timing: TriggerDef['timing'];
    if (c.accept('BEFORE')) timing = 'BEFORE';
    else if (c.accept('AFTER')) timing = 'AFTER';
    else if (c.accept('INSTEAD', 'OF')) timing = 'INSTEAD OF';
    else throw new ParseFailure(`trigger ${name}: expected BEFORE, AFTER or INSTEAD OF but found ${c.describeNext()}`);
    const events: TriggerDef['events'] = [];
    while (!c.atEnd && !c.isWord('ON')) {
      const t = c.peek()!;
      if (t.value === 'INSERT' || t.value === 'UPDATE' || t.value === 'DELETE' || t.value === 'TRUNCATE') events.push(t.value);
      c.i++;
    }
    c.expect('ON');
    const table = c.qualifiedName();
    this.schema(table.schema).triggers.push({ name, table: table.name, timing, events, definition: this.stmt });
  }

  // ---------------------------------------------------------------------------------
  // ALTER

  private alter(c: TokenCursor): void {
    if (c.accept('TABLE')) return this.alterTable(c);
    if (c.accept('SEQUENCE')) {
      c.accept('IF', 'EXISTS');
      const ref = c.qualifiedName();
      if (c.isWord('OWNER', 'TO')) return;
      const seq = this.schema(ref.schema).sequences.find((s) => s.name === ref.name);
      if (!seq) throw new ParseFailure(`sequence ${ref.name} is not defined before this statement`);
      const opts = this.sequenceOptions(c);
      if (opts.ownedBy) seq.ownedBy = opts.ownedBy;
      if (opts.start !== undefined) seq.start = opts.start;
      if (opts.increment !== undefined) seq.increment = opts.increment;
      return;
    }
    // ALTER FUNCTION/TYPE/DOMAIN/VIEW/SCHEMA/LANGUAGE ... OWNER TO: ownership is not part of the conversion.
    const rest = c.rest();
    const text = c.text(rest);
    if (/\bOWNER\s+TO\b/i.test(text) && rest.length >= 4) return;
    if (/^DEFAULT\s+PRIVILEGES\b/i.test(text)) return;
    throw new ParseFailure(`ALTER ${text.split(/\s+/)[0]?.toUpperCase() ?? ''} ... is not converted`);
  }

  private alterTable(c: TokenCursor): void {
    c.accept('IF', 'EXISTS');
    c.accept('ONLY');
    const ref = c.qualifiedName();
    if (c.isWord('OWNER', 'TO')) return;
    const table = this.table(ref);
    const schema = ref.schema ?? this.currentSchema;
    for (const action of splitAtCommas(c.rest())) {
      const a = new TokenCursor(action, this.stmt);
      if (a.accept('ADD')) {
        if (a.isWord('CONSTRAINT') || a.isWord('PRIMARY') || a.isWord('UNIQUE') || a.isWord('FOREIGN') || a.isWord('CHECK') || a.isWord('EXCLUDE')) {
          // NOT VALID (the constraint holds for new rows only) is dropped: MySQL checks all rows, which is stricter.
          const trimmed = action[action.length - 1]?.value === 'VALID' && action[action.length - 2]?.value === 'NOT' ? action.slice(1, -2) : action.slice(1);
          this.tableConstraint(new TokenCursor(trimmed, this.stmt), table, schema);
          continue;
        }
        a.accept('COLUMN');
        a.accept('IF', 'NOT', 'EXISTS');
        table.columns.push(this.column(a, table, schema));
        this.extras.get(table)?.ownColumns.add(table.columns[table.columns.length - 1]!.name);
      } else if (a.accept('ALTER')) {
        a.accept('COLUMN');
        const colName = a.name();
        const col = table.columns.find((x) => x.name === colName);
        if (!col) throw new ParseFailure(`column ${table.name}.${colName} is not defined`);
        if (a.accept('SET', 'DEFAULT')) this.setDefault(col, a.rest(), a);
        else if (a.accept('DROP', 'DEFAULT')) delete col.default;
        else if (a.accept('SET', 'NOT', 'NULL')) col.nullable = false;
        else if (a.accept('DROP', 'NOT', 'NULL')) col.nullable = true;
        else if (a.accept('ADD', 'GENERATED')) {
          if (a.accept('ALWAYS', 'AS', 'IDENTITY')) this.identity(a, col, 'always');
          else {
            a.expect('BY', 'DEFAULT', 'AS', 'IDENTITY');
            this.identity(a, col, 'by-default');
          }
        } else if (a.accept('SET', 'STATISTICS') || a.accept('SET', 'STORAGE') || a.accept('SET', 'COMPRESSION')) a.rest();
        else throw new ParseFailure(`ALTER COLUMN ${colName} ${a.describeNext()} is not converted`);
      } else if (a.accept('CLUSTER', 'ON') || a.accept('REPLICA', 'IDENTITY') || a.accept('SET', 'WITHOUT', 'CLUSTER')) {
        a.rest(); // physical and replication settings of PostgreSQL only
      } else if (a.isWord('ATTACH', 'PARTITION')) {
        throw new ParseFailure(`ATTACH PARTITION on ${table.name} is not converted: partitioning is not converted; the partition stays a table of its own`);
      } else throw new ParseFailure(`ALTER TABLE ${table.name} ${a.describeNext()} is not converted`);
    }
  }

  // ---------------------------------------------------------------------------------
  // COMMENT ON

  private comment(c: TokenCursor): void {
    const kind = c.peek()?.value;
    if (kind === 'COLUMN') {
      c.i++;
      const parts = [c.name()];
      while (c.acceptPunct('.')) parts.push(c.name());
      const column = parts.pop()!;
      const tableName = parts.pop();
      if (!tableName) throw new ParseFailure('COMMENT ON COLUMN needs table.column');
      const text = commentText(c);
      const rel = this.relation({ ...(parts.length ? { schema: parts[parts.length - 1]! } : {}), name: tableName });
      if ('uniqueKeys' in rel) {
        const col = rel.columns.find((x) => x.name === column);
        if (!col) throw new ParseFailure(`column ${tableName}.${column} is not defined`);
        if (text === undefined) delete col.comment;
        else col.comment = text;
        return;
      }
      throw new ParseFailure(`comments on view columns (${tableName}.${column}) are not kept: MySQL views have no column comments`);
    }
    if (kind === 'TABLE' || kind === 'VIEW') {
      c.i++;
      const rel = this.relation(c.qualifiedName());
      const text = commentText(c);
      if (text === undefined) delete rel.comment;
      else rel.comment = text;
      return;
    }
    if (kind === 'INDEX') {
      c.i++;
      const ref = c.qualifiedName();
      const text = commentText(c);
      const idx = this.schema(ref.schema).tables.flatMap((t) => t.indexes).find((i) => i.name === ref.name);
      if (!idx) throw new ParseFailure(`index ${ref.name} is not defined before its comment`);
      if (text === undefined) delete idx.comment;
      else idx.comment = text;
      return;
    }
    if (kind === 'EXTENSION') return;
    throw new ParseFailure(`COMMENT ON ${kind ?? ''} is not kept: the model holds comments of tables, columns, views and indexes only`);
  }

  private relation(ref: { schema?: string; name: string }): TableDef | ViewDef {
    const s = this.schemas.get(ref.schema ?? this.currentSchema);
    const r = s?.tables.find((t) => t.name === ref.name) ?? s?.views.find((v) => v.name === ref.name);
    if (!r) throw new ParseFailure(`${ref.name} is not defined before its comment`);
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

function action(c: TokenCursor): ReferentialAction {
  if (c.accept('NO', 'ACTION')) return 'NO ACTION';
  if (c.accept('RESTRICT')) return 'RESTRICT';
  if (c.accept('CASCADE')) return 'CASCADE';
  if (c.accept('SET', 'NULL')) {
    if (c.isPunct('(')) throw new ParseFailure('ON DELETE SET NULL (columns) is not converted: MySQL sets every column of the key');
    return 'SET NULL';
  }
  if (c.accept('SET', 'DEFAULT')) return 'SET DEFAULT';
  throw new ParseFailure(`unknown referential action ${c.describeNext()}`);
}

function commentText(c: TokenCursor): string | undefined {
  c.expect('IS');
  const t = c.peek();
  if (t?.kind === 'word' && t.value === 'NULL') return undefined;
  if (t?.kind !== 'string') throw new ParseFailure('expected the comment text');
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
    return c.qualifiedName().name;
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
