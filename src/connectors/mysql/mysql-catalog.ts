/** Catalog queries of MySQL and MariaDB (what DescribeSchemas and the full load's table selection read). */
import type { ColumnInfo, NeutralType, TableInfo, TableRef } from '../spi/data-types.js';
import type { MysqlSession } from './mysql-session.js';
import { neutralOf, quoteId, quoteTable } from './mysql-types.js';

/** The server's system databases, never user data. */
const systemDatabases = ['information_schema', 'performance_schema', 'mysql', 'sys'];

/** The databases the user can see ("schemas" in DMS's words), system ones left out. */
export async function listMysqlSchemas(session: MysqlSession): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT schema_name AS name FROM information_schema.schemata
      WHERE schema_name NOT IN (${systemDatabases.map(() => '?').join(', ')})
      ORDER BY schema_name`,
    systemDatabases,
  );
  return rows.map((r) => String(r.name));
}

interface TableRow {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  TABLE_TYPE: string;
  TABLE_ROWS: string | number | null;
  DATA_LENGTH: string | number | null;
}

interface ColumnRow {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  COLUMN_NAME: string;
  COLUMN_TYPE: string;
  IS_NULLABLE: string;
  EXTRA: string | null;
  GENERATION_EXPRESSION: string | null;
}

interface KeyRow {
  TABLE_SCHEMA: string;
  TABLE_NAME: string;
  INDEX_NAME: string;
  COLUMN_NAME: string;
}

const num = (v: string | number | null | undefined): number | null => (v === null || v === undefined || v === '' ? null : Number(v));
const tableKey = (schema: string, name: string): string => `${schema}\u0000${name}`;

/**
 * The tables and views of one database (`database` given) or of every user database, with
 * columns in ordinal order, keys in key order and the catalog's estimates. `exactMembers`
 * (default true) reads ENUM/SET members the catalog cannot spell from the table itself (see
 * readExactMembers); callers that only read values (the members do not matter) turn it off.
 */
export async function listMysqlTables(session: MysqlSession, database?: string, only?: TableRef, opts: { exactMembers?: boolean } = {}): Promise<TableInfo[]> {
  const where = only
    ? { sql: 'TABLE_SCHEMA = ? AND TABLE_NAME = ?', values: [only.schema, only.name] }
    : database
      ? { sql: 'TABLE_SCHEMA = ?', values: [database] }
      : { sql: `TABLE_SCHEMA NOT IN (${systemDatabases.map(() => '?').join(', ')})`, values: systemDatabases };
  const tables = await session.query<TableRow>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, TABLE_ROWS, DATA_LENGTH FROM information_schema.TABLES
      WHERE ${where.sql} AND TABLE_TYPE IN ('BASE TABLE', 'VIEW', 'SYSTEM VERSIONED')
      ORDER BY TABLE_SCHEMA, TABLE_NAME`,
    where.values,
  );
  if (tables.length === 0) return [];
  const columns = await session.query<ColumnRow>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, EXTRA, GENERATION_EXPRESSION
       FROM information_schema.COLUMNS WHERE ${where.sql}
      ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
    where.values,
  );
  const keys = await session.query<KeyRow>(
    `SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
      WHERE ${where.sql} AND NON_UNIQUE = 0
      ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX`,
    where.values,
  );
  const jsonColumns = await mariadbJsonColumns(session, where);

  const byTable = new Map<string, { columns: ColumnInfo[]; primaryKey: string[]; unique: Map<string, string[]> }>();
  const entry = (schema: string, name: string) => {
    const k = tableKey(schema, name);
    let e = byTable.get(k);
    if (!e) {
      e = { columns: [], primaryKey: [], unique: new Map() };
      byTable.set(k, e);
    }
    return e;
  };
  for (const c of columns) {
    let type = neutralOf({
      columnType: c.COLUMN_TYPE,
      jsonCheck: jsonColumns.has(`${tableKey(c.TABLE_SCHEMA, c.TABLE_NAME)}\u0000${c.COLUMN_NAME}`),
    });
    if ((type.kind === 'enum' || type.kind === 'set') && opts.exactMembers !== false && type.values.some((v) => v.includes('?'))) {
      const values = await readExactMembers(session, { schema: c.TABLE_SCHEMA, name: c.TABLE_NAME }, c.COLUMN_NAME, type.kind, type.values.length);
      if (values) type = { ...type, values } as NeutralType;
    }
    const generated = Boolean(c.GENERATION_EXPRESSION) || /\b(VIRTUAL|STORED|PERSISTENT)( GENERATED)?\b/i.test(c.EXTRA ?? '');
    entry(c.TABLE_SCHEMA, c.TABLE_NAME).columns.push({
      name: c.COLUMN_NAME,
      nativeType: c.COLUMN_TYPE,
      type,
      nullable: c.IS_NULLABLE === 'YES',
      generated,
    });
  }
  for (const k of keys) {
    const e = entry(k.TABLE_SCHEMA, k.TABLE_NAME);
    if (k.INDEX_NAME === 'PRIMARY') e.primaryKey.push(k.COLUMN_NAME);
    else {
      const cols = e.unique.get(k.INDEX_NAME) ?? [];
      cols.push(k.COLUMN_NAME);
      e.unique.set(k.INDEX_NAME, cols);
    }
  }
  return tables.map((t) => {
    const e = entry(t.TABLE_SCHEMA, t.TABLE_NAME);
    return {
      schema: t.TABLE_SCHEMA,
      name: t.TABLE_NAME,
      kind: t.TABLE_TYPE === 'VIEW' ? 'view' : 'table',
      columns: e.columns,
      primaryKey: e.primaryKey,
      uniqueKeys: [...e.unique.values()],
      estimatedRows: num(t.TABLE_ROWS) ?? 0,
      estimatedBytes: num(t.DATA_LENGTH) ?? 0,
    } satisfies TableInfo;
  });
}

