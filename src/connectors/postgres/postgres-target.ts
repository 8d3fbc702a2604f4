/**
 * The PostgreSQL full-load target: table preparation (schema, drop, truncate, create from
 * neutral types, primary key) and COPY writers. Every operation runs on its own connection,
 * closed before it settles, so operations of several tables may run in parallel.
 */
import type pg from 'pg';
import type { TableRef } from '../spi/data-types.js';
import type { DdlNotice, TableAlteration, TableWriter, TargetColumn, TargetSession, TargetTableDef } from '../spi/target.js';
import type { ConnectionParams } from '../spi/connection-params.js';
import { relationOid } from './postgres-catalog.js';
import { withDataSession } from './postgres-session.js';
import { enumPlaceholder, fitIdentifier, qualifiedName, quoteIdent, renderType, type EnumNeed } from './postgres-types.js';
import { PostgresTableWriter } from './postgres-writer.js';

export class PostgresTargetSession implements TargetSession {
  /** Its writers take raw COPY data (PostgresTableWriter.writeCopy). */
  readonly writesCopy = true;
  readonly buildsKeyFasterAfterLoad = true;

  constructor(private readonly params: ConnectionParams) {}

  tableExists(table: TableRef, signal: AbortSignal): Promise<boolean> {
    return withDataSession(this.params, signal, async (client) => (await relationOid(client, table)) !== undefined);
  }

  hasPrimaryKey(table: TableRef, signal: AbortSignal): Promise<boolean> {
    return withDataSession(this.params, signal, async (client) => {
      const oid = await relationOid(client, table);
      if (oid === undefined) return false;
      const r = await client.query('SELECT 1 FROM pg_index WHERE indrelid = $1 AND indisprimary', [oid]);
      return (r.rowCount ?? 0) > 0;
    });
  }

  ensureSchema(schema: string, signal: AbortSignal): Promise<void> {
    return withDataSession(this.params, signal, async (client) => {
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      } catch (err) {
        // Two tables' preparations racing: the other one created it.
        const code = (err as { code?: string }).code;
        if (code !== '23505' && code !== '42P06') throw err;
      }
    });
  }

  dropTable(table: TableRef, signal: AbortSignal): Promise<void> {
    return withDataSession(this.params, signal, async (client) => {
      await client.query(`DROP TABLE IF EXISTS ${qualifiedName(table)}`);
    });
  }

  truncateTable(table: TableRef, signal: AbortSignal): Promise<void> {
    return withDataSession(this.params, signal, async (client) => {
      await client.query(`TRUNCATE TABLE ${qualifiedName(table)}`);
    });
  }

  createTable(def: TargetTableDef, opts: { withPrimaryKey: boolean }, signal: AbortSignal): Promise<DdlNotice[]> {
    return withDataSession(this.params, signal, (client) => createTable(client, def, opts.withPrimaryKey));
  }

  addPrimaryKey(table: TableRef, columns: readonly string[], signal: AbortSignal): Promise<void> {
    return withDataSession(this.params, signal, async (client) => {
      await client.query(`ALTER TABLE ${qualifiedName(table)} ADD PRIMARY KEY (${columns.map(quoteIdent).join(', ')})`);
    });
  }

  columnNames(table: TableRef, signal: AbortSignal): Promise<string[] | undefined> {
    return withDataSession(this.params, signal, (client) => columnNamesOf(client, table));
  }

  alterTable(table: TableRef, change: TableAlteration, signal: AbortSignal): Promise<DdlNotice[]> {
    return withDataSession(this.params, signal, (client) => alterTable(client, table, change));
  }

  advanceSequences(table: TableRef, signal: AbortSignal): Promise<string[]> {
    return withDataSession(this.params, signal, async (client) => {
      const name = qualifiedName(table);
      const seqs = await client.query<{ col: string; seq: string }>(
        `SELECT a.attname AS col, pg_catalog.pg_get_serial_sequence($1, a.attname) AS seq
           FROM pg_catalog.pg_attribute a
          WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
            AND pg_catalog.pg_get_serial_sequence($1, a.attname) IS NOT NULL`,
        [name],
      );
      const moved: string[] = [];
      for (const { col, seq } of seqs.rows) {
        // setval(max) with is_called true: the next value is max + 1; only ever forwards.
        const r = await client.query<{ v: string | null }>(
          `SELECT pg_catalog.setval($1, m) AS v FROM (SELECT max(${quoteIdent(col)})::bigint AS m FROM ${name}) x
            WHERE m IS NOT NULL AND m >= (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM ${seq})`,
          [seq],
        );
        if (r.rows[0]?.v != null) moved.push(`"${col}": next value ${BigInt(r.rows[0].v) + 1n}`);
      }
      return moved;
    });
  }

  openWriter(table: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<TableWriter> {
    return PostgresTableWriter.open(this.params, table, columns, signal);
  }

  async close(): Promise<void> {
    // Nothing is held between operations.
  }
}

