/** Catalog queries of PostgreSQL (what DescribeSchemas and, later, table selection read). */
import type pg from 'pg';
import type { TableInfo, TableRef } from '../spi/data-types.js';
import { neutralTypeOf, qualifiedName, type PgTypeInfo } from './postgres-types.js';

/**
 * The schemas of the connected database, system ones left out: pg_catalog,
 * information_schema, the TOAST schemas (pg_toast, pg_toast_temp_N) and the per-session
 * temporary schemas (pg_temp_N).
 */
export async function listPostgresSchemas(client: pg.Client): Promise<string[]> {
  const r = await client.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_catalog.pg_namespace
      WHERE nspname NOT IN ('pg_catalog', 'information_schema')
        AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'
      ORDER BY nspname`,
  );
  return r.rows.map((row) => row.name);
}

/** One column as the catalog describes it, its type resolved through domains to the base type. */
export interface PgColumn {
  readonly name: string;
  /** format_type of the declared type (the domain's name for a domain column). */
  readonly nativeType: string;
  readonly type: PgTypeInfo;
  /** format_type of the base type without modifier: what filter values are cast to. */
  readonly castType: string;
  readonly nullable: boolean;
  readonly generated: boolean;
}

interface ColumnRow {
  rel: string;
  name: string;
  native: string;
  notnull: boolean;
  generated: boolean;
  base_name: string;
  base_schema: string;
  base_typtype: string;
  base_typmod: number;
  base_formatted: string;
  base_cast: string;
  base_labels: string[] | null;
  elem_name: string | null;
  elem_schema: string | null;
  elem_typtype: string | null;
  elem_formatted: string | null;
  elem_labels: string[] | null;
}

/**
 * The columns of the given relations (by oid), in ordinal order, dropped ones left out.
 * A domain is followed to its base type (and modifier); a true array (the element type's
 * typarray) carries its element type.
 */
export async function readPostgresColumns(client: pg.Client, relationOids: readonly string[]): Promise<Map<string, PgColumn[]>> {
  const r = await client.query<ColumnRow>(
    `WITH RECURSIVE cols AS (
       SELECT a.attrelid, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.attgenerated
         FROM pg_catalog.pg_attribute a
        WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
     ), base AS (
       SELECT attrelid, attnum, atttypid AS typid, atttypmod AS typmod, 0 AS depth FROM cols
       UNION ALL
       SELECT b.attrelid, b.attnum, t.typbasetype, t.typtypmod, b.depth + 1
         FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid
        WHERE t.typtype = 'd' AND b.depth < 32
     ), resolved AS (
       SELECT DISTINCT ON (attrelid, attnum) attrelid, attnum, typid, typmod FROM base ORDER BY attrelid, attnum, depth DESC
     )
     SELECT c.attrelid::text AS rel, c.attname AS name, pg_catalog.format_type(c.atttypid, c.atttypmod) AS native,
            c.attnotnull AS notnull, c.attgenerated <> '' AS generated,
            bt.typname AS base_name, bn.nspname AS base_schema, bt.typtype AS base_typtype, r.typmod AS base_typmod,
            pg_catalog.format_type(r.typid, r.typmod) AS base_formatted, pg_catalog.format_type(r.typid, NULL) AS base_cast,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = r.typid) AS base_labels,
            et.typname AS elem_name, en.nspname AS elem_schema, et.typtype AS elem_typtype,
            pg_catalog.format_type(et.oid, r.typmod) AS elem_formatted,
            (SELECT array_agg(e.enumlabel::text ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = et.oid) AS elem_labels
       FROM cols c
       JOIN resolved r ON r.attrelid = c.attrelid AND r.attnum = c.attnum
       JOIN pg_catalog.pg_type bt ON bt.oid = r.typid
       JOIN pg_catalog.pg_namespace bn ON bn.oid = bt.typnamespace
       LEFT JOIN pg_catalog.pg_type et ON bt.typelem <> 0 AND et.oid = bt.typelem AND et.typarray = bt.oid
       LEFT JOIN pg_catalog.pg_namespace en ON en.oid = et.typnamespace
      ORDER BY c.attrelid, c.attnum`,
    [relationOids],
  );
  const out = new Map<string, PgColumn[]>();
  for (const row of r.rows) {
    const element: PgTypeInfo | undefined =
      row.elem_name !== null
        ? {
            name: row.elem_name,
            schema: row.elem_schema ?? '',
            typtype: row.elem_typtype ?? 'b',
            typmod: row.base_typmod,
            formatted: row.elem_formatted ?? row.elem_name,
            ...(row.elem_labels ? { labels: row.elem_labels } : {}),
          }
        : undefined;
    const type: PgTypeInfo = {
      name: row.base_name,
      schema: row.base_schema,
      typtype: row.base_typtype,
      typmod: row.base_typmod,
      formatted: row.base_formatted,
      ...(row.base_labels ? { labels: row.base_labels } : {}),
      ...(element ? { element } : {}),
    };
    const list = out.get(row.rel) ?? [];
    list.push({ name: row.name, nativeType: row.native, type, castType: row.base_cast, nullable: !row.notnull, generated: row.generated });
    out.set(row.rel, list);
  }
  return out;
}

/** The oid of `schema.name` (a table, view ...), or undefined when there is none. */
export async function relationOid(client: pg.Client, table: TableRef): Promise<string | undefined> {
  const r = await client.query<{ oid: string }>(
    `SELECT c.oid::text AS oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, table.name],
  );
  return r.rows[0]?.oid;
}

