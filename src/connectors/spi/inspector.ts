/**
 * Read-only SQL access to an endpoint for premigration assessments: the checks ask the
 * server's catalog, settings and privileges directly (wal_level, binlog_format, grants,
 * storage engines ...), which no other SPI session exposes. One connection; the caller
 * closes it. Statements are the assessment's own, never user input.
 */
export interface SqlInspector {
  /** `postgres` or `mysql` (MySQL and MariaDB share one dialect; `flavour` tells them apart). */
  readonly dialect: 'postgres' | 'mysql';
  /** `postgres`, `mysql` or `mariadb`. */
  readonly flavour: 'postgres' | 'mysql' | 'mariadb';
  /** The server's version string (`15.4`, `10.11.6-MariaDB`, `8.0.36`). */
  readonly version: string;
  /** The user the endpoint connects as. */
  readonly user: string;
  /** The database the endpoint names (PostgreSQL: the database; MySQL: the default schema, may be undefined). */
  readonly database: string | undefined;
  /**
   * Runs one statement with positional parameters (`$1` on PostgreSQL, `?` on MySQL) and
   * returns its rows as objects keyed by column name; values as the driver gives them, except
   * that MySQL BIGINT/DECIMAL come as strings. Rejects with a ConnectorError.
   */
  query<T extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly unknown[], signal: AbortSignal): Promise<T[]>;
  close(): Promise<void>;
}
