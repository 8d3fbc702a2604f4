/** Writing a target for a full load: preparing tables and bulk-loading rows. */
import type { NeutralType, Row, TableRef } from './data-types.js';

export interface TargetColumn {
  readonly name: string;
  readonly type: NeutralType;
  readonly nullable: boolean;
}

export interface TargetTableDef extends TableRef {
  readonly columns: readonly TargetColumn[];
  /** Created with the table unless the caller adds it after the load (CreatePkAfterFullLoad). */
  readonly primaryKey: readonly string[];
}

/** A notice a connector gives while creating a table (a type it had to approximate ...). */
export interface DdlNotice {
  readonly column: string;
  readonly message: string;
}

export interface TargetSession {
  tableExists(table: TableRef, signal: AbortSignal): Promise<boolean>;
  /** Creates the schema (MySQL: database) when missing. */
  ensureSchema(schema: string, signal: AbortSignal): Promise<void>;
  dropTable(table: TableRef, signal: AbortSignal): Promise<void>;
  truncateTable(table: TableRef, signal: AbortSignal): Promise<void>;
  /** Creates the table; `withPrimaryKey` false leaves the key for addPrimaryKey. */
  createTable(def: TargetTableDef, opts: { withPrimaryKey: boolean }, signal: AbortSignal): Promise<DdlNotice[]>;
  addPrimaryKey(table: TableRef, columns: readonly string[], signal: AbortSignal): Promise<void>;
  /** Opens a bulk writer on its own connection (COPY for PostgreSQL, batched inserts for MySQL). */
  openWriter(table: TableRef, columns: readonly TargetColumn[], signal: AbortSignal): Promise<TableWriter>;
  close(): Promise<void>;
}

/**
 * Bulk load into one table inside a target transaction. `commit` makes what was written so
 * far durable and starts a new transaction (DMS CommitRate); `close` commits the rest.
 */
export interface TableWriter {
  write(rows: readonly Row[]): Promise<void>;
  commit(): Promise<void>;
  close(): Promise<void>;
  /** Rolls back what is not committed and releases the connection. */
  abort(): Promise<void>;
}
