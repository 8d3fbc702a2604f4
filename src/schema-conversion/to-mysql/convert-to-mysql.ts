/**
 * PostgreSQL model -> MySQL/MariaDB model, with a report line per object
 * (docs/architecture/06-schema-conversion-postgres-to-mysql.md states the rules).
 *
 * Every PostgreSQL schema becomes a MySQL database of the same name. Fragments (defaults,
 * CHECKs, generated columns, index expressions, views) go through the SQL translator; what
 * it cannot translate is left out of the target model and reported as manual work, so the
 * printed DDL only holds statements the target can run. Functions, procedures, aggregates
 * and triggers are always manual: PL/pgSQL is not translated.
 *
 * Report granularity: one line for every schema, table, view, sequence, enum type, routine,
 * trigger, key, index and check; columns only when something about them is worth saying.
 */
import type { ConvertOptions } from '../convert-options.js';
import type {
  CheckDef, ColumnDef, ConversionIssue, ConversionResult, ConversionStatus, ForeignKeyDef, IndexDef, IndexPart, KeyDef,
  ObjectReport, SchemaDef, SchemaModel, SequenceDef, TableDef, ViewDef,
} from '../model.js';
import { isMysqlLobType } from '../mysql/mysql-type-names.js';
import { translatePostgresSql } from '../sql/postgres-to-mysql-sql.js';
import { significant, tokenize } from '../sql/tokenizer.js';
import type { SqlTranslationContext } from '../sql/translation.js';
import { convertColumn } from './convert-column.js';
import { fitMysqlName, MysqlNameSpace } from './mysql-naming.js';
import { mysqlTargetTraits, type MysqlTargetTraits } from './target-traits.js';

/** InnoDB's key length limit (DYNAMIC rows) and utf8mb4's bytes per character. */
const maxKeyBytes = 3072;
const mb = 4;
/** The prefix given to a TEXT/BLOB key part. */
const lobPrefix = 255;

const warn = (code: string, message: string, action: string): ConversionIssue => ({ severity: 'warning', code, message, action });
const info = (code: string, message: string, action = 'none'): ConversionIssue => ({ severity: 'info', code, message, action });
const error = (code: string, message: string, action: string): ConversionIssue => ({ severity: 'error', code, message, action });

function statusOf(issues: readonly ConversionIssue[], manual = false): ConversionStatus {
  if (manual || issues.some((i) => i.severity === 'error')) return 'manual';
  return issues.some((i) => i.severity === 'warning') ? 'converted-with-warnings' : 'converted';
}

/** Converts a PostgreSQL model to MySQL/MariaDB. */
export function convertToMysql(model: SchemaModel, opts: ConvertOptions): ConversionResult {
  if (model.dialect !== 'postgres') {
    throw new TypeError(`convertToMysql converts PostgreSQL models; this model is ${model.dialect}: use the MySQL -> PostgreSQL converter`);
  }
  const c = new MysqlConverter(model, mysqlTargetTraits(opts));
  return { model: { dialect: 'mysql', schemas: model.schemas.map((s) => c.schema(s)) }, report: c.report };
}

class MysqlConverter {
  readonly report: ObjectReport[] = [];
  /** Target names: schema -> name, `schema.table` -> name, `schema.table.column` -> name. */
  private readonly schemaNames = new Map<string, string>();
  private readonly tableNames = new Map<string, string>();
  private readonly columnNames = new Map<string, string>();
  private readonly databases = new MysqlNameSpace();

  constructor(
    private readonly source: SchemaModel,
    private readonly traits: MysqlTargetTraits,
  ) {
    // Names first: fragments may reference any table or column, in any schema.
    for (const s of source.schemas) {
      const db = this.databases.take(s.name);
      this.schemaNames.set(s.name, db);
      const relations = new MysqlNameSpace();
      for (const t of [...s.tables, ...s.views]) {
        this.tableNames.set(`${s.name}.${t.name}`, relations.take(t.name));
        if ('uniqueKeys' in t) {
          const cols = new MysqlNameSpace();
          for (const col of t.columns) this.columnNames.set(`${s.name}.${t.name}.${col.name}`, cols.take(col.name));
        }
      }
    }
  }

