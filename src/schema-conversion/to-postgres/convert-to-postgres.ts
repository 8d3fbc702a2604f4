/**
 * MySQL/MariaDB model -> PostgreSQL model, with one report line per source object. The rules
 * (one table per construct) are in docs/architecture/06-schema-conversion.md; each rule here
 * says why where the choice is not obvious. Pure: no I/O.
 */
import type { NeutralType } from '../../connectors/spi/data-types.js';
import { mysqlSpatialTypes } from '../../connectors/spi/mysql-type-text.js';
import type { ConvertOptions } from '../convert-options.js';
import type {
  CheckDef, ColumnDef, ConversionIssue, ConversionResult, ConversionStatus, DefaultDef, EnumTypeDef, ForeignKeyDef, IndexDef,
  IndexPart, KeyDef, ObjectReport, ObjectType, SchemaDef, SchemaModel, TableDef, ViewDef,
} from '../model.js';
import { renderPostgresType } from '../postgres/postgres-type-names.js';
import { translateMysqlSql } from '../sql/mysql-to-postgres-sql.js';
import { quoteIdentifier, quoteLiteral } from '../sql/tokenizer.js';
import type { SqlTranslationContext } from '../sql/translation.js';
import { NameSpace, fitIdentifier, pgNameOf } from './postgres-naming.js';

/** Why procedural code is never converted (the report's reason, as the issue asks). */
export const routineNotConverted = 'OpenDMS does not convert procedural code; rewrite it in PL/pgSQL';

/** Converts a model of dialect 'mysql' to a model of dialect 'postgres' and its report. */
export function convertToPostgres(model: SchemaModel, opts: ConvertOptions = {}): ConversionResult {
  if (model.dialect !== 'mysql') throw new Error(`convertToPostgres needs a MySQL model; this one is ${model.dialect}: convert it with the PostgreSQL -> MySQL converter instead`);
  void opts; // Every choice below works on every supported PostgreSQL version (12+).
  return new MysqlToPostgresConverter(model).run();
}

const q = (name: string) => quoteIdentifier(name, 'postgres');

/** Collects the issues of one object and turns them into its report line. */
class ObjectIssues {
  readonly issues: ConversionIssue[] = [];
  info(code: string, message: string, action: string): void {
    this.issues.push({ severity: 'info', code, message, action });
  }
  warn(code: string, message: string, action: string): void {
    this.issues.push({ severity: 'warning', code, message, action });
  }
  manual(code: string, message: string, action: string): void {
    this.issues.push({ severity: 'error', code, message, action });
  }
  add(issues: readonly ConversionIssue[]): void {
    this.issues.push(...issues);
  }
  get status(): ConversionStatus {
    if (this.issues.some((i) => i.severity === 'error')) return 'manual';
    return this.issues.some((i) => i.severity === 'warning') ? 'converted-with-warnings' : 'converted';
  }
}

class MysqlToPostgresConverter {
  private readonly report: ObjectReport[] = [];
  /** Source schema -> target schema name. */
  private readonly schemaNames = new Map<string, string>();
  /** `schema\0table` -> target table name. */
  private readonly tableNames = new Map<string, string>();
  /** `schema\0table\0column` -> target column name. */
  private readonly columnNames = new Map<string, string>();

  constructor(private readonly model: SchemaModel) {}

  run(): ConversionResult {
    this.allocateNames();
    const schemas = this.model.schemas.map((s) => this.schema(s));
    return { model: { dialect: 'postgres', schemas }, report: this.report };
  }

  private push(objectType: ObjectType, schema: string, name: string, issues: ObjectIssues, extra: { table?: string; targetSchema?: string; targetName?: string } = {}): void {
    this.report.push({ objectType, schema, name, ...extra, status: issues.status, issues: issues.issues });
  }

  // -------------------------------------------------------------------------------------
  // Names

  /** Lower-cased target names for schemas, tables, views and columns; collisions get _2 ... and a report. */
  private readonly collisions = new Map<string, ConversionIssue>();