interface RelationRow {
  oid: string;
  schema: string;
  name: string;
  relkind: string;
  reltuples: number;
  bytes: string;
  heap_bytes: string;
}

/**
 * Every user table (plain and partitioned; partitions are read through their parent) and
 * view (also materialized) of the connected database, with columns, keys and estimates.
 * reltuples is -1 (PostgreSQL 14+) when the table was never vacuumed or analyzed: then the
 * planner's estimate from the table's current size stands in (0 for an empty heap).
 */
export async function listPostgresTables(client: pg.Client): Promise<TableInfo[]> {
  const rels = await client.query<RelationRow>(
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS relkind,
            c.reltuples::float8 AS reltuples, pg_catalog.pg_total_relation_size(c.oid)::text AS bytes,
            pg_catalog.pg_relation_size(c.oid)::text AS heap_bytes
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
      ORDER BY n.nspname, c.relname`,
  );
  const oids = rels.rows.map((r) => r.oid);
  const columns = await readPostgresColumns(client, oids);
  const keys = await client.query<{ rel: string; primary: boolean; cols: string[] }>(
    `SELECT i.indrelid::text AS rel, i.indisprimary AS primary,
            array(SELECT a.attname::text FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   ORDER BY k.ord) AS cols
       FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = ANY ($1::oid[]) AND i.indisunique AND i.indisvalid
        AND i.indpred IS NULL AND i.indexprs IS NULL
      ORDER BY i.indrelid, NOT i.indisprimary, ic.relname`,
    [oids],
  );
  const keysOf = new Map<string, { primary: string[]; unique: string[][] }>();
  for (const k of keys.rows) {
    const entry = keysOf.get(k.rel) ?? { primary: [], unique: [] };
    if (k.primary) entry.primary = k.cols;
    else entry.unique.push(k.cols);
    keysOf.set(k.rel, entry);
  }
  const out: TableInfo[] = [];
  for (const rel of rels.rows) {
    const isView = rel.relkind === 'v' || rel.relkind === 'm';
    let estimatedRows = Math.max(0, Math.round(rel.reltuples));
    if (rel.reltuples < 0) estimatedRows = rel.relkind === 'v' ? 0 : await plannerEstimate(client, rel);
    const k = keysOf.get(rel.oid);
    out.push({
      schema: rel.schema,
      name: rel.name,
      kind: isView ? 'view' : 'table',
      columns: (columns.get(rel.oid) ?? []).map((c) => ({
        name: c.name,
        nativeType: c.nativeType,
        type: neutralTypeOf(c.type),
        nullable: c.nullable,
        generated: c.generated,
      })),
      primaryKey: k?.primary ?? [],
      uniqueKeys: k?.unique ?? [],
      estimatedRows,
      estimatedBytes: Number(rel.bytes),
    });
  }
  return out;
}

/** The planner's row estimate of a never-analyzed table (from its size on disk); 0 when empty. */
async function plannerEstimate(client: pg.Client, rel: { schema: string; name: string; relkind: string; heap_bytes: string }): Promise<number> {
  // An empty heap: the planner would assume 10 pages; a partitioned table has no heap of its own.
  if (Number(rel.heap_bytes) === 0 && rel.relkind !== 'p') return 0;
  const r = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(
    `EXPLAIN (FORMAT JSON) SELECT 1 FROM ${qualifiedName(rel)}`,
  );
  return Math.round(r.rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0);
}
