/** Catalog queries of MySQL and MariaDB (what DescribeSchemas and, later, table selection read). */
import type { MysqlSession } from './mysql-session.js';

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
