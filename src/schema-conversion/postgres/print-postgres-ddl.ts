/**
 * A PostgreSQL model -> DDL statements, in an order that applies on an empty database:
 * schemas, enum types, sequences, tables (with their columns, defaults, identities, primary
 * keys, unique keys and CHECKs inline), then foreign keys as ALTER TABLE (so the order of
 * tables does not matter), indexes, the ON UPDATE trigger functions and triggers, views in
 * dependency order, routines and triggers kept as text, and comments. Every identifier goes
 * through quoteIdentifier. Statements carry no terminator.
 */
import type { ColumnDef, DdlStatement, DefaultDef, IndexDef, SchemaDef, SchemaModel, TableDef, ViewDef } from '../model.js';
import { quoteIdentifier, quoteLiteral, significant, tokenize } from '../sql/tokenizer.js';
import { fitIdentifier } from '../to-postgres/postgres-naming.js';
import { renderPostgresType } from './postgres-type-names.js';

const q = (name: string) => quoteIdentifier(name, 'postgres');

/** The DDL of a model of dialect 'postgres', one statement per object, in dependency order. */
export function printPostgresDdl(model: SchemaModel): DdlStatement[] {
  if (model.dialect !== 'postgres') throw new Error(`printPostgresDdl prints PostgreSQL models; this one is ${model.dialect}: print it with the MySQL printer`);
  const out: DdlStatement[] = [];
  const each = (f: (s: SchemaDef) => void) => model.schemas.forEach(f);
  each((s) => out.push({ objectType: 'schema', schema: s.name, name: s.name, sql: `CREATE SCHEMA IF NOT EXISTS ${q(s.name)}` }));
  each((s) => {
    for (const e of s.enumTypes) {
      out.push({ objectType: 'type', schema: s.name, name: e.name, sql: `CREATE TYPE ${q(s.name)}.${q(e.name)} AS ENUM (${e.values.map((v) => quoteLiteral(v, 'postgres')).join(', ')})` });
    }
  });
  each((s) => {
    for (const seq of s.sequences) {
      const parts = [`CREATE SEQUENCE ${q(s.name)}.${q(seq.name)}`];
      if (seq.increment !== undefined) parts.push(`INCREMENT BY ${seq.increment}`);
      if (seq.minValue !== undefined) parts.push(`MINVALUE ${seq.minValue}`);
      if (seq.maxValue !== undefined) parts.push(`MAXVALUE ${seq.maxValue}`);
      if (seq.start !== undefined) parts.push(`START WITH ${seq.start}`);
      if (seq.cycle) parts.push('CYCLE');
      out.push({ objectType: 'sequence', schema: s.name, name: seq.name, sql: parts.join(' ') });
    }
  });
  each((s) => {
    for (const t of s.tables) out.push({ objectType: 'table', schema: s.name, name: t.name, sql: createTable(s, t) });
  });
  each((s) => {
    for (const seq of s.sequences) {
      if (!seq.ownedBy) continue;
      out.push({ objectType: 'sequence', schema: s.name, name: seq.name, sql: `ALTER SEQUENCE ${q(s.name)}.${q(seq.name)} OWNED BY ${q(s.name)}.${q(seq.ownedBy.table)}.${q(seq.ownedBy.column)}` });
    }
  });
  each((s) => {
    for (const t of s.tables) {
      for (const fk of t.foreignKeys) {
        const actions = (fk.onDelete !== 'NO ACTION' ? ` ON DELETE ${fk.onDelete}` : '') + (fk.onUpdate !== 'NO ACTION' ? ` ON UPDATE ${fk.onUpdate}` : '');
        out.push({
          objectType: 'foreign-key',
          schema: s.name,
          name: fk.name ?? `${t.name}_fkey`,
          sql: `ALTER TABLE ${q(s.name)}.${q(t.name)} ADD ${fk.name ? `CONSTRAINT ${q(fk.name)} ` : ''}FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.refSchema)}.${q(fk.refTable)} (${fk.refColumns.map(q).join(', ')})${actions}`,
        });
      }
    }
  });
  each((s) => {
    for (const t of s.tables) for (const ix of t.indexes) out.push({ objectType: 'index', schema: s.name, name: ix.name, sql: createIndex(s, t, ix) });
  });
  each((s) => {
    for (const t of s.tables) out.push(...onUpdateTrigger(s, t));
  });
  each((s) => {
    for (const v of orderViews(s)) out.push({ objectType: 'view', schema: s.name, name: v.name, sql: createView(s, v) });
  });
  each((s) => {
    // Routines and triggers of a PostgreSQL model are PostgreSQL text already (a PostgreSQL source); printed as they are.
    for (const r of s.routines) out.push({ objectType: r.kind, schema: s.name, name: r.name, sql: r.definition });
    for (const tr of s.triggers) out.push({ objectType: 'trigger', schema: s.name, name: tr.name, sql: tr.definition });
  });
  each((s) => out.push(...comments(s)));
  return out;
}