  private allocateNames(): void {
    const schemaSpace = new NameSpace();
    for (const s of this.model.schemas) {
      const name = schemaSpace.take(pgNameOf(s.name));
      this.schemaNames.set(s.name, name);
      if (name !== s.name.toLowerCase()) this.collision(`schema\0${s.name}`, `schema ${s.name}`, name);
      const relations = new NameSpace();
      for (const rel of [...s.tables, ...s.views]) {
        const tn = relations.take(pgNameOf(rel.name));
        this.tableNames.set(`${s.name}\0${rel.name}`, tn);
        if (tn !== rel.name.toLowerCase()) this.collision(`rel\0${s.name}\0${rel.name}`, `${s.name}.${rel.name}`, tn);
      }
      for (const t of s.tables) {
        const cols = new NameSpace();
        for (const c of t.columns) {
          const cn = cols.take(pgNameOf(c.name));
          this.columnNames.set(`${s.name}\0${t.name}\0${c.name}`, cn);
          if (cn !== c.name.toLowerCase()) this.collision(`col\0${s.name}\0${t.name}\0${c.name}`, `column ${t.name}.${c.name}`, cn);
        }
      }
    }
  }

  private collision(key: string, what: string, taken: string): void {
    this.collisions.set(key, {
      severity: 'warning',
      code: 'name-collision',
      message: `${what} is named ${taken} in PostgreSQL: its lower-case name (or its first 63 bytes) is already used by another object`,
      action: 'rename one of the objects, or add a transformation rule that gives it the name you want',
    });
  }

  private schemaName = (s: string): string => this.schemaNames.get(s) ?? pgNameOf(s);
  private tableName = (s: string, t: string): string => this.tableNames.get(`${s}\0${t}`) ?? pgNameOf(t);
  private columnName = (s: string, t: string, c: string): string => this.columnNames.get(`${s}\0${t}\0${c}`) ?? pgNameOf(c);

  /** The translator's context; `table` is the table a fragment belongs to (CHECK, DEFAULT, generated, index). */
  private ctx(schema: string, table?: string): SqlTranslationContext {
    return {
      schema,
      schemaName: this.schemaName,
      tableName: this.tableName,
      columnName: (s, t, c) => {
        const tt = t ?? table;
        return tt === undefined ? pgNameOf(c) : this.columnName(s, tt, c);
      },
    };
  }

  // -------------------------------------------------------------------------------------
  // Schemas