/**
 * Fix (type matrix): the catalog of MariaDB (information_schema, SHOW CREATE TABLE) is utf8mb3,
 * so an ENUM/SET member with a 4-byte character (emoji, CJK Extension B) reads as '?' there,
 * while the table holds the real member: the members parsed from COLUMN_TYPE would create a
 * target enum that refuses the real values. The table knows them: an empty temporary copy of
 * the column (CREATE TEMPORARY TABLE ... SELECT ... LIMIT 0) is fed the member numbers (ENUM
 * index 1..n, SET bit 2^i) and read back in utf8mb4. Without the privilege for temporary
 * tables the catalog's members are kept (the values that differ are then refused by the
 * target as data errors, never changed).
 */
async function readExactMembers(session: MysqlSession, table: TableRef, column: string, kind: 'enum' | 'set', count: number): Promise<string[] | undefined> {
  const probe = `${quoteId(table.schema)}.${quoteId('opendms_members_probe')}`;
  try {
    await session.query(`CREATE TEMPORARY TABLE ${probe} AS SELECT ${quoteId(column)} AS v FROM ${quoteTable(table)} LIMIT 0`);
  } catch {
    return undefined;
  }
  try {
    const numbers = Array.from({ length: count }, (_, i) => (kind === 'enum' ? String(i + 1) : (1n << BigInt(i)).toString()));
    await session.query(`INSERT INTO ${probe} (v) VALUES ${numbers.map((n) => `(${n})`).join(', ')}`);
    const rows = await session.query<{ v: string | null }>(`SELECT CAST(v AS CHAR CHARACTER SET utf8mb4) AS v FROM ${probe} ORDER BY v + 0`);
    const values = rows.map((r) => r.v ?? '');
    return values.length === count ? values : undefined;
  } catch {
    return undefined;
  } finally {
    await session.query(`DROP TEMPORARY TABLE IF EXISTS ${probe}`).catch(() => undefined);
  }
}

/**
 * MariaDB's JSON columns: LONGTEXT with a column CHECK (`json_valid(`c`)`) named after the
 * column. MySQL 5.7 has no CHECK_CONSTRAINTS table (and a real JSON type): none then.
 */
async function mariadbJsonColumns(session: MysqlSession, where: { sql: string; values: unknown[] }): Promise<Set<string>> {
  const found = new Set<string>();
  let rows: { TABLE_SCHEMA: string; TABLE_NAME: string; CONSTRAINT_NAME: string; CHECK_CLAUSE: string }[];
  try {
    rows = await session.query(
      `SELECT CONSTRAINT_SCHEMA AS TABLE_SCHEMA, TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
        WHERE ${where.sql.replace(/TABLE_SCHEMA/g, 'CONSTRAINT_SCHEMA')} AND CHECK_CLAUSE LIKE 'json\\_valid(%'`,
      where.values,
    );
  } catch {
    return found;
  }
  for (const r of rows) {
    const m = /^json_valid\(`((?:[^`]|``)+)`\)$/i.exec(r.CHECK_CLAUSE.trim());
    if (m?.[1]) found.add(`${tableKey(r.TABLE_SCHEMA, r.TABLE_NAME)}\u0000${m[1].replace(/``/g, '`')}`);
  }
  return found;
}