function createTable(s: SchemaDef, t: TableDef): string {
  const lines = t.columns.map((c) => `  ${columnDdl(s, c)}`);
  if (t.primaryKey) lines.push(`  ${t.primaryKey.name ? `CONSTRAINT ${q(t.primaryKey.name)} ` : ''}PRIMARY KEY (${t.primaryKey.columns.map(q).join(', ')})`);
  for (const k of t.uniqueKeys) lines.push(`  ${k.name ? `CONSTRAINT ${q(k.name)} ` : ''}UNIQUE (${k.columns.map(q).join(', ')})`);
  for (const ch of t.checks) lines.push(`  ${ch.name ? `CONSTRAINT ${q(ch.name)} ` : ''}CHECK (${ch.expression})`);
  return `CREATE TABLE ${q(s.name)}.${q(t.name)} (\n${lines.join(',\n')}\n)`;
}

function columnDdl(s: SchemaDef, c: ColumnDef): string {
  const type = c.type.kind === 'enum' && c.type.name ? `${q(s.name)}.${q(c.type.name)}` : renderPostgresType(c.type);
  let sql = `${q(c.name)} ${type}`;
  if (c.identity) {
    const always = c.identity.kind === 'always' ? 'ALWAYS' : 'BY DEFAULT';
    const opts = [c.identity.start !== undefined ? `START WITH ${c.identity.start}` : '', c.identity.increment !== undefined ? `INCREMENT BY ${c.identity.increment}` : ''].filter(Boolean);
    sql += ` GENERATED ${always} AS IDENTITY${opts.length ? ` (${opts.join(' ')})` : ''}`;
  } else if (c.generated) {
    sql += ` GENERATED ALWAYS AS (${c.generated.expression}) STORED`;
  } else if (c.default) {
    const d = defaultSql(c.default);
    if (d) sql += ` DEFAULT ${d}`;
  }
  if (!c.nullable) sql += ' NOT NULL';
  return sql;
}

/** A DEFAULT clause's expression; undefined for DEFAULT NULL (PostgreSQL's default anyway). */
export function defaultSql(d: DefaultDef): string | undefined {
  switch (d.kind) {
    case 'null':
      return undefined;
    case 'literal':
      return d.quoted ? quoteLiteral(d.value, 'postgres') : d.value;
    case 'current-timestamp':
      return d.precision !== undefined ? `CURRENT_TIMESTAMP(${d.precision})` : 'CURRENT_TIMESTAMP';
    case 'expression':
      // DEFAULT takes a restricted expression grammar: parenthesize anything but a single token.
      return significant(tokenize(d.sql, 'postgres')).length <= 1 ? d.sql.trim() : `(${d.sql.trim()})`;
  }
}

