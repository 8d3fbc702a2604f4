/**
 * A MySQL-dialect model -> MySQL/MariaDB DDL, one statement per object, in an order the
 * target accepts:
 *
 * 1. CREATE DATABASE IF NOT EXISTS for every schema;
 * 2. sequences (MariaDB CREATE SEQUENCE, only when the converter kept some);
 * 3. tables, with their columns, primary key, unique keys, CHECKs, comments and the indexes
 *    an AUTO_INCREMENT column needs (MySQL refuses the table without them);
 * 4. the other indexes, one CREATE INDEX each;
 * 5. foreign keys, one ALTER TABLE ... ADD CONSTRAINT each, after every table: references
 *    may form cycles (Sakila's staff <-> store) and cross databases, and a full load can run
 *    before them (what DMS does);
 * 6. views, a view after the views it reads;
 * 7. routines and triggers of a model parsed from MySQL (their source text, as is).
 *
 * Every identifier goes through quoteIdentifier(..., 'mysql'); every name is qualified with
 * its database, so the statements run from any default database.
 */
import type { ColumnDef, DdlStatement, DefaultDef, IndexDef, IndexPart, SchemaModel, TableDef, ViewDef } from '../model.js';
import { quoteIdentifier, quoteLiteral, significant, tokenize } from '../sql/tokenizer.js';
import { isMysqlLobType } from './mysql-type-names.js';

const q = (name: string): string => quoteIdentifier(name, 'mysql');
const lit = (s: string): string => quoteLiteral(s, 'mysql');

export function printMysqlDdl(model: SchemaModel): DdlStatement[] {
  if (model.dialect !== 'mysql') throw new TypeError(`printMysqlDdl prints MySQL models; this model is ${model.dialect}`);
  const out: DdlStatement[] = [];
  for (const s of model.schemas) {
    out.push({ objectType: 'schema', schema: s.name, name: s.name, sql: `CREATE DATABASE IF NOT EXISTS ${q(s.name)} DEFAULT CHARACTER SET utf8mb4` });
  }
  for (const s of model.schemas) {
    for (const seq of s.sequences) {
      const opts = [
        seq.start !== undefined ? `START WITH ${seq.start}` : '',
        seq.increment !== undefined ? `INCREMENT BY ${seq.increment}` : '',
        seq.minValue !== undefined ? `MINVALUE ${seq.minValue}` : '',
        seq.maxValue !== undefined ? `MAXVALUE ${seq.maxValue}` : '',
        seq.cycle ? 'CYCLE' : '',
      ].filter(Boolean);
      out.push({ objectType: 'sequence', schema: s.name, name: seq.name, sql: `CREATE SEQUENCE ${q(s.name)}.${q(seq.name)}${opts.length ? ` ${opts.join(' ')}` : ''}` });
    }
  }
  const inline = new Map<TableDef, Set<IndexDef>>();
  for (const s of model.schemas) {
    for (const t of s.tables) {
      const needed = new Set(t.indexes.filter((i) => needsInline(t, i)));
      inline.set(t, needed);
      out.push({ objectType: 'table', schema: s.name, name: t.name, sql: createTable(s.name, t, needed) });
    }
  }
  for (const s of model.schemas) {
    for (const t of s.tables) {
      for (const i of t.indexes) {
        if (inline.get(t)?.has(i)) continue;
        const kind = i.method === 'fulltext' ? 'FULLTEXT ' : i.method === 'spatial' ? 'SPATIAL ' : i.unique ? 'UNIQUE ' : '';
        out.push({ objectType: 'index', schema: s.name, name: i.name, sql: `CREATE ${kind}INDEX ${q(i.name)} ON ${q(s.name)}.${q(t.name)} (${i.parts.map(part).join(', ')})${i.comment !== undefined ? ` COMMENT ${lit(i.comment)}` : ''}` });
      }
    }
  }
  for (const s of model.schemas) {
    for (const t of s.tables) {
      for (const fk of t.foreignKeys) {
        out.push({
          objectType: 'foreign-key', schema: s.name, name: fk.name ?? `${t.name}_fk`,
          sql: `ALTER TABLE ${q(s.name)}.${q(t.name)} ADD ${fk.name ? `CONSTRAINT ${q(fk.name)} ` : ''}FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${q(fk.refSchema)}.${q(fk.refTable)} (${fk.refColumns.map(q).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`,
        });
      }
    }
  }
  for (const s of model.schemas) {
    for (const v of viewOrder(s.views)) {
      out.push({ objectType: 'view', schema: s.name, name: v.name, sql: createView(s.name, v) });
    }
  }
  for (const s of model.schemas) {
    for (const r of s.routines) out.push({ objectType: r.kind, schema: s.name, name: r.name, sql: r.definition });
    for (const tr of s.triggers) out.push({ objectType: 'trigger', schema: s.name, name: tr.name, sql: tr.definition });
  }
  return out;
}

/** An index whose first column is the AUTO_INCREMENT column, when no key leads with it: part of CREATE TABLE. */
function needsInline(t: TableDef, i: IndexDef): boolean {
  const ai = t.columns.find((c) => c.identity?.kind === 'auto-increment');
  if (!ai || i.parts[0]?.column !== ai.name) return false;
  const led = t.primaryKey?.columns[0] === ai.name || t.uniqueKeys.some((u) => u.columns[0] === ai.name);
  return !led && t.indexes.find((x) => x.parts[0]?.column === ai.name) === i;
}