  private add(r: ObjectReport): void {
    this.report.push(r);
  }

  private ctx(schema: string): SqlTranslationContext {
    return {
      schema,
      schemaName: (s) => this.schemaNames.get(s) ?? fitMysqlName(s),
      tableName: (s, t) => this.tableNames.get(`${s}.${t}`) ?? fitMysqlName(t),
      columnName: (s, t, col) => {
        if (t !== undefined) return this.columnNames.get(`${s}.${t}.${col}`) ?? fitMysqlName(col);
        // Unknown table (a column in a view or expression): a name renamed anywhere in the schema.
        for (const [k, v] of this.columnNames) if (k.startsWith(`${s}.`) && k.endsWith(`.${col}`) && k.split('.').length === 3) return v;
        return col;
      },
    };
  }

  schema(s: SchemaDef): SchemaDef {
    const db = this.schemaNames.get(s.name)!;
    const issues: ConversionIssue[] = [];
    if (s.name === 'public') issues.push(info('public-schema', `schema public became the MySQL database public (MySQL has no schemas inside a database)`, 'rename it with a transformation rule if another database name is wanted'));
    if (db !== s.name) issues.push(warn('name-truncated', `schema ${s.name} became database ${db}: MySQL names are at most 64 characters`, 'none'));
    this.add({ objectType: 'schema', schema: s.name, name: s.name, status: statusOf(issues), targetSchema: db, targetName: db, issues });
    const out: SchemaDef = { name: db, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
    const constraintNames = new MysqlNameSpace();
    for (const e of s.enumTypes) {
      this.add({ objectType: 'type', schema: s.name, name: e.name, status: 'converted', targetSchema: db, issues: [info('enum-inline', `enum type ${e.name} has no MySQL counterpart as a type: every column of the type gets an inline ENUM(${e.values.length} labels)`)] });
    }
    const autoIncrement = new Map<string, string>(); // sequence -> table.column that became AUTO_INCREMENT
    for (const t of s.tables) out.tables.push(this.table(s, t, constraintNames, autoIncrement));
    for (const seq of s.sequences) this.sequence(s, seq, out, autoIncrement);
    out.views = this.views(s);
    for (const r of s.routines) {
      const aggregate = /^\s*CREATE\s+(OR\s+REPLACE\s+)?AGGREGATE\b/i.test(r.definition);
      const lang = /\bLANGUAGE\s+'?(\w+)/i.exec(r.definition)?.[1]?.toLowerCase();
      const issues = aggregate
        ? [error('aggregate-not-converted', `aggregate ${r.name} is not converted: MySQL has no user-defined aggregates written in SQL`, 'use a built-in aggregate (GROUP_CONCAT for string concatenation) or a loadable UDF')]
        : [error('routine-not-converted', `${r.kind} ${r.name}${lang ? ` (LANGUAGE ${lang})` : ''} is not converted: PostgreSQL ${r.kind} bodies are not translated`, `rewrite it as a MySQL stored ${r.kind === 'procedure' ? 'procedure' : 'function (or procedure, for set-returning functions)'}`)];
      this.add({ objectType: r.kind, schema: s.name, name: r.name, status: 'manual', issues });
    }
    for (const tr of s.triggers) {
      const fn = /EXECUTE\s+(?:PROCEDURE|FUNCTION)\s+([\w."]+)\s*\(/i.exec(tr.definition)?.[1];
      const issues = [
        error('trigger-not-converted', `trigger ${tr.name} on ${tr.table} (${tr.timing} ${tr.events.join(' OR ')}) is not converted: its function${fn ? ` ${fn}` : ''} is PL/pgSQL`,
          `write a MySQL trigger per event with the function's logic inline${tr.events.length > 1 ? ' (MySQL triggers have one event each)' : ''}; a trigger that only sets a last-update time can become ON UPDATE CURRENT_TIMESTAMP on the column`),
      ];
      this.add({ objectType: 'trigger', schema: s.name, name: tr.name, table: tr.table, status: 'manual', issues });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------
  // Tables

  private table(s: SchemaDef, t: TableDef, constraintNames: MysqlNameSpace, autoIncrement: Map<string, string>): TableDef {
    const db = this.schemaNames.get(s.name)!;
    const name = this.tableNames.get(`${s.name}.${t.name}`)!;
    const ctx = this.ctx(s.name);
    const issues: ConversionIssue[] = [];
    if (name !== t.name) issues.push(warn('name-truncated', `table ${t.name} became ${name}: MySQL names are at most 64 characters`, 'none'));
    const o = t.options ?? {};
    if (o.inherits) issues.push(warn('inherits', `table ${t.name} inherits from ${o.inherits}: created as a table of its own with the parent's columns; queries on the parent no longer see its rows`, 'query the tables with UNION ALL, or merge them into the parent'));
    if (o.partitionOf) issues.push(warn('partition', `table ${t.name} is a partition of ${o.partitionOf} (${o.partitionBound ?? ''}): created as a table of its own`, 'merge it into the parent table, partitioned with MySQL PARTITION BY if needed'));
    if (o.partitionBy) issues.push(warn('partitioned', `table ${t.name} is partitioned by ${o.partitionBy}: created without partitioning`, 'add MySQL PARTITION BY by hand if needed (every unique key must include the partitioning columns)'));
    const colName = (c: string): string => this.columnNames.get(`${s.name}.${t.name}.${c}`) ?? fitMysqlName(c);

    const columns: ColumnDef[] = [];
    for (const col of t.columns) {
      const cc = convertColumn(col, t.name, ctx, colName(col.name), this.traits);
      const colIssues = [...cc.issues];
      if (cc.column.name !== col.name) colIssues.push(warn('name-truncated', `column ${t.name}.${col.name} became ${cc.column.name}: MySQL names are at most 64 characters`, 'none'));
      columns.push(cc.column);
      if (colIssues.length || cc.manual) {
        this.add({ objectType: 'column', schema: s.name, name: col.name, table: t.name, status: statusOf(colIssues, cc.manual), targetSchema: db, targetName: cc.column.name, issues: colIssues });
      }
      if (cc.manual) issues.push(warn('column-manual', `column ${t.name}.${col.name} needs manual work (see its line)`, 'see the column'));
    }
    const out: TableDef = { name, columns, uniqueKeys: [], foreignKeys: [], checks: [], indexes: [], options: { ENGINE: 'InnoDB', 'DEFAULT CHARSET': 'utf8mb4' } };
    if (t.comment !== undefined) {
      out.comment = Array.from(t.comment).slice(0, 2048).join('');
      if (out.comment !== t.comment) issues.push(warn('comment-truncated', `table ${t.name}: comment cut to MySQL's 2048 characters`, 'none'));
    }
    const colOf = (c: string): ColumnDef | undefined => columns.find((x) => x.name === colName(c));
    const indexNames = new MysqlNameSpace();

    // Primary key: TEXT/BLOB columns cannot be key columns whole: they become VARCHARs sharing the key's length limit.
    if (t.primaryKey) {
      const keyIssues: ConversionIssue[] = [];
      const cols = t.primaryKey.columns.map(colName);
      const lobs = cols.map((c) => colOf(c)).filter((c): c is ColumnDef => !!c && isMysqlLobType(c.nativeType));
      if (lobs.length) {
        const fixed = cols.map((c) => colOf(c)).filter((c) => c && !isMysqlLobType(c.nativeType)).reduce((n, c) => n + keyBytes(c!), 0);
        const share = Math.max(1, Math.floor((maxKeyBytes - fixed) / mb / lobs.length));
        for (const c of lobs) {
          const was = c.nativeType;
          c.nativeType = `VARCHAR(${share})`;
          c.type = { kind: 'varchar', length: share };
          keyIssues.push(warn('key-column-shortened', `primary key column ${t.name}.${c.name} (${was}) became VARCHAR(${share}): InnoDB keys are at most ${maxKeyBytes} bytes`, 'check that no value is longer; longer values are refused'));
        }
      }
      out.primaryKey = { columns: cols };
      this.add({ objectType: 'primary-key', schema: s.name, name: t.primaryKey.name ?? `${t.name}_pkey`, table: t.name, status: statusOf(keyIssues), targetSchema: db, targetName: 'PRIMARY', issues: keyIssues });
    }
    // Unique constraints: with a TEXT/BLOB column they become unique indexes on a prefix.
    for (const u of t.uniqueKeys) {
      const keyIssues: ConversionIssue[] = [];
      const wanted = indexNames.take(u.name ?? `${t.name}_${u.columns.join('_')}_key`);
      const parts = this.keyParts(u.columns.map((c) => ({ column: c })), colOf, colName, t.name, wanted, keyIssues, true);
      if (parts.some((p) => p.prefixLength !== undefined)) out.indexes.push({ name: wanted, unique: true, method: 'btree', parts });
      else out.uniqueKeys.push({ name: wanted, columns: parts.map((p) => p.column!) } satisfies KeyDef);
      this.add({ objectType: 'unique-key', schema: s.name, name: u.name ?? wanted, table: t.name, status: statusOf(keyIssues), targetSchema: db, targetName: wanted, issues: keyIssues });
    }
    // Checks, through the translator (MySQL names them per database).
    for (const ck of t.checks) {
      const tr = translatePostgresSql(ck.expression, ctx);
      const ckIssues: ConversionIssue[] = [...tr.issues];
      const ckName = ck.name ? constraintNames.take(ck.name) : undefined;
      if (tr.ok) out.checks.push({ ...(ckName ? { name: ckName } : {}), expression: tr.sql } satisfies CheckDef);
      else ckIssues.push(error('check-not-converted', `CHECK (${ck.expression}) on ${t.name} could not be translated: left out`, 'add an equivalent CHECK by hand'));
      this.add({ objectType: 'check', schema: s.name, name: ck.name ?? `${t.name}_check`, table: t.name, status: statusOf(ckIssues), targetSchema: db, ...(ckName ? { targetName: ckName } : {}), issues: ckIssues });
    }
    // Foreign keys (MySQL names them per database).
    for (const fk of t.foreignKeys) out.foreignKeys.push(this.foreignKey(s, t, fk, constraintNames, colName));
    // Secondary indexes.
    for (const idx of t.indexes) {
      const converted = this.index(s, t, idx, indexNames, colOf, colName, ctx);
      if (converted) out.indexes.push(converted);
    }
    this.identity(s, t, out, issues, autoIncrement, indexNames);
    this.add({ objectType: 'table', schema: s.name, name: t.name, status: statusOf(issues), targetSchema: db, targetName: name, issues });
    return out;
  }

  /** One AUTO_INCREMENT column a table, and it must lead a key. */
  private identity(s: SchemaDef, t: TableDef, out: TableDef, issues: ConversionIssue[], autoIncrement: Map<string, string>, indexNames: MysqlNameSpace): void {
    const ids = t.columns.filter((c) => c.identity);
    if (!ids.length) return;
    const pk = t.primaryKey?.columns ?? [];
    const chosen = ids.find((c) => pk.includes(c.name)) ?? ids[0]!;
    const target = out.columns[t.columns.indexOf(chosen)]!;
    const id = chosen.identity!;
    target.identity = { kind: 'auto-increment' };
    target.nullable = false;
    if (target.type.kind !== 'int') issues.push(warn('auto-increment-type', `${t.name}.${chosen.name} is ${target.nativeType}: MySQL AUTO_INCREMENT wants an integer column`, 'change the column to BIGINT'));
    if (id.start !== undefined && id.start > 1) out.options = { ...out.options, AUTO_INCREMENT: String(id.start) };
    if (id.increment !== undefined && id.increment !== 1) issues.push(warn('auto-increment-step', `${t.name}.${chosen.name} steps by ${id.increment}: MySQL's step (auto_increment_increment) is a server setting, not a column's`, 'set auto_increment_increment on the server, or accept steps of 1'));
    if (id.kind === 'always') issues.push(warn('identity-always', `${t.name}.${chosen.name} is GENERATED ALWAYS AS IDENTITY: MySQL's AUTO_INCREMENT also accepts explicit values`, 'none unless the application relies on the refusal'));
    if (id.kind === 'serial' && id.sequence) {
      const seq = s.sequences.find((q) => q.name === id.sequence);
      const owned = seq?.ownedBy && seq.ownedBy.table === t.name && seq.ownedBy.column === chosen.name;
      if (owned) autoIncrement.set(id.sequence, `${t.name}.${chosen.name}`);
      else issues.push(warn('shared-sequence', `${t.name}.${chosen.name} takes its values from sequence ${id.sequence}${seq?.ownedBy ? `, owned by ${seq.ownedBy.table}.${seq.ownedBy.column}` : ''}: it became AUTO_INCREMENT with a counter of its own, so values may repeat across tables`, 'give the table its own key range, or generate the values in the application'));
    } else issues.push(info('identity', `${t.name}.${chosen.name} (identity) became AUTO_INCREMENT`));
    for (const extra of ids.filter((c) => c !== chosen)) {
      issues.push(warn('extra-identity', `${t.name}.${extra.name} is also an identity/serial column: MySQL allows one AUTO_INCREMENT column a table, so it is a plain integer without a default`, 'fill it in the application or with a trigger'));
    }
    // AUTO_INCREMENT must be the first column of some key.
    const leads = (cols: readonly string[] | undefined): boolean => cols?.[0] === target.name;
    const keyed = leads(out.primaryKey?.columns) || out.uniqueKeys.some((u) => leads(u.columns)) || out.indexes.some((i) => i.parts[0]?.column === target.name && i.parts[0].prefixLength === undefined);
    if (!keyed) {
      const name = indexNames.take(`${target.name}_auto_increment`);
      out.indexes.push({ name, unique: false, method: 'btree', parts: [{ column: target.name }] });
      issues.push(info('auto-increment-key', `index ${name} added on ${t.name}.${target.name}: MySQL requires an AUTO_INCREMENT column to lead a key`));
    }
  }

  /** Key parts with prefixes where InnoDB needs them. */
  private keyParts(parts: readonly IndexPart[], colOf: (c: string) => ColumnDef | undefined, colName: (c: string) => string, table: string, index: string, issues: ConversionIssue[], unique: boolean): IndexPart[] {
    const out = parts.map((p) => (p.column ? { ...p, column: colName(p.column) } : { ...p }));
    const variable = out.filter((p) => p.column && colOf(p.column) && stringChars(colOf(p.column)!) !== undefined);
    const fixed = out.filter((p) => !variable.includes(p)).reduce((n, p) => n + (p.column && colOf(p.column) ? keyBytes(colOf(p.column)!) : 0), 0);
    const total = fixed + variable.reduce((n, p) => n + Math.min(stringChars(colOf(p.column!)!)!, lobPrefix * 4) * mb, 0);
    const share = total > maxKeyBytes && variable.length ? Math.max(1, Math.floor((maxKeyBytes - fixed) / mb / variable.length)) : undefined;
    return out.map((p) => {
      if (!variable.includes(p)) return p;
      const col = colOf(p.column!)!;
      const chars = stringChars(col)!;
      const lob = isMysqlLobType(col.nativeType);
      const limit = Math.min(share ?? Infinity, lob ? lobPrefix : Infinity);
      if (chars <= limit && !lob) return p;
      const prefix = Math.min(limit, chars);
      issues.push(warn('key-prefix', `${unique ? 'unique key' : 'index'} ${index} on ${table}: ${col.name} (${col.nativeType}) is indexed on its first ${prefix} characters (InnoDB keys are at most ${maxKeyBytes} bytes${lob ? ' and TEXT/BLOB columns need a prefix' : ''})${unique ? '; uniqueness is checked on that prefix only' : ''}`, unique ? 'check that values differ within the prefix, or shorten the column to a VARCHAR' : 'none'));
      return { ...p, prefixLength: prefix };
    });
  }

  private foreignKey(s: SchemaDef, t: TableDef, fk: ForeignKeyDef, names: MysqlNameSpace, colName: (c: string) => string): ForeignKeyDef {
    const issues: ConversionIssue[] = [];
    const name = names.take(fk.name ?? `${t.name}_${fk.columns.join('_')}_fkey`);
    const refTable = this.tableNames.get(`${fk.refSchema}.${fk.refTable}`) ?? fitMysqlName(fk.refTable);
    const refColName = (c: string): string => this.columnNames.get(`${fk.refSchema}.${fk.refTable}.${c}`) ?? fitMysqlName(c);
    const refTableDef = this.source.schemas.find((x) => x.name === fk.refSchema)?.tables.find((x) => x.name === fk.refTable);
    if (!refTableDef) issues.push(warn('fk-external', `foreign key ${name} references ${fk.refSchema}.${fk.refTable}, which is not part of the conversion`, 'create the referenced table on the target first'));
    const refColumns = fk.refColumns.length ? fk.refColumns : (refTableDef?.primaryKey?.columns ?? []);
    const notNull = fk.columns.some((c) => t.columns.find((x) => x.name === c)?.nullable === false);
    const act = (a: ForeignKeyDef['onDelete'], when: string): ForeignKeyDef['onDelete'] => {
      if (a === 'SET DEFAULT') {
        issues.push(warn('fk-set-default', `foreign key ${name} ON ${when} SET DEFAULT became RESTRICT: InnoDB does not support SET DEFAULT`, 'implement SET DEFAULT with a trigger if needed'));
        return 'RESTRICT';
      }
      if (a === 'SET NULL' && notNull) {
        issues.push(warn('fk-set-null-not-null', `foreign key ${name} ON ${when} SET NULL on a NOT NULL column became RESTRICT: MySQL refuses the combination, and PostgreSQL fails such a ${when.toLowerCase()} anyway`, 'none'));
        return 'RESTRICT';
      }
      return a;
    };
    const out: ForeignKeyDef = {
      name,
      columns: fk.columns.map(colName),
      refSchema: this.schemaNames.get(fk.refSchema) ?? fitMysqlName(fk.refSchema),
      refTable,
      refColumns: refColumns.map(refColName),
      onDelete: act(fk.onDelete, 'DELETE'),
      onUpdate: act(fk.onUpdate, 'UPDATE'),
    };
    if (!refColumns.length) issues.push(error('fk-no-columns', `foreign key ${name} names no referenced columns and ${fk.refTable} has no primary key known`, 'name the referenced columns'));
    this.add({ objectType: 'foreign-key', schema: s.name, name: fk.name ?? name, table: t.name, status: statusOf(issues), targetSchema: out.refSchema, targetName: name, issues });
    return out;
  }

  private index(s: SchemaDef, t: TableDef, idx: IndexDef, names: MysqlNameSpace, colOf: (c: string) => ColumnDef | undefined, colName: (c: string) => string, ctx: SqlTranslationContext): IndexDef | undefined {
    const db = this.schemaNames.get(s.name)!;
    const issues: ConversionIssue[] = [];
    const name = names.take(idx.name);
    const report = (manual: boolean): void => this.add({ objectType: 'index', schema: s.name, name: idx.name, table: t.name, status: statusOf(issues, manual), targetSchema: db, ...(manual ? {} : { targetName: name }), issues });
    if (name !== idx.name) issues.push(warn('name-truncated', `index ${idx.name} became ${name}`, 'none'));
    if (idx.method === 'gin' || idx.method === 'gist') {
      const simple = idx.parts.every((p) => {
        const src = p.column ? t.columns.find((c) => c.name === p.column) : undefined;
        return src && ['int', 'decimal', 'float', 'char', 'varchar', 'date', 'time', 'timestamp', 'uuid', 'enum', 'boolean'].includes(src.type.kind);
      });
      if (!simple) {
        const src = idx.parts[0]?.column ? t.columns.find((c) => c.name === idx.parts[0]!.column) : undefined;
        const ts = src?.type.kind === 'native' && src.type.type === 'tsvector';
        issues.push(error('index-method', `${idx.method.toUpperCase()} index ${idx.name} on ${t.name} has no MySQL counterpart${ts ? ' (a tsvector full-text index)' : ''}: left out`, ts ? 'create a FULLTEXT index on the text columns the tsvector is built from' : 'index a generated column or redesign the lookup'));
        report(true);
        return undefined;
      }
      issues.push(warn('index-method', `${idx.method.toUpperCase()} index ${idx.name} on plain columns became a B-tree index`, 'none'));
    } else if (idx.method === 'hash') issues.push(info('index-method', `HASH index ${idx.name} became a B-tree index (InnoDB has no hash indexes)`));
    else if (idx.method === 'brin') issues.push(warn('index-method', `BRIN index ${idx.name} became a B-tree index (larger, but it serves the same lookups)`, 'none'));
    if (idx.where) {
      if (idx.unique) {
        issues.push(error('partial-unique', `unique index ${idx.name} is partial (WHERE ${idx.where}): MySQL has no partial indexes, and a full unique index would refuse rows the source allows`, 'enforce the rule with a generated column that is NULL outside the predicate, and a unique index on it'));
        report(true);
        return undefined;
      }
      issues.push(warn('partial-index', `index ${idx.name} is partial (WHERE ${idx.where}): created over all rows`, 'none; it is larger than the source index'));
    }
    const parts: IndexPart[] = [];
    for (const p of idx.parts) {
      if (p.column) {
        parts.push(p);
        continue;
      }
      const tr = translatePostgresSql(p.expression ?? '', ctx);
      issues.push(...tr.issues);
      if (!tr.ok || !this.traits.functionalIndexes) {
        if (tr.ok) {
          issues.push(error('expression-index', `index ${idx.name} has an expression part (${p.expression}): ${this.traits.label} has no functional key parts (MySQL 8.0.13+ has)`, this.traits.mariadb ? 'add a VIRTUAL generated column with the expression and index it' : 'on MySQL 8.0.13+ convert again with the target version; otherwise index a generated column'));
        } else issues.push(error('expression-index', `index ${idx.name}: the expression ${p.expression} could not be translated`, 'index a generated column with an equivalent expression'));
        report(true);
        return undefined;
      }
      parts.push({ expression: tr.sql, ...(p.descending ? { descending: true } : {}) });
    }
    for (const p of parts) {
      if (p.column && !colOf(p.column)) {
        issues.push(error('index-column', `index ${idx.name} names column ${p.column}, which ${t.name} does not have`, 'fix the index definition'));
        report(true);
        return undefined;
      }
    }
    const withPrefixes = this.keyParts(parts, colOf, colName, t.name, name, issues, idx.unique);
    report(false);
    return { name, unique: idx.unique, method: 'btree', parts: withPrefixes, ...(idx.comment !== undefined ? { comment: idx.comment } : {}) };
  }

  // -------------------------------------------------------------------------------------
  // Sequences, views

  private sequence(s: SchemaDef, seq: SequenceDef, out: SchemaDef, autoIncrement: Map<string, string>): void {
    const db = out.name;
    const owner = autoIncrement.get(seq.name);
    if (owner) {
      this.add({ objectType: 'sequence', schema: s.name, name: seq.name, status: 'converted', targetSchema: db, issues: [info('sequence-auto-increment', `sequence ${seq.name} became the AUTO_INCREMENT of ${owner}`)] });
      return;
    }
    if (this.traits.sequences) {
      const name = fitMysqlName(seq.name);
      const { ownedBy: _owner, ...rest } = seq;
      out.sequences.push({ ...rest, name });
      this.add({ objectType: 'sequence', schema: s.name, name: seq.name, status: 'converted', targetSchema: db, targetName: name, issues: [info('mariadb-sequence', `sequence ${seq.name} became a MariaDB sequence (CREATE SEQUENCE, MariaDB 10.3+); use NEXTVAL(${name}) in place of nextval('${seq.name}')`)] });
      return;
    }
    this.add({
      objectType: 'sequence', schema: s.name, name: seq.name, status: 'manual', targetSchema: db,
      issues: [error('sequence-not-converted', `sequence ${seq.name} is not owned by an AUTO_INCREMENT column and ${this.traits.label} has no sequences${this.traits.mariadb ? '' : ' (MariaDB 10.3+ has CREATE SEQUENCE)'}`, 'use an AUTO_INCREMENT column, or a one-row counter table updated in a transaction')],
    });
  }

  private views(s: SchemaDef): ViewDef[] {
    const db = this.schemaNames.get(s.name)!;
    const ctx = this.ctx(s.name);
    const done = new Map<string, { view?: ViewDef; issues: ConversionIssue[]; ok: boolean }>();
    for (const v of s.views) {
      const tr = translatePostgresSql(v.query, ctx);
      const issues = [...tr.issues];
      const name = this.tableNames.get(`${s.name}.${v.name}`)!;
      if (v.comment !== undefined) issues.push(info('view-comment', `view ${v.name}: MySQL views have no comments; the comment is not kept`));
      const view: ViewDef = { name, query: tr.sql, ...(v.columns ? { columns: v.columns.map((c) => fitMysqlName(c)) } : {}), ...(v.checkOption ? { checkOption: v.checkOption } : {}) };
      done.set(v.name, { view, issues, ok: tr.ok });
    }
    // A view that reads a view needing manual work cannot be created either.
    for (let changed = true; changed; ) {
      changed = false;
      for (const v of s.views) {
        const d = done.get(v.name)!;
        if (!d.ok) continue;
        const bad = referencedViews(v.query, s.views.map((x) => x.name)).find((r) => r !== v.name && !done.get(r)?.ok);
        if (bad) {
          d.ok = false;
          d.issues.push(error('view-dependency', `view ${v.name} reads view ${bad}, which needs manual work`, `convert ${bad} first, then this view`));
          changed = true;
        }
      }
    }
    const out: ViewDef[] = [];
    for (const v of s.views) {
      const d = done.get(v.name)!;
      if (!d.ok) d.issues.push(error('view-not-converted', `view ${v.name} is not created: its query uses what the translator cannot map`, 'rewrite the view for MySQL by hand (see the other issues)'));
      else out.push(d.view!);
      this.add({ objectType: 'view', schema: s.name, name: v.name, status: statusOf(d.issues, !d.ok), targetSchema: db, ...(d.ok ? { targetName: d.view!.name } : {}), issues: d.issues });
    }
    return out;
  }
}

/** The names in `names` that a query mentions as identifiers. */
export function referencedViews(query: string, names: readonly string[]): string[] {
  const ids = new Set(
    significant(tokenize(query, 'postgres'))
      .filter((t) => t.kind === 'word' || t.kind === 'quoted-id')
      .map((t) => (t.kind === 'word' ? t.text.toLowerCase() : t.value)),
  );
  return names.filter((n) => ids.has(n));
}

/** A string column's length in characters (TEXT/BLOB: their full size), undefined for other types. */
function stringChars(c: ColumnDef): number | undefined {
  const t = c.type;
  if (isMysqlLobType(c.nativeType)) return Number.MAX_SAFE_INTEGER;
  if (t.kind === 'varchar') return t.length ?? Number.MAX_SAFE_INTEGER;
  if (t.kind === 'char') return t.length;
  return undefined;
}

/** Bytes a fixed-size column takes in a key. */
function keyBytes(c: ColumnDef): number {
  const t = c.type;
  switch (t.kind) {
    case 'int':
      return t.bytes;
    case 'decimal':
      return Math.ceil((t.precision ?? 65) / 2) + 1;
    case 'uuid':
      return 36 * mb;
    case 'char':
    case 'varchar':
      return (t.kind === 'char' ? t.length : (t.length ?? lobPrefix)) * mb;
    case 'timestamp':
    case 'float':
      return 8;
    default:
      return 8;
  }
}
