/**
 * SQL on the local test servers, for tests and benchmarks that set up, inspect and tear down
 * their own databases: PostgreSQL at 127.0.0.1:5432 as `postgres` and MariaDB at
 * 127.0.0.1:3306 as `root` (both without a password, see scripts/services/setup.sh).
 *
 * Every function opens a connection of its own and closes it again, also when the SQL fails;
 * `pgConnect` / `mariaConnect` hand out a connection for a caller that needs one session
 * across several statements (and must end it).
 */
import mysql from 'mysql2/promise';
import pg from 'pg';

/** A random suffix (`<pid>_<6 chars>`) that keeps the names of one test run's databases and roles apart from another's. */
export function uniqueSuffix(): string {
  return `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL
// ---------------------------------------------------------------------------------------

/** How a PostgreSQL session is prepared before the caller's SQL runs. */
export interface PgSession {
  /** SQL run first on the new connection, e.g. `SET TIME ZONE 'UTC'` or a connector's session settings. */
  readonly setup?: string;
}

/** A connected client to `database` as `postgres`, `session.setup` already run; the caller ends it. */
export async function pgConnect(database = 'postgres', session: PgSession = {}): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database });
  await c.connect();
  try {
    if (session.setup) await c.query(session.setup);
  } catch (e) {
    await c.end();
    throw e;
  }
  return c;
}

/** Runs `use` with a client to `database` (see `pgConnect`) and ends the client afterwards. */
export async function withPg<T>(database: string, use: (c: pg.Client) => Promise<T>, session: PgSession = {}): Promise<T> {
  const c = await pgConnect(database, session);
  try {
    return await use(c);
  } finally {
    await c.end();
  }
}

/** Runs statements (several may be separated by `;`) in `database`, by default the maintenance database `postgres`. */
export async function pgExec(sql: string, database = 'postgres'): Promise<void> {
  await withPg(database, async (c) => {
    await c.query(sql);
  });
}

/** The rows of a query in `database`, with `$1`.. bound to `params`; values parsed by node-postgres' defaults. */
export async function pgQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, sql: string, params: unknown[] = [], session: PgSession = {}): Promise<T[]> {
  return withPg(database, async (c) => (await c.query<T>(sql, params)).rows, session);
}

/** The rows of a query as arrays of the server's text forms (NULL as null), in the order of the query. */
export async function pgTextRows(database: string, sql: string, session: PgSession = {}): Promise<(string | null)[][]> {
  return withPg(
    database,
    async (c) => {
      const r = await c.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
      return r.rows as (string | null)[][];
    },
    session,
  );
}

/** Creates the database `name` (an unquoted identifier). */
export async function pgCreateDatabase(name: string): Promise<void> {
  await pgExec(`CREATE DATABASE ${name}`);
}

/** Drops the database `name` if it exists, closing any sessions still connected to it. */
export async function pgDropDatabase(name: string): Promise<void> {
  await pgExec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

// ---------------------------------------------------------------------------------------
// MariaDB
// ---------------------------------------------------------------------------------------

/** mysql2 connection options other than server and user (e.g. `database`, `multipleStatements`, `dateStrings`), and `setup`. */
export interface MariaOptions extends Omit<mysql.ConnectionOptions, 'host' | 'port' | 'user'> {
  /** SQL run first on the new connection, e.g. `SET time_zone = '+00:00'`. */
  readonly setup?: string;
}

/** Values as the server's text: utf8mb4, dates and big numbers as strings (no lossy JavaScript conversion). */
export const mariaTextValues = { charset: 'utf8mb4', dateStrings: true, supportBigNumbers: true, bigNumberStrings: true } as const satisfies MariaOptions;

/** A connection as `root` with `options`, `options.setup` already run; the caller ends it. */
export async function mariaConnect(options: MariaOptions = {}): Promise<mysql.Connection> {
  const { setup, ...connection } = options;
  const c = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', ...connection });
  try {
    if (setup) await c.query(setup);
  } catch (e) {
    await c.end();
    throw e;
  }
  return c;
}

/** Runs `use` with a connection (see `mariaConnect`) and ends the connection afterwards. */
export async function withMaria<T>(use: (c: mysql.Connection) => Promise<T>, options: MariaOptions = {}): Promise<T> {
  const c = await mariaConnect(options);
  try {
    return await use(c);
  } finally {
    await c.end();
  }
}

/**
 * Runs one statement, or several one after the other on the same connection. A single string may
 * hold several statements separated by `;` only with `multipleStatements: true`.
 */
export async function mariaExec(sql: string | readonly string[], options: MariaOptions = {}): Promise<void> {
  await withMaria(async (c) => {
    for (const s of typeof sql === 'string' ? [sql] : sql) await c.query(s);
  }, options);
}

/** The rows of a query, with `?` bound to `params` (with `multipleStatements`, the result of each statement). */
export async function mariaQuery<T = Record<string, unknown>>(sql: string, params: unknown[] = [], options: MariaOptions = {}): Promise<T[]> {
  return withMaria(async (c) => (await c.query(sql, params))[0] as T[], options);
}

/** Drops the database `name` if it exists. */
export async function mariaDropDatabase(name: string): Promise<void> {
  await mariaExec(`DROP DATABASE IF EXISTS \`${name}\``);
}
