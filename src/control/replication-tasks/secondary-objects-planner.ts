/**
 * The engine's SecondaryObjectsPlanner, built on schema conversion: what DMS leaves to its
 * users after a full load (secondary indexes, unique constraints, foreign keys, identities)
 * as statements for the target, in the target's names.
 *
 * 1. Parse the source DDL and keep the loaded tables only, each with the columns the task
 *    loaded; an index, key or foreign key that needs a column or a table the task does not
 *    load is left out with a note (never silently).
 * 2. Same dialect: that model as it is; the other dialect: convertSchema.
 * 3. Rename schemas, tables and columns to the names the run created, with exact-name
 *    transformation rules: applyTransformationRules follows every reference (foreign keys,
 *    index columns and expressions), so the printed DDL names the target's objects.
 * 4. Print each table on its own and keep its indexes and foreign keys; unique constraints
 *    and identities are written here (the printers put them inside CREATE TABLE).
 *
 * Order: unique constraints, indexes, identities, foreign keys. Foreign keys last, because
 * MySQL refuses to MODIFY a column a foreign key uses (the identity) and wants the key a
 * foreign key references to exist first.
 */
import type { NeutralType, TableRef } from '../../connectors/spi/index.js';
import type { ForeignKeysToDropRequest, SecondaryObject, SecondaryObjectsPlan, SecondaryObjectsPlanner, SecondaryObjectsRequest, SecondaryObjectsTable } from '../../engine/ports.js';
import {
  applyTransformationRules,
  convertSchema,
  parseDdl,
  printDdl,
  type ColumnDef,
  type ConversionResult,
  type Dialect,
  type ObjectReport,
  type SchemaDef,
  type SchemaModel,
  type TableDef,
  type TransformationRule,
} from '../../schema-conversion/index.js';
import { quoteIdentifier, quoteLiteral, significant, tokenize } from '../../schema-conversion/sql/tokenizer.js';

export const secondaryObjectsPlanner: SecondaryObjectsPlanner = { plan: planSecondaryObjects, foreignKeysToDrop };

/** The dialect of a DMS engine name. */
export function dialectOfEngine(engineName: string): Dialect {
  return /postgres/i.test(engineName) ? 'postgres' : 'mysql';
}

interface Identity {
  readonly table: TableRef;
  readonly column: string;
  readonly type: NeutralType;
  /** For the notes: `"src"."film"."film_id"`. */
  readonly sourceName: string;
}

export function planSecondaryObjects(req: SecondaryObjectsRequest): SecondaryObjectsPlan {
  const notes: string[] = [];
  const sourceDialect = req.sourceDdl.dialect;
  const targetDialect = dialectOfEngine(req.targetEngine);
  for (const p of req.sourceDdl.problems) notes.push(`The source DDL of ${p.object} could not be read (${p.message}): its secondary objects are not created`);
  const parsed = parseDdl(sourceDialect, req.sourceDdl.statements);
  for (const p of parsed.problems) notes.push(`A source DDL statement was not understood (${p.message}): ${excerpt(p.statement)}`);

  const { model, identities, tables } = selectLoaded(parsed.model, req.tables, notes);
  const converted: ConversionResult =
    sourceDialect === targetDialect
      ? { model, report: [] }
      : convertSchema(model, { targetEngine: req.targetEngine, ...(req.targetVersion !== undefined ? { targetVersion: req.targetVersion } : {}) });
  notes.push(...reportNotes(converted.report));
  const renamed = applyTransformationRules(model, converted, { rules: renameRules(tables) });

  const uniques: SecondaryObject[] = [];
  const indexes: SecondaryObject[] = [];
  const foreignKeys: SecondaryObject[] = [];
  for (const s of renamed.model.schemas) {
    for (const t of s.tables) {
      const table = `${display(s.name)}.${display(t.name)}`;
      for (const k of t.uniqueKeys) {
        if (t.primaryKey && sameColumns(k.columns, t.primaryKey.columns)) continue; // the run created the primary key
        uniques.push({ kind: 'unique', object: `unique constraint ${k.name ? `${display(k.name)} ` : ''}on ${table} (${k.columns.join(', ')})`, statements: [addUnique(targetDialect, s.name, t.name, k.name, k.columns)] });
      }
      const printed = printDdl({ dialect: renamed.model.dialect, schemas: [{ ...emptySchema(s.name), tables: [t] }] });
      const ixStatements = printed.filter((p) => p.objectType === 'index' && /^\s*create\b/i.test(p.sql));
      for (const p of ixStatements) {
        const ix = t.indexes.find((i) => i.name === p.name);
        indexes.push({ kind: ix?.unique ? 'unique' : 'index', object: `${ix?.unique ? 'unique index' : 'index'} ${display(p.name)} on ${table}`, statements: [p.sql] });
      }
      const fkStatements = printed.filter((p) => p.objectType === 'foreign-key');
      fkStatements.forEach((p, i) => {
        const fk = fkStatements.length === t.foreignKeys.length ? t.foreignKeys[i] : undefined;
        const what = fk ? ` on ${table} (${fk.columns.join(', ')}) -> ${display(fk.refSchema)}.${display(fk.refTable)} (${fk.refColumns.join(', ')})` : ` on ${table}`;
        foreignKeys.push({ kind: 'foreign-key', object: `foreign key ${fk?.name !== undefined ? display(fk.name) : display(p.name)}${what}`, statements: [p.sql] });
      });
    }
  }
  const identityObjects: SecondaryObject[] = [];
  for (const id of identities) {
    const obj = identityObject(targetDialect, id);
    if (typeof obj === 'string') notes.push(obj);
    else identityObjects.push(obj);
  }
  return { objects: [...uniques, ...indexes, ...identityObjects, ...foreignKeys], notes };
}

