/**
 * TableFacts from MySQL's and MariaDB's information_schema, read per database (`IN (...)`
 * of the schemas asked for) and filtered to the tables asked for: five queries whatever the
 * number of tables. Names compare exactly, as the server stores them.
 */
import type { SqlInspector, TableRef } from '../../connectors/spi/index.js';
import { tableKey, type CheckConstraintFact, type ColumnFact, type FactsByTable, type ForeignKeyFact, type IndexFact, type ReferentialAction, type TableFacts } from './table-facts.js';

const actions = new Set<ReferentialAction>(['CASCADE', 'SET NULL', 'SET DEFAULT', 'RESTRICT', 'NO ACTION']);
const actionOf = (v: unknown): ReferentialAction => (actions.has(String(v).toUpperCase() as ReferentialAction) ? (String(v).toUpperCase() as ReferentialAction) : 'NO ACTION');

export async function readMysqlTableFacts(inspector: SqlInspector, tables: readonly TableRef[], signal: AbortSignal): Promise<FactsByTable> {
  const wanted = new Set(tables.map(tableKey));
  const schemas = [...new Set(tables.map((t) => t.schema))];
  const keep = (r: { schema: string; name: string }): boolean => wanted.has(tableKey(r));

  const tableRows = (
    await inspector.query<{ schema: string; name: string; type: string; engine: string | null; options: string | null }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, TABLE_TYPE AS type, ENGINE AS engine, CREATE_OPTIONS AS options
         FROM information_schema.TABLES WHERE TABLE_SCHEMA IN (?)`,
      [schemas],
      signal,
    )
  ).filter(keep);
  const columnRows = (
    await inspector.query<{ schema: string; name: string; column: string; type: string; nullable: string; extra: string | null; generation: string | null }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, COLUMN_NAME AS \`column\`, COLUMN_TYPE AS type,
              IS_NULLABLE AS nullable, EXTRA AS extra, GENERATION_EXPRESSION AS generation
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION`,
      [schemas],
      signal,
    )
  ).filter(keep);
  const indexRows = (
    await inspector.query<{ schema: string; name: string; index: string; non_unique: string | number; column: string | null }>(
      `SELECT TABLE_SCHEMA AS \`schema\`, TABLE_NAME AS name, INDEX_NAME AS \`index\`, NON_UNIQUE AS non_unique, COLUMN_NAME AS \`column\`
         FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (?) ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
      [schemas],
      signal,
    )
  ).filter(keep);
  const fkRows = (
    await inspector.query<{ schema: string; name: string; constraint: string; column: string; ref_schema: string; ref_table: string; on_update: string; on_delete: string }>(
      `SELECT r.CONSTRAINT_SCHEMA AS \`schema\`, r.TABLE_NAME AS name, r.CONSTRAINT_NAME AS \`constraint\`, k.COLUMN_NAME AS \`column\`,
              k.REFERENCED_TABLE_SCHEMA AS ref_schema, r.REFERENCED_TABLE_NAME AS ref_table, r.UPDATE_RULE AS on_update, r.DELETE_RULE AS on_delete
         FROM information_schema.REFERENTIAL_CONSTRAINTS r
         JOIN information_schema.KEY_COLUMN_USAGE k
           ON k.CONSTRAINT_SCHEMA = r.CONSTRAINT_SCHEMA AND k.TABLE_NAME = r.TABLE_NAME AND k.CONSTRAINT_NAME = r.CONSTRAINT_NAME
        WHERE r.CONSTRAINT_SCHEMA IN (?)
        ORDER BY r.CONSTRAINT_SCHEMA, r.TABLE_NAME, r.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
      [schemas],
      signal,
    )
  ).filter(keep);
  const checkRows = (await readChecks(inspector, schemas, signal)).filter(keep);

  interface Building extends TableRef {
    kind: TableFacts['kind'];
    storageEngine?: string;
    partitioned: boolean;
    columns: ColumnFact[];
    primaryKey: string[];
    indexes: IndexFact[];
    foreignKeys: ForeignKeyFact[];
    checks: CheckConstraintFact[];
  }
  const building = new Map<string, Building>();
  for (const r of tableRows) {
    building.set(tableKey(r), {
      schema: r.schema,
      name: r.name,
      kind: r.type === 'BASE TABLE' ? 'table' : r.type === 'VIEW' ? 'view' : 'other',
      ...(r.engine ? { storageEngine: r.engine } : {}),
      partitioned: /partitioned/i.test(r.options ?? ''),
      columns: [],
      primaryKey: [],
      indexes: [],
      foreignKeys: [],
      checks: [],
    });
  }
  for (const r of columnRows) {
    const extra = r.extra ?? '';
    building.get(tableKey(r))?.columns.push({
      name: r.column,
      type: r.type,
      nullable: r.nullable === 'YES',
      // MySQL's DEFAULT_GENERATED is a default (CURRENT_TIMESTAMP ...), not a generated column.
      generated: /\b(VIRTUAL|STORED|PERSISTENT)\b/i.test(extra) || (r.generation ?? '') !== '',
      invisible: /\bINVISIBLE\b/i.test(extra),
      autoIncrement: /auto_increment/i.test(extra),
    });
  }
  const byIndex = new Map<string, { t: Building; name: string; unique: boolean; columns: string[] }>();
  for (const r of indexRows) {
    const t = building.get(tableKey(r));
    if (!t) continue;
    const key = `${tableKey(r)}\u0000${r.index}`;
    let i = byIndex.get(key);
    if (!i) {
      i = { t, name: r.index, unique: Number(r.non_unique) === 0, columns: [] };
      byIndex.set(key, i);
    }
    // MySQL 8 functional key parts have no column name.
    i.columns.push(r.column ?? '(expression)');
  }
  for (const i of byIndex.values()) {
    if (i.name === 'PRIMARY') i.t.primaryKey = i.columns;
    else i.t.indexes.push({ name: i.name, columns: i.columns, unique: i.unique, constraint: false, partial: false });
  }
  const byFk = new Map<string, { t: Building; fk: ForeignKeyFact & { columns: string[] } }>();
  for (const r of fkRows) {
    const t = building.get(tableKey(r));
    if (!t) continue;
    const key = `${tableKey(r)}\u0000${r.constraint}`;
    let f = byFk.get(key);
    if (!f) {
      f = { t, fk: { name: r.constraint, columns: [], references: `${r.ref_schema}.${r.ref_table}`, onDelete: actionOf(r.on_delete), onUpdate: actionOf(r.on_update) } };
      byFk.set(key, f);
    }
    f.fk.columns.push(r.column);
  }
  for (const f of byFk.values()) f.t.foreignKeys.push(f.fk);
  for (const r of checkRows) {
    // MariaDB's JSON type is LONGTEXT with this check: part of the type, which OpenDMS creates.
    if (/^json_valid\(`[^`]+`\)$/i.test(r.definition.trim())) continue;
    building.get(tableKey(r))?.checks.push({ name: r.constraint, definition: r.definition });
  }
  return building;
}