function createIndex(s: SchemaDef, t: TableDef, ix: IndexDef): string {
  const parts = ix.parts.map((p) => `${p.column !== undefined ? q(p.column) : `(${p.expression})`}${p.descending ? ' DESC' : ''}`);
  const using = ix.method === 'btree' ? '' : ` USING ${ix.method === 'fulltext' ? 'gin' : ix.method === 'spatial' ? 'gist' : ix.method}`;
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} ON ${q(s.name)}.${q(t.name)}${using} (${parts.join(', ')})${ix.where ? ` WHERE ${ix.where}` : ''}`;
}

/**
 * The trigger function and trigger that do what MySQL's ON UPDATE CURRENT_TIMESTAMP does:
 * when an UPDATE changes the row but not the column itself, the column is set to the current
 * time (an UPDATE that sets the column explicitly keeps its value, as in MySQL). Rows are
 * compared as text so that columns without an equality operator (json) do not break it.
 */
function onUpdateTrigger(s: SchemaDef, t: TableDef): { objectType: 'function' | 'trigger'; schema: string; name: string; sql: string }[] {
  const cols = t.columns.filter((c) => c.onUpdateCurrentTimestamp);
  if (cols.length === 0) return [];
  const fn = fitIdentifier(`${t.name}_on_update_current_timestamp`);
  const trigger = fitIdentifier(`${t.name}_on_update`);
  const sets = cols
    .map((c) => {
      const now = c.type.kind === 'timestamp' && !c.type.withTimeZone ? 'LOCALTIMESTAMP' : 'CURRENT_TIMESTAMP';
      return `  IF NEW.${q(c.name)} IS NOT DISTINCT FROM OLD.${q(c.name)} THEN\n    NEW.${q(c.name)} := ${now};\n  END IF;`;
    })
    .join('\n');
  return [
    {
      objectType: 'function',
      schema: s.name,
      name: fn,
      sql: `CREATE OR REPLACE FUNCTION ${q(s.name)}.${q(fn)}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  IF NEW::text IS NOT DISTINCT FROM OLD::text THEN\n    RETURN NEW;\n  END IF;\n${sets}\n  RETURN NEW;\nEND\n$$`,
    },
    {
      objectType: 'trigger',
      schema: s.name,
      name: trigger,
      sql: `CREATE TRIGGER ${q(trigger)} BEFORE UPDATE ON ${q(s.name)}.${q(t.name)} FOR EACH ROW EXECUTE FUNCTION ${q(s.name)}.${q(fn)}()`,
    },
  ];
}


function createView(s: SchemaDef, v: ViewDef): string {
  const cols = v.columns ? ` (${v.columns.map(q).join(', ')})` : '';
  const check = v.checkOption ? `\nWITH ${v.checkOption} CHECK OPTION` : '';
  return `CREATE VIEW ${q(s.name)}.${q(v.name)}${cols} AS\n${v.query.trim()}${check}`;
}

/** Views after the views they read (a view naming another in its query depends on it); cycles keep source order. */
function orderViews(s: SchemaDef): ViewDef[] {
  const byName = new Map(s.views.map((v) => [v.name, v]));
  const deps = new Map<string, Set<string>>();
  for (const v of s.views) {
    const names = new Set<string>();
    for (const t of significant(tokenize(v.query, 'postgres'))) {
      const n = t.kind === 'quoted-id' ? t.value : t.kind === 'word' ? t.text.toLowerCase() : undefined;
      if (n !== undefined && n !== v.name && byName.has(n)) names.add(n);
    }
    deps.set(v.name, names);
  }
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: ViewDef[] = [];
  const visit = (v: ViewDef) => {
    if (done.has(v.name) || visiting.has(v.name)) return;
    visiting.add(v.name);
    for (const d of deps.get(v.name) ?? []) visit(byName.get(d)!);
    visiting.delete(v.name);
    done.add(v.name);
    out.push(v);
  };
  s.views.forEach(visit);
  return out;
}

function comments(s: SchemaDef): DdlStatement[] {
  const out: DdlStatement[] = [];
  const lit = (c: string) => quoteLiteral(c, 'postgres');
  for (const t of s.tables) {
    if (t.comment) out.push({ objectType: 'table', schema: s.name, name: t.name, sql: `COMMENT ON TABLE ${q(s.name)}.${q(t.name)} IS ${lit(t.comment)}` });
    for (const c of t.columns) {
      if (c.comment) out.push({ objectType: 'column', schema: s.name, name: `${t.name}.${c.name}`, sql: `COMMENT ON COLUMN ${q(s.name)}.${q(t.name)}.${q(c.name)} IS ${lit(c.comment)}` });
    }
    for (const ix of t.indexes) {
      if (ix.comment) out.push({ objectType: 'index', schema: s.name, name: ix.name, sql: `COMMENT ON INDEX ${q(s.name)}.${q(ix.name)} IS ${lit(ix.comment)}` });
    }
  }
  for (const v of s.views) {
    if (v.comment) out.push({ objectType: 'view', schema: s.name, name: v.name, sql: `COMMENT ON VIEW ${q(s.name)}.${q(v.name)} IS ${lit(v.comment)}` });
  }
  return out;
}