function createTable(schema: string, t: TableDef, inlineIndexes: ReadonlySet<IndexDef>): string {
  const lines = t.columns.map((c) => `  ${column(c)}`);
  if (t.primaryKey) lines.push(`  PRIMARY KEY (${t.primaryKey.columns.map(q).join(', ')})`);
  for (const u of t.uniqueKeys) lines.push(`  UNIQUE KEY ${u.name ? `${q(u.name)} ` : ''}(${u.columns.map(q).join(', ')})`);
  for (const i of inlineIndexes) lines.push(`  ${i.unique ? 'UNIQUE ' : ''}KEY ${q(i.name)} (${i.parts.map(part).join(', ')})`);
  for (const ck of t.checks) lines.push(`  ${ck.name ? `CONSTRAINT ${q(ck.name)} ` : ''}CHECK (${ck.expression})`);
  const opts = Object.entries(t.options ?? {}).map(([k, v]) => `${k}=${v}`);
  if (t.comment !== undefined) opts.push(`COMMENT=${lit(t.comment)}`);
  return `CREATE TABLE ${q(schema)}.${q(t.name)} (\n${lines.join(',\n')}\n)${opts.length ? ` ${opts.join(' ')}` : ''}`;
}

function column(c: ColumnDef): string {
  let s = `${q(c.name)} ${c.nativeType}`;
  if (c.charset) s += ` CHARACTER SET ${c.charset}`;
  if (c.collation) s += ` COLLATE ${c.collation}`;
  if (c.generated) {
    // A generated column takes no DEFAULT; NOT NULL is allowed after the expression.
    s += ` GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.stored ? 'STORED' : 'VIRTUAL'}`;
    if (!c.nullable) s += ' NOT NULL';
  } else {
    s += c.nullable ? ' NULL' : ' NOT NULL';
    if (c.default) s += ` DEFAULT ${defaultSql(c.default, c.nativeType)}`;
    if (c.onUpdateCurrentTimestamp) s += ` ON UPDATE CURRENT_TIMESTAMP${fsp(c.nativeType)}`;
    if (c.identity?.kind === 'auto-increment') s += ' AUTO_INCREMENT';
  }
  if (c.comment !== undefined) s += ` COMMENT ${lit(c.comment)}`;
  return s;
}

/** `(p)` of DATETIME(p)/TIMESTAMP(p): CURRENT_TIMESTAMP must have the column's precision. */
function fsp(nativeType: string): string {
  const m = /^(datetime|timestamp)\((\d)\)/i.exec(nativeType.trim());
  return m && m[2] !== '0' ? `(${m[2]})` : '';
}

function defaultSql(d: DefaultDef, nativeType: string): string {
  switch (d.kind) {
    case 'null':
      return 'NULL';
    case 'literal': {
      const v = d.quoted ? lit(d.value) : d.value;
      // TEXT/BLOB/JSON take a literal default only as an expression (MySQL 8.0.13+, MariaDB 10.2+).
      return isMysqlLobType(nativeType) ? `(${v})` : v;
    }
    case 'current-timestamp':
      return `CURRENT_TIMESTAMP${d.precision ? `(${d.precision})` : fsp(nativeType)}`;
    case 'expression':
      return `(${d.sql})`;
  }
}

function part(p: IndexPart): string {
  const body = p.column !== undefined ? `${q(p.column)}${p.prefixLength !== undefined ? `(${p.prefixLength})` : ''}` : `(${p.expression ?? ''})`;
  return p.descending ? `${body} DESC` : body;
}

function createView(schema: string, v: ViewDef): string {
  const cols = v.columns ? ` (${v.columns.map(q).join(', ')})` : '';
  const check = v.checkOption ? ` WITH ${v.checkOption} CHECK OPTION` : '';
  return `CREATE VIEW ${q(schema)}.${q(v.name)}${cols} AS ${v.query}${check}`;
}

/** Views ordered so that a view comes after the views it names (a cycle keeps the model's order). */
export function viewOrder(views: readonly ViewDef[]): ViewDef[] {
  const names = new Set(views.map((v) => v.name.toLowerCase()));
  const deps = new Map<ViewDef, string[]>();
  for (const v of views) {
    const ids = significant(tokenize(v.query, 'mysql'))
      .filter((t) => t.kind === 'word' || t.kind === 'quoted-id')
      .map((t) => (t.kind === 'word' ? t.text : t.value).toLowerCase());
    deps.set(v, [...new Set(ids.filter((i) => names.has(i) && i !== v.name.toLowerCase()))]);
  }
  const out: ViewDef[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const visit = (v: ViewDef): void => {
    const key = v.name.toLowerCase();
    if (placed.has(key) || visiting.has(key)) return;
    visiting.add(key);
    for (const d of deps.get(v) ?? []) {
      const dv = views.find((x) => x.name.toLowerCase() === d);
      if (dv) visit(dv);
    }
    visiting.delete(key);
    placed.add(key);
    out.push(v);
  };
  for (const v of views) visit(v);
  return out;
}