/**
 * CREATE TABLE from neutral types, in one transaction with the enum types it needs. Enum
 * creation is serialized per schema (an advisory lock), so tables created in parallel reuse
 * one type instead of racing for its name.
 */
async function createTable(client: pg.Client, def: TargetTableDef, withPrimaryKey: boolean): Promise<DdlNotice[]> {
  const notices: DdlNotice[] = [];
  const rendered = await renderColumns(client, def.name, def.columns, notices);
  return inTransaction(client, async () => {
    const types = await columnTypes(client, def.schema, rendered, notices);
    const lines = rendered.map(({ column }, i) => `${quoteIdent(column.name)} ${types[i]!}${column.nullable ? '' : ' NOT NULL'}`);
    if (withPrimaryKey && def.primaryKey.length > 0) lines.push(`PRIMARY KEY (${def.primaryKey.map(quoteIdent).join(', ')})`);
    await client.query(`CREATE TABLE ${qualifiedName(def)} (${lines.join(', ')})`);
    return notices;
  });
}

/**
 * ALTER TABLE for source DDL, in one transaction. Replay-tolerant: ADD COLUMN IF NOT EXISTS,
 * DROP COLUMN IF EXISTS, and a rename whose new name exists already (or old one is gone) is
 * skipped.
 */
async function alterTable(client: pg.Client, table: TableRef, change: TableAlteration): Promise<DdlNotice[]> {
  const notices: DdlNotice[] = [];
  const added = await renderColumns(client, table.name, change.add, notices);
  const retyped = await renderColumns(client, table.name, change.retype, notices);
  return inTransaction(client, async () => {
    const name = qualifiedName(table);
    const have = new Set((await columnNamesOf(client, table)) ?? []);
    for (const { from, to } of change.rename) {
      if (have.has(from) && !have.has(to)) await client.query(`ALTER TABLE ${name} RENAME COLUMN ${quoteIdent(from)} TO ${quoteIdent(to)}`);
    }
    const actions: string[] = [];
    for (const c of change.drop) actions.push(`DROP COLUMN IF EXISTS ${quoteIdent(c)}`);
    const addTypes = await columnTypes(client, table.schema, added, notices);
    added.forEach(({ column }, i) => actions.push(`ADD COLUMN IF NOT EXISTS ${quoteIdent(column.name)} ${addTypes[i]!}`));
    const retypes = await columnTypes(client, table.schema, retyped, notices);
    retyped.forEach(({ column }, i) => {
      const type = retypes[i]!;
      // USING: an explicit cast, which is what makes e.g. text -> integer possible at all.
      actions.push(`ALTER COLUMN ${quoteIdent(column.name)} TYPE ${type} USING ${quoteIdent(column.name)}::${type}`);
      if (column.nullable) actions.push(`ALTER COLUMN ${quoteIdent(column.name)} DROP NOT NULL`);
    });
    if (actions.length > 0) await client.query(`ALTER TABLE ${name} ${actions.join(', ')}`);
    return notices;
  });
}

interface RenderedColumn {
  readonly column: TargetColumn;
  readonly type: ReturnType<typeof renderType>;
}