/**
 * CHECK constraints: MariaDB 10.2+ lists them with their table; MySQL 8.0.16+ only by name, so
 * TABLE_CONSTRAINTS says whose they are. Older servers have none (and no such table).
 */
async function readChecks(inspector: SqlInspector, schemas: readonly string[], signal: AbortSignal): Promise<{ schema: string; name: string; constraint: string; definition: string }[]> {
  const sql =
    inspector.flavour === 'mariadb'
      ? `SELECT CONSTRAINT_SCHEMA AS \`schema\`, TABLE_NAME AS name, CONSTRAINT_NAME AS \`constraint\`, CHECK_CLAUSE AS definition
           FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA IN (?)`
      : `SELECT t.CONSTRAINT_SCHEMA AS \`schema\`, t.TABLE_NAME AS name, t.CONSTRAINT_NAME AS \`constraint\`, c.CHECK_CLAUSE AS definition
           FROM information_schema.TABLE_CONSTRAINTS t
           JOIN information_schema.CHECK_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
          WHERE t.CONSTRAINT_TYPE = 'CHECK' AND t.CONSTRAINT_SCHEMA IN (?)`;
  try {
    return await inspector.query(sql, [schemas], signal);
  } catch (err) {
    if (signal.aborted) throw err;
    // ER_UNKNOWN_TABLE (MySQL before 8.0.16, MariaDB before 10.2): no CHECK constraints there.
    if (/CHECK_CONSTRAINTS/i.test((err as Error).message)) return [];
    throw err;
  }
}
