/**
 * TableFacts from the PostgreSQL catalog (pg_class, pg_attribute, pg_index, pg_constraint),
 * for a set of tables named by two parallel arrays joined with unnest(): four queries
 * whatever the number of tables.
 */
import type { SqlInspector, TableRef } from '../../connectors/spi/index.js';
import { tableKey, type CheckConstraintFact, type ColumnFact, type FactsByTable, type ForeignKeyFact, type IndexFact, type ReferentialAction, type TableFacts } from './table-facts.js';

/** The tables asked for, as rows (schema, name) with their pg_class row. */
const wanted = `
  unnest($1::text[], $2::text[]) AS w(s, r)
  JOIN pg_catalog.pg_namespace n ON n.nspname = w.s
  JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = w.r AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`;

const actions: Readonly<Record<string, ReferentialAction>> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export async function readPostgresTableFacts(inspector: SqlInspector, tables: readonly TableRef[], signal: AbortSignal): Promise<FactsByTable> {
  const params = [tables.map((t) => t.schema), tables.map((t) => t.name)];
  const columns = await inspector.query<{ schema: string; name: string; kind: string; column: string | null; type: string | null; nullable: boolean | null; generated: boolean | null; auto: boolean | null }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
            a.attname::text AS column, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable,
            -- attgenerated: PostgreSQL 12+ (OpenDMS's source minimum); identity: 10+.
            a.attgenerated <> '' AS generated,
            (a.attidentity <> '' OR pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%') AS auto
       FROM ${wanted}
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
      ORDER BY 1, 2, a.attnum`,
    params,
    signal,
  );
  const indexes = await inspector.query<{ schema: string; name: string; index: string; primary: boolean; unique: boolean; constraint: boolean; partial: boolean; columns: string[] }>(
    `SELECT n.nspname AS schema, c.relname AS name, i.relname::text AS index, x.indisprimary AS primary, x.indisunique AS unique,
            EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid AND k.conrelid = c.oid AND k.contype IN ('u', 'x')) AS constraint,
            x.indpred IS NOT NULL AS partial,
            ARRAY(SELECT CASE WHEN x.indkey[k - 1] <> 0
                              THEN (SELECT a.attname::text FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = x.indkey[k - 1])
                              ELSE pg_catalog.pg_get_indexdef(x.indexrelid, k, true) END
                    FROM generate_series(1, x.indnkeyatts) AS k ORDER BY k) AS columns
       FROM ${wanted}
       JOIN pg_catalog.pg_index x ON x.indrelid = c.oid
       JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      ORDER BY 1, 2, 3`,
    params,
    signal,
  );
  const constraints = await inspector.query<{ schema: string; name: string; constraint: string; type: string; columns: string[]; ref_schema: string | null; ref_table: string | null; on_delete: string; on_update: string; definition: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, k.conname::text AS constraint, k.contype::text AS type,
            ARRAY(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord) AS columns,
            rn.nspname::text AS ref_schema, rc.relname::text AS ref_table,
            k.confdeltype::text AS on_delete, k.confupdtype::text AS on_update,
            pg_catalog.pg_get_constraintdef(k.oid, true) AS definition
       FROM ${wanted}
       JOIN pg_catalog.pg_constraint k ON k.conrelid = c.oid AND k.contype IN ('f', 'c')
       LEFT JOIN pg_catalog.pg_class rc ON rc.oid = k.confrelid
       LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
      ORDER BY 1, 2, 3`,
    params,
    signal,
  );

  interface Building {
    kind: TableFacts['kind'];
    partitioned: boolean;
    columns: ColumnFact[];
    primaryKey: readonly string[];
    indexes: IndexFact[];
    foreignKeys: ForeignKeyFact[];
    checks: CheckConstraintFact[];
  }
  const building = new Map<string, Building & TableRef>();
  for (const r of columns) {
    const key = tableKey(r);
    let t = building.get(key);
    if (!t) {
      t = {
        schema: r.schema,
        name: r.name,
        kind: r.kind === 'r' || r.kind === 'p' ? 'table' : r.kind === 'v' || r.kind === 'm' ? 'view' : 'other',
        partitioned: r.kind === 'p',
        columns: [],
        primaryKey: [],
        indexes: [],
        foreignKeys: [],
        checks: [],
      };
      building.set(key, t);
    }
    if (r.column !== null) {
      t.columns.push({ name: r.column, type: r.type ?? '', nullable: r.nullable !== false, generated: r.generated === true, invisible: false, autoIncrement: r.auto === true });
    }
  }
  for (const r of indexes) {
    const t = building.get(tableKey(r));
    if (!t) continue;
    if (r.primary) t.primaryKey = r.columns;
    else t.indexes.push({ name: r.index, columns: r.columns, unique: r.unique, constraint: r.constraint, partial: r.partial });
  }
  for (const r of constraints) {
    const t = building.get(tableKey(r));
    if (!t) continue;
    if (r.type === 'f') {
      t.foreignKeys.push({
        name: r.constraint,
        columns: r.columns,
        references: `${r.ref_schema ?? '?'}.${r.ref_table ?? '?'}`,
        onDelete: actions[r.on_delete] ?? 'NO ACTION',
        onUpdate: actions[r.on_update] ?? 'NO ACTION',
      });
    } else {
      t.checks.push({ name: r.constraint, definition: r.definition });
    }
  }
  return building;
}