/** Each column's type, with a native type the target lacks replaced by text (and a notice). */
async function renderColumns(client: pg.Client, tableName: string, columns: readonly TargetColumn[], notices: DdlNotice[]): Promise<RenderedColumn[]> {
  const rendered: RenderedColumn[] = [];
  for (const c of columns) {
    let r = renderType(c.type, tableName, c.name);
    if (r.nativeCheck !== undefined && !(await typeExists(client, r.nativeCheck))) {
      r = { sql: 'text', notice: `type ${r.nativeCheck} does not exist on the target: created as text (the source's text form of the values)` };
    }
    if (r.notice) notices.push({ column: c.name, message: r.notice });
    rendered.push({ column: c, type: r });
  }
  return rendered;
}

/** The SQL type of each rendered column, creating the enum types they need (inside the caller's transaction). */
async function columnTypes(client: pg.Client, schema: string, rendered: readonly RenderedColumn[], notices: DdlNotice[]): Promise<string[]> {
  const enums = new Map<string, string>();
  if (rendered.some((r) => r.type.enumNeed)) {
    await client.query(`SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('opendms.enum.' || $1))`, [schema]);
  }
  const types: string[] = [];
  for (const { column, type } of rendered) {
    let sql = type.sql;
    if (type.enumNeed) {
      const key = JSON.stringify([type.enumNeed.name, type.enumNeed.values]);
      let name = enums.get(key);
      if (name === undefined) {
        const got = await ensureEnum(client, schema, type.enumNeed);
        name = got.name;
        if (got.notice) notices.push({ column: column.name, message: got.notice });
        enums.set(key, name);
      }
      sql = sql.replace(enumPlaceholder, qualifiedName({ schema, name }));
    }
    types.push(sql);
  }
  return types;
}

async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function columnNamesOf(client: pg.Client, table: TableRef): Promise<string[] | undefined> {
  const oid = await relationOid(client, table);
  if (oid === undefined) return undefined;
  const r = await client.query<{ name: string }>('SELECT attname AS name FROM pg_catalog.pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped ORDER BY attnum', [oid]);
  return r.rows.map((x) => x.name);
}

/** True when the target knows the type (a source's native spelling, typmod and all). */
async function typeExists(client: pg.Client, type: string): Promise<boolean> {
  try {
    const r = await client.query<{ ok: boolean }>('SELECT pg_catalog.to_regtype($1) IS NOT NULL AS ok', [type]);
    return r.rows[0]?.ok === true;
  } catch {
    return false; // not even a type name
  }
}

/**
 * The enum type for `need` in `schema`: the existing one when it has the same labels in the
 * same order, else a new one (under another name when the wanted one is taken).
 */
async function ensureEnum(client: pg.Client, schema: string, need: EnumNeed): Promise<{ name: string; notice?: string }> {
  for (let i = 1; i < 100; i++) {
    const name = i === 1 ? need.name : fitIdentifier(`${need.name.slice(0, 58)}_${i}`);
    const r = await client.query<{ typtype: string; labels: string[] | null }>(
      `SELECT t.typtype::text AS typtype,
              (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) AS labels
         FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 AND t.typname = $2`,
      [schema, name],
    );
    const existing = r.rows[0];
    if (existing) {
      const labels = existing.labels ?? [];
      if (existing.typtype === 'e' && labels.length === need.values.length && labels.every((l, k) => l === need.values[k])) {
        return { name };
      }
      continue;
    }
    // Labels are data: PostgreSQL quotes them itself (format %L), nothing is spliced here.
    const ddl = await client.query<{ ddl: string }>(
      `SELECT pg_catalog.format('CREATE TYPE %I.%I AS ENUM (%s)', $1::text, $2::text,
              coalesce((SELECT string_agg(pg_catalog.format('%L', l), ', ' ORDER BY o) FROM unnest($3::text[]) WITH ORDINALITY u(l, o)), '')) AS ddl`,
      [schema, name, need.values],
    );
    await client.query(ddl.rows[0]!.ddl);
    return i === 1 ? { name } : { name, notice: `enum type ${need.name} exists with other labels: created ${name}` };
  }
  throw new Error(`no free name for the enum type ${need.name} in ${schema}`);
}
