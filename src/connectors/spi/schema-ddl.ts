/**
 * What schema conversion asks of a database: the DDL of some schemas (its import), and
 * applying converted DDL (its export to target). Parsing and printing DDL are pure and live
 * in src/schema-conversion; connectors only read and run statements.
 */

/** The DDL of the selected schemas, one statement an entry, no terminators, in dependency order. */
export interface SchemaDdlDump {
  readonly dialect: 'mysql' | 'postgres';
  /** The server's version string, for version-dependent conversion. */
  readonly serverVersion: string;
  readonly statements: readonly string[];
  /** Objects that could not be read (privileges, unsupported kinds), with why: never skipped silently. */
  readonly problems: readonly { readonly object: string; readonly message: string }[];
}

export interface DdlApplyFailure {
  /** Index into the statements given. */
  readonly index: number;
  readonly sql: string;
  /** The database's message. */
  readonly message: string;
}

export interface DdlApplyResult {
  /** Statements that ran without error (all of them undone again when `failures` is not empty). */
  readonly applied: number;
  readonly failures: readonly DdlApplyFailure[];
}

export interface SchemaDdlAccess {
  /**
   * The DDL of `schemas` (PostgreSQL schemas of the connection's database; MySQL databases):
   * MySQL/MariaDB as SHOW CREATE gives it (tables, views, triggers, procedures, functions);
   * PostgreSQL assembled from pg_catalog (CREATE SCHEMA, TYPE ... AS ENUM, SEQUENCE, TABLE,
   * ALTER TABLE ... ADD CONSTRAINT, CREATE INDEX, VIEW, FUNCTION/PROCEDURE, TRIGGER,
   * COMMENT ON). Rejects with a ConnectorError when the database cannot be reached.
   */
  dumpSchemaDdl(schemas: readonly string[], signal: AbortSignal): Promise<SchemaDdlDump>;
  /**
   * Runs `statements` in order, all or nothing: PostgreSQL in one transaction (each
   * statement under a savepoint, so every failing statement is reported, then everything is
   * rolled back); MySQL/MariaDB, whose DDL commits itself, runs them all and on any failure
   * drops what the run created, in reverse order. Resolves with the failures (empty on
   * success); rejects only when the database cannot be reached or on abort.
   */
  applyDdl(statements: readonly string[], signal: AbortSignal): Promise<DdlApplyResult>;
  close(): Promise<void>;
}