  private schema(s: SchemaDef): SchemaDef {
    const target = this.schemaName(s.name);
    const issues = new ObjectIssues();
    const col = this.collisions.get(`schema\0${s.name}`);
    if (col) issues.add([col]);
    this.push('schema', s.name, s.name, issues, { targetSchema: target, targetName: target });
    const out: SchemaDef = { name: target, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
    // Relations and indexes share one namespace per PostgreSQL schema; types another.
    const relations = new NameSpace();
    for (const r of [...s.tables, ...s.views]) relations.reserve(this.tableName(s.name, r.name));
    const types = new NameSpace();
    for (const r of [...s.tables, ...s.views]) types.reserve(this.tableName(s.name, r.name)); // each table has a row type of its name
    const onUpdateByTrigger = this.triggersAsOnUpdate(s);
    for (const t of s.tables) out.tables.push(this.table(s, t, out, relations, types, onUpdateByTrigger));
    for (const t of s.tables) this.indexes(s, t, out, relations);
    for (const v of s.views) {
      const view = this.view(s, v);
      if (view) out.views.push(view);
    }
    for (const r of s.routines) {
      const issues = new ObjectIssues();
      issues.manual('routine-not-converted', `${r.kind} ${r.name}: ${routineNotConverted}`, `rewrite ${r.name} as a PL/pgSQL ${r.kind === 'procedure' ? 'procedure' : 'function'} and create it on the target`);
      this.push(r.kind, s.name, r.name, issues);
    }
    for (const tr of s.triggers) {
      const issues = new ObjectIssues();
      const column = onUpdateByTrigger.get(tr.name);
      if (column) {
        issues.warn('trigger-as-on-update', `trigger ${tr.name} only sets ${tr.table}.${column} to the current time on UPDATE: converted as the table's ON UPDATE trigger`, 'none; check the trigger function the script creates for the table');
      } else {
        issues.manual('trigger-not-converted', `trigger ${tr.name} (${tr.timing} ${tr.events.join('/')} ON ${tr.table}): ${routineNotConverted}`, `rewrite ${tr.name} as a PL/pgSQL trigger function and a CREATE TRIGGER on ${target}.${this.tableName(s.name, tr.table)}`);
      }
      this.push('trigger', s.name, tr.name, issues, { table: tr.table });
    }
    return out;
  }

  /**
   * BEFORE UPDATE triggers whose whole body is `SET NEW.col = NOW()/CURRENT_TIMESTAMP`: what
   * ON UPDATE CURRENT_TIMESTAMP does, which the converter prints as a trigger anyway.
   */
  private triggersAsOnUpdate(s: SchemaDef): Map<string, string> {
    const out = new Map<string, string>();
    for (const tr of s.triggers) {
      if (tr.timing !== 'BEFORE' || tr.events.length !== 1 || tr.events[0] !== 'UPDATE') continue;
      const m = /\bFOR\s+EACH\s+ROW\s+(?:BEGIN\s+)?SET\s+NEW\.`?(\w+)`?\s*=\s*(?:NOW\s*\(\s*\)|CURRENT_TIMESTAMP(?:\s*\(\s*\))?)\s*;?\s*(?:END)?\s*;?\s*$/i.exec(tr.definition);
      const table = s.tables.find((t) => t.name === tr.table);
      const col = m ? table?.columns.find((c) => c.name.toLowerCase() === m[1]!.toLowerCase()) : undefined;
      if (col && col.type.kind === 'timestamp') out.set(tr.name, col.name);
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Tables and columns

  private table(s: SchemaDef, t: TableDef, out: SchemaDef, relations: NameSpace, types: NameSpace, onUpdateByTrigger: Map<string, string>): TableDef {
    const tn = this.tableName(s.name, t.name);
    const tIssues = new ObjectIssues();
    const coll = this.collisions.get(`rel\0${s.name}\0${t.name}`);
    if (coll) tIssues.add([coll]);
    const target: TableDef = { name: tn, columns: [], uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] };
    if (t.comment) target.comment = t.comment;
    const byTrigger = new Set([...onUpdateByTrigger].filter(([name]) => s.triggers.find((x) => x.name === name)?.table === t.name).map(([, c]) => c));
    for (const c of t.columns) {
      const col = this.column(s, t, c, target, types, out.enumTypes, byTrigger.has(c.name));
      target.columns.push(col);
    }
    if (target.columns.some((c) => c.onUpdateCurrentTimestamp)) {
      tIssues.warn('on-update-trigger', `${t.name} has ON UPDATE CURRENT_TIMESTAMP columns (${target.columns.filter((c) => c.onUpdateCurrentTimestamp).map((c) => c.name).join(', ')}): PostgreSQL has no such column property, so a trigger function and a BEFORE UPDATE trigger maintain them`, 'none; keep the trigger when you change the table');
    }
    const col = (c: string) => this.columnName(s.name, t.name, c);
    // Primary key: PostgreSQL names it <table>_pkey; its index shares the schema's relation namespace.
    if (t.primaryKey) {
      const name = relations.take(`${tn}_pkey`);
      target.primaryKey = { name, columns: t.primaryKey.columns.map(col) };
      this.push('primary-key', s.name, t.primaryKey.name ?? 'PRIMARY', new ObjectIssues(), { table: t.name, targetSchema: out.name, targetName: name });
    }
    for (const k of t.uniqueKeys) {
      const issues = new ObjectIssues();
      const name = this.indexName(relations, tn, k.name ?? k.columns[0] ?? 'key', issues, 'unique key');
      target.uniqueKeys.push({ name, columns: k.columns.map(col) } satisfies KeyDef);
      this.push('unique-key', s.name, k.name ?? name, issues, { table: t.name, targetSchema: out.name, targetName: name });
    }
    for (const fk of t.foreignKeys) {
      const converted = this.foreignKey(s, t, fk);
      if (converted) target.foreignKeys.push(converted);
    }
    // CHECKs the converter adds (unsigned, YEAR, SET) were put on target.checks by column(); now the source's.
    for (const ch of t.checks) {
      const converted = this.check(s, t, ch);
      if (converted) target.checks.push(converted);
    }
    if (t.options?.['ENGINE'] && !/^innodb$/i.test(t.options['ENGINE'])) {
      tIssues.warn('engine-dropped', `${t.name} uses the ${t.options['ENGINE']} engine: PostgreSQL tables are transactional and have no engines`, 'check that the application does not rely on the engine\'s behaviour (e.g. MyISAM\'s missing transactions)');
    }
    this.push('table', s.name, t.name, tIssues, { targetSchema: out.name, targetName: tn });
    return target;
  }

  private column(s: SchemaDef, t: TableDef, c: ColumnDef, target: TableDef, types: NameSpace, enumTypes: EnumTypeDef[], onUpdateByTrigger: boolean): ColumnDef {
    const issues = new ObjectIssues();
    const coll = this.collisions.get(`col\0${s.name}\0${t.name}\0${c.name}`);
    if (coll) issues.add([coll]);
    const cn = this.columnName(s.name, t.name, c.name);
    const tn = target.name;
    let type: NeutralType = c.type;
    const out: ColumnDef = { name: cn, type, nativeType: '', nullable: c.nullable };
    if (c.comment) out.comment = c.comment;
    const addCheck = (suffix: string, expression: string) => target.checks.push({ name: fitIdentifier(`${tn}_${cn}_${suffix}`), expression });
    switch (type.kind) {
      case 'int':
        if (type.unsigned) {
          if (c.identity) {
            // An identity cannot be numeric: BIGINT UNSIGNED keys become bigint (2^63 - 1 is enough for any sequence).
            if (type.bytes === 8) {
              type = { kind: 'int', bytes: 8, unsigned: false };
              issues.warn('unsigned-identity', `${t.name}.${c.name} is BIGINT UNSIGNED AUTO_INCREMENT: converted to a bigint identity (PostgreSQL identities are bigint at most)`, 'none unless the column holds values above 9223372036854775807');
            } else issues.info('unsigned-widened', `${t.name}.${c.name} ${c.nativeType} is widened to ${renderIntWidened(type.bytes)} so that every unsigned value fits`, 'none');
          } else {
            issues.info('unsigned-widened', `${t.name}.${c.name} ${c.nativeType} is widened to ${renderIntWidened(type.bytes)} with CHECK (${cn} >= 0) so that every unsigned value fits and no negative one does`, 'none');
            addCheck('check', `${q(cn)} >= 0`);
          }
        }
        break;
      case 'boolean':
        if (!/^bool/i.test(c.nativeType)) issues.info('tinyint1-boolean', `${t.name}.${c.name} tinyint(1) is converted to boolean (the MySQL convention for booleans)`, 'if the column holds values other than 0 and 1, change its type to smallint with a transformation rule');
        break;
      case 'enum': {
        // A real enum type keeps the values' order (ORDER BY, comparisons) as MySQL's ENUM does; a CHECK on varchar would sort alphabetically.
        const name = types.take(`${tn}_${cn}_enum`);
        enumTypes.push({ name, values: [...type.values] });
        type = { kind: 'enum', values: type.values, name };
        this.push('type', s.name, name, new ObjectIssues(), { table: t.name, targetSchema: this.schemaName(s.name), targetName: name });
        if (type.values.includes('')) issues.warn('enum-empty-value', `${t.name}.${c.name} has the empty string as a member; MySQL also stores '' for invalid values in non-strict mode`, 'check that no row holds an invalid value converted to \'\'');
        break;
      }
      case 'set':
        issues.warn('set-as-text', `${t.name}.${c.name} SET(${type.values.join(',')}) is converted to text holding MySQL's comma-separated members, with a CHECK that every member is allowed`, 'queries using FIND_IN_SET or bit arithmetic on the column must be rewritten (e.g. with string_to_array)');
        addCheck('check', `${q(cn)} = '' OR string_to_array(${q(cn)}, ',') <@ ARRAY[${type.values.map((v) => quoteLiteral(v, 'postgres')).join(', ')}]::text[]`);
        break;
      case 'year':
        issues.info('year-as-smallint', `${t.name}.${c.name} YEAR is converted to smallint with a CHECK for MySQL's range (0, 1901-2155)`, 'none');
        addCheck('check', `${q(cn)} = 0 OR ${q(cn)} BETWEEN 1901 AND 2155`);
        break;
      case 'timestamp':
        if (type.withTimeZone) issues.info('timestamp-with-time-zone', `${t.name}.${c.name} TIMESTAMP is an instant MySQL stores in UTC: converted to timestamp with time zone`, 'none; use timestamp without time zone (a transformation rule) if the application stores wall-clock times');
        break;
      case 'time':
        issues.info('time-range', `${t.name}.${c.name} TIME becomes time without time zone, which holds 00:00:00-24:00:00 only (MySQL TIME also holds durations up to 838:59:59 and negative ones)`, 'if the column holds durations, change its type to interval');
        break;
      case 'json':
        if (!type.binary) issues.info('json-text', `${t.name}.${c.name} is MariaDB JSON (text checked with json_valid): converted to json, which validates and keeps the text as written`, 'none; use jsonb for indexing and operators');
        break;
      case 'native': {
        const base = type.type.replace(/\(.*$/, '').trim().toLowerCase();
        if (mysqlSpatialTypes.has(base)) {
          issues.manual('spatial-type', `${t.name}.${c.name} ${c.nativeType} is a spatial type; PostGIS is not available to OpenDMS conversions, so it is created as text holding the MySQL extended WKT`, 'install PostGIS and change the column to geometry (ALTER COLUMN ... TYPE geometry USING ST_GeomFromEWKT(...))');
        } else issues.warn('native-as-text', `${t.name}.${c.name} ${c.nativeType} has no PostgreSQL equivalent: created as text holding its MySQL text form`, 'change the column type by hand if a PostgreSQL type fits (e.g. inet for INET6)');
        type = { kind: 'text' };
        break;
      }
      default:
        break;
    }
    out.type = type;
    out.nativeType = nativeOf(type, this.schemaName(s.name));
    if (c.identity && type.kind !== 'int') {
      // MySQL allows AUTO_INCREMENT on FLOAT/DOUBLE; PostgreSQL identities are integers only.
      issues.manual('identity-not-integer', `${t.name}.${c.name} is AUTO_INCREMENT on ${c.nativeType}: PostgreSQL identities must be integers, so it is created without one`, 'change the column to an integer type and add GENERATED BY DEFAULT AS IDENTITY, or fill it yourself');
    } else if (c.identity) {
      // BY DEFAULT: a full load and applications may still write the key, as with AUTO_INCREMENT.
      out.identity = { kind: 'by-default', ...(c.identity.start !== undefined && c.identity.start > 1 ? { start: c.identity.start } : {}) };
      out.nullable = false;
      issues.info('identity', `${t.name}.${c.name} AUTO_INCREMENT becomes GENERATED BY DEFAULT AS IDENTITY${out.identity.start ? ` starting at ${out.identity.start} (the table's AUTO_INCREMENT)` : ''}`, `after loading rows with their ids, move the identity past them: SELECT setval(pg_get_serial_sequence('${this.schemaName(s.name)}.${tn}', '${cn}'), max(${cn})) FROM ${this.schemaName(s.name)}.${tn}`);
    }
    if (c.generated) {
      const tr = translateMysqlSql(c.generated.expression, this.ctx(s.name, t.name));
      issues.add(tr.issues);
      if (tr.ok) {
        out.generated = { expression: tr.sql, stored: true };
        if (!c.generated.stored) issues.warn('generated-virtual-stored', `${t.name}.${c.name} is a VIRTUAL generated column: PostgreSQL (before 18) has STORED generated columns only`, 'none; the values take disk space in PostgreSQL');
      } else {
        issues.manual('generated-not-translated', `${t.name}.${c.name} is generated from (${c.generated.expression}), which could not be translated: created as a plain column`, 'write the expression in PostgreSQL and recreate the column as GENERATED ALWAYS AS (...) STORED');
      }
    }
    if (c.default && !out.generated) {
      const d = this.defaultOf(s, t, c, type, issues);
      if (d) out.default = d;
    }
    if (c.onUpdateCurrentTimestamp || onUpdateByTrigger) {
      out.onUpdateCurrentTimestamp = true;
      issues.warn('on-update-trigger', `${t.name}.${c.name} ON UPDATE CURRENT_TIMESTAMP is maintained by a BEFORE UPDATE trigger (PostgreSQL has no such column property)`, 'none; the script creates the trigger function and the trigger');
    }
    if (issues.issues.length > 0) this.push('column', s.name, c.name, issues, { table: t.name, targetSchema: this.schemaName(s.name), targetName: cn });
    return out;
  }

  private defaultOf(s: SchemaDef, t: TableDef, c: ColumnDef, type: NeutralType, issues: ObjectIssues): DefaultDef | undefined {
    const d = c.default!;
    switch (d.kind) {
      case 'null':
        return undefined;
      case 'current-timestamp':
        if (type.kind !== 'timestamp' && type.kind !== 'date' && type.kind !== 'time') {
          issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT CURRENT_TIMESTAMP on a ${c.nativeType} column`, 'set a default PostgreSQL accepts for the column type');
          return undefined;
        }
        return d;
      case 'literal': {
        const v = d.value;
        if (type.kind === 'boolean') {
          const b = /^(1|true)$/i.test(v) ? 'true' : /^(0|false)$/i.test(v) ? 'false' : undefined;
          if (b) return { kind: 'literal', value: b, quoted: false };
          issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT ${v} is not a boolean (0 or 1)`, 'set a boolean default, or keep the column as smallint');
          return undefined;
        }
        if (type.kind === 'int' || type.kind === 'decimal' || type.kind === 'float' || type.kind === 'year') {
          if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(v.trim())) return { kind: 'literal', value: v.trim(), quoted: false };
          issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT '${v}' is not a number`, 'set a numeric default');
          return undefined;
        }
        if (type.kind === 'bit' && /^\d+$/.test(v)) {
          // BIT DEFAULT 0 is a number in MySQL; PostgreSQL's bit columns take bit strings.
          const digits = BigInt(v).toString(2).padStart(type.length, '0');
          if (digits.length > type.length) {
            issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT ${v} does not fit in ${c.nativeType}`, 'set a default that fits');
            return undefined;
          }
          return { kind: 'expression', sql: `B'${digits}'` };
        }
        if ((type.kind === 'date' || type.kind === 'timestamp') && /^0000-00-00/.test(v)) {
          issues.warn('zero-date-default', `${t.name}.${c.name} DEFAULT '${v}' is MySQL's zero date, which PostgreSQL does not have: the default is dropped`, 'choose a real default (or NULL) and make the application stop relying on zero dates');
          return undefined;
        }
        if (type.kind === 'enum' && !type.values.includes(v)) {
          issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT '${v}' is not a member of the ENUM`, 'set a default that is a member');
          return undefined;
        }
        return { kind: 'literal', value: v, quoted: true };
      }
      case 'expression': {
        const tr = translateMysqlSql(d.sql, this.ctx(s.name, t.name));
        issues.add(tr.issues);
        if (tr.ok) return { kind: 'expression', sql: tr.sql };
        issues.manual('default-not-translated', `${t.name}.${c.name} DEFAULT (${d.sql}) could not be translated: the column has no default in PostgreSQL`, 'write the default in PostgreSQL and set it with ALTER COLUMN ... SET DEFAULT');
        return undefined;
      }
    }
  }

  /** A schema-wide unique name for an index or an index-backed constraint. */
  private indexName(relations: NameSpace, table: string, wanted: string, issues: ObjectIssues, what: string): string {
    const base = pgNameOf(wanted);
    // MySQL index names are per table (idx_fk_store_id appears on several); PostgreSQL's are per schema.
    const name = relations.has(base) ? relations.take(`${table}_${base}`) : relations.take(base);
    if (name !== base) issues.info('index-renamed', `${what} ${wanted} of ${table} is named ${name}: PostgreSQL index names are unique per schema, and ${base} is taken`, 'none');
    return name;
  }

  private foreignKey(s: SchemaDef, t: TableDef, fk: ForeignKeyDef): ForeignKeyDef | undefined {
    const issues = new ObjectIssues();
    const name = fk.name ?? `${t.name}_fkey`;
    const refSchema = this.model.schemas.find((x) => x.name === fk.refSchema);
    const refTable = refSchema?.tables.find((x) => x.name === fk.refTable);
    if (!refTable) {
      issues.manual('fk-target-missing', `foreign key ${name} of ${t.name} references ${fk.refSchema}.${fk.refTable}, which is not part of the conversion`, `include ${fk.refSchema}.${fk.refTable} in the conversion, or add the foreign key by hand once the table exists`);
      this.push('foreign-key', s.name, name, issues, { table: t.name });
      return undefined;
    }
    if (fk.onDelete === 'SET DEFAULT' || fk.onUpdate === 'SET DEFAULT') issues.info('fk-set-default', `foreign key ${name} uses SET DEFAULT, which InnoDB refuses but PostgreSQL enforces`, 'check that the referencing columns have defaults that exist in the referenced table');
    const targetName = pgNameOf(name);
    const out: ForeignKeyDef = {
      name: targetName,
      columns: fk.columns.map((c) => this.columnName(s.name, t.name, c)),
      refSchema: this.schemaName(fk.refSchema),
      refTable: this.tableName(fk.refSchema, fk.refTable),
      refColumns: fk.refColumns.map((c) => this.columnName(fk.refSchema, fk.refTable, c)),
      onDelete: fk.onDelete,
      onUpdate: fk.onUpdate,
    };
    this.push('foreign-key', s.name, name, issues, { table: t.name, targetSchema: this.schemaName(s.name), targetName });
    return out;
  }

  private check(s: SchemaDef, t: TableDef, ch: CheckDef): CheckDef | undefined {
    const issues = new ObjectIssues();
    const name = ch.name ?? `${t.name}_check`;
    const jv = /^\s*json_valid\s*\(\s*`?([^`()]+)`?\s*\)\s*$/i.exec(ch.expression);
    const jsonCol = jv ? t.columns.find((c) => c.name === jv[1]) : undefined;
    if (jsonCol && jsonCol.type.kind === 'json') {
      issues.info('json-valid-check-dropped', `CHECK (${ch.expression}) on ${t.name} is dropped: the column is json in PostgreSQL, which validates its values`, 'none');
      this.push('check', s.name, name, issues, { table: t.name });
      return undefined;
    }
    const tr = translateMysqlSql(ch.expression, this.ctx(s.name, t.name));
    issues.add(tr.issues);
    if (!tr.ok) {
      issues.manual('check-not-translated', `CHECK ${name} (${ch.expression}) on ${t.name} could not be translated`, 'write the condition in PostgreSQL and add it with ALTER TABLE ... ADD CONSTRAINT ... CHECK (...)');
      this.push('check', s.name, name, issues, { table: t.name });
      return undefined;
    }
    const targetName = ch.name ? pgNameOf(ch.name) : undefined;
    this.push('check', s.name, name, issues, { table: t.name, targetSchema: this.schemaName(s.name), ...(targetName ? { targetName } : {}) });
    return { ...(targetName ? { name: targetName } : {}), expression: tr.sql };
  }

  // -------------------------------------------------------------------------------------
  // Indexes

  private indexes(s: SchemaDef, t: TableDef, out: SchemaDef, relations: NameSpace): void {
    const target = out.tables.find((x) => x.name === this.tableName(s.name, t.name))!;
    for (const ix of t.indexes) {
      const issues = new ObjectIssues();
      const converted = this.index(s, t, ix, issues);
      if (converted) {
        converted.name = this.indexName(relations, target.name, ix.name, issues, 'index');
        target.indexes.push(converted);
        this.push('index', s.name, ix.name, issues, { table: t.name, targetSchema: out.name, targetName: converted.name });
      } else this.push('index', s.name, ix.name, issues, { table: t.name });
    }
  }

  private index(s: SchemaDef, t: TableDef, ix: IndexDef, issues: ObjectIssues): IndexDef | undefined {
    const col = (c: string) => this.columnName(s.name, t.name, c);
    if (ix.method === 'spatial') {
      issues.manual('spatial-index', `SPATIAL index ${ix.name} on ${t.name}: the spatial columns are text without PostGIS`, 'install PostGIS, convert the columns to geometry and create a GIST index');
      return undefined;
    }
    if (ix.method === 'fulltext') {
      const cols = ix.parts.map((p) => p.column).filter((c): c is string => c !== undefined);
      // One tsvector over all columns, as MATCH(a, b) searches them together; coalesce and || keep the expression IMMUTABLE (concat_ws is not).
      const doc = cols.map((c) => `coalesce(${q(col(c))}, '')`).join(` || ' ' || `);
      issues.warn('fulltext-index', `FULLTEXT index ${ix.name} on ${t.name} (${cols.join(', ')}) becomes a GIN index on to_tsvector('simple', ...)`, `queries must change from MATCH(...) AGAINST(...) to to_tsvector('simple', ${doc}) @@ plainto_tsquery('simple', ...) to use it`);
      return { name: ix.name, unique: false, method: 'gin', parts: [{ expression: `to_tsvector('simple'::regconfig, ${doc})` }], ...(ix.comment ? { comment: ix.comment } : {}) };
    }
    if (ix.method === 'hash') issues.info('hash-index', `index ${ix.name} on ${t.name} is declared USING HASH, which InnoDB builds as a B-tree: converted to a B-tree`, 'none');
    const parts: IndexPart[] = [];
    for (const p of ix.parts) {
      if (p.expression !== undefined) {
        const tr = translateMysqlSql(p.expression, this.ctx(s.name, t.name));
        issues.add(tr.issues);
        if (!tr.ok) {
          issues.manual('index-expression-not-translated', `index ${ix.name} on ${t.name} has the expression (${p.expression}), which could not be translated`, 'write the expression in PostgreSQL and create the index by hand');
          return undefined;
        }
        parts.push({ expression: tr.sql, ...(p.descending ? { descending: true } : {}) });
        continue;
      }
      if (p.prefixLength !== undefined) {
        issues.warn('prefix-index', `index ${ix.name} on ${t.name} uses the first ${p.prefixLength} characters of ${p.column}: PostgreSQL indexes the whole column${ix.unique ? ', so uniqueness is checked on whole values (less strict than MySQL\'s prefix uniqueness)' : ''}`, 'none for ordinary values; values longer than about 2700 bytes cannot be indexed by a B-tree: index left(col, n) instead if the column holds such values');
      }
      parts.push({ column: col(p.column!), ...(p.descending ? { descending: true } : {}) });
    }
    return { name: ix.name, unique: ix.unique, method: 'btree', parts, ...(ix.comment ? { comment: ix.comment } : {}) };
  }

  // -------------------------------------------------------------------------------------
  // Views

  private view(s: SchemaDef, v: ViewDef): ViewDef | undefined {
    const issues = new ObjectIssues();
    const coll = this.collisions.get(`rel\0${s.name}\0${v.name}`);
    if (coll) issues.add([coll]);
    const tr = translateMysqlSql(v.query, this.ctx(s.name));
    issues.add(tr.issues);
    const name = this.tableName(s.name, v.name);
    if (!tr.ok) {
      issues.manual('view-not-translated', `view ${v.name} uses SQL the translator cannot map. Its MySQL definition: ${v.query}`, `rewrite the query in PostgreSQL and create the view as ${this.schemaName(s.name)}.${name}`);
      this.push('view', s.name, v.name, issues);
      return undefined;
    }
    this.push('view', s.name, v.name, issues, { targetSchema: this.schemaName(s.name), targetName: name });
    return {
      name,
      ...(v.columns ? { columns: v.columns.map((c) => pgNameOf(c)) } : {}),
      query: tr.sql,
      ...(v.checkOption ? { checkOption: v.checkOption } : {}),
      ...(v.comment ? { comment: v.comment } : {}),
    };
  }
}

function renderIntWidened(bytes: 1 | 2 | 3 | 4 | 8): string {
  return renderPostgresType({ kind: 'int', bytes, unsigned: true });
}

/** The PostgreSQL spelling of a converted column's type (the model's nativeType). */
function nativeOf(t: NeutralType, schema: string): string {
  if (t.kind === 'enum') return `${q(schema)}.${q(t.name ?? '')}`;
  return renderPostgresType(t);
}