/**
 * The foreign keys between the task's target tables in the target's DDL (an earlier run's),
 * as DROP statements: PostgreSQL refuses to drop a table another one references.
 */
export function foreignKeysToDrop(req: ForeignKeysToDropRequest): { object: string; sql: string }[] {
  const dialect = req.targetDdl.dialect;
  const ours = new Set(req.tables.map((t) => keyOf(t.schema, t.name)));
  const out: { object: string; sql: string }[] = [];
  for (const s of parseDdl(dialect, req.targetDdl.statements).model.schemas) {
    for (const t of s.tables) {
      if (!ours.has(keyOf(s.name, t.name))) continue;
      for (const fk of t.foreignKeys) {
        if (fk.name === undefined || !ours.has(keyOf(fk.refSchema, fk.refTable))) continue;
        const drop = dialect === 'postgres' ? 'DROP CONSTRAINT' : 'DROP FOREIGN KEY';
        out.push({
          object: `foreign key ${display(fk.name)} on ${refName({ schema: s.name, name: t.name })}`,
          sql: `ALTER TABLE ${qualified(dialect, s.name, t.name)} ${drop} ${quoteIdentifier(fk.name, dialect)}`,
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 1. The loaded tables, with the columns the task loaded

const keyOf = (schema: string, name: string): string => `${schema}\u0000${name}`;
const display = (name: string): string => `"${name}"`;
const refName = (t: TableRef): string => `${display(t.schema)}.${display(t.name)}`;

function emptySchema(name: string): SchemaDef {
  return { name, tables: [], views: [], sequences: [], enumTypes: [], routines: [], triggers: [] };
}

/**
 * A model of the loaded tables only. Columns keep their names and types (the converter
 * needs them) but lose what is not created here (defaults, generation, identity, comments);
 * CHECKs, views, routines, triggers and sequences are left out. Keys, indexes and foreign
 * keys that need a column or table the task does not load are dropped with a note.
 */
function selectLoaded(
  source: SchemaModel,
  requested: readonly SecondaryObjectsTable[],
  notes: string[],
): { model: SchemaModel; identities: Identity[]; tables: SecondaryObjectsTable[] } {
  // Schema renames go through one rule per source schema: a source schema whose tables went
  // to several target schemas (not something DMS's rules can do) keeps its first.
  const schemaTarget = new Map<string, string>();
  const tables: SecondaryObjectsTable[] = [];
  for (const t of requested) {
    const first = schemaTarget.get(t.source.schema);
    if (first === undefined) schemaTarget.set(t.source.schema, t.target.schema);
    else if (first !== t.target.schema) {
      notes.push(`Table ${refName(t.source)} was loaded into schema ${display(t.target.schema)}, other tables of its schema into ${display(first)}: its secondary objects are not created`);
      continue;
    }
    tables.push(t);
  }
  const loaded = new Map(tables.map((t) => [keyOf(t.source.schema, t.source.name), t]));
  const columnsOf = (schema: string, table: string): Map<string, string> | undefined => {
    const t = loaded.get(keyOf(schema, table));
    return t ? new Map(t.columns.map((c) => [c.source, c.target])) : undefined;
  };

  const found = new Set<string>();
  const identities: Identity[] = [];
  const schemas: SchemaDef[] = [];
  for (const s of source.schemas) {
    const out = emptySchema(s.name);
    // Enum types stay: PostgreSQL columns name them.
    out.enumTypes = s.enumTypes;
    for (const v of s.views) {
      if (loaded.has(keyOf(s.name, v.name))) {
        found.add(keyOf(s.name, v.name));
        notes.push(`${refName({ schema: s.name, name: v.name })} is a view in the source: it has no indexes or keys to create`);
      }
    }
    for (const t of s.tables) {
      const plan = loaded.get(keyOf(s.name, t.name));
      if (!plan) continue;
      found.add(keyOf(s.name, t.name));
      out.tables.push(selectTable(s.name, t, plan, columnsOf, identities, notes));
    }
    if (out.tables.length > 0) schemas.push(out);
  }
  for (const t of tables) {
    if (!found.has(keyOf(t.source.schema, t.source.name))) notes.push(`Table ${refName(t.source)} is not in the source DDL that was read: its secondary objects are not created`);
  }
  return { model: { dialect: source.dialect, schemas }, identities, tables };
}

function selectTable(
  schema: string,
  t: TableDef,
  plan: SecondaryObjectsTable,
  columnsOf: (schema: string, table: string) => Map<string, string> | undefined,
  identities: Identity[],
  notes: string[],
): TableDef {
  const cols = columnsOf(schema, t.name)!;
  const name = refName({ schema, name: t.name });
  const missing = (columns: readonly string[]): string[] => columns.filter((c) => !cols.has(c));
  const skip = (what: string, why: string): void => void notes.push(`${what} of ${name} is not created: ${why}`);
  const notLoaded = (m: readonly string[]): string => `${m.length === 1 ? 'column' : 'columns'} ${m.map(display).join(', ')} ${m.length === 1 ? 'is' : 'are'} not loaded by the task (removed by a mapping rule, or generated)`;

  const columns: ColumnDef[] = [];
  for (const c of t.columns) {
    const target = cols.get(c.name);
    if (target === undefined) continue;
    const isIdentity = c.identity !== undefined || (c.default?.kind === 'expression' && /\bnextval\s*\(/i.test(c.default.sql));
    if (isIdentity) {
      const type = plan.columns.find((x) => x.source === c.name)!.targetType;
      identities.push({ table: plan.target, column: target, type, sourceName: `${name}.${display(c.name)}` });
    }
    columns.push({ name: c.name, type: c.type, nativeType: c.nativeType, nullable: c.nullable, ...(c.charset ? { charset: c.charset } : {}), ...(c.collation ? { collation: c.collation } : {}) });
  }
  const out: TableDef = { name: t.name, columns, uniqueKeys: [], foreignKeys: [], checks: [], indexes: [] };
  if (t.primaryKey && missing(t.primaryKey.columns).length === 0) out.primaryKey = t.primaryKey;

  for (const k of t.uniqueKeys) {
    const m = missing(k.columns);
    if (m.length > 0) skip(`Unique constraint ${k.name ? display(k.name) : `(${k.columns.join(', ')})`}`, notLoaded(m));
    else out.uniqueKeys.push(k);
  }
  const removed = t.columns.filter((c) => !cols.has(c.name)).map((c) => c.name);
  for (const ix of t.indexes) {
    const m = [...missing(ix.parts.flatMap((p) => (p.column !== undefined ? [p.column] : []))), ...mentioned(ix.parts.flatMap((p) => (p.expression !== undefined ? [p.expression] : [])).concat(ix.where ?? []), removed)];
    if (m.length > 0) skip(`${ix.unique ? 'Unique index' : 'Index'} ${display(ix.name)}`, notLoaded([...new Set(m)]));
    else out.indexes.push(ix);
  }
  for (const fk of t.foreignKeys) {
    const what = `Foreign key ${fk.name ? display(fk.name) : `(${fk.columns.join(', ')})`}`;
    const ref = refName({ schema: fk.refSchema, name: fk.refTable });
    const refCols = columnsOf(fk.refSchema, fk.refTable);
    if (!refCols) {
      skip(what, `it references ${ref}, which the task does not load (add the table to the task's selection rules, or create the foreign key by hand)`);
      continue;
    }
    const m = missing(fk.columns);
    const mr = fk.refColumns.filter((c) => !refCols.has(c));
    if (m.length > 0) skip(what, notLoaded(m));
    else if (mr.length > 0) skip(what, `it references ${mr.map(display).join(', ')} of ${ref}, which the task does not load`);
    else out.foreignKeys.push(fk);
  }
  return out;
}

/** The names of `columns` that SQL fragments mention (as words or quoted identifiers). */
function mentioned(fragments: readonly string[], columns: readonly string[]): string[] {
  if (fragments.length === 0 || columns.length === 0) return [];
  const words = new Set<string>();
  for (const f of fragments) {
    for (const tok of significant(tokenize(f, 'postgres'))) {
      if (tok.kind === 'word') words.add(tok.text.toLowerCase());
      else if (tok.kind === 'quoted-id') words.add(tok.value.toLowerCase());
    }
  }
  return columns.filter((c) => words.has(c.toLowerCase()));
}

// ---------------------------------------------------------------------------------------
// 2. What the converter says about the objects

function reportNotes(report: readonly ObjectReport[]): string[] {
  const out: string[] = [];
  const kinds: Partial<Record<ObjectReport['objectType'], string>> = { index: 'Index', 'unique-key': 'Unique constraint', 'foreign-key': 'Foreign key' };
  for (const r of report) {
    const kind = kinds[r.objectType];
    if (!kind) continue;
    const issues = r.issues.filter((i) => i.severity !== 'info');
    if (issues.length === 0) continue;
    const where = r.table !== undefined ? ` of ${refName({ schema: r.schema, name: r.table })}` : '';
    const fate = r.status === 'manual' ? 'is not created' : 'is converted with a change';
    out.push(`${kind} ${display(r.name)}${where} ${fate}: ${issues.map((i) => `${i.message} (${i.action})`).join('; ')}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// 3. Renames to the run's target names

/** A DMS name pattern that matches `name` only: `%`, `_` and `[` taken literally. */
function exactPattern(name: string): string {
  return name.replace(/[%_[]/g, (c) => `[${c}]`);
}

function renameRules(tables: readonly SecondaryObjectsTable[]): TransformationRule[] {
  const rules: TransformationRule[] = [];
  const rule = (r: Omit<TransformationRule, 'ruleId' | 'ruleName' | 'action'>): void => {
    const id = String(rules.length + 1);
    rules.push({ ruleId: id, ruleName: `secondary-objects-${id}`, action: 'rename', ...r });
  };
  const schemas = new Set<string>();
  for (const t of tables) {
    const schemaName = exactPattern(t.source.schema);
    if (!schemas.has(t.source.schema)) {
      schemas.add(t.source.schema);
      rule({ target: 'schema', locator: { schemaName }, value: t.target.schema });
    }
    const tableName = exactPattern(t.source.name);
    rule({ target: 'table', locator: { schemaName, tableName, tableType: 'table' }, value: t.target.name });
    for (const c of t.columns) rule({ target: 'column', locator: { schemaName, tableName, columnName: exactPattern(c.source) }, value: c.target });
  }
  return rules;
}

// ---------------------------------------------------------------------------------------
// 4. Statements written here

function qualified(dialect: Dialect, schema: string, table: string): string {
  return `${quoteIdentifier(schema, dialect)}.${quoteIdentifier(table, dialect)}`;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function addUnique(dialect: Dialect, schema: string, table: string, name: string | undefined, columns: readonly string[]): string {
  const q = (n: string): string => quoteIdentifier(n, dialect);
  return `ALTER TABLE ${qualified(dialect, schema, table)} ADD ${name ? `CONSTRAINT ${q(name)} ` : ''}UNIQUE (${columns.map(q).join(', ')})`;
}

const mysqlIntNames = { 1: 'TINYINT', 2: 'SMALLINT', 3: 'MEDIUMINT', 4: 'INT', 8: 'BIGINT' } as const;

/**
 * The identity of a loaded column, or a note saying why there is none.
 * - PostgreSQL: an identity (BY DEFAULT, so rows may still carry their ids) whose sequence
 *   continues after the largest loaded value;
 * - MySQL/MariaDB: AUTO_INCREMENT (InnoDB starts it after the largest value). The ALTER
 *   copies the rows: with NO_AUTO_VALUE_ON_ZERO a 0 stays 0 instead of being renumbered.
 */
function identityObject(dialect: Dialect, id: Identity): SecondaryObject | string {
  const object = `identity on ${refName(id.table)}.${display(id.column)}`;
  if (id.type.kind !== 'int') {
    return `The identity of ${id.sourceName} is not created: the target column is not an integer column (${id.type.kind}), and only integers can be identities`;
  }
  const table = qualified(dialect, id.table.schema, id.table.name);
  if (dialect === 'postgres') {
    const c = quoteIdentifier(id.column, 'postgres');
    return {
      kind: 'identity',
      object,
      statements: [
        `ALTER TABLE ${table} ALTER COLUMN ${c} SET NOT NULL, ALTER COLUMN ${c} ADD GENERATED BY DEFAULT AS IDENTITY`,
        // The table name is parsed as SQL (so quoted); the column name is taken literally.
        `SELECT setval(pg_get_serial_sequence(${quoteLiteral(table, 'postgres')}, ${quoteLiteral(id.column, 'postgres')}), coalesce(max(${c}), 0) + 1, false) FROM ${table}`,
      ],
    };
  }
  const type = `${mysqlIntNames[id.type.bytes]}${id.type.unsigned ? ' UNSIGNED' : ''}`;
  return {
    kind: 'identity',
    object,
    statements: [
      "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'NO_AUTO_VALUE_ON_ZERO')",
      `ALTER TABLE ${table} MODIFY ${quoteIdentifier(id.column, 'mysql')} ${type} NOT NULL AUTO_INCREMENT`,
    ],
  };
}

function excerpt(sql: string): string {
  const one = sql.replace(/\s+/g, ' ').trim();
  return one.length > 120 ? `${one.slice(0, 117)}...` : one;
}
