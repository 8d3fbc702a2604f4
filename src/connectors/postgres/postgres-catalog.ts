/** Catalog queries of PostgreSQL (what DescribeSchemas and, later, table selection read). */
import type pg from 'pg';

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
